"""Reading the first sheet of an .xlsx indicator table, merged cells filled as Excel shows them.

Before openpyxl parses anything, the zip directory is checked (``check_zip``): the number of
members, each member's uncompressed size (shared strings, sheets, styles …), their total and
their compression ratio against ``core.table_limits``. ``zipfile`` never yields more bytes than
a member's declared size, so these checks bound what is decompressed and parsed: an xlsx whose
800 MB shared string packs into a few hundred kilobytes is refused from its directory alone.

The sheet is then streamed (openpyxl read-only; values, not formulas). Read-only sheets do not
expose merged ranges, so ``<mergeCell ref="A3:A7"/>`` are collected by a second streaming pass
over the same sheet XML, and each range is filled with its top-left value — the value Excel
shows across the whole merged area. The positions filled are returned too, so that the table
builder can refuse a 分值/得分 shared by several rows (filling a number down would count it
twice). No Qt.
"""
from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

from core import table_limits as lim
from core.table_limits import TableError, mb
from core.validate import number_problem

Cell = str | Decimal
_FIX = "请用 Excel 打开该文件，只保留指标表，另存为新的 .xlsx 或“CSV UTF-8（逗号分隔）”后再导入。"


def check_zip(path: Path) -> None:
    """Refuse an xlsx whose parts are too many, too large or too compressed — from the zip
    directory only, before anything is decompressed. ``zipfile.BadZipFile`` when not a zip."""
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    if len(infos) > lim.MAX_XLSX_MEMBERS:
        raise TableError("TABLE_TOO_LARGE",
                         f"Excel 文件内部有 {len(infos)} 个部件，超过 {lim.MAX_XLSX_MEMBERS} 个的上限，"
                         "文件可能已损坏。", _FIX)
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        name = info.filename[:60]
        if size > lim.MAX_XLSX_PART_BYTES:
            raise TableError("TABLE_TOO_LARGE",
                             f"Excel 文件中的“{name}”解压后有 {mb(size)}，超过 "
                             f"{mb(lim.MAX_XLSX_PART_BYTES)} 的上限：文件含有异常大量的内容"
                             "（或已损坏），没有读取。", _FIX)
        if size > lim.RATIO_MIN_BYTES and size > lim.MAX_XLSX_RATIO * max(info.compress_size, 1):
            raise TableError("TABLE_TOO_LARGE",
                             f"Excel 文件中的“{name}”压缩比异常（{mb(info.compress_size)} 解压后是 "
                             f"{mb(size)}），文件可能已损坏或被构造过，没有读取。", _FIX)
    if total > lim.MAX_XLSX_TOTAL_BYTES:
        raise TableError("TABLE_TOO_LARGE",
                         f"Excel 文件解压后共有 {mb(total)}，超过 {mb(lim.MAX_XLSX_TOTAL_BYTES)} 的上限，"
                         "没有读取。", _FIX)


def _dtext(d: Decimal) -> str:
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def _cell(value, number_format: str | None) -> Cell | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        d = Decimal(str(value))  # float: at most 1.8E+308; int: at most 4300 digits
        if number_format and "%" in number_format and number_problem(d) is None:
            return _dtext(d * 100) + "%"
        return d  # a number outside the gate stays a Decimal: the builder reports it
    return str(value)  # dates and times: kept as text


def _merged_refs(zf_open, member: str) -> list[str]:
    refs: list[str] = []
    with zf_open(member) as src:
        for _, elem in ElementTree.iterparse(src, events=("end",)):
            tag = elem.tag
            if tag.endswith("}mergeCell"):
                refs.append(elem.get("ref", ""))
                if len(refs) > lim.MAX_MERGED_RANGES:
                    raise TableError("TABLE_TOO_LARGE",
                                     f"工作表中的合并单元格超过 {lim.MAX_MERGED_RANGES} 处，文件可能已损坏。",
                                     _FIX)
            if tag.endswith(("}c", "}row", "}mergeCell")):
                elem.clear()
    return refs


def _too_large(message: str, line: int) -> TableError:
    return TableError("TABLE_TOO_LARGE", message,
                      "请只保留指标表部分，删除多余的行和列后重新导入。", line)


def read(path: Path) -> tuple[list[tuple[int, list[Cell | None]]], set[tuple[int, int]]]:
    """The non-empty rows of the first sheet as (row number, cells), merged ranges filled, and
    the (row, column index) positions that were filled from a merged range."""
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    check_zip(path)
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if not wb.worksheets:
            return [], set()
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some writers store a wrong <dimension>: read every cell there is
        rows: dict[int, list[Cell | None]] = {}
        for n, row in enumerate(ws.iter_rows(), start=1):
            cells = [_cell(c.value, getattr(c, "number_format", None)) for c in row]
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            if not cells:
                continue
            if len(rows) >= lim.MAX_TABLE_ROWS:
                raise _too_large(f"工作表超过 {lim.MAX_TABLE_ROWS} 行，不像是一张绩效指标表。", n)
            if n > lim.MAX_TABLE_LINES:
                raise _too_large(f"第 {n} 行还有内容：工作表超过 {lim.MAX_TABLE_LINES} 行，"
                                 "不像是一张绩效指标表。", n)
            if len(cells) > lim.MAX_TABLE_COLUMNS:
                raise _too_large(f"第 {n} 行超过 {lim.MAX_TABLE_COLUMNS} 列，不像是一张绩效指标表。", n)
            for c in cells:
                if isinstance(c, str) and len(c) > lim.MAX_CELL_CHARS:
                    raise _too_large(f"第 {n} 行有一个格子超过 {lim.MAX_CELL_CHARS} 个字符，"
                                     "不像是指标表的内容。", n)
            rows[n] = cells
        member = getattr(ws, "_worksheet_path", None)
        refs = _merged_refs(wb._archive.open, member) if member and rows else []
    finally:
        wb.close()

    filled: set[tuple[int, int]] = set()
    if refs:
        last_row = max(rows)
        budget = lim.MAX_MERGED_FILL
        for ref in refs:
            try:
                c1, r1, c2, r2 = range_boundaries(ref)
            except (ValueError, TypeError):
                continue  # a malformed ref: Excel would not show a merge either
            if None in (c1, r1, c2, r2) or r1 > last_row:
                continue
            top = rows.get(r1)
            value = top[c1 - 1] if top and c1 - 1 < len(top) else None
            if value is None or value == "":
                continue
            r2, c2 = min(r2, last_row), min(c2, lim.MAX_TABLE_COLUMNS)
            budget -= (r2 - r1 + 1) * max(c2 - c1 + 1, 0)
            if budget < 0:
                raise _too_large("工作表中的合并单元格范围异常大（或互相重叠），文件可能已损坏。", r1)
            for r in range(r1, r2 + 1):
                cells = rows.setdefault(r, [])
                if len(cells) < c2:
                    cells.extend([None] * (c2 - len(cells)))
                for c in range(c1 - 1, c2):
                    if (r, c) != (r1, c1 - 1) and (cells[c] is None or cells[c] == ""):
                        cells[c] = value
                        filled.add((r, c))
    return sorted(rows.items()), filled
