"""The findings list of a 汇总 (docs/summary.md): every error and unanswered warning of the
reports that count, with the unit, the table and the row, and the 审核意见 a bureau sends back.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from core import figures as fig
from core import model
from core.findings import ERROR, WARNING
from core.templates import default_set

SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告"}
_AREAS = {"figures": "基础数据", "fund_lines": "资金明细", "overview": "部门概况", "sections": "报告正文",
          "goal": "年度总体目标", "unit": "单位信息", "signatories": "签字栏", "stated": "正文中的数字",
          "explanations": "说明", "template": "模板", "carried": "沿用上年"}
_FUND_COLUMNS = {"final": "决算数", "budget": "预算数", "last_final": "上年决算数"}
_TABLE_PARTS = {"stated_total": "合计得分", "stated_grade": "等级", "goal": "年度总体目标",
                "funds": "预算执行率（资金）", "name": "名称"}


@dataclass(frozen=True)
class SummaryFinding:
    unit: str
    key: str
    title: str
    table: str  # e.g. 自评表“某某局”, 项目自评表“业务费”, 基础数据
    row: str  # e.g. 产出指标 / 数量指标 / 培训人次, or a figure's name
    severity: str  # error / warning
    code: str
    message: str
    fix: str
    where: str = ""  # the finding's path in the report: opens the report at it
    label: str = ""  # the package file or 草稿 #id
    year: int | None = None
    kind_label: str = ""

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, self.severity)


def locate(report: model.Report, where: str) -> tuple[str, str]:
    """(table, row) in words for a finding's ``where`` path."""
    parts = [p for p in where.split("/") if p]
    if not parts:
        return "报告", ""
    table = None
    if parts[0] in ("table", "framework"):
        table, rest = getattr(report, parts[0]), parts[1:]
        head = parts[0]
    elif parts[0] == "projects" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(report.projects):
        table, rest, head = report.projects[int(parts[1])], parts[2:], "projects/0"
    if table is None:
        area = _AREAS.get(parts[0], parts[0])
        row = ""
        if parts[0] == "figures" and len(parts) > 1:
            row = fig.label(parts[1])
        elif parts[0] == "sections" and len(parts) > 1:
            row = _section_title(report, parts[1])
        elif parts[0] == "fund_lines" and len(parts) > 1:
            row = _FUND_COLUMNS.get(parts[-1], "/".join(parts[1:]))
        elif len(parts) > 1 and fig.is_known(parts[-1]):
            row = fig.label(parts[-1])
        elif len(parts) > 1:
            row = "/".join(parts[1:])
        return area, row
    name = f"{report.table_kind(head)}“{table.name}”" if table.name else report.table_kind(head)
    return name, _row_in(table, rest)


def _section_title(report: model.Report, key: str) -> str:
    """The title a clerk sees for section ``key``: the report's own, else the template outline's
    (a key such as ``effect`` never reaches the 审核意见)."""
    for s in report.sections:
        if s.key == key and s.title:
            return s.title
    try:
        tpl, _ = default_set().get(report.template, report.template_version)
    except Exception:  # noqa: BLE001 - a name is a nicety; the finding itself stands
        tpl = None
    for top in (tpl.outline if tpl is not None else ()):
        for _, node in top.walk():
            if node.key == key and node.title:
                return node.title
    return ""


def _row_in(table: model.SelfEvalTable, rest: list[str]) -> str:
    if not rest:
        return ""
    if rest[0] != "groups":
        return _TABLE_PARTS.get(rest[0], "/".join(rest))
    names, node, i = [], None, 0
    children = table.groups
    while i + 1 < len(rest) and rest[i] in ("groups", "children") and rest[i + 1].isdigit():
        k = int(rest[i + 1])
        if k >= len(children):
            break
        node = children[k]
        names.append(node.name)
        children = getattr(node, "children", ())
        i += 2
    return " / ".join(n for n in names if n)


def findings_of(entries, selection=None) -> list["SummaryFinding"]:
    """Errors and unanswered warnings of the reports the selection takes, by unit (errors
    first within a report)."""
    from core.summary.tables import Selection, selected

    out = []
    reports = sorted(selected(entries, selection or Selection()), key=lambda r: (r.unit, r.kind, r.title, r.key))
    for r in reports:
        for f in r.findings:
            if f.severity == ERROR or (f.severity == WARNING and not f.answered):
                table, row = locate(r.report, f.where)
                out.append(SummaryFinding(r.unit, r.key, r.title, table, row, f.severity, f.code, f.message,
                                          f.fix, f.where, r.label, r.year, r.kind_label))
    return out


def by_unit(findings: Iterable[SummaryFinding]) -> dict[str, list[SummaryFinding]]:
    """Findings grouped by report key, in order."""
    out: dict[str, list[SummaryFinding]] = {}
    for f in findings:
        out.setdefault(f.key, []).append(f)
    return out


def _place(f: SummaryFinding) -> str:
    """Where, in words; the row is left out when the message already names it."""
    row = f.row if f.row and f.row not in f.message else ""
    return "，".join(x for x in (f.table, row) if x)


def review_opinion(unit_findings: Iterable[SummaryFinding], unit: str = "", title: str = "") -> str:
    """The 审核意见 for one unit's report: numbered, errors (须修改) before warnings (须说明)."""
    found = list(unit_findings)
    first = found[0] if found else None
    unit = unit or (first.unit if first else "")
    title = title or (first.title if first else "")
    what = f"《{title}》" if title else (f"{first.year or ''}年度{first.kind_label}自评报告" if first else "自评报告")
    head = f"{unit}：\n" if unit else ""
    if not found:
        return f"{head}经审核，你单位报送的{what}未发现需要修改的问题，予以接收。"
    errors = [f for f in found if f.severity == ERROR]
    warnings = [f for f in found if f.severity != ERROR]
    lines = [f"{head}经审核，你单位报送的{what}存在以下问题，请核实修改后重新报送："]
    sections = []
    if errors:
        sections.append(("须修改的错误", errors))
    if warnings:
        sections.append(("须核实并书面说明的问题", warnings))
    for n, (name, items) in enumerate(sections):
        lines.append(f"{'一二'[n]}、{name}（{len(items)} 项）")
        for i, f in enumerate(items, start=1):
            place = _place(f)
            fix = f"建议：{f.fix}" if f.fix else ""
            lines.append(f"{i}. {place + '：' if place else ''}{f.message}。{fix}".replace("。。", "。"))
    return "\n".join(lines)


def filter_findings(findings: Iterable[SummaryFinding], *, severity: str | None = None,
                    unit: str | None = None) -> list[SummaryFinding]:
    """The findings of one severity (``error`` / ``warning``) and/or one unit; None = all."""
    return [f for f in findings if (severity is None or f.severity == severity) and (unit is None or f.unit == unit)]
