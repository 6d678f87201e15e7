"""Table cells of the PDF: how a cell's text is wrapped and set, once per text and width.

``wrap_cell`` breaks a cell's text into lines itself (reportlab's CJK wrap breaks numbers in
narrow columns and lets punctuation hang outside the cell); ``CellStyles`` picks each cell's
padding and size (``fit``) and keeps, for the whole document, what every cell text became;
``CellParagraph`` is reportlab's Paragraph with its markup parsed and its lines broken once per
text, style and width — a table is measured again for every page window and every split tried.
``pdf_tables`` draws the tables from these.
"""
from __future__ import annotations

import re
from dataclasses import replace
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus.tables import CellStyle as RLCellStyle

from core.export import blocks as L  # the layout's blocks

CELL_SIZE = 10.5
CELL_LEADING = 14
CELL_PAD_X = 3
CELL_PAD_Y = 2.5
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
            if len(line) > 1 and stringWidth(line, font, size) > width + 0.01:  # wider than the cell
                whole = False
                *full, line = chop(line, font, size, width)
                lines.extend(full)
        lines.append(line.rstrip())
        if any(len(ln.strip()) == 1 for ln in lines[first:-1]):
            whole = False
    return lines, whole


def chop(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` cut by characters into pieces no wider than ``width`` (at least one character
    each), in one pass: a long unbroken string (an URL, a run of digits or letters) wraps by
    characters, as CJK text does. Glyph widths are added up, as reportlab measures them."""
    pieces, start, used = [], 0, 0.0
    widths: dict[str, float] = {}
    for i, ch in enumerate(text):
        w = widths.get(ch)
        if w is None:
            w = widths[ch] = stringWidth(ch, font, size)
        if i > start and used + w > width + 0.01:
            pieces.append(text[start:i])
            start, used = i, 0.0
        used += w
    pieces.append(text[start:])
    return pieces


class CellStyles:
    """Paragraph styles for cells, and how each cell's text fits its column (cached)."""

    def __init__(self, body: str, heading: str):
        self.body, self.heading = body, heading  # bold cells are drawn in the heading (黑体) face
        self._cells: dict[tuple, ParagraphStyle] = {}
        self._fits: dict[tuple, tuple[float, float, str, int]] = {}
        self._lines: dict[tuple, list[str]] = {}
        self._table_cell: type[RLCellStyle] | None = None
        # a cell's text is parsed and broken into lines once per style and width, however often
        # the table is measured (each page measures a window of rows, each split a few more)
        self.frags: dict[tuple, list] = {}
        self.wraps: dict[tuple, tuple] = {}

    def table_cell_style(self) -> type[RLCellStyle]:
        """reportlab's CellStyle with our table-wide settings as its defaults."""
        if self._table_cell is None:
            self._table_cell = type("GridCellStyle", (RLCellStyle,), {
                "fontname": self.body, "fontsize": CELL_SIZE, "leading": CELL_LEADING, "valign": "MIDDLE",
                "leftPadding": CELL_PAD_X, "rightPadding": CELL_PAD_X, "topPadding": CELL_PAD_Y,
                "bottomPadding": CELL_PAD_Y})
        return self._table_cell

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
            self._remember(key, pad, size, lines, indent)
        return self._fits[key]

    def _remember(self, key: tuple, pad: float, size: float, lines: list[str], indent: int) -> None:
        self._fits[key] = (pad, size, "<br/>".join(escape(ln) for ln in lines), indent)
        self._lines[key] = lines

    def cut(self, cell: "L.Cell", width: float, n: int) -> "tuple[L.Cell, L.Cell] | None":
        """``cell`` as its first ``n`` printed lines and the rest, each printing exactly as in the
        whole cell (same size, same line breaks); None when it has ``n`` lines or fewer."""
        pad, size, _, indent = self.fit(cell, width)
        lines = self._lines[(cell.text, cell.bold, round(width, 2))]
        if len(lines) <= n:
            return None
        parts = []
        for piece in (lines[:n], lines[n:]):
            part = replace(cell, text="　" * indent + "\n".join(piece))
            self._remember((part.text, part.bold, round(width, 2)), pad, size, piece, indent)
            parts.append(part)
        return parts[0], parts[1]

    def markup(self, cell: "L.Cell", width: float, most: int | None = None) -> str:
        """The cell's markup, cut after ``most`` lines when it has more (for measuring only)."""
        _, _, markup, _ = self.fit(cell, width)
        if most is not None:
            lines = self._lines[(cell.text, cell.bold, round(width, 2))]
            if len(lines) > most:
                return "<br/>".join(escape(ln) for ln in lines[:most])
        return markup

    def leading(self, cell: "L.Cell", width: float) -> float:
        _, size, _, indent = self.fit(cell, width)
        return self.cell(cell.align, cell.bold, size, indent).leading


class CellParagraph(RLParagraph):
    """A cell's paragraph whose markup is parsed, and whose lines are broken, once per text,
    style and width for the whole document (``CellStyles.frags``/``wraps``): a table is wrapped
    again for every page window and every split tried, and reportlab's Paragraph parses its
    markup anew for each object and breaks its lines anew for each wrap. What is kept is
    what reportlab computed the first time, so every cell prints exactly as before."""

    def __init__(self, markup: str, style: ParagraphStyle, memo: CellStyles):
        key = (markup, style.name)
        frags = memo.frags.get(key)
        super().__init__(markup, style, frags=frags)
        if frags is None:
            memo.frags[key] = self.frags
        self._memo, self._key = memo, key

    def wrap(self, availWidth, availHeight):  # noqa: N803
        key = (self._key, availWidth)
        hit = self._memo.wraps.get(key)
        if hit is None:
            w, h = super().wrap(availWidth, availHeight)
            if hasattr(self, "blPara") and self.width == availWidth:
                self._memo.wraps[key] = (self.blPara, self.height, self._wrapWidths)
            return w, h
        self.width = availWidth
        self.blPara, self.height, self._wrapWidths = hit
        return availWidth, self.height


__all__ = ["CellStyles", "CellParagraph", "wrap_cell", "chop", "CELL_SIZE", "CELL_LEADING", "CELL_PAD_X", "CELL_PAD_Y"]
