"""Tables of the Word export: the bordered report tables and the signature block.

``draw_table`` writes the ``w:tr``/``w:tc`` elements of a layout ``Table`` directly with lxml
(widths, gridSpan/vMerge merges, tblHeader/cantSplit rows, Table Text paragraphs), which is
what python-docx's ``Table.cell``/``Cell.merge``/property setters would produce, without their
per-call grid rebuilds and style look-ups.
"""
from __future__ import annotations

import re

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml.etree import SubElement

from core.export.blocks import Cell, Signature, Table
from core.export.typography import content_widths
from core.export.typography import display_width as _ems  # Word cells are measured like titles

CELL_PAD = 40  # twips (0.7 mm) left and right in table cells; 23 (0.4 mm) above and below
TABLE_PT = 10.5
BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")
JC = {"left": "left", "center": "center", "right": "right"}  # layout align → w:jc (default left)
# schema order: what may follow w:spacing in w:rPr, w:tcBorders in w:tcPr,
# w:tblBorders and w:tblCellMar in w:tblPr
RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
                     "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                     "w:eastAsianLayout", "w:specVanish", "w:oMath")
TCPR_AFTER_BORDERS = ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
TBLPR_AFTER_CELLMAR = ("w:tblLook", "w:tblCaption", "w:tblDescription")
W = {t: qn(f"w:{t}") for t in ("tr", "trPr", "cantSplit", "tblHeader", "tc", "tcPr", "tcW", "gridSpan", "vMerge",
                               "vAlign", "p", "pPr", "pStyle", "keepNext", "jc", "r", "rPr", "b", "w", "sz", "t",
                               "val", "type")}
PRESERVE = qn("xml:space")



def _el(tag: str, **attrs) -> OxmlElement:
    """``_el("w:spacing", val="-5")`` → <w:spacing w:val="-5"/>."""
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


def _border(tag: str, val: str = "single") -> OxmlElement:
    """A 0.5 pt (sz in eighths of a point) black line, or none."""
    return _el(tag, val=val) if val == "nil" else _el(tag, val=val, sz=4, space=0, color="000000")


def _table_props(table, widths_mm, *, borders: str, align=WD_TABLE_ALIGNMENT.CENTER) -> None:
    tbl_pr = table._tbl.tblPr
    table.autofit = False  # <w:tblLayout w:type="fixed"/>
    table.alignment = align
    tbl_pr.find(qn("w:tblW")).attrib.update({qn("w:type"): "dxa", qn("w:w"): str(sum(Mm(w).twips for w in widths_mm))})
    tb = OxmlElement("w:tblBorders")
    for side in BORDER_SIDES:
        tb.append(_border(f"w:{side}", borders))
    tbl_pr.insert_element_before(tb, *TBLPR_AFTER_BORDERS)
    mar = _el("w:tblCellMar")
    for side, tw in (("top", 23), ("left", CELL_PAD), ("bottom", 23), ("right", CELL_PAD)):
        mar.append(_el(f"w:{side}", w=tw, type="dxa"))
    tbl_pr.insert_element_before(mar, *TBLPR_AFTER_CELLMAR)
    for i, w in enumerate(widths_mm):
        table.columns[i].width = Mm(w)  # tblGrid (LibreOffice, WPS)
    for tr in table._tbl.tr_lst:
        for i, tc in enumerate(tr.tc_lst):
            tc.width = Mm(widths_mm[i])  # tcW (Word)


def _row_flags(tr, *, header: bool) -> None:
    tr_pr = tr.get_or_add_trPr()
    tr_pr.insert_element_before(_el("w:cantSplit"), "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc",
                                "w:hidden")
    if header:  # repeated at the top of every page
        tr_pr.insert_element_before(_el("w:tblHeader", val="true"), "w:tblCellSpacing", "w:jc", "w:hidden")


TOKEN = re.compile(r"[\x21-\x7e]+")  # runs a line cannot break inside (numbers, percentages, codes)


def fit(text: str, width_mm: float) -> tuple[float, int]:
    """(font size pt, horizontal scale %) so a cell's text does not wrap badly in a narrow column.
    A short label (执行率, 年度指标值) that would wrap is set smaller, down to 8 pt and then
    condensed; up to 8 characters (2020年12月) down to 8.5 pt; a longer text only down to 9.5 pt
    (so a column keeps one size), else it wraps;
    a number that cannot break (“100.00%” in 10 mm) is shrunk like a label."""
    avail = width_mm - 2 * CELL_PAD / 56.7 - 0.3
    pt_mm = 25.4 / 72
    size, scale = TABLE_PT, 100
    for line in text.split("\n"):
        ems = _ems(line)
        if not ems or ems * size * pt_mm <= avail:
            continue
        need = avail / (ems * pt_mm)  # the size the whole line fits at
        if len(line) > 5 and need < (8.5 if len(line) <= 8 else 9.5):
            tok = max((_ems(t) for t in TOKEN.findall(line)), default=0)
            if not tok or tok * size * pt_mm <= avail:
                continue  # wraps between characters or words: fine
            need = avail / (tok * pt_mm)
        elif len(line) <= 5 and need < 6:
            continue  # a label in a very narrow column stacks, as in the printed tables
        if need >= 8.5:
            size = min(size, int(need * 2) / 2)
        else:
            size, scale = min(size, 8), min(scale, max(60, int(100 * need / 8)))
    return size, scale


