"""Importing an indicator table (绩效指标表) from a CSV or XLSX file the clerk already has.

``read_indicator_table(path, name, choices)`` reads the 自评表 indicator block: a header row
found below any title rows (``core.table_sheet``), its columns given a meaning by name
(``core.table_columns``, the names in ``resources/table_columns.json``: 一级指标 / 二级指标 /
三级指标 or 指标名称 / 年度指标值 / 实际完成值 / 分值 / 得分 / 偏差原因 …, and the columns that
are not imported such as 得分系数), then one row per 三级指标 with merged (blank) 一级/二级 cells
meaning "same as above", up to a 总分/合计 row whose 得分 cell is the stated total. It returns
a :class:`model.SelfEvalTable` (the groups, and the funds block printed above the header when
there is one: ``core.table_funds``; no goal) and the findings. A header
cell no name fits is named in a warning; ``choices`` (``--columns``) say which column is what.
The app's import step uses the two halves: ``read_sheet`` (the rows and the header) and
``build_table`` (with the meaning the clerk chose for each column). Bad input never raises and
changes nothing: when any finding is an error the table is ``None``. No Qt.

Read right or refused:

* CSV (``core.table_csv``): UTF-8 (with or without BOM), GBK/GB18030 as Chinese Excel saves it,
  or UTF-16 (Excel's “Unicode 文本”), separated by commas, tabs or semicolons. A file mixing
  UTF-8 and GBK lines is refused naming the line; so is a stray or unbalanced ``"`` (it would
  swallow the rows below it).
* XLSX (``core.table_xlsx``): the first sheet, values not formulas; merged cells are filled
  with their top-left value, as Excel shows them, so merged 一级/二级/三级指标 give every row
  its names. A row with values but no 三级指标 is an error at its row, and so is a 分值/得分
  cell merged over several rows (it cannot be split between the indicators).
* Every cell used passes the validation gate (``core.validate``): text without control
  characters or lone surrogates, numbers finite and within bounds — a finding names the row
  and column.

Limits (``core.table_limits``; a larger file is refused in well under a second):

* the file: at most ``validate.MAX_TABLE_BYTES`` (20 MB), checked before it is read;
* at most 5,000 non-empty rows (100,000 lines with blank ones), 50 columns, 10,000 characters
  in one cell, 250,000 fields in all CSV lines that contain quotes;
* xlsx, from the zip directory before anything is parsed: at most 2,000 parts, each at most
  10 MB uncompressed (shared strings, sheets, styles …), 50 MB in all, and no part over 1 MB
  compressed more than 200 : 1; at most 10,000 merged ranges.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from core import model, table_columns, table_funds, table_sheet, table_xlsx, validate
from core import table_limits as lim
from core.findings import ERROR, HINT, WARNING, Finding
from core.table_limits import TableError
from core.table_sheet import Cell, Sheet, read_sheet  # noqa: F401 — the app's import step reads through here
from core.values import parse_number

_LABEL_WEIGHT = re.compile(r"^(?P<name>.+?)[（(](?P<w>[^()（）]+?)分?[)）]$")
_GRADE = re.compile(r"等级[:：]?\s*(优|良|中|差)")
# the model fields filled from the columns (the names of the meanings: resources/table_columns.json)
_FIELDS = (("level3", "name"), ("target", "target"), ("actual", "actual"), ("deviation", "deviation_note"),
           ("direction", "direction"), ("unit", "unit"), ("method", "basis"))
_TEXT_KEYS = ("level1", "level2") + tuple(k for k, _ in _FIELDS)
LEAF_COLUMNS = ("level3", "target", "actual", "weight", "score", "deviation")
STANDARD = ("level1", "level2") + LEAF_COLUMNS  # the standard order, for pasted rows without a header


def _norm(text: str) -> str:
    """Header text compared loosely: NFKC (full-width to half-width) and no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


_dtext = table_xlsx._dtext
_clip, _text, _cells_text = table_sheet.clip, table_sheet.cell_text, table_sheet.cells_text
_header_map, _is_header = table_sheet.header_map, table_sheet.is_header


