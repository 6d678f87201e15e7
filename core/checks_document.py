"""审核 rules about the document's content (domain.md §8, items 10b–11): outline sections that
are empty (SECTION_EMPTY, NARRATIVE_MISSING), rows and text left from the form (PLACEHOLDER_ROW,
PLACEHOLDER_LEFT) and tables lined up with spaces (TABLE_SPACES).

The rules take the ``core.checks.Context`` and are registered in ``core.checks.RULES``;
``is_placeholder_row`` and ``section_has_text`` are also what the exporter prints by.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from core import model
from core.findings import ERROR, HINT, WARNING, Finding

if TYPE_CHECKING:
    from core.checks import Context


# -- 10b. sections the outline requires ---------------------------------------------------------
#: outline feeds that are 部门概况 fields, and the Overview attribute each prints (export too)
OVERVIEW_FEEDS = {"overview.duties": "duties", "overview.organization": "organization",
                  "overview.staffing": "staffing"}


def section_has_text(report: model.Report, node) -> bool:
    """Does an outline node print any text of its own (its section, or the overview fields it is fed)?"""
    if report.section(node.key).strip():
        return True
    return any(getattr(report.overview, OVERVIEW_FEEDS[f]).strip() for f in node.feeds if f in OVERVIEW_FEEDS)


def check_sections(ctx: Context) -> Iterator[Finding]:
    """A required outline section (no children, no tables placed in it) with no text is an error:
    nothing invents “无。” for the clerk. An optional one (``"optional": true``) is left out."""
    tpl = ctx.main_template
    if tpl is None:
        return
    nodes = [node for _, node in tpl.outline_nodes()]
    if not any(section_has_text(ctx.report, node) for node in nodes) \
            and not any(s.text.strip() for s in ctx.report.sections):
        # no text at all: a table checked or imported on its own (jixiao check table.csv), not yet a report
        if any(not (n.children or n.tables or n.optional) for n in nodes):
            yield Finding("NARRATIVE_MISSING", WARNING, "sections",
                          "报告正文还没有填写，导出的报告只有各节标题和表格",
                          "在“报告正文”中填写各节；只审核表格时可不理会")
        return
    titles = {s.key: s.title for s in ctx.report.sections}
    for node in nodes:
        if node.children or node.tables or node.optional or section_has_text(ctx.report, node):
            continue
        title = titles.get(node.key) or node.title
        yield Finding("SECTION_EMPTY", ERROR, f"sections/{node.key}", f"报告正文“{title}”一节还没有内容",
                      "在“报告正文”中填写这一节；确实没有可写的，写明“无”及原因")


# -- 11–12. placeholders, grade --------------------------------------------------------------
_PLACEHOLDER = re.compile(r"^(……+|\.{3,}|…+)$|指标\s*\d+\s*[:：]\s*\.*\s*$|^指标\s*\d+$|#DIV/0!|#VALUE!|#REF!|#N/A|XXX|某某|^nan$|^None$",
                          re.IGNORECASE)
# every text _PLACEHOLDER can match holds one of these characters; most names, values and lines
# hold none, and one character class is searched much faster than the whole pattern
_PLACEHOLDER_HINT = re.compile(r"[….#指XxNn某]")


def _placeholder(text: str) -> bool:
    return _PLACEHOLDER_HINT.search(text) is not None and _PLACEHOLDER.search(text) is not None


def is_placeholder_row(leaf: model.Indicator) -> bool:
    """A row left from the form: no value at all, and a name that is empty or a placeholder
    (“……”, “指标2：.....”). Warned about (PLACEHOLDER_ROW) and never printed (core/export/layout.py)."""
    if leaf.weight is not None or leaf.score is not None or leaf.target.strip() or leaf.actual.strip() \
            or leaf.deviation_note.strip() or leaf.basis.strip() or leaf.formula:
        return False
    name = leaf.name.strip()
    return not name or _placeholder(name)


def _row_where(where: str, gi: int, path) -> str:
    """A row's location (written out only for a finding: most rows have none)."""
    return f"{where}/groups/" + "/children/".join(str(p) for p in (gi, *path))


def check_placeholders(ctx: Context) -> Iterator[Finding]:
    for where, table in ctx.report.tables():
        for gi, g in enumerate(table.groups):
            for path, leaf in g.leaves():
                if is_placeholder_row(leaf):
                    what = f"空的模板占位行“{leaf.name.strip()}”" if leaf.name.strip() else "既无指标名称也无任何数值的空行"
                    yield Finding("PLACEHOLDER_ROW", WARNING, _row_where(where, gi, path),
                                  f"表中留有{what}，导出时不会印出",
                                  "删除该行，或填写真实的指标内容")
                    continue
                for field in ("name", "target", "actual", "deviation_note"):
                    text = getattr(leaf, field).strip()
                    if text and _placeholder(text):
                        yield Finding("PLACEHOLDER_LEFT", ERROR, f"{_row_where(where, gi, path)}/{field}",
                                      f"表中留有模板占位内容“{text}”", "改为真实的指标内容或数值")
                        break
    for s in ctx.report.sections:
        for line in s.text.splitlines():
            if line.strip() and _placeholder(line.strip()):
                yield Finding("PLACEHOLDER_LEFT", ERROR, f"sections/{s.key}",
                              f"正文留有占位内容“{line.strip()[:20]}”", "删除或改写为真实内容")
                break


def check_space_tables(ctx: Context) -> Iterator[Finding]:
    """Text lined up with spaces prints as spread-out words: paste the table with tabs instead."""
    from core.narrative import looks_space_aligned
    for s in ctx.report.sections:
        if looks_space_aligned(s.text):
            yield Finding("TABLE_SPACES", HINT, f"sections/{s.key}",
                          "正文中有几行像是用空格对齐的表格，导出后会印成分散的文字，不会成为表格",
                          "从 Word/Excel 复制整个表格后粘贴（单元格之间是制表符），或改写为文字")