def _merge_blank_lead(block: Table) -> list[list[Cell | None]]:
    """The grid, with a run of blank first-column body cells (the 绩效指标 column of a 自评表)
    drawn as one tall cell instead of a ladder of empty boxes."""
    grid = [list(row) for row in block.header + block.rows]
    r = len(block.header)
    while block.header and r < len(grid):
        n = 0
        while r + n < len(grid) and grid[r + n] and _blank(grid[r + n][0]):
            n += 1
        if n > 1:
            grid[r][0] = Cell("", rowspan=n)
            for i in range(r + 1, r + n):
                grid[i][0] = None
        r += max(n, 1)
    return grid


def _blank(c: Cell | None) -> bool:
    return c is not None and not c.text and c.rowspan == 1 and c.colspan == 1


def _p(tc, style_id: str, keep: bool, jc: str | None):
    """``<w:p><w:pPr><w:pStyle/>[<w:keepNext/>][<w:jc/>]</w:pPr></w:p>`` appended to ``tc``."""
    p = SubElement(tc, W["p"])
    ppr = SubElement(p, W["pPr"])
    SubElement(ppr, W["pStyle"]).set(W["val"], style_id)
    if keep:
        SubElement(ppr, W["keepNext"])
    if jc is not None:
        SubElement(ppr, W["jc"]).set(W["val"], jc)
    return p


def _run(p, text: str, bold: bool, size: float, scale: int) -> None:
    """A run as ``Paragraph.add_run(text)`` with bold / font size / 字符缩放 set would write it."""
    r = SubElement(p, W["r"])
    rpr = SubElement(r, W["rPr"])
    if bold:
        SubElement(rpr, W["b"])
    if scale != 100:
        SubElement(rpr, W["w"]).set(W["val"], str(scale))
    if size != TABLE_PT:
        SubElement(rpr, W["sz"]).set(W["val"], str(int(Pt(size).pt * 2)))
    if "\t" in text or "\r" in text:
        r.text = text  # python-docx: w:tab / w:br
        return
    t = SubElement(r, W["t"])
    t.text = text
    if len(text.strip()) < len(text):
        t.set(PRESERVE, "preserve")


def _spans(grid, ncols: int) -> tuple[dict, dict]:
    """({(r, c): (cell, last row, last col)} for each drawn cell, {position: its cell's (r, c)})."""
    spans, owner = {}, {}
    for r, row in enumerate(grid):
        for c, cell in enumerate(row[:ncols]):
            if cell is None or (r, c) in owner:
                continue
            r2, c2 = min(r + cell.rowspan, len(grid)) - 1, min(c + cell.colspan, ncols) - 1
            spans[r, c] = (cell, r2, c2)
            for i in range(r, r2 + 1):
                for j in range(c, c2 + 1):
                    owner[i, j] = (r, c)
    return spans, owner


KEEP_FIRST_ROWS = 2  # body rows kept on the page of the table's caption and header (keepNext)
TALL_ROW_PT = 400  # a row estimated taller than this may break across pages (225 mm = 638 pt of text)