# -- building the table -----------------------------------------------------------------------
def _group_label(label: str) -> tuple[str, Decimal | None]:
    """"产出\\n指标\\n（50分）" -> ("产出指标", 50)."""
    compact = "".join(label.split())
    m = _LABEL_WEIGHT.match(compact)
    if m:
        w = _bounded_number(m.group("w"))
        if w is not None:
            return m.group("name"), w
    return compact, None


def _bounded_number(text: str) -> Decimal | None:
    """``parse_number`` behind the gate: None for no number, a number out of bounds or text."""
    if len(text) > validate.MAX_NUMBER_CHARS:
        return None
    try:
        d = parse_number(text)
    except (ValueError, ArithmeticError):
        return None
    return d if d is not None and validate.number_problem(d) is None else None


def _quiet_number(cell: Cell | None) -> Decimal | None:
    """The number in a cell, or None when it holds none (for the 总分 row)."""
    if isinstance(cell, Decimal):
        return cell if validate.number_problem(cell) is None else None
    return _bounded_number(_text(cell).removesuffix("分"))


def _join_lines(text: str) -> str:
    return "".join(line.strip() for line in text.splitlines())


def _name(key: str) -> str:
    """The Chinese name of a column meaning, for messages."""
    return table_columns.label(key)


class _Reader:
    def __init__(self, filename: str):
        self.filename = filename
        self.findings: list[Finding] = []
        self.dropped = 0  # findings beyond lim.MAX_FINDINGS, counted

    def error(self, code: str, message: str, fix: str = "", where: str = "") -> None:
        if sum(f.severity == ERROR for f in self.findings) >= lim.MAX_FINDINGS:
            self.dropped += 1
            return
        self.findings.append(Finding(code, ERROR, where or self.filename, message, fix))

    def refuse(self, exc: TableError) -> None:
        where = f"{self.filename}:第{exc.line}行" if exc.line else self.filename
        self.error(exc.code, exc.message, exc.fix, where)

    def close(self) -> None:
        if self.dropped:
            self.findings.append(Finding(
                "TABLE_MORE", ERROR, self.filename,
                f"另有 {self.dropped} 处问题没有逐一列出。", "请先改正上面列出的问题，再重新导入查看其余问题。"))
            self.dropped = 0

    def where(self, row: int, column: str) -> str:
        return f"{self.filename}:第{row}行“{column}”列"

    def text(self, cell: Cell | None, row: int, column: str) -> str:
        """The text of a cell through the gate: '' (and a finding) for text the gate refuses."""
        if isinstance(cell, Decimal):
            problem = validate.number_problem(cell)
            if problem:
                self.error("TABLE_NUMBER", f"第{row}行“{column}”列的数字{problem}。",
                           f"请改正“{column}”后重新导入。", self.where(row, column))
                return ""
            return _dtext(cell)
        text = _text(cell)
        problem = validate.text_problem(text, lim.MAX_CELL_CHARS)
        if problem:
            self.error("TABLE_TEXT", f"第{row}行“{column}”列：{problem}。",
                       f"请在 Excel 中改正第{row}行的“{column}”后重新导入。", self.where(row, column))
            return ""
        return text

    def number(self, cell: Cell | None, row: int, column: str) -> Decimal | None:
        if isinstance(cell, Decimal):
            problem = validate.number_problem(cell)
            if problem:
                self.error("TABLE_NUMBER", f"第{row}行“{column}”列的数字{problem}。",
                           f"请把“{column}”改为合理的数字后重新导入。", self.where(row, column))
                return None
            return cell
        text = self.text(cell, row, column)
        problem = None
        if len(text) > validate.MAX_NUMBER_CHARS:
            problem = f"第{row}行“{column}”列填的是“{_clip(text)}”，太长，不是数字，无法计分。"
        else:
            try:
                d = parse_number(text.removesuffix("分"))
                gate = None if d is None else validate.number_problem(d)
                if gate is None:
                    return d
                problem = f"第{row}行“{column}”列的数字“{_clip(text)}”{gate}。"
            except (ValueError, ArithmeticError):
                problem = f"第{row}行“{column}”列填的是“{_clip(text)}”，不是数字，无法计分。"
        self.error("TABLE_NUMBER", problem,
                   f"请把“{column}”改为数字（如 10 或 10分）后重新导入。", self.where(row, column))
        return None

    def columns(self, header_row: int, header: list[str], keys: list[str]) -> dict[str, int] | None:
        """``{meaning: column}`` for ``keys``; the unmapped header cells named in a warning, a
        missing required meaning an error (None)."""
        cols = table_columns.column_index(keys)
        missing = table_columns.missing_required(keys)
        seen = "、".join(_clip(h) for h in header if h)
        if missing:
            self.error("TABLE_COLUMNS",
                       f"缺少列：{'、'.join(missing)}。第{header_row}行的表头是：{seen}。",
                       "请在表头补上缺少的列（列名如“实际完成值”“得分”）；如果表中有这一列只是名称不同，"
                       "请指明它的含义（导入步骤中在列上方选择；命令行用 --columns 得分=列名）。",
                       f"{self.filename}:第{header_row}行")
            return None
        absent = table_columns.absent_values(keys)
        if absent:
            self.findings.append(Finding(
                "TABLE_COLUMNS_ABSENT", HINT, f"{self.filename}:第{header_row}行",
                f"第{header_row}行表头中没有“{'”“'.join(absent)}”列，导入后这些格子是空的。",
                "如果表中有这些列只是名称不同，请指明它的含义（导入步骤中在列上方选择；"
                "命令行用 --columns 含义=列名）；否则导入后再逐行填写。"))
        unknown = table_columns.unmapped(header, keys)
        if unknown:
            names = "、".join(f"“{_clip(header[i], 20)}”（第{i + 1}列）" for i in unknown)
            self.findings.append(Finding(
                "TABLE_COLUMN_UNKNOWN", WARNING, f"{self.filename}:第{header_row}行",
                f"第{header_row}行表头中有 {len(unknown)} 列无法识别，没有导入：{names}。",
                "如果其中有得分、分值或实际完成值等，请指明它的含义（导入步骤中在列上方选择；"
                "命令行用 --columns 含义=列名，例如 --columns 得分=指标得分）。"))
        return cols

    def build(self, sheet: Sheet, name: str, keys: list[str] | None = None,
              choices: list[tuple[str, str]] | None = None) -> model.SelfEvalTable | None:
        rows, merged, head = sheet.rows, sheet.merged, sheet.head
        if head is None:
            first = next((" ".join(_text(c) for c in cells if _text(c))
                          for _, cells in rows if any(_text(c) for c in cells)), "")
            self.error("TABLE_COLUMNS",
                       f"找不到表头行：没有一行同时含有“一级指标”“三级指标”（或“指标名称”）等列名。"
                       f"文件第一行是：“{_clip(first, 60)}”。",
                       "请确认文件是绩效指标表，表头包含一级指标、二级指标、三级指标等列。")
            return None
        header_row = rows[head][0]
        header = sheet.header()
        keys = list(keys) if keys is not None else sheet.guessed()
        keys = (keys + [""] * len(header))[:len(header)]
        if choices:
            try:
                keys = table_columns.resolve(header, keys, choices)
            except table_columns.ColumnsError as exc:
                self.error("TABLE_COLUMNS_CHOICE", str(exc) + "。",
                           "请按表头中印的列名填写（可复制表头的文字）。", f"{self.filename}:第{header_row}行")
                return None
        cols = self.columns(header_row, header, keys)
        if cols is None:
            return None

        def colname(key: str) -> str:  # the column as printed in this file
            i = cols.get(key)
            return _clip(header[i], 20) if i is not None and header[i] else _name(key)

        def get(cells: list[Cell], key: str) -> Cell | None:
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else None

        def own(cells: list[Cell], rownum: int, key: str) -> bool:
            """The cell holds a value of its own (not one filled in from a merged range)."""
            i = cols.get(key)
            return bool(_text(get(cells, key))) and (rownum, i) not in merged

        groups: list[list] = []  # [name, weight, [[name2, [indicators]], ...]]
        label1 = label2 = None
        stated_total, grade, count = None, "", 0
        for rownum, cells in rows[head + 1:]:
            texts = [_text(c) for c in cells]
            filled = [t for t in texts if t]
            if not filled:
                continue
            if _norm(filled[0][:20]).startswith(("总分", "合计")):
                # the stated total is the 得分 cell only: a 合计 row's 分值 (100) is not a total score
                stated_total = _quiet_number(get(cells, "score")) if get(cells, "score") is not None else None
                m = _GRADE.search("".join(t[:40] for t in texts))
                grade = m.group(1) if m else ""
                break
            if _is_header(cells):
                continue  # the header repeated (a table printed over two pages)
            if not any(own(cells, rownum, k) for k in LEAF_COLUMNS):
                continue  # a row carrying only the rest of merged labels
            t = {k: self.text(get(cells, k), rownum, colname(k)) for k in _TEXT_KEYS}
            weight = self.number(get(cells, "weight"), rownum, colname("weight"))
            score = self.number(get(cells, "score"), rownum, colname("score"))
            if not t["level3"]:
                if _text(get(cells, "level3")) == "":
                    self.error("TABLE_NO_NAME",
                               f"第{rownum}行填了指标值或分值，但“{colname('level3')}”是空的，导入后这一行没有名称。",
                               f"请在第{rownum}行填写三级指标名称；如果名称在合并单元格里，"
                               "请确认合并范围包括这一行。", self.where(rownum, colname("level3")))
                continue
            for key in ("weight", "score"):
                if key in cols and (rownum, cols[key]) in merged:
                    self.error("TABLE_MERGED",
                               f"第{rownum}行的“{colname(key)}”在一个跨行（或跨列）的合并单元格里，"
                               "与别的行共用一个数，无法知道这一行各自的分值。",
                               f"请在 Excel 中取消合并，给每个指标分别填写“{colname(key)}”后重新导入。",
                               self.where(rownum, colname(key)))
            l1, l2 = t["level1"], t["level2"]
            if not groups or (l1 and _norm(l1) != label1):
                gname, gweight = _group_label(l1)
                groups.append([gname, gweight, []])
                label1, label2 = _norm(l1), None
            subs = groups[-1][2]
            if not subs or (l2 and _norm(l2) != label2):
                subs.append([_join_lines(l2), []])
                label2 = _norm(l2)
            subs[-1][1].append(_indicator(t, weight, score))
            count += 1
        if count == 0 and not self.findings:
            self.error("TABLE_EMPTY", f"第{header_row}行表头下面没有指标行。",
                       "请在表头下逐行填写三级指标后重新导入。")
            return None
        if any(f.severity == ERROR for f in self.findings):
            return None
        funds, warnings = table_funds.read_funds(sheet)  # the block above the header (or None)
        self.findings.extend(warnings)
        return model.SelfEvalTable(
            name=name, stated_total=stated_total, stated_grade=grade, funds=funds,
            groups=tuple(model.IndicatorGroup(g, w, tuple(
                model.IndicatorGroup(n2, None, tuple(leaves)) for n2, leaves in subs))
                for g, w, subs in groups))


