"""Gathering reports for a 汇总: packages (``.jxpkg``) and drafts in, one ``UnitReport`` per
report out, each checked on arrival with the clerk's own 审核 (``core.scoring.score_report`` +
``core.checks.run_checks``, exactly what the 审核 page runs). A bad package is a ``Refused``
entry with the package reader's Chinese reason; the rest go on. Never raises for bad input;
one pass over the input (docs/summary.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable, Sequence

from core import model
from core.checks import run_checks
from core.findings import ERROR, WARNING, Finding
from core.package import format as PF
from core.package.reader import read_package, reports_of
from core.report_digest import report_digest
from core.scoring import score_report
from core.scoring_records import ReportScore, TableResult
from core.templates import default_set

KIND_LABELS = {model.DEPARTMENT: "部门整体", model.PROJECT: "项目"}


@dataclass(frozen=True)
class Source:
    """Where reports come from: a package file, or a draft already in the database."""
    path: Path | None = None
    draft_id: int | None = None

    @property
    def label(self) -> str:
        return self.path.name if self.path is not None else f"草稿 #{self.draft_id}"


def sources_from(paths: Iterable[Path]) -> list[Source]:
    """One ``Source`` per package: a folder gives its ``*.jxpkg`` (not its subfolders), sorted by
    name; a file is taken as it is (a wrong one is refused by ``gather`` with its reason)."""
    out: list[Source] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            try:
                found = sorted((c for c in p.iterdir() if c.suffix.lower() == PF.SUFFIX and c.is_file()),
                               key=lambda c: c.name)
            except OSError:
                found = []
            out.extend(Source(path=c) for c in found)
        else:
            out.append(Source(path=p))
    return out


@dataclass(frozen=True)
class Funds:
    """年初预算数 / 全年预算数 / 全年执行数 (万元) of a table's 年度资金总额 row."""
    initial: Decimal | None = None
    annual: Decimal | None = None
    executed: Decimal | None = None


@dataclass(frozen=True)
class TableFigures:
    """One scored table of a report, as a summary row needs it."""
    where: str  # table, projects/0, framework
    name: str
    funds: Funds
    weight: Decimal | None  # 分值合计 (None for a table without weights)
    rule_total: Decimal | None
    reported_total: Decimal | None  # the rows' scores added up
    stated_total: Decimal | None  # the total the table prints
    grade: str  # the rule grade, NO_GRADE while the weights do not add up, "" when not scored
    bands: tuple[str, ...] = ()  # its template's grade labels, highest first (优, 良, 中, 差)


@dataclass(frozen=True)
class UnitReport:
    key: str
    uid: str
    unit: str
    year: int | None
    kind: str
    kind_label: str
    title: str
    report: model.Report = field(repr=False)
    digest: str
    digest_ok: bool | None  # the package's recorded digest vs recomputed; None: nothing recorded
    rule_total: Decimal | None
    reported_total: Decimal | None
    stated_total: Decimal | None
    grade: str
    errors: int
    warnings: int  # warnings not yet answered
    findings: tuple[Finding, ...] = field(repr=False)
    source: Source
    label: str
    saved_at: str
    funds: Funds
    weight: Decimal | None = None
    supervisor: str = ""
    tables: tuple[TableFigures, ...] = field(default=(), repr=False)  # every scored table
    headline: str = ""  # where of the table the totals above come from


@dataclass(frozen=True)
class Refused:
    source: Source
    label: str
    reason: str


@dataclass(frozen=True)
class GatherResult:
    reports: list[UnitReport]
    refused: list[Refused]
    cancelled: bool = False


def report_key(unit: str, year: int | None, kind: str, title: str) -> str:
    """Same unit, year, kind and title → same key (spaces do not count). A unit hands in one
    部门整体 report a year, so for that kind the title is left out: a corrected version whose
    title was reworded is still a version of the same report."""
    def norm(s: str) -> str:
        return "".join(s.split())
    return f"{norm(unit)}|{year or ''}|{kind}|{'' if kind == model.DEPARTMENT else norm(title)}"


def _funds(report: model.Report, table: model.SelfEvalTable | None, use_figures: bool) -> Funds:
    total = table.funds.total if table is not None and table.funds is not None else None
    if total is not None and (total.initial, total.annual, total.executed) != (None, None, None):
        return Funds(total.initial, total.annual, total.executed)
    if use_figures:  # a department report without a funds block: its 基础数据
        f = report.figures
        return Funds(f.get("initial_budget"), f.get("annual_budget"), f.get("executed"))
    return Funds()


def _table_figures(report: model.Report, t: TableResult, table: model.SelfEvalTable | None,
                   use_figures: bool) -> TableFigures:
    scored = t.scored
    return TableFigures(t.where, t.name or (table.name if table else ""),
                        _funds(report, table, use_figures),
                        t.weight_total if scored else None,
                        t.rule_total if t.has_scores else None,
                        t.reported_total if t.has_scores else None,
                        t.stated_total, t.grade_text, _bands(t.template))


def _bands(template_id: str) -> tuple[str, ...]:
    tpl, _ = default_set().get(template_id)
    if tpl is None:
        return ()
    return tuple(g.label for g in sorted(tpl.grades, key=lambda g: g.low, reverse=True))


