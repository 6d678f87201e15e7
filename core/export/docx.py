"""The report as a Word file (.docx) in the GB/T 9704-2012 official-document style.

``write_docx(report, path)`` builds the shared layout (``layout.build_document``) and draws its
blocks with python-docx, writing through ``output.write_output`` (temp file, then rename):

* A4, margins 37/35/28/26 mm; body 3号 仿宋_GB2312, first line indented two characters, exact
  28.95 pt lines on a lines-only grid (linePitch 579) and −0.25 pt character spacing, so a page
  holds 22 lines of 28 characters; title 2号 方正小标宋简体 centred; headings on the built-in
  Heading 1–4 styles (navigation pane) in 黑体 / 楷体_GB2312 / 仿宋_GB2312, not bold.
* East Asian fonts are written as ``w:eastAsia``; every ``*Theme`` font attribute is removed
  from the styles and docDefaults, and the East Asian language is zh-CN (tech-notes §1.1).
* Page numbers “— 1 —” in 4号 宋体, odd pages right and even pages left, one character in.
* Tables: a 黑体 caption, 五号 宋体 cells off the grid, fixed widths on cells and tblGrid,
  rowspan/colspan merged, header rows repeated on each page, rows never split, 0.5 pt borders.
* A draft carries “草稿（未定稿：…）” in red in the header of every page and “（草稿）” in the title.

Nothing is computed here: every text comes from the layout.
"""
from __future__ import annotations

import re
from pathlib import Path

from docx import Document as new_document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell

from core.export.layout import Cell, Heading, PageBreak, Paragraph, Signature, Table, build_document
from core.export.output import ExportError, write_output

__all__ = ["write_docx", "render", "ExportError"]

LATIN, BODY_FONT, TITLE_FONT, UNIT_FONT = "Times New Roman", "仿宋_GB2312", "方正小标宋简体", "楷体_GB2312"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: BODY_FONT, 4: BODY_FONT}
TABLE_FONT, CAPTION_FONT, PAGE_FONT = "宋体", "黑体", "宋体"
LINE = Pt(28.95)  # 579 twips: 22 lines on the 225 mm text block
RED = RGBColor(0xC0, 0x00, 0x00)
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
CELL_PAD = 40  # twips (0.7 mm) left and right in table cells; 23 (0.4 mm) above and below
TABLE_PT = 10.5
BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")

THEME_ATTRS = tuple(qn(a) for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"))
# schema order: what may follow w:spacing in w:rPr, w:snapToGrid in w:pPr, w:tcBorders in w:tcPr,
# w:tblBorders and w:tblCellMar in w:tblPr
RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
                     "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                     "w:eastAsianLayout", "w:specVanish", "w:oMath")
PPR_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                  "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                  "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
TCPR_AFTER_BORDERS = ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
TBLPR_AFTER_CELLMAR = ("w:tblLook", "w:tblCaption", "w:tblDescription")


def write_docx(report, path: str | Path, *, templates=None) -> Path:
    """Export ``report`` to ``path`` (.docx); raises ExportError (Chinese message) if it cannot be written."""
    layout = build_document(report, templates)
    return write_output(path, lambda tmp: render(layout).save(str(tmp)))


# -- low-level XML helpers ---------------------------------------------------------------------
def _el(tag: str, **attrs) -> OxmlElement:
    """``_el("w:spacing", val="-5")`` → <w:spacing w:val="-5"/>."""
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


def _rpr(el):
    return el if el.tag == qn("w:rPr") else el.get_or_add_rPr()


def set_fonts(el, east_asia: str, latin: str = LATIN, h_ansi: str | None = None) -> None:
    """Explicit fonts on a style/run/rPr element; theme attributes would override them (trap 2)."""
    rf = _rpr(el).get_or_add_rFonts()
    for a in THEME_ATTRS:
        rf.attrib.pop(a, None)
    rf.set(qn("w:ascii"), latin)
    rf.set(qn("w:hAnsi"), h_ansi or east_asia)  # “”—… fall in the hAnsi slot: keep them CJK
    rf.set(qn("w:cs"), latin)
    rf.set(qn("w:eastAsia"), east_asia)


def _put(parent, tag: str, successors: tuple[str, ...], val) -> None:
    """Set ``<tag w:val=…>`` in ``parent``, inserting it in schema order if missing."""
    el = parent.find(qn(tag))
    if el is None:
        el = parent.insert_element_before(_el(tag), *successors)
    el.set(qn("w:val"), str(val))


def set_char_spacing(el, twentieths: int) -> None:
    _put(_rpr(el), "w:spacing", RPR_AFTER_SPACING, twentieths)


def snap_off(ppr) -> None:
    """Lines of this paragraph ignore the 28.95 pt document grid (tables, footer, header)."""
    _put(ppr, "w:snapToGrid", PPR_AFTER_SNAP, 0)


def first_line_chars(ppr, chars: int) -> None:
    """Indent in characters (Word/WPS prefer firstLineChars over the absolute firstLine)."""
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(chars * 320))


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