def _indicator(t: dict[str, str], weight: Decimal | None, score: Decimal | None) -> model.Indicator:
    fields = {field: _join_lines(t[key]) if key == "level3" else t[key] for key, field in _FIELDS}
    return model.Indicator(weight=weight, score=score, **fields)


def build_table(sheet: Sheet, name: str = "", keys: list[str] | None = None,
                choices: list[tuple[str, str]] | None = None
                ) -> tuple[model.SelfEvalTable | None, list[Finding]]:
    """The table in ``sheet`` with its columns read as ``keys`` (a meaning per header cell, as
    ``Sheet.guessed`` gives; default: the guess) and then ``choices`` (``(meaning, header text)``,
    ``--columns``). ``(None, findings)`` when any finding is an error."""
    reader = _Reader(sheet.filename)
    table = reader.build(sheet, name, keys, choices)
    reader.close()
    if any(f.severity == ERROR for f in reader.findings):
        return None, reader.findings
    return table, reader.findings


def read_indicator_table(path: str | Path, name: str = "", choices: list[tuple[str, str]] | None = None
                         ) -> tuple[model.SelfEvalTable | None, list[Finding]]:
    """Read an indicator table from ``path`` (.csv, .xlsx or .xlsm), its columns as guessed and
    then as ``choices`` say. Never raises for bad input; returns ``(None, findings)`` when any
    finding is an error."""
    sheet, findings = read_sheet(path)
    if sheet is None:
        return None, findings
    table, more = build_table(sheet, name, choices=choices)
    return table, findings + more


