"""The 汇总 as an Excel workbook (openpyxl), docs/summary.md: one sheet per table
(项目支出汇总, 部门整体汇总, 等级分布) and a 审核意见 sheet with every finding. Numbers are real
numbers with number formats (0.00 for amounts and scores, 0.00% for rates), never text and
never a formula: a total is written as its value, and an empty denominator as "—" (no
``#DIV/0!`` can appear). Frozen header rows, column widths, an auto filter on the findings.
Texts are written as texts (a unit called “=1+1” is not a formula; control characters that
Excel refuses are dropped). Written through ``write_output``: temp file, then rename, a Chinese
message when the file is open in Excel/WPS or read-only, the old file untouched.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.export.output import write_output
from core.summary import text as T
from core.summary.findings import SummaryFinding
from core.summary.tables import Row, Summary, Totals

MONEY, RATE, SCORE, INT = "#,##0.00", "0.00%", "0.00", "0"
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
FONT = "宋体"

PROJECT_COLUMNS = (("序号", 6, INT), ("单位名称", 28, None), ("预算项目名称", 34, None),
                   ("年初预算数（万元）", 14, MONEY), ("全年预算数（万元）", 14, MONEY), ("全年执行数（万元）", 14, MONEY),
                   ("执行率", 10, RATE), ("分值", 8, SCORE), ("规则得分", 10, SCORE), ("自评得分", 10, SCORE),
                   ("等级", 10, None), ("错误", 7, INT), ("待说明警告", 10, INT), ("来源", 30, None))
DEPT_COLUMNS = PROJECT_COLUMNS[:2] + PROJECT_COLUMNS[3:]
FINDING_COLUMNS = (("单位", 28, None), ("年度", 7, INT), ("报告", 36, None), ("表", 30, None), ("行", 36, None),
                   ("类别", 7, None), ("代码", 24, None), ("问题", 60, None), ("修改建议", 40, None),
                   ("来源", 28, None))


def _text(v: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", v)


def _put(ws, row: int, col: int, value, fmt: str | None = None, *, bold: bool = False, fill=None):
    cell = ws.cell(row=row, column=col)
    if value is None:
        value = T.DASH if fmt else ""
    if isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if value == T.DASH:
            cell.alignment = Alignment(horizontal="right")
    else:
        cell.value = value
        if fmt:
            cell.number_format = fmt
    cell.border = BORDER
    cell.font = Font(name=FONT, size=10, bold=bold)
    if fill is not None:
        cell.fill = fill
    return cell


def _sheet(wb, title: str, caption: str, columns) -> object:
    ws = wb.create_sheet(title)
    ws.cell(row=1, column=1, value=_text(caption)).font = Font(name="黑体", size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for c, (name, width, _fmt) in enumerate(columns, start=1):
        cell = _put(ws, 2, c, name, bold=True, fill=HEAD_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "C3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    # printed as the bureau hands it in: A4 landscape, every column on the page (as many pages
    # down as it takes), the header row repeated on each
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    return ws


def _row_values(r: Row, project: bool) -> list:
    values = [r.no, r.unit] + ([r.name] if project else []) + [
        r.initial, r.annual, r.executed, r.rate, r.weight, r.rule, r.reported, r.grade, r.errors, r.warnings,
        r.label]
    return values


def _totals(ws, n: int, t: Totals, rows, lead: int, columns) -> None:
    first = [None] * len(columns)
    first[0] = f"合计（{t.count} 项）"
    first[lead:lead + 4] = [t.initial, t.annual, t.executed, t.rate]
    first[lead + 8] = sum(r.errors for r in rows)
    first[lead + 9] = sum(r.warnings for r in rows)
    second = [None] * len(columns)
    second[0] = f"平均得分（{t.scored} 项有得分）"
    second[lead + 5:lead + 7] = [t.rule_avg, t.reported_avg]
    for k, values in enumerate((first, second)):
        for c, value in enumerate(values, start=1):
            fmt = columns[c - 1][2]
            blank = value is None and c - 1 not in ((*range(lead, lead + 4),) if k == 0 else (lead + 5, lead + 6))
            _put(ws, n + k, c, "" if blank else value, None if c == 1 else fmt, bold=True, fill=TOTAL_FILL)
        ws.merge_cells(start_row=n + k, start_column=1, end_row=n + k, end_column=lead)


def _table_sheet(wb, title: str, caption: str, rows, totals: Totals, project: bool) -> None:
    columns = PROJECT_COLUMNS if project else DEPT_COLUMNS
    ws = _sheet(wb, title, caption, columns)
    for i, r in enumerate(rows, start=3):
        for c, value in enumerate(_row_values(r, project), start=1):
            _put(ws, i, c, value, columns[c - 1][2])
    _totals(ws, 3 + len(rows), totals, rows, 3 if project else 2, columns)


def _grade_sheet(wb, s: Summary) -> None:
    columns = (("等级", 12, None), ("部门整体（个）", 14, INT), ("项目（个）", 12, INT), ("合计", 10, INT))
    ws = _sheet(wb, "等级分布", T.GRADE_CAPTION, columns)
    ws.freeze_panes = "A3"
    n = 3
    for g in s.grade_counts:
        for c, v in enumerate((g.label, g.dept, g.project, g.dept + g.project), start=1):
            _put(ws, n, c, v, columns[c - 1][2])
        n += 1
    nd, np_ = len(s.dept_rows), len(s.project_rows)
    for c, v in enumerate(("合计", nd, np_, nd + np_), start=1):
        _put(ws, n, c, v, columns[c - 1][2], bold=True, fill=TOTAL_FILL)


WRAPPED = (1, 3, 4, 5, 8, 9, 10)  # the findings columns whose text wraps (unit, report, table, row, problem, fix, source)
LINE_PT = 15  # one line of 11-point text


def _wrapped_height(values) -> float:
    """The row height that shows every wrapped line: openpyxl writes no heights, and LibreOffice
    and WPS print a wrapped cell one line high unless told (Chinese characters take about two
    width units of a column)."""
    lines = 1
    for c in WRAPPED:
        text = str(values[c - 1] or "")
        per_line = max(1, int(FINDING_COLUMNS[c - 1][1]) // 2)
        lines = max(lines, -(-len(text) // per_line))
    return min(LINE_PT * lines, 409)  # Excel's largest row height


def _findings_sheet(wb, findings: list[SummaryFinding], refused=()) -> None:
    ws = _sheet(wb, T.FINDINGS_CAPTION, "审核意见（错误及未说明的警告）", FINDING_COLUMNS)
    ws.freeze_panes = "B3"
    n = 3
    for f in findings:
        values = (f.unit, f.year, f.title or f"{f.kind_label}自评报告", f.table, f.row, f.severity_label, f.code,
                  f.message, f.fix, f.label)
        for c, v in enumerate(values, start=1):
            cell = _put(ws, n, c, v, FINDING_COLUMNS[c - 1][2])
            cell.alignment = Alignment(vertical="top", wrap_text=c in WRAPPED)
        ws.row_dimensions[n].height = _wrapped_height(values)
        n += 1
    for x in refused:
        values = ("", None, "", "", "", "错误", "PACKAGE_REFUSED", f"数据包未能读取：{x.reason}", "请发送方重新打包、拷贝",
                  x.label)
        for c, v in enumerate(values, start=1):
            _put(ws, n, c, v if v is not None else "", None)
        n += 1
    ws.auto_filter.ref = f"A2:{get_column_letter(len(FINDING_COLUMNS))}{max(n - 1, 2)}"


def summary_workbook(s: Summary, *, refused=()) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    year = f"{s.year}年度" if s.year else ""
    _table_sheet(wb, "项目支出汇总", year + T.PROJECT_CAPTION, s.project_rows, s.project_totals, True)
    _table_sheet(wb, "部门整体汇总", year + T.DEPT_CAPTION, s.dept_rows, s.dept_totals, False)
    _grade_sheet(wb, s)
    _findings_sheet(wb, list(s.findings), refused)
    notes = wb.create_sheet("说明")
    for i, line in enumerate(T.NOTES, start=1):
        notes.cell(row=i, column=1, value=f"{i}. {line}").font = Font(name=FONT, size=10)
    notes.column_dimensions["A"].width = 120
    return wb


def findings_workbook(s: Summary, *, refused=()) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    _findings_sheet(wb, list(s.findings), refused)
    return wb


def _save(wb: Workbook, path: Path) -> Path:
    return write_output(path, lambda tmp: wb.save(str(tmp)))


def write_summary_xlsx(summary: Summary, path: str | Path, findings_path: str | Path | None = None, *,
                       refused=()) -> Path:
    """Write the 汇总 workbook to ``path`` and, if asked, the findings alone to ``findings_path``.
    Raises ``ExportError`` (Chinese) when a file cannot be written; each file is whole or untouched."""
    out = _save(summary_workbook(summary, refused=refused), Path(path))
    if findings_path is not None:
        _save(findings_workbook(summary, refused=refused), Path(findings_path))
    return out


__all__ = ["write_summary_xlsx", "summary_workbook", "findings_workbook"]
