"""Carry a report forward: start next year's draft of the same unit from last year's report.

``next_year_draft(last)`` keeps the overview, goals and indicator tables with their targets
and weights; clears actuals, scores, explanations and everything measured in the old year;
moves this year's figures into the last-year column. It returns the draft together with the
where-paths (the format of findings, e.g. ``table/groups/0/children/1/children/2/weight``) of
every carried number and carried target text, so the wizard can mark them for review; the draft
keeps the same paths in ``Report.carried`` until the clerk edits or confirms each value.

No Qt, no storage: a pure function over ``core.model`` records.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from core import figures as fig
from core import model

_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


def _title(title: str, last_year: int | None, year: int | None) -> str:
    """Replace the report year inside the title; '' when the title names no year."""
    if year is None:
        return ""
    if last_year is not None and re.search(rf"(?<!\d){last_year}(?!\d)", title):
        return re.sub(rf"(?<!\d){last_year}(?!\d)", str(year), title)
    if _YEAR.search(title):
        return _YEAR.sub(str(year), title, count=1)
    return ""


def _indicator(leaf: model.Indicator, where: str, marks: list[str]) -> model.Indicator:
    if leaf.target.strip():
        marks.append(f"{where}/target")
    if leaf.weight is not None:
        marks.append(f"{where}/weight")
    return model.Indicator(
        name=leaf.name, target=leaf.target, weight=leaf.weight, direction=leaf.direction,
        unit=leaf.unit, basis=leaf.basis, formula=leaf.formula)


def _group(group: model.IndicatorGroup, where: str, marks: list[str]) -> model.IndicatorGroup:
    if group.stated_weight is not None:
        marks.append(f"{where}/stated_weight")
    children = []
    for i, child in enumerate(group.children):
        cw = f"{where}/children/{i}"
        if isinstance(child, model.Indicator):
            children.append(_indicator(child, cw, marks))
        else:
            children.append(_group(child, cw, marks))
    return model.IndicatorGroup(group.name, group.stated_weight, tuple(children))


def _funds(funds: model.FundsBlock | None, where: str, marks: list[str]) -> model.FundsBlock | None:
    if funds is None:
        return None
    if funds.weight is not None:
        marks.append(f"{where}/funds/weight")
    return model.FundsBlock(rows=tuple(model.FundsRow(r.label) for r in funds.rows),
                            weight=funds.weight)


def _table(table: model.SelfEvalTable | None, where: str,
           marks: list[str]) -> model.SelfEvalTable | None:
    if table is None:
        return None
    return model.SelfEvalTable(
        name=table.name, supervisor=table.supervisor, implementer=table.implementer,
        funds=_funds(table.funds, where, marks),
        goal=model.Goal(expected=table.goal.expected),
        groups=tuple(_group(g, f"{where}/groups/{i}", marks) for i, g in enumerate(table.groups)),
        template=table.template)


def _figures(old: model.Figures, marks: list[str]) -> model.Figures:
    """This year's known figures become last year's; old _last and _budget values are dropped."""
    moved: dict[str, Decimal] = {}
    for key, value in old.items:
        if fig.is_known(key) and fig.split_key(key)[1] == "":
            moved[key + "_last"] = value
    out = model.Figures.of(moved)
    marks.extend(f"figures/{k}" for k, _ in out.items)
    return out


def installed_version(template_id: str, templates=None) -> str:
    """The ``template_version`` of the edition of ``template_id`` installed now ("" when none)."""
    from core.templates import default_set

    try:
        tpl, _ = (templates or default_set()).get(template_id)
    except Exception:  # noqa: BLE001 - a template that does not load records no version
        return ""
    return tpl.template_version if tpl is not None else ""


def next_year_draft(last: model.Report, templates=None) -> tuple[model.Report, tuple[str, ...]]:
    """Next year's draft from ``last`` and the where-paths of every carried number/target.

    The draft is written with the edition of the template installed now (``template_version``),
    not the one last year's report was written with; ``templates`` a ``TemplateSet`` (default
    ``core.templates.default_set()``)."""
    marks: list[str] = []
    year = last.year + 1 if last.year is not None else None
    for name in ("authorized_staff", "actual_staff"):
        if getattr(last.overview, name) is not None:
            marks.append(f"overview/{name}")
    figures = _figures(last.figures, marks)
    lines = []
    for i, line in enumerate(last.fund_lines):
        if line.final is not None:
            marks.append(f"fund_lines/{i}/last_final")
        lines.append(model.FundLine(line.name, last_final=line.final, parent=line.parent))
    table = _table(last.table, "table", marks)
    projects = tuple(_table(p, f"projects/{i}", marks) for i, p in enumerate(last.projects))
    framework = _table(last.framework, "framework", marks)
    draft = model.Report(
        schema_version=last.schema_version, template=last.template,
        template_version=installed_version(last.template, templates), kind=last.kind, year=year,
        title=_title(last.title, last.year, year), unit=last.unit, overview=last.overview,
        figures=figures, fund_lines=tuple(lines), goal=model.Goal(expected=last.goal.expected),
        table=table, projects=projects, framework=framework,
        signatories=replace(last.signatories, date=""), carried=tuple(marks))
    return draft, tuple(marks)


def renumber(report: model.Report, list_path: str, new_index) -> model.Report:
    """Keep ``report.carried`` on the same values after rows of ``list_path`` moved.

    ``new_index(i)`` gives the new position of item ``i`` of the list, or None when the item was
    deleted (its carried paths are dropped). Paths outside the list are unchanged.
    """
    if not report.carried:
        return report
    head = list_path.rstrip("/") + "/"
    out = []
    for path in report.carried:
        if not path.startswith(head):
            out.append(path)
            continue
        index, sep, rest = path[len(head):].partition("/")
        if not index.isdigit():
            out.append(path)
            continue
        moved = new_index(int(index))
        if moved is not None:
            out.append(f"{head}{moved}{sep}{rest}")
    return replace(report, carried=tuple(out))


def after_insert(row: int):
    return lambda i: i + 1 if i >= row else i


def after_delete(row: int):
    return lambda i: None if i == row else (i - 1 if i > row else i)


def after_move(row: int, to: int):
    def new_index(i: int) -> int:
        if i == row:
            return to
        if row < to and row < i <= to:
            return i - 1
        if to < row and to <= i < row:
            return i + 1
        return i
    return new_index