def read_pasted_rows(text: str) -> tuple[list[tuple[str, str, model.Indicator]] | None, list[Finding]]:
    """Rows copied from Excel (tab-separated) as ``(一级, 二级, indicator)`` triples.

    With a header row the columns are found by name (``core.table_columns``, as for files);
    without one the columns are taken in the standard order — all eight (一级 … 偏差原因) or the
    six from 三级指标 on. A blank 一级/二级 cell means "same as the row above" ('' on the first
    row: the caller decides, e.g. the group selected in the table). Text in 分值/得分 is an error
    and nothing is pasted, and so is text the validation gate refuses (control characters) or
    more than ``MAX_TABLE_ROWS`` rows.
    """
    reader = _Reader("粘贴的内容")
    if len(text) > validate.MAX_TABLE_BYTES:
        reader.error("TABLE_TOO_LARGE", "剪贴板里的内容太多，不像是指标行。", "请只复制需要的指标行。")
        return None, reader.findings
    lines = [line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]
    if len(lines) > lim.MAX_TABLE_ROWS:
        reader.error("TABLE_TOO_LARGE", f"剪贴板里有 {len(lines)} 行，超过 {lim.MAX_TABLE_ROWS} 行的上限。",
                     "请只复制需要的指标行。")
        return None, reader.findings
    rows = [(i + 1, [c.strip() for c in line.split("\t", lim.MAX_RAW_FIELDS)])
            for i, line in enumerate(lines)]
    if not rows:
        reader.error("TABLE_EMPTY", "剪贴板里没有可粘贴的内容。", "先在 Excel 中选中并复制指标行。")
        return None, reader.findings
    head = _header_map(rows[0][1])
    if {"level3"} <= head.keys():
        cols, rows = head, rows[1:]
    else:
        width = max(len(cells) for _, cells in rows)
        order = STANDARD if width >= len(STANDARD) else LEAF_COLUMNS
        cols = {k: i for i, k in enumerate(order)}
    out: list[tuple[str, str, model.Indicator]] = []
    l1 = l2 = ""
    for rownum, cells in rows:
        def get(key: str) -> str:
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else ""
        if not get("level3") and not get("target"):
            continue
        if _norm(cells[0][:20]).startswith(("总分", "合计")):
            break
        t = {k: reader.text(get(k), rownum, _name(k)) for k in _TEXT_KEYS}
        if t["level1"]:
            l1, l2 = t["level1"], ""
        if t["level2"]:
            l2 = t["level2"]
        out.append((l1, _join_lines(l2), _indicator(
            t, reader.number(get("weight"), rownum, "分值"), reader.number(get("score"), rownum, "得分"))))
    reader.close()
    if any(f.severity == ERROR for f in reader.findings):
        return None, reader.findings
    if not out:
        reader.error("TABLE_EMPTY", "粘贴的内容里没有指标行。", "复制时请包含三级指标、指标值等列。")
        return None, reader.findings
    return out, reader.findings
