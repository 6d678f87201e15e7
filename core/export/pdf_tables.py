"""Tables for the PDF exporter: layout tables (layout.Table) drawn as reportlab tables.

``GridTable`` is a flowable that splits at any row. reportlab itself only splits a table
between blocks of spanned rows: a tall merged 一级 cell moves whole to the next page (leaving
white space), and one taller than a page raises LayoutError. When a page ends inside merged
cells, ``split`` cuts them there (preferring a 一级 boundary, or a row no merged cell runs
across, up to three rows up) and the continuation repeats the label with “（续）” under the
repeated header; so no span is ever taller than a page and a 一级 group of any length prints.

Cell text is wrapped here, not by reportlab (``wrap_cell``): its CJK wrap breaks numbers in
narrow columns (“2” / “690万元”, “100.” / “00%”) and lets punctuation hang outside the cell.
A cell gets 10.5 pt with 3 pt padding when that wraps tidily; else tighter padding and then
smaller type (``CellStyles.fit``). Cells that lie under another span (a layout slip) are
dropped by ``normalise`` rather than corrupting the grid.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

from core.export import layout as L

CELL_SIZE, CELL_LEADING = 10.5, 14
CELL_PAD_X, CELL_PAD_Y = 3, 2.5
CONTINUED = "（续）"
Grid = list[list["L.Cell | None"]]
_FIT_STEPS = ((CELL_PAD_X, 10.5), (1.5, 10.5), (1.5, 10), (1.5, 9.5), (1.5, 9))
_FIT_NUMBER = _FIT_STEPS + ((1, 8.5), (1, 8), (1, 7.5))  # a lone number (100.00%) in a narrow column
# kept whole on a line when they can be: a short bracket “（10分）”, a run of ASCII (2690, 100.00%)
_TOKEN = re.compile(r"（[^（）\n]{1,6}）|\([^()\n]{1,6}\)|[\x21-\x7e]+|\s|.", re.S)
_OPENING = "（《“‘〈【〔(["


def wrap_cell(text: str, font: str, size: float, width: float) -> tuple[list[str], bool]:
    """Cell text as lines no wider than ``width``, and whether they are tidy: every number
    (2690, 100.00%) and short bracket (（10分）) whole on one line, and no character left
    alone on a line before the last. Closing punctuation never starts a line, opening
    punctuation never ends one; instead of hanging out of the cell, the last character moves
    down with it. (reportlab's own CJK wrap breaks numbers in narrow cells.)"""
    from reportlab.lib.textsplit import ALL_CANNOT_START

    lines, whole = [], True
    for para in text.split("\n"):
        first = len(lines)
        atoms: list[str] = []
        glue_next = False
        for tok in _TOKEN.findall(para):
            single = len(tok) == 1
            if atoms and (glue_next or (single and tok in ALL_CANNOT_START)):
                atoms[-1] += tok
            else:
                atoms.append(tok)
            glue_next = single and tok in _OPENING
        line = ""
        for atom in atoms:
            if stringWidth(line + atom, font, size) <= width + 0.01:
                line += atom
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = atom.lstrip()
            while stringWidth(line, font, size) > width + 0.01 and len(line) > 1:  # wider than the cell
                whole = False
                n = max(k for k in range(1, len(line) + 1)
                        if k == 1 or stringWidth(line[:k], font, size) <= width + 0.01)
                lines.append(line[:n])
                line = line[n:]
        lines.append(line.rstrip())
        if any(len(ln.strip()) == 1 for ln in lines[first:-1]):
            whole = False
    return lines, whole


def normalise(rows: Iterable[Sequence["L.Cell | None"]], ncols: int) -> Grid:
    """The rows as a mutable grid, drawable whatever the layout sent: a cell that lies under an
    earlier span is dropped, spans are clipped to the table."""
    grid: Grid = [list(r)[:ncols] + [None] * (ncols - len(r)) for r in rows]
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if (r, c) in taken:
                row[c] = None
                continue
            rs, cs = min(max(cell.rowspan, 1), len(grid) - r), min(max(cell.colspan, 1), ncols - c)
            if (rs, cs) != (cell.rowspan, cell.colspan):
                row[c] = cell = replace(cell, rowspan=rs, colspan=cs)
            taken.update((rr, cc) for rr in range(r, r + rs) for cc in range(c, c + cs))
    return grid


def _crossing(grid: Grid, p: int) -> list[tuple[int, int]]:
    """Origins of the vertical spans that run across the boundary just above row ``p``."""
    out = []
    for r0 in range(p):
        for c0, cell in enumerate(grid[r0]):
            if cell is not None and r0 + cell.rowspan > p:
                out.append((r0, c0))
    return out


def cut_rows(rows: Grid, p: int) -> tuple[Grid, Grid]:
    """Split the grid above row ``p``; a span running across is cut in two and the lower part
    repeats its label with “（续）”."""
    grid = [list(r) for r in rows]
    for r0, c0 in _crossing(grid, p):
        cell = grid[r0][c0]
        text = cell.text if not cell.text or cell.text.endswith(CONTINUED) else cell.text + CONTINUED
        grid[p][c0] = replace(cell, text=text, rowspan=r0 + cell.rowspan - p)
        grid[r0][c0] = replace(cell, rowspan=p - r0)
    return grid[:p], grid[p:]


class CellStyles:
    """Paragraph styles for cells, and how each cell's text fits its column (cached)."""

    def __init__(self, body: str, heading: str):
        self.body, self.heading = body, heading  # bold cells are drawn in the heading (黑体) face
        self._cells: dict[tuple, ParagraphStyle] = {}
        self._fits: dict[tuple, tuple[float, float, str, int]] = {}

    def cell(self, align: str, bold: bool, size: float = CELL_SIZE, indent: int = 0) -> ParagraphStyle:
        key = (align, bold, size, indent)
        if key not in self._cells:
            self._cells[key] = ParagraphStyle(
                f"cell-{align}-{bold}-{size}-{indent}", fontName=self.heading if bold else self.body,
                leftIndent=indent * size,
                fontSize=size, leading=CELL_LEADING if size == CELL_SIZE else round(size * 1.3, 1),
                wordWrap="CJK", alignment={"center": TA_CENTER, "right": TA_RIGHT}.get(align, TA_LEFT))
        return self._cells[key]

    def fit(self, cell: "L.Cell", width: float) -> tuple[float, float, str, int]:
        """(padding, font size, markup) for a cell ``width`` points wide: 10.5 pt with 3 pt
        padding when every number fits whole on a line; else tighter padding, then smaller type
        down to 9 pt (7.5 pt for a lone number such as 100.00% in a 10 mm column). Leading
        full-width spaces (the 基础数据表's 其中 lines) become an indent."""
        key = (cell.text, cell.bold, round(width, 2))
        if key not in self._fits:
            font = self.heading if cell.bold else self.body
            text = cell.text.lstrip("　")
            indent = len(cell.text) - len(text)
            best = None
            lone = re.fullmatch(r"[\x21-\x7e]{1,12}", text.strip()) is not None
            for pad, size in (_FIT_NUMBER if lone else _FIT_STEPS):
                lines, whole = wrap_cell(text, font, size, width - 2 * pad - indent * size)
                best = best or (pad, size, lines)
                if whole:
                    best = (pad, size, lines)
                    break
            pad, size, lines = best
            self._fits[key] = (pad, size, "<br/>".join(escape(ln) for ln in lines), indent)
        return self._fits[key]


class GridTable(Flowable):
    """A layout table that splits at any row: when a page ends inside a merged 一级/二级 cell,
    the cell is cut there and its label repeated with “（续）” under the repeated header, so no
    span is ever taller than a page (reportlab itself only splits between span blocks)."""

    def __init__(self, header: Grid, rows: Grid, widths_mm: Sequence[float], st: CellStyles,
                 group_starts: frozenset[int] = frozenset()):
        super().__init__()
        self.header, self.rows, self.widths = header, rows, [w * mm for w in widths_mm]
        self.widths_mm, self.st, self.group_starts = tuple(widths_mm), st, group_starts
        self.hAlign = "CENTER"
        self._t: RLTable | None = None

    def _table(self) -> RLTable:
        if self._t is None:
            self._t = _rl_table(self.header, self.rows, self.widths, self.st)
        return self._t

    def wrap(self, aW, aH):  # noqa: N803
        self.width, self.height = self._table().wrap(aW, aH)
        return self.width, self.height

    def draw(self):
        self._table().drawOn(self.canv, 0, 0)

    def heights(self, aW: float, aH: float) -> list[float]:  # noqa: N803
        t = self._table()
        t.wrap(aW, aH)
        return list(t._rowHeights)

    def _part(self, rows: Grid, starts_at: int) -> "GridTable":
        return GridTable(self.header, rows, self.widths_mm, self.st,
                         frozenset(s - starts_at for s in self.group_starts if s > starts_at))

    def _fits(self, q: int, aW, aH) -> "tuple[GridTable, GridTable] | None":  # noqa: N803
        top, rest = cut_rows(self.rows, q)
        first = self._part(top, 0)
        return (first, self._part(rest, q)) if first.wrap(aW, aH)[1] <= aH + 0.01 else None

    def split(self, aW, aH):  # noqa: N803
        h = self.heights(aW, aH)
        nh = len(self.header)
        room, p = aH - sum(h[:nh]), 0
        while p < len(self.rows) - 1 and room >= h[nh + p]:
            room -= h[nh + p]
            p += 1
        while p + 1 < len(self.rows) and self._fits(p + 1, aW, aH):  # cut cells may need less room
            p += 1
        if p == 0:
            return []
        # best: a 一级 boundary, then any boundary no merged cell runs across, a few rows up; else cut here
        near = range(p, max(p - 4, 0), -1)
        order = ([q for q in near if q in self.group_starts] + [q for q in near if not _crossing(self.rows, q)]
                 + list(range(p, 0, -1)))
        for q in dict.fromkeys(order):
            parts = self._fits(q, aW, aH)
            if parts:  # the rest starts a new page: never a second header lower on this one
                return [parts[0], PageBreak(), parts[1]]
        return []


def _rl_table(header: Grid, rows: Grid, widths: list[float], st: CellStyles) -> RLTable:
    ncols = len(widths)
    all_rows = header + rows
    data: list[list] = [["" for _ in range(ncols)] for _ in all_rows]
    cmds = [("FONTNAME", (0, 0), (-1, -1), st.body), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_X), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_Y), ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD_Y)]
    for r, row in enumerate(all_rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            c1 = min(c + cell.colspan, ncols) - 1
            pad, size, markup, indent = st.fit(cell, sum(widths[c:c1 + 1]))
            data[r][c] = RLParagraph(markup, st.cell(cell.align, cell.bold, size, indent))
            if pad != CELL_PAD_X:
                cmds += [("LEFTPADDING", (c, r), (c, r), pad), ("RIGHTPADDING", (c, r), (c, r), pad)]
            if cell.rowspan > 1 or cell.colspan > 1:
                cmds.append(("SPAN", (c, r), (c1, r + cell.rowspan - 1)))
    return RLTable(data, colWidths=widths, repeatRows=len(header), style=TableStyle(cmds), hAlign="CENTER")


__all__ = ["GridTable", "CellStyles", "wrap_cell", "normalise", "cut_rows", "CONTINUED"]