# -- styles and page setup ---------------------------------------------------------------------
def _paragraph_style(doc, name: str, font: str, size: float, *, latin: str = LATIN, align=None,
                     exact: bool = False, indent_chars: int = 0, spacing: int = 0, base: str = "Normal"):
    styles = doc.styles
    st = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.base_style = styles[base] if name != base else None
    st.font.size = Pt(size)
    set_fonts(st.element, font, latin)
    set_char_spacing(st.element, spacing)
    pf = st.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    if exact:
        pf.line_spacing = LINE
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if align is not None:
        pf.alignment = align
    ppr = st.element.get_or_add_pPr()
    first_line_chars(ppr, indent_chars)
    if not exact:
        snap_off(ppr)
    return st


def _setup(doc) -> None:
    styles_el = doc.styles.element
    for rf in styles_el.iter(qn("w:rFonts")):  # trap 2, everywhere (linked “Char” styles too)
        for a in THEME_ATTRS:
            rf.attrib.pop(a, None)
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), "32")
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")  # trap 3
    sp = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    sp.attrib.update({qn("w:after"): "0", qn("w:line"): "240"})
    doc.settings.element.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    doc.settings.odd_and_even_pages_header_footer = True

    _paragraph_style(doc, "Normal", BODY_FONT, 16, exact=True, indent_chars=2, spacing=-5,
                     align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    title = _paragraph_style(doc, "Title", TITLE_FONT, 22, exact=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    ppr = title.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        for el in ppr.findall(qn(tag)):
            ppr.remove(el)
    for level in range(1, 5):
        h = _paragraph_style(doc, f"Heading {level}", HEADING_FONTS[level], 16, exact=True, indent_chars=2,
                             spacing=-5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        h.paragraph_format.keep_with_next = True
    for st in [title] + [doc.styles[f"Heading {n}"] for n in range(1, 5)]:
        st.font.bold = st.font.italic = False
        st.font.color.rgb = None  # removes w:color with its themeColor
        for tag in ("w:bCs", "w:iCs", "w:kern"):
            for el in st.element.rPr.findall(qn(tag)):
                st.element.rPr.remove(el)
    _paragraph_style(doc, "Table Text", TABLE_FONT, 10.5)
    cap = _paragraph_style(doc, "Table Caption", CAPTION_FONT, 14, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format
    cap.space_before, cap.space_after, cap.keep_with_next = Pt(12), Pt(6), True
    _paragraph_style(doc, "Signature Text", BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph_style(doc, "Footer", PAGE_FONT, 14, latin=PAGE_FONT)  # half-width 宋体 digits
    _paragraph_style(doc, "Header", TABLE_FONT, 10.5, align=WD_ALIGN_PARAGRAPH.CENTER)

    sec = doc.sections[0]
    sec.page_width, sec.page_height, sec.top_margin, sec.bottom_margin = Mm(210), Mm(297), Mm(37), Mm(35)
    sec.left_margin, sec.right_margin, sec.header_distance, sec.footer_distance = Mm(28), Mm(26), Mm(15), Mm(21.5)
    sec._sectPr.find(qn("w:docGrid")).attrib.update({qn("w:type"): "lines", qn("w:linePitch"): "579"})


def _page_numbers(doc) -> None:
    sec = doc.sections[0]
    for footer, align in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT), (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style, p.alignment = doc.styles["Footer"], align
        pf = p.paragraph_format
        pf.right_indent, pf.left_indent = (Pt(14), None) if align == WD_ALIGN_PARAGRAPH.RIGHT else (None, Pt(14))
        p.add_run("— ")
        p.add_run()._r.append(_el("w:fldChar", fldCharType="begin"))
        instr = _el("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = " PAGE "
        p.add_run()._r.append(instr)
        p.add_run()._r.append(_el("w:fldChar", fldCharType="separate"))
        p.add_run("1")
        p.add_run()._r.append(_el("w:fldChar", fldCharType="end"))
        p.add_run(" —")


def _draft_header(doc, reasons) -> None:
    sec = doc.sections[0]
    text = "草稿（未定稿：" + "；".join(reasons) + "）" if reasons else "草稿（未定稿）"
    for header in (sec.header, sec.even_page_header):
        header.is_linked_to_previous = False
        header.paragraphs[0].style = doc.styles["Header"]
        run = header.paragraphs[0].add_run(text)
        run.bold, run.font.color.rgb = True, RED
        set_fonts(run._r, CAPTION_FONT)


# -- blocks ------------------------------------------------------------------------------------
def _em(ch: str) -> float:
    """Rough advance width in ems (CJK and the “”—… of the hAnsi 宋体 slot are full width)."""
    if ord(ch) >= 0x2000:
        return 1.0
    if ch in " .,:;!|'il":
        return 0.28
    return 0.9 if ch in "%@MW" else 0.7 if ch.isupper() else 0.5


def _ems(text: str) -> float:
    """Width in ems, with the quarter-em gap Word and LibreOffice put between CJK and digits/letters."""
    gaps = sum(1 for a, b in zip(text, text[1:]) if (a.isascii() and a.isalnum()) != (b.isascii() and b.isalnum())
               and not (a.isascii() and not a.isalnum()) and not (b.isascii() and not b.isalnum()))
    return sum(_em(ch) for ch in text) + 0.25 * gaps


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


def _fill(cell, c: Cell, style, width_mm: float) -> None:
    lines = c.text.split("\n") if c.text else [""]
    size, scale = fit(c.text, width_mm)
    for i, line in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.style = style
        p.alignment = ALIGN.get(c.align, WD_ALIGN_PARAGRAPH.LEFT)
        if not line:
            continue
        run = p.add_run(line)
        run.bold = c.bold or None
        if size != TABLE_PT:
            run.font.size = Pt(size)
        if scale != 100:  # 字符缩放
            run._r.get_or_add_rPr().insert_element_before(_el("w:w", val=scale), *RPR_AFTER_SPACING[1:])


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


def _table(doc, block: Table, *, keep: bool = False):
    grid = _merge_blank_lead(block)
    ncols = len(block.widths_mm)
    t = doc.add_table(rows=len(grid), cols=ncols)
    _table_props(t, block.widths_mm, borders="single")
    style = doc.styles["Table Text"]
    for r, tr in enumerate(t._tbl.tr_lst):
        _row_flags(tr, header=r < len(block.header))
    covered: set[tuple[int, int]] = set()  # positions inside a span drawn already
    for r, row in enumerate(grid):
        for c, cell in enumerate(row[:ncols]):
            if cell is None or (r, c) in covered:
                continue
            r2, c2 = min(r + cell.rowspan, len(grid)) - 1, min(c + cell.colspan, ncols) - 1
            target = t.cell(r, c)
            if (r2, c2) != (r, c):  # merge the empty cells, then fill the top-left only
                target = target.merge(t.cell(r2, c2))
                covered.update((i, j) for i in range(r, r2 + 1) for j in range(c, c2 + 1))
            _fill(target, cell, style, sum(block.widths_mm[c:c2 + 1]))
    for tc in t._tbl.iter(qn("w:tc")):  # covered cells too: their empty paragraph sets the row height
        cell = _Cell(tc, t)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for p in cell.paragraphs:
            if p.style.name != style.name:
                p.style = style
            if keep:
                p.paragraph_format.keep_with_next = True
    return t


def _spacer(doc):
    """A 1 pt paragraph: keeps two tables apart (Word would fuse adjacent tables into one)."""
    p = doc.add_paragraph(style=doc.styles["Table Text"])
    p.paragraph_format.line_spacing, p.paragraph_format.keep_with_next = Pt(1), True
    p.add_run().font.size = Pt(1)
    return p


def _signature(doc, block: Signature) -> None:
    doc.add_paragraph(style=doc.styles["Signature Text"]).paragraph_format.keep_with_next = True
    widths = (64, 56)  # “单位负责人（签字）：” on one line
    t = doc.add_table(rows=len(block.fields), cols=2)
    _table_props(t, widths, borders="nil", align=WD_TABLE_ALIGNMENT.RIGHT)
    style = doc.styles["Signature Text"]
    last = len(block.fields) - 1
    for r, (label, value) in enumerate(block.fields):
        row = t.rows[r]
        _row_flags(row._tr, header=False)
        row.height, row.height_rule = Mm(11), WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, text in ((row.cells[0], f"{label}："), (row.cells[1], value)):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            p = cell.paragraphs[0]
            p.style = style
            p.paragraph_format.keep_with_next = r < last
            if text:
                p.add_run(text)
        if not value.strip():  # a line to sign on
            borders = _el("w:tcBorders")
            borders.append(_border("w:bottom"))
            row.cells[1]._tc.get_or_add_tcPr().insert_element_before(borders, *TCPR_AFTER_BORDERS)


def _continues(blocks, i: int) -> bool:
    """Is blocks[i] the indicator table drawn right under its head table (one caption for both)?"""
    if not 0 < i < len(blocks):
        return False
    prev, b = blocks[i - 1], blocks[i]
    return (isinstance(b, Table) and b.key == "self_eval" and isinstance(prev, Table)
            and prev.key == "self_eval_head" and prev.caption == b.caption)


def render(layout):
    """The python-docx Document for a ``layout.Document`` (not saved)."""
    doc = new_document()
    for el in [e for e in doc.element.body if e.tag != qn("w:sectPr")]:
        doc.element.body.remove(el)
    _setup(doc)
    _page_numbers(doc)
    if layout.draft:
        _draft_header(doc, layout.draft_reasons)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.comments = layout.title, layout.unit, layout.unit, ""
    props.keywords = props.subject = props.category = ""

    last = doc.add_paragraph(layout.title, style=doc.styles["Title"])
    if layout.draft:
        per_line = 156 / (22 * 25.4 / 72)  # 2号 characters on a line
        if _ems(layout.title) <= per_line < _ems(layout.title) + 4:
            last.add_run().add_break()  # not “（草” on one line and “稿）” alone on the next
        last.add_run("（草稿）")
    if layout.unit and layout.unit not in layout.title:
        last = doc.add_paragraph(layout.unit, style=doc.styles["Title"])
        last.runs[0].font.size = Pt(16)
        set_fonts(last.runs[0]._r, UNIT_FONT)
    last.paragraph_format.space_after = LINE  # one blank line before the body

    blocks = layout.blocks
    for i, b in enumerate(blocks):
        if isinstance(b, Heading):
            doc.add_paragraph(b.number + b.text, style=doc.styles[f"Heading {b.level}"])
        elif isinstance(b, Paragraph):
            doc.add_paragraph(b.text)
        elif isinstance(b, Table):
            if _continues(blocks, i):
                _spacer(doc)
            else:
                doc.add_paragraph(b.caption, style=doc.styles["Table Caption"])
            head = _continues(blocks, i + 1)  # kept with the indicator table, which draws the line below it
            t = _table(doc, b, keep=head)
            if head:
                t._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:bottom")).set(qn("w:val"), "nil")
        elif isinstance(b, Signature):
            _signature(doc, b)
        elif isinstance(b, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    return doc
