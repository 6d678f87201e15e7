"""What a draft row holds besides the report: the ``DraftInfo`` / ``SnapshotInfo`` records, the
list and score columns written with every save, and a stored report read back through the
validation gate (``empty_report`` too: a new report laid out by a template)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.findings import ERROR
from core.storage import exchange
from core.storage.schema import StorageError

if TYPE_CHECKING:  # pragma: no cover
    from core import model


@dataclass(frozen=True, slots=True)
class DraftInfo:
    """One row of the draft list (no report body)."""

    id: int
    unit: str
    year: int | None
    kind: str
    template: str
    title: str
    status: str
    updated_at: str
    deleted_at: str | None
    total: Decimal | None = None  # rule total of the main table; None when not scored
    grade: str = ""  # grade of that total; "" when not scored
    previous_id: int | None = None  # the draft this one was carried forward from
    origin_text: str = ""  # where an imported draft came from, e.g. "来自 … 的数据包 …（… 导入）"


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    id: int
    draft_id: int
    created_at: str
    description: str


# -- helpers -------------------------------------------------------------------------------
def _now() -> str:
    """Local time with its UTC offset, to the second, e.g. 2024-03-01T09:30:00+08:00."""
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def _report_json(report: model.Report) -> str:
    """``json.dumps(report_to_dict(report), ensure_ascii=False)``; the parts an edit did not
    touch come from a cache (``core.storage.report_json``), so an autosave costs the edit.
    Imported here, not at the top: the report modules are not needed before the first paint."""
    from core.storage.report_json import report_json

    return report_json(report)


def _list_columns(report: model.Report) -> dict[str, Any]:
    return {"unit": report.unit.name, "year": report.year, "kind": report.kind,
            "template": report.template, "title": report.title}


def score_main(report: model.Report):
    """The main table's score, ``core.rescoring.score_main`` (equal to
    ``score_report(report).main``, the other tables not scored, unchanged rows from the memo);
    imported on first use: opening the app needs no scoring."""
    from core.rescoring import score_main as score

    return score(report)


def _score_columns(report: model.Report) -> dict[str, Any]:
    """rule_total (decimal string) and grade of the main (first) table; NULLs when it is not
    scored (no weights, or the clerk has scored nothing yet) or when scoring fails. Only that
    table is scored (``score_main``)."""
    try:
        main = score_main(report)
        if main is None or not main.has_scores:
            return {"rule_total": None, "grade": None}
        return {"rule_total": str(main.rule_total), "grade": main.grade_text or None}  # NO_GRADE while weights do not add up
    except Exception:  # noqa: BLE001 - a scoring bug must never block a save
        return {"rule_total": None, "grade": None}


def _info(row: tuple) -> DraftInfo:
    """A DraftInfo from a row of the ``list`` query (columns in DraftInfo order)."""
    *head, total, grade, previous_id, origin = row
    try:
        total = Decimal(total) if total is not None else None
    except ArithmeticError:
        total = None
    return DraftInfo(*head, total, grade or "", previous_id,
                     exchange.origin_text(exchange.load_origin(origin)) if origin else "")


def empty_report(template_id: str, unit: str, year: int) -> model.Report:
    """An empty report laid out by the template ``template_id`` (StorageError if unusable)."""
    from core import new_report
    from core.templates import load_template

    tpl, findings = load_template(template_id)
    if tpl is None:
        first = next((f.message for f in findings if f.severity == ERROR), "")
        raise StorageError(f"模板“{template_id}”无法使用" + (f"：{first}" if first else ""))
    return new_report.empty_report(tpl, unit, year)


def _report_from_json(text: str, where: str) -> model.Report:
    """A stored report, read through the validation gate (``core.validate.loads``) like any
    report JSON coming in: a number out of bounds, NaN or nesting too deep is refused."""
    from core import validate
    from core.report_io import report_from_dict

    try:
        data = validate.loads(text)
    except validate.InputError as e:
        raise StorageError(f"{where}的内容无法读取：{e.message}") from e
    except (TypeError, ValueError, RecursionError) as e:
        raise StorageError(f"{where}的内容已损坏（不是有效的 JSON），无法读取") from e
    report, findings = report_from_dict(data, where)
    if report is None:
        first = next((f.message for f in findings if f.severity == ERROR), "")
        raise StorageError(f"{where}的内容无法读取：{first}")
    return report
