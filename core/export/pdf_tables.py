"""Tables for the PDF exporter: layout tables (layout.Table) drawn as reportlab tables.

``GridTable`` is a flowable that splits at any row. reportlab itself only splits a table
between blocks of spanned rows: a tall merged 一级 cell moves whole to the next page (leaving
white space), and one taller than a page raises LayoutError. When a page ends inside merged
cells, ``split`` cuts them there (preferring a 一级 boundary, or a row no merged cell runs
across, up to three rows up) and the continuation repeats the label with “（续）” under the
repeated header; so no span is ever taller than a page and a 一级 group of any length prints.

A row taller than a page is cut between the lines of its tall cells (``GridTable._split_row``),
the text continuing in its column on the next page. Cost is linear in rows and in text: a table
is measured through a window of its first rows, a cell with more lines than a page holds is
measured with a page of them, and a run with no break opportunity is cut by characters in one
pass (``chop``); reportlab alone re-measures everything left for every page.

Cell text is wrapped by us, not by reportlab (``pdf_cells.wrap_cell``): its CJK wrap breaks numbers in
narrow columns (“2” / “690万元”, “100.” / “00%”) and lets punctuation hang outside the cell.
A cell gets 10.5 pt with 3 pt padding when that wraps tidily; else tighter padding and then
smaller type (``CellStyles.fit``). Cells that lie under another span (a layout slip) are
dropped by ``normalise`` rather than corrupting the grid.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

from core.export import blocks as L  # the layout's blocks
from core.export.pdf_cells import CELL_PAD_X, CELL_PAD_Y, CellParagraph, CellStyles, chop, wrap_cell

CONTINUED = "（续）"
Grid = list[list["L.Cell | None"]]


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
    return cut_top(rows, p), cut_rest(rows, p)


def cut_top(rows: Grid, p: int) -> Grid:
    """The rows above ``p``, spans running across cut short (reads only those rows)."""
    top = [list(r) for r in rows[:p]]
    for r0, c0 in _crossing(rows, p):
        top[r0][c0] = replace(rows[r0][c0], rowspan=p - r0)
    return top


def cut_rest(rows: Grid, p: int) -> Grid:
    """The rows from ``p`` on; a span running across starts again there, its label repeated
    with “（续）”. Only row ``p`` is copied: the others are shared with ``rows``."""
    rest = list(rows[p:])
    if not rest:
        return rest
    first = list(rest[0])
    for r0, c0 in _crossing(rows, p):
        cell = rows[r0][c0]
        text = cell.text if not cell.text or cell.text.endswith(CONTINUED) else cell.text + CONTINUED
        first[c0] = replace(cell, text=text, rowspan=r0 + cell.rowspan - p)
    rest[0] = first
    return rest


WINDOW = 48  # rows wrapped at first when a table is measured against a page (doubled as needed)


class GridTable(Flowable):
    """A layout table that splits at any row: when a page ends inside a merged 一级/二级 cell,
    the cell is cut there and its label repeated with “（续）” under the repeated header, so no
    span is ever taller than a page (reportlab itself only splits between span blocks). A row
    taller than a page is cut between its lines, its text continuing on the next page.

    The cost is linear in rows: a table is measured against a page through a window of its
    first rows (``_window``: doubled until it is taller than the page), never as a whole, so
    each page wraps only about the rows it holds; reportlab alone re-wraps every remaining row
    for every page (quadratic)."""

    def __init__(self, header: Grid, rows: Grid, widths_mm: Sequence[float], st: CellStyles,
                 group_starts: frozenset[int] = frozenset(), offset: int = 0, page_height: float | None = None):
        super().__init__()
        self.header, self.rows, self.widths = header, rows, [w * mm for w in widths_mm]
        self.widths_mm, self.st, self.group_starts = tuple(widths_mm), st, group_starts
        self.offset = offset  # rows[0] is row ``offset`` of the whole table (group_starts count from there)
        self.page_height = page_height  # a full frame: a first row taller than this is cut between lines
        self.hAlign = "CENTER"
        self._t: RLTable | None = None
        self._windows: dict[tuple[float, float], tuple[RLTable, int]] = {}

    def _table(self) -> RLTable:
        if self._t is None:
            self._t = _rl_table(self.header, self.rows, self.widths, self.st, self._most())
        return self._t

    def _most(self) -> int | None:
        """Lines a cell is measured with at most: more than a page holds (smallest type, 7.5 pt,
        has 9.75 pt lines). A cell with more lines cannot fit a page whatever the rest, so
        cutting it there for measuring changes no decision, and a tall cell costs only the
        lines of one page to measure (reportlab would re-break all its text for every page).
        A table that is drawn fits a page, so none of its cells is ever cut."""
        return None if self.page_height is None else int(self.page_height / 9.5) + 2

    def _window(self, aW, aH) -> tuple[RLTable, int]:  # noqa: N803
        """(reportlab table of the header and the first k rows, wrapped, k): all rows, or enough
        to be taller than ``aH``."""
        key = (round(aW, 2), round(aH, 2))
        if key not in self._windows:
            n = len(self.rows)
            k = min(n, WINDOW)
            while True:
                t = self._table() if k == n else _rl_table(self.header, cut_top(self.rows, k), self.widths, self.st,
                                                           self._most())
                _, h = t.wrap(aW, aH)
                if k == n or h > aH:
                    break
                k = min(n, 2 * k)
            self._windows = {key: (t, k)}  # only the last size asked for: memory stays bounded
        return self._windows[key]

    def wrap(self, aW, aH):  # noqa: N803
        t, _ = self._window(aW, aH)
        self.width, self.height = t._width, t._height
        return self.width, self.height

    def draw(self):
        t = self._table()
        if not hasattr(t, "_rowHeights"):
            t.wrap(self.width, self.height)
        t.drawOn(self.canv, 0, 0)

    def heights(self, aW: float, aH: float) -> list[float]:  # noqa: N803
        """Heights of the header rows and of the first rows (at least a page of them)."""
        t, _ = self._window(aW, aH)
        return list(t._rowHeights)

    def _part(self, rows: Grid, offset: int) -> "GridTable":
        return GridTable(self.header, rows, self.widths_mm, self.st, self.group_starts, offset, self.page_height)

    def _first_fits(self, q: int, aW, aH) -> "GridTable | None":  # noqa: N803
        first = self._part(cut_top(self.rows, q), self.offset)
        return first if first.wrap(aW, aH)[1] <= aH + 0.01 else None

    def split(self, aW, aH):  # noqa: N803
        t, k = self._window(aW, aH)
        h = t._rowHeights
        nh = len(self.header)
        room, p = aH - sum(h[:nh]), 0
        while p < min(k, len(self.rows) - 1) and room >= h[nh + p]:
            room -= h[nh + p]
            p += 1
        while p + 1 < len(self.rows) and self._first_fits(p + 1, aW, aH):  # cut cells may need less room
            p += 1
        if p == 0:
            return self._split_tall_row(aW, aH, room)
        # best: a 一级 boundary, then any boundary no merged cell runs across, a few rows up; else cut here
        near = range(p, max(p - 4, 0), -1)
        order = ([q for q in near if q + self.offset in self.group_starts]
                 + [q for q in near if not _crossing(self.rows, q)] + list(range(p, 0, -1)))
        for q in dict.fromkeys(order):
            first = self._first_fits(q, aW, aH)
            if first:  # the rest starts a new page: never a second header lower on this one
                return [first, PageBreak(), self._part(cut_rest(self.rows, q), self.offset + q)]
        return self._split_tall_row(aW, aH, room)

    def _split_tall_row(self, aW, aH, room: float):  # noqa: N803
        """Nothing fits above the first cut: when the first row would not fit on a fresh page
        either, cut it between lines here; else [] (the frame moves on to a fresh page)."""
        if self.page_height is not None and self._first_fits(1, aW, self.page_height):
            return []
        return self._split_row(aW, aH, room)

    def _split_row(self, aW, aH, room: float):  # noqa: N803
        """The first row does not fit in ``room``: cut the cells too tall for it between their
        lines, the rest continuing in a row of its own on the next page. [] when even a line
        does not fit (the frame then moves on to a fresh page)."""
        row = self.rows[0]
        pieces: dict[int, tuple[float, float]] = {}  # column → (cell width, leading)
        for c, cell in enumerate(row):
            if cell is not None:
                w = sum(self.widths[c:c + cell.colspan])
                pieces[c] = (w, self.st.leading(cell, w))
        n_room = {c: int((room - 2 * CELL_PAD_Y - 0.5) // lead) for c, (_, lead) in pieces.items()}
        tries = 0
        while tries < 40 and min(n_room.values(), default=0) >= 1:
            tries += 1
            top: list = [None] * len(row)
            below: list = [None] * len(row)
            cut_any = False
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                parts = self.st.cut(cell, pieces[c][0], n_room[c])
                if parts:
                    cut_any = True
                    top[c] = replace(parts[0], rowspan=1)
                    below[c] = parts[1]  # keeps its rowspan: the rest of the text over the rest of the span
                elif cell.rowspan > 1:
                    top[c] = replace(cell, rowspan=cell.rowspan + 1)  # spans the new row; cut below with （续）
                else:
                    top[c] = cell
                    below[c] = replace(cell, text="")
            if not cut_any:
                return []  # nothing here is taller than the room: the row moves to the next page
            grid = [top, below] + self.rows[1:]
            first = self._part(cut_top(grid, 1), self.offset)
            if first.wrap(aW, aH)[1] <= aH + 0.01:
                return [first, PageBreak(), self._part(cut_rest(grid, 1), self.offset)]
            n_room = {c: n - max(1, n // 10) for c, n in n_room.items()}
        return []


def _rl_table(header: Grid, rows: Grid, widths: list[float], st: CellStyles, most: int | None = None) -> RLTable:
    ncols = len(widths)
    all_rows = header + rows
    data: list[list] = [["" for _ in range(ncols)] for _ in all_rows]
    # every cell's font, leading, alignment and padding as class defaults (what the table-wide
    # FONTNAME … BOTTOMPADDING commands would set cell by cell: 9 passes over every cell of every
    # table measured); a narrow cell's padding on its own style
    cell_style = st.table_cell_style()
    styles = [[cell_style(f"({r}, {c})") for c in range(ncols)] for r in range(len(all_rows))]
    cmds: list = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
    for r, row in enumerate(all_rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            c1 = min(c + cell.colspan, ncols) - 1
            if cell.rowspan > 1 or cell.colspan > 1:
                cmds.append(("SPAN", (c, r), (c1, r + cell.rowspan - 1)))
            if not cell.text.strip():
                continue  # the plain "" keeps a line's height (an empty paragraph has none)
            pad, size, markup, indent = st.fit(cell, sum(widths[c:c1 + 1]))
            if most is not None:
                markup = st.markup(cell, sum(widths[c:c1 + 1]), most)
            data[r][c] = CellParagraph(markup, st.cell(cell.align, cell.bold, size, indent), st)
            if pad != CELL_PAD_X:
                styles[r][c].leftPadding = styles[r][c].rightPadding = pad
    return RLTable(data, colWidths=widths, repeatRows=len(header), style=TableStyle(cmds), hAlign="CENTER",
                   cellStyles=styles)


__all__ = ["GridTable", "CellStyles", "wrap_cell", "chop", "normalise", "cut_rows", "cut_top", "cut_rest",
           "CONTINUED"]
