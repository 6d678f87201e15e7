"""The rows of an indicator-table file (CSV/XLSX) before any column is given a meaning.

``read_sheet(path)`` checks the file (a regular file, at most ``validate.MAX_TABLE_BYTES``),
reads it through ``core.table_csv`` or ``core.table_xlsx`` and finds the header row — the first
row with a 三级指标 (or 指标名称) column and one more of the main columns, by the names in
``core.table_columns``. The ``Sheet`` it returns is what the app's import step previews and what
``core.table_import.build_table`` turns into a table. Bad input never raises: ``(None,
findings)`` with the Chinese message. No Qt.
"""
from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from core import table_columns, table_csv, table_xlsx, validate
from core.findings import ERROR, Finding
from core.table_limits import TableError, mb

Cell = str | Decimal  # text as typed, or a number read from an xlsx cell
_HEADER_OTHERS = frozenset(("level1", "level2", "target", "actual", "weight", "score"))


def clip(text: str, n: int = 30) -> str:
    text = validate.clean_text(text)
    return text if len(text) <= n else text[:n] + "…"


def cell_text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    return table_xlsx._dtext(cell) if isinstance(cell, Decimal) else cell.strip()


def cells_text(row: list[Cell]) -> list[str]:
    return [cell_text(c) for c in row]


def header_map(row: list[Cell]) -> dict[str, int]:
    """``{meaning: column}`` of a row read as a header (``core.table_columns``)."""
    return table_columns.column_index(table_columns.guess(cells_text(row)))


def is_header(row: list[Cell]) -> bool:
    """A header row: a 三级指标 (or 指标名称) column and one more of the main columns."""
    found = header_map(row).keys()
    return "level3" in found and bool(found & _HEADER_OTHERS)


def find_header(rows: list[tuple[int, list[Cell]]]) -> int | None:
    """The first header row (``is_header``); failing that, the first row with three of the main
    columns but no 三级指标 under a name we know (then named as missing, and ``--columns`` or the
    import step can say which column it is)."""
    strict = next((i for i, (_, cells) in enumerate(rows) if is_header(cells)), None)
    if strict is not None:
        return strict
    return next((i for i, (_, cells) in enumerate(rows[:200])
                 if len(header_map(cells).keys() & _HEADER_OTHERS) >= 3), None)


def _header_score(rows: list[tuple[int, list[Cell]]]) -> int:
    head = find_header(rows)
    return len(header_map(rows[head][1])) if head is not None else 0


def _check_file(path: Path, limit: int) -> None:
    """TableError unless ``path`` is a regular file of at most ``limit`` bytes (from its size:
    nothing is read)."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise TableError("TABLE_UNREADABLE", "这不是一个普通文件（可能是文件夹或设备），无法导入。",
                         "请选择保存在磁盘上的 .xlsx 或 .csv 文件。")
    if st.st_size > limit:
        raise _too_big(st.st_size, limit)


def _read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, checked by ``_check_file`` and read at most ``limit + 1`` bytes far
    (a file growing meanwhile is refused too)."""
    _check_file(path, limit)
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise _too_big(len(data), limit)
    return data


def _too_big(size: int, limit: int) -> TableError:
    return TableError("TABLE_TOO_LARGE",
                      f"文件有 {mb(size)}，超过 {mb(limit)} 的上限，不像是一张绩效指标表，没有读取。",
                      "请确认选对了文件；如果是指标表，请只保留指标表部分另存为新文件后再导入。")