def headline_table(report: model.Report, score: ReportScore) -> TableResult | None:
    """The table a report's totals come from: a department report's 自评表, else its 评分表;
    a project report's 自评表; else the first scored table."""
    by_where = {t.where: t for t in score.tables}
    order = ("table", "framework") if report.kind == model.DEPARTMENT else ("table",)
    for w in order:
        if w in by_where and by_where[w].scored:
            return by_where[w]
    for w in order:
        if w in by_where:
            return by_where[w]
    return score.main


def unit_report(report: model.Report, *, uid: str, source: Source, label: str, saved_at: str,
                recorded_digest: str | None, digest: str | None = None) -> UnitReport:
    """Score and check ``report`` (the 审核 page's functions) and make its summary record."""
    score = score_report(report)
    found = tuple(run_checks(report, score))
    tables_by_where = dict(report.tables())
    head = headline_table(report, score)
    dept = report.kind == model.DEPARTMENT
    tables = tuple(_table_figures(report, t, tables_by_where.get(t.where),
                                  dept and head is not None and t.where == head.where)
                   for t in score.tables)
    h = next((t for t in tables if head is not None and t.where == head.where), None)
    digest = digest or report_digest(report)
    unit = report.unit.name
    return UnitReport(
        key=report_key(unit, report.year, report.kind, report.title), uid=uid, unit=unit,
        year=report.year, kind=report.kind, kind_label=KIND_LABELS.get(report.kind, report.kind),
        title=report.title, report=report, digest=digest,
        digest_ok=None if not recorded_digest else recorded_digest == digest,
        rule_total=h.rule_total if h else None, reported_total=h.reported_total if h else None,
        stated_total=h.stated_total if h else None, grade=h.grade if h else "",
        errors=sum(1 for f in found if f.severity == ERROR),
        warnings=sum(1 for f in found if f.severity == WARNING and not f.answered),
        findings=found, source=source, label=label, saved_at=saved_at,
        funds=h.funds if h else _funds(report, None, dept), weight=h.weight if h else None,
        supervisor=report.unit.supervisor, tables=tables, headline=head.where if head else "")


def _from_package(source: Source) -> tuple[list[UnitReport], Refused | None]:
    label = source.path.name
    package, findings = read_package(source.path)
    if package is None:
        return [], Refused(source, label, _reason(findings))
    incomings, findings = reports_of(package)
    if not incomings:
        return [], Refused(source, label, _reason(findings))
    listed = package.manifest.get("reports") or []
    out = []
    for entry, inc in zip(listed, incomings):
        recorded = entry.get("digest") if isinstance(entry.get("digest"), str) else None
        out.append(unit_report(inc.report, uid=inc.uid, source=source, label=label,
                               saved_at=package.created_at, recorded_digest=recorded, digest=inc.digest))
    return out, None


def _reason(findings: Sequence[Finding]) -> str:
    errors = [f for f in findings if f.severity == ERROR] or list(findings)
    if not errors:
        return "数据包中没有可汇总的报告"
    text = errors[0].message
    detail = next((f.message for f in errors[1:]), "")
    return f"{text}（{detail}）" if detail else text


def _from_draft(source: Source, storage, infos: dict) -> tuple[list[UnitReport], Refused | None]:
    label = source.label
    if storage is None:
        return [], Refused(source, label, "没有打开草稿库，无法读取草稿")
    try:
        report = storage.get(source.draft_id)
        uid, _history = storage.exchange_info(source.draft_id)
    except Exception as e:  # noqa: BLE001 - a StorageError (or worse) refuses this draft only
        return [], Refused(source, label, f"无法读取草稿：{e}")
    info = infos.get(source.draft_id)
    return [unit_report(report, uid=uid, source=source, label=label,
                        saved_at=getattr(info, "updated_at", "") or "", recorded_digest=None)], None


def gather(sources: Sequence[Source], storage=None, *,
           progress: Callable[[int, int, str], None] | None = None,
           cancelled: Callable[[], bool] | None = None) -> GatherResult:
    """Read, check and score every source in order. ``progress(done, total, label)`` is called
    after each source; ``cancelled()`` is asked before each one (True stops: what was read so
    far is returned with ``cancelled=True``)."""
    reports: list[UnitReport] = []
    refused: list[Refused] = []
    infos: dict = {}
    if storage is not None and any(s.draft_id is not None for s in sources):
        try:
            infos = {i.id: i for i in storage.list(include_deleted=True)}
        except Exception:  # noqa: BLE001 - the dates are only shown
            infos = {}
    total = len(sources)
    for n, source in enumerate(sources):
        if cancelled is not None and cancelled():
            return GatherResult(reports, refused, True)
        try:
            if source.path is not None:
                got, bad = _from_package(source)
            elif source.draft_id is not None:
                got, bad = _from_draft(source, storage, infos)
            else:
                got, bad = [], Refused(source, "（空）", "没有给出数据包或草稿")
        except Exception as e:  # noqa: BLE001 - one bad source never stops the others
            got, bad = [], Refused(source, source.label, f"读取时出错（{type(e).__name__}），已跳过；"
                                                          "请把该文件发给软件维护人员")
        reports.extend(got)
        if bad is not None:
            refused.append(bad)
        if progress is not None:
            progress(n + 1, total, source.label)
    return GatherResult(reports, refused, False)
