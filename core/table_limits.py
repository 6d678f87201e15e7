"""Limits for reading indicator tables (CSV/XLSX) and the error the low-level readers raise.

Every limit is read from this module at call time (``table_limits.MAX_TABLE_ROWS``), so a test
can lower one with ``monkeypatch.setattr`` instead of writing hundreds of megabytes. The file
size limit itself is ``core.validate.MAX_TABLE_BYTES`` (20 MB), checked before a byte is read.
The limits are listed for the clerk in the docstring of ``core.table_import``.
"""
from __future__ import annotations

#: Most non-empty rows in a table (a 自评表 has 20–60).
MAX_TABLE_ROWS = 5_000
#: Most lines of a CSV file, blank ones included, and the last xlsx row number that may hold a value
#: when blank rows lie between.
MAX_TABLE_LINES = 100_000
#: Most columns up to the last filled cell of a row.
MAX_TABLE_COLUMNS = 50
#: Most fields in one CSV line, empty ones included (beyond this the line is not even split).
MAX_RAW_FIELDS = 1_000
#: Most fields in all lines that contain quotes (they are read field by field).
MAX_QUOTED_FIELDS = MAX_TABLE_ROWS * MAX_TABLE_COLUMNS
#: Longest text in one cell, in characters.
MAX_CELL_CHARS = 10_000
#: Most problems reported for one file; the rest are counted.
MAX_FINDINGS = 20

# -- xlsx: checked from the zip directory before anything is decompressed or parsed ----------
#: Most members in the xlsx zip.
MAX_XLSX_MEMBERS = 2_000
#: Largest uncompressed size of the shared strings (xl/sharedStrings.xml) and of one sheet.
MAX_XLSX_PART_BYTES = 10 * 1024 * 1024
#: Largest uncompressed size of all members together.
MAX_XLSX_TOTAL_BYTES = 50 * 1024 * 1024
#: Largest compression ratio of a member above ``RATIO_MIN_BYTES`` uncompressed (a zip bomb
#: packs gigabytes of one repeated byte at ratios of 1000 and more; real sheets stay below 100).
MAX_XLSX_RATIO = 200
RATIO_MIN_BYTES = 1024 * 1024
#: Most merged ranges in the sheet, and most cells they may fill in all.
MAX_MERGED_RANGES = 10_000
MAX_MERGED_FILL = MAX_TABLE_ROWS * MAX_TABLE_COLUMNS


class TableError(Exception):
    """The file cannot be read as a table; a Chinese message, a fix and the line (or 0)."""

    def __init__(self, code: str, message: str, fix: str = "", line: int = 0):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fix = fix
        self.line = line


def mb(n: int) -> str:
    """Bytes as megabytes for a message: 20971520 -> "20 MB"."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} 字节"
