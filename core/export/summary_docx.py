"""The 汇总 as a Word file: the report's own document machinery (``core.export.docx.render``:
GB/T 9704 type, 仿宋 body, 黑体 captions, 宋体 tables with repeated header rows), on landscape
A4 pages because the summary tables are wide. Blocks: the 项目支出 and 部门整体 summary tables
with 合计 and 平均 rows, the grade counts, the notes on how totals are computed, the refused
packages and the 审核意见 of every unit (docs/summary.md). Written through ``write_output``
(temp file, then rename; Chinese message when the target is open in Word or read-only).
"""
from __future__ import annotations

from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from core.export.blocks import Cell, Document, Heading, Paragraph, Table
from core.export.output import write_output
from core.summary import text as T
from core.summary.findings import by_unit, review_opinion
from core.summary.tables import Row, Summary, Totals

R, C = "right", "center"
# schema order: what may follow w:keepNext in w:pPr
_PPR_AFTER_KEEP = ("w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr", "w:suppressLineNumbers",
                   "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                   "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                   "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                   "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                   "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                   "w:pPrChange")


def _n(i: int) -> str:
    """0 → 一, 9 → 十, 10 → 十一, 19 → 二十, 120 → 一百二十一: the (n) of a heading."""
    n = i + 1
    if n >= 1000:
        return str(n)
    digits = "零一二三四五六七八九"
    h, t, u = n // 100, n // 10 % 10, n % 10
    out = f"{digits[h]}百" if h else ""
    if t:
        out += ("" if t == 1 and not h else digits[t]) + "十"
    elif h and u:
        out += "零"
    return out + (digits[u] if u else "")


def _head(texts, align=C) -> tuple[Cell, ...]:
    return tuple(Cell(t, align=align, bold=True) for t in texts)


def _funds_cells(r) -> tuple[Cell, ...]:
    return (Cell(T.money(r.initial), align=R), Cell(T.money(r.annual), align=R),
            Cell(T.money(r.executed), align=R), Cell(T.percent(r.rate), align=R))


def _score_cells(r: Row) -> tuple[Cell, ...]:
    return (Cell(T.score(r.weight), align=R), Cell(T.score(r.rule), align=R), Cell(T.score(r.reported), align=R),
            Cell(r.grade, align=C), Cell(str(r.errors), align=R), Cell(str(r.warnings), align=R))


def _total_rows(t: Totals, lead: int, rows) -> tuple[tuple[Cell | None, ...], ...]:
    pad = (None,) * (lead - 1)
    errors = sum(r.errors for r in rows)
    warnings = sum(r.warnings for r in rows)
    total = (Cell(f"合计（{t.count} 项）", colspan=lead, align=C, bold=True), *pad, *_funds_cells(t),
             Cell(""), Cell(""), Cell(""), Cell(""), Cell(str(errors), align=R), Cell(str(warnings), align=R))
    avg = (Cell(f"平均得分（{t.scored} 项有得分）", colspan=lead, align=C, bold=True), *pad,
           Cell(""), Cell(""), Cell(""), Cell(""), Cell(""),
           Cell(T.score(t.rule_avg), align=R), Cell(T.score(t.reported_avg), align=R), Cell(""), Cell(""), Cell(""))
    return total, avg


SCORE_HEAD = ("分值", "规则得分", "自评得分", "等级", "错误", "待说明")
FUNDS_HEAD = ("年初预算数", "全年预算数", "全年执行数", "执行率")


def project_table(s: Summary) -> Table:
    header = (
        (Cell("序号", rowspan=2, align=C, bold=True), Cell("单位名称", rowspan=2, align=C, bold=True),
         Cell("预算项目名称", rowspan=2, align=C, bold=True), Cell("预算情况（万元）", colspan=4, align=C, bold=True),
         None, None, None, Cell("绩效自评情况", colspan=4, align=C, bold=True), None, None, None,
         Cell("审核发现", colspan=2, align=C, bold=True), None),
        (None, None, None, *_head(FUNDS_HEAD), *_head(SCORE_HEAD)),
    )
    rows = tuple((Cell(str(r.no), align=C), Cell(r.unit), Cell(r.name), *_funds_cells(r), *_score_cells(r))
                 for r in s.project_rows)
    if not rows:
        rows = ((Cell("（无项目支出自评表）", colspan=13, align=C), *(None,) * 12),)
    rows += _total_rows(s.project_totals, 3, s.project_rows)
    return Table("summary_projects", _caption(s, T.PROJECT_CAPTION),
                 (10, 32, 38, 20, 20, 20, 18, 12, 15, 15, 17, 13, 13), header, rows,
                 total_text=T.money(s.project_totals.executed))


def dept_table(s: Summary) -> Table:
    header = (
        (Cell("序号", rowspan=2, align=C, bold=True), Cell("部门（单位）名称", rowspan=2, align=C, bold=True),
         Cell("预算情况（万元）", colspan=4, align=C, bold=True), None, None, None,
         Cell("绩效自评情况", colspan=4, align=C, bold=True), None, None, None,
         Cell("审核发现", colspan=2, align=C, bold=True), None),
        (None, None, *_head(FUNDS_HEAD), *_head(SCORE_HEAD)),
    )
    rows = tuple((Cell(str(r.no), align=C), Cell(r.unit), *_funds_cells(r), *_score_cells(r)) for r in s.dept_rows)
    if not rows:
        rows = ((Cell("（无部门整体支出自评报告）", colspan=12, align=C), *(None,) * 11),)
    rows += _total_rows(s.dept_totals, 2, s.dept_rows)
    return Table("summary_departments", _caption(s, T.DEPT_CAPTION), (10, 58, 22, 22, 22, 19, 12, 16, 16, 20, 13, 13),
                 header, rows, total_text=T.money(s.dept_totals.executed))


def grade_table(s: Summary) -> Table:
    header = (_head(("等级", "部门整体（个）", "项目（个）", "合计")),)
    rows = tuple((Cell(g.label, align=C), Cell(str(g.dept), align=R), Cell(str(g.project), align=R),
                  Cell(str(g.dept + g.project), align=R)) for g in s.grade_counts)
    rows += ((Cell("合计", align=C, bold=True), Cell(str(len(s.dept_rows)), align=R),
              Cell(str(len(s.project_rows)), align=R), Cell(str(len(s.dept_rows) + len(s.project_rows)), align=R)),)
    return Table("summary_grades", T.GRADE_CAPTION, (40, 40, 40, 40), header, rows)


def _caption(s: Summary, name: str) -> str:
    return f"{s.year}年度{name}（单位：万元）" if s.year else f"{name}（单位：万元）"


def findings_table(items) -> Table:
    """One unit's findings: 序号, 类别, 位置, 问题, 建议."""
    header = (_head(("序号", "类别", "位置", "问题", "修改建议")),)
    rows = tuple((Cell(str(i), align=C), Cell(f.severity_label, align=C), Cell(_where(f)), Cell(f.message),
                  Cell(f.fix)) for i, f in enumerate(items, start=1))
    return Table("summary_findings", "", (12, 16, 60, 95, 60), header, rows)


def _where(f) -> str:
    return "：".join(x for x in (f.table, f.row) if x) or "报告"


def summary_document(s: Summary, *, refused=(), bureau: str = "") -> Document:
    """The layout blocks of the 汇总 (the same records ``core.export.docx.render`` draws)."""
    units = {r.unit for r in s.reports}
    blocks: list = [Paragraph(f"本次汇总共 {len(units)} 个单位的 {len(s.reports)} 份自评报告："
                              f"部门整体支出 {len(s.dept_rows)} 份，项目支出自评表 {len(s.project_rows)} 张"
                              + (f"；另有 {len(refused)} 个数据包未能读取（见文末）。" if refused else "。"))]
    blocks += [project_table(s), dept_table(s), grade_table(s)]
    blocks += [Heading(1, "一、", "说明")]
    blocks += [Paragraph(f"{i + 1}. {note}") for i, note in enumerate(T.NOTES)]
    blocks.append(Heading(1, "二、", T.FINDINGS_CAPTION))
    grouped = by_unit(s.findings)
    for j, r in enumerate(s.reports):
        name = f"{r.unit}{f'{r.year}年度' if r.year else ''}{r.kind_label}自评报告"
        blocks.append(Heading(2, f"（{_n(j)}）", name))
        items = grouped.get(r.key, [])
        lines = review_opinion(items, unit=r.unit, title=r.title).split("\n")
        blocks.append(Paragraph(lines[1] if len(lines) > 1 else lines[0]))
        if items:
            blocks.append(findings_table(items))
    if refused:
        blocks.append(Heading(1, "三、", "未能读取的数据包"))
        blocks += [Paragraph(f"{i + 1}. {x.label}：{x.reason}") for i, x in enumerate(refused)]
    return Document(T.title_of(s.year), bureau, tuple(blocks), False, ())


def render_summary(s: Summary, *, refused=(), bureau: str = ""):
    """The python-docx Document: the report's renderer, then landscape A4 pages."""
    from core.export.docx import render

    doc = render(summary_document(s, refused=refused, bureau=bureau))
    body = list(doc.element.body)
    for el, nxt in zip(body, body[1:]):  # the line that introduces a table stays on its page
        if el.tag == qn("w:p") and nxt.tag == qn("w:tbl"):
            el.get_or_add_pPr().insert_element_before(OxmlElement("w:keepNext"), *_PPR_AFTER_KEEP)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(28), Mm(26), Mm(27), Mm(27)
    return doc


def write_summary_docx(summary: Summary, path: str | Path, *, refused=(), bureau: str = "") -> Path:
    """Write the 汇总 to ``path`` (.docx); raises ``ExportError`` (Chinese) if it cannot."""
    doc = render_summary(summary, refused=refused, bureau=bureau)
    return write_output(path, lambda tmp: doc.save(str(tmp)))


def write_opinion_docx(text: str, path: str | Path) -> Path:
    """One unit's 审核意见 (the text ``review_opinion`` wrote) as a Word file to send back, through
    the report's document machinery (GB/T 9704): the unit over the title 审核意见, then one
    paragraph a line."""
    from core.export.docx import render

    lines = text.split("\n")
    doc = render(Document("审核意见", lines[0].rstrip("：:"), tuple(Paragraph(x) for x in lines[1:]), False, ()))
    return write_output(Path(path), lambda tmp: doc.save(str(tmp)))