def _tall(text: str, width_mm: float, size: float) -> bool:
    """Would ``text`` in a cell ``width_mm`` wide be taller than ``TALL_ROW_PT``? (A rough
    estimate from the character widths, linear in the text.) Word does not break a row marked
    cantSplit even when it is taller than a page: the rest of the cell is cut off unseen."""
    per_line = max((width_mm - 2 * CELL_PAD / 56.7) / (size * 25.4 / 72), 1.0)  # ems on a line
    lines = sum(max(1, -(-int(_ems(line)) // int(per_line))) for line in text.split("\n"))
    return lines * size * 1.3 > TALL_ROW_PT


BRACKET = re.compile(r"（[^（）\n]{1,6}）$")


def _bracket_lines(text: str, width_mm: float, size: float) -> list[str]:
    """The cell's lines, a line that does not fit its column broken before a short closing
    bracket (“满意度指标” / “（10分）”): Word would break inside it and leave “分）” alone."""
    avail = (width_mm - 2 * CELL_PAD / 56.7 - 0.3) / (size * 25.4 / 72)  # ems
    out = []
    for line in text.split("\n"):
        m = BRACKET.search(line)
        if m and m.start() > 0 and _ems(line) > avail:
            out += [line[:m.start()], m.group(0)]
        else:
            out.append(line)
    return out


def draw_table(doc, block: Table, *, keep: bool = False):
    """The python-docx Table for ``block``: fixed widths, merges, header rows repeated, rows never
    split, every cell vertically centred in Table Text paragraphs (kept with the next if ``keep``)."""
    grid = _merge_blank_lead(block)
    widths = content_widths(block.widths_mm, grid)  # numbers and （10分） never broken
    ncols, nhead = len(widths), len(block.header)
    t = doc.add_table(rows=0, cols=ncols)
    _table_props(t, widths, borders="single")
    style_id = "TableText"  # docx.STYLE_IDS: a look-up by name rebuilds python-docx's style list
    col_tw = [Mm(w).twips for w in widths]
    spans, owner = _spans(grid, ncols)
    row_origins: list[list[tuple[int, int]]] = [[] for _ in grid]
    for r0, c0 in spans:
        row_origins[r0].append((r0, c0))
    tbl = t._tbl
    lead = min(nhead + KEEP_FIRST_ROWS, len(grid) - 1)  # the header and first rows stay with the caption
    for r in range(len(grid)):
        keep_row = keep or r < lead
        tr = SubElement(tbl, W["tr"])
        tr_pr = SubElement(tr, W["trPr"])
        tall = any(_tall(cell.text, sum(widths[c:c2 + 1]), fit(cell.text, sum(widths[c:c2 + 1]))[0])
                   for (r0, c), (cell, r2, c2) in ((k, spans[k]) for k in row_origins[r]) if cell.text and r2 == r0)
        if not tall:  # rows never split — unless one is too tall for a page
            SubElement(tr_pr, W["cantSplit"])
        if r < nhead:  # repeated at the top of every page
            SubElement(tr_pr, W["tblHeader"]).set(W["val"], "true")
        c = 0
        while c < ncols:
            top = owner.get((r, c))
            cell, r2, c2 = spans[top] if top is not None and top[1] == c else (None, r, c)
            tc = SubElement(tr, W["tc"])
            tc_pr = SubElement(tc, W["tcPr"])
            tcw = SubElement(tc_pr, W["tcW"])
            tcw.set(W["type"], "dxa")
            tcw.set(W["w"], str(sum(col_tw[c:c2 + 1])))
            if c2 > c:
                SubElement(tc_pr, W["gridSpan"]).set(W["val"], str(c2 - c + 1))
            if cell is not None and r2 > top[0]:
                vm = SubElement(tc_pr, W["vMerge"])
                if r == top[0]:
                    vm.set(W["val"], "restart")
            SubElement(tc_pr, W["vAlign"]).set(W["val"], "center")
            if cell is None or r != top[0]:  # covered (or undrawn): the empty paragraph sets the row height
                _p(tc, style_id, keep_row, None)
            else:
                size, scale = fit(cell.text, sum(widths[c:c2 + 1]))
                jc = JC.get(cell.align, "left")
                for line in _bracket_lines(cell.text, sum(widths[c:c2 + 1]), size) if cell.text else [""]:
                    p = _p(tc, style_id, keep_row, jc)
                    if line:
                        _run(p, line, bool(cell.bold), size, scale)
            c = c2 + 1
    return t


def draw_signature(doc, block: Signature) -> None:
    style_id = "SignatureText"  # docx.STYLE_IDS
    p = doc.add_paragraph()
    p._p.style = style_id
    p.paragraph_format.keep_with_next = True
    widths = (64, 80)  # “单位负责人（签字）：” on one line; a unit name of 14 characters too
    t = doc.add_table(rows=len(block.fields), cols=2)
    _table_props(t, widths, borders="nil", align=WD_TABLE_ALIGNMENT.RIGHT)
    last = len(block.fields) - 1
    for r, (label, value) in enumerate(block.fields):
        row = t.rows[r]
        _row_flags(row._tr, header=False)
        row.height, row.height_rule = Mm(11), WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, text in ((row.cells[0], f"{label}："), (row.cells[1], value)):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            p = cell.paragraphs[0]
            p._p.style = style_id
            p.paragraph_format.keep_with_next = r < last
            if text:
                p.add_run(text)
        if not value.strip():  # a line to sign on
            borders = _el("w:tcBorders")
            borders.append(_border("w:bottom"))
            row.cells[1]._tc.get_or_add_tcPr().insert_element_before(borders, *TCPR_AFTER_BORDERS)