@dataclass(frozen=True)
class Sheet:
    """The non-empty rows of a table file as read (before any column is given a meaning), the
    cells filled from merged ranges and the index of the header row in ``rows`` (None: none
    found). The import step of the app previews it; ``build_table`` turns it into a table."""

    filename: str
    rows: list[tuple[int, list[Cell]]]
    merged: frozenset[tuple[int, int]] = frozenset()
    head: int | None = None

    @property
    def header_row(self) -> int:
        """The header's row (line) number in the file; 0 when none was found."""
        return self.rows[self.head][0] if self.head is not None else 0

    def header(self) -> list[str]:
        """The header cells as printed (text), ``[]`` when none was found. A header printed on
        two rows (“实际完成值”“得分” merged down over both, “年度指标值” over 指标性质/指标值/
        度量单位) is read from the lower row, a blank cell there taking the text above it when
        that text is a column name (``core.table_columns``)."""
        if self.head is None:
            return []
        cells = cells_text(self.rows[self.head][1])
        if self.head > 0:
            above = cells_text(self.rows[self.head - 1][1])
            for i, text in enumerate(cells):
                if not text and i < len(above) and table_columns.meaning_of(above[i]):
                    cells[i] = above[i]
            extra = above[len(cells):]
            while extra and not extra[-1]:
                extra.pop()
            cells += [t if table_columns.meaning_of(t) else "" for t in extra]
        return cells

    def guessed(self) -> list[str]:
        """The meaning of each header cell (``core.table_columns.guess``)."""
        return table_columns.guess(self.header())

    def preview(self, n: int = 8) -> list[list[str]]:
        """The first ``n`` rows below the header as text, as wide as the header, up to and
        including a 总分/合计 row."""
        if self.head is None:
            return []
        width = len(self.header())
        out = []
        for _, cells in self.rows[self.head + 1:self.head + 1 + n]:
            texts = cells_text(cells)
            out.append((texts + [""] * width)[:width])
            first = next((t for t in texts if t), "")
            if "".join(first[:20].split()).startswith(("总分", "合计")):
                break  # the table ends here: what follows is not imported
        return out


def read_sheet(path: str | Path) -> tuple[Sheet | None, list[Finding]]:
    """The rows of ``path`` (.csv, .xlsx or .xlsm) and where its header is. Never raises for bad
    input: ``(None, findings)`` for a file that cannot be read (format, encoding, limits …)."""
    path = Path(path)

    def refused(code: str, message: str, fix: str, where: str = path.name):
        return None, [Finding(code, ERROR, where, message, fix)]

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):  # .xlsm: the same format with macros (not run)
        return refused("TABLE_FORMAT", f"不支持“{clip(path.suffix) or '无扩展名'}”格式的文件，只能导入"
                       " .xlsx 或 .csv 文件。", "请在Excel中“另存为”.xlsx 或 CSV 文件后再导入。")
    merged: set[tuple[int, int]] = set()
    try:
        if suffix == ".csv":
            text = table_csv.decode(_read_bytes(path, validate.MAX_TABLE_BYTES))
            rows = table_csv.parse(text, _header_score) if text.strip() else []
        else:
            _check_file(path, validate.MAX_TABLE_BYTES)
            rows, merged = table_xlsx.read(path)
    except TableError as exc:
        return refused(exc.code, exc.message, exc.fix,
                       f"{path.name}:第{exc.line}行" if exc.line else path.name)
    except OSError as exc:
        return refused("TABLE_UNREADABLE", f"无法打开文件：文件不存在或正被其他程序占用"
                       f"（{type(exc).__name__}）。", "请关闭占用该文件的程序（如Excel）后再导入。")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError):
        return refused("TABLE_UNREADABLE", f"无法读取文件：文件已损坏，或不是真正的{suffix}文件。",
                       "请用Excel打开该文件，另存为 .xlsx 后再导入。")
    except MemoryError:
        return refused("TABLE_TOO_LARGE", "文件内容太多，读取时内存不足，没有导入。",
                       "请只保留指标表部分另存为新文件后再导入。")
    except Exception as exc:  # the assorted errors of openpyxl and of XML parsing
        return refused("TABLE_UNREADABLE", f"无法读取文件：文件已损坏，或不是真正的{suffix}文件"
                       f"（{type(exc).__name__}）。", "请用Excel打开该文件，另存为 .xlsx 后再导入。")
    if not any(cell_text(c) for _, cells in rows for c in cells):
        return refused("TABLE_EMPTY", "文件是空的，没有任何内容。",
                       "请选择填写了绩效指标的表格文件。")
    return Sheet(path.name, rows, frozenset(merged), find_header(rows)), []


