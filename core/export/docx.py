"""The report as a Word file (.docx) in the GB/T 9704-2012 official-document style.

``write_docx(report, path)`` builds the shared layout (``layout.build_document``) and draws its
blocks with python-docx, writing through ``output.write_output`` (temp file, then rename):

* A4, margins 37/35/28/26 mm; body 3号 仿宋_GB2312, first line indented two characters, exact
  28.95 pt lines on a lines-only grid (linePitch 579) and −0.25 pt character spacing, so a page
  holds 22 lines of 28 characters; title 2号 方正小标宋简体 centred; headings on the built-in
  Heading 1–4 styles (navigation pane) in 黑体 / 楷体_GB2312 / 仿宋_GB2312, not bold.
* East Asian fonts are written as ``w:eastAsia``; every ``*Theme`` font attribute is removed
  from the styles and docDefaults, and the East Asian language is zh-CN (tech-notes §1.1).
* Page numbers “— 1 —” in 4号 宋体, odd pages right and even pages left, one character in; under
  it “校验码 XXXX-XXXX-XXXX-XXXX” (core.report_digest) in 六号 (7.5 pt), the same as in the PDF.
* Tables: a 黑体 caption, 五号 宋体 cells off the grid, fixed widths on cells and tblGrid,
  rowspan/colspan merged, header rows repeated on each page, rows never split (unless taller
  than a page: Word would cut it off), 0.5 pt borders.
* Text through ``layout.clean_document`` (no control characters or lone surrogates: XML refuses
  them); the title and author properties cut to python-docx's 255 characters.
* A draft carries “草稿（未定稿：…）” in red in the header of every page and “（草稿）” in the title.

Nothing is computed here: every text comes from the layout.
"""
from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from docx import Document as new_document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from core.export.docx_tables import RPR_AFTER_SPACING, _el, draw_signature, draw_table, fit
from core.export.blocks import Heading, PageBreak, Paragraph, Signature, Table, digest_line
from core.export.layout import build_document, draft_mark
from core.export.printable import clean_document
from core.export.fonts import docx_font_table
from core.export.output import ExportError, write_output
from core.export.typography import looks_like_heading, title_lines

__all__ = ["write_docx", "render", "fit", "ExportError"]

LATIN, BODY_FONT, TITLE_FONT, UNIT_FONT = "Times New Roman", "仿宋_GB2312", "方正小标宋简体", "楷体_GB2312"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: BODY_FONT, 4: BODY_FONT}
TABLE_FONT, CAPTION_FONT, PAGE_FONT = "宋体", "黑体", "宋体"
LINE = Pt(28.95)  # 579 twips: 22 lines on the 225 mm text block
RED = RGBColor(0xC0, 0x00, 0x00)
TITLE_PER_LINE = 19.5  # ems of 2号 on a 156 mm line: 20.1, less a margin for Word's own metrics

THEME_ATTRS = tuple(qn(a) for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"))
# schema order: what may follow w:snapToGrid in w:pPr
PPR_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                  "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                  "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def write_docx(report, path: str | Path, *, templates=None) -> Path:
    """Export ``report`` to ``path`` (.docx); raises ExportError (Chinese message) if it cannot be written."""
    layout = build_document(report, templates)
    return write_output(path, lambda tmp: render(layout).save(str(tmp)))


# -- low-level XML helpers ---------------------------------------------------------------------
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


# -- styles and page setup ---------------------------------------------------------------------
def _paragraph_style(doc, name: str, font: str, size: float, *, latin: str = LATIN, align=None,
                     exact: bool = False, indent_chars: int = 0, spacing: int = 0, base: str = "Normal"):
    styles = doc.styles
    st = styles[name] if name in styles else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
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

    normal = _paragraph_style(doc, "Normal", BODY_FONT, 16, exact=True, indent_chars=2, spacing=-5,
                              align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    normal.paragraph_format.widow_control = True  # long paragraphs split, never one line alone on a page
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


def _font_table(doc) -> None:
    """Each official face declared with its stock Windows alternates (fonts.docx_font_table)."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    part._blob = docx_font_table(part.blob, (BODY_FONT, TITLE_FONT, UNIT_FONT, *HEADING_FONTS.values(),
                                             TABLE_FONT, CAPTION_FONT, PAGE_FONT))


def _page_numbers(doc, digest: str = "") -> None:
    sec = doc.sections[0]
    for footer, align in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT), (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p._p.style, p.alignment = STYLE_IDS["Footer"], align
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
        if digest:  # the paper ↔ file link, under the page number in 六号 (7.5 pt)
            d = styled(footer, "Footer")
            d.alignment = align
            d.paragraph_format.right_indent, d.paragraph_format.left_indent = pf.right_indent, pf.left_indent
            d.paragraph_format.space_before = Pt(0)
            d.paragraph_format.line_spacing_rule, d.paragraph_format.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(10)
            run = d.add_run(digest)
            run.font.size = Pt(7.5)


def _draft_header(doc, reasons) -> None:
    sec = doc.sections[0]
    text = draft_mark(reasons)
    for header in (sec.header, sec.even_page_header):
        header.is_linked_to_previous = False
        header.paragraphs[0]._p.style = STYLE_IDS["Header"]
        run = header.paragraphs[0].add_run(text)
        run.bold, run.font.color.rgb = True, RED
        set_fonts(run._r, CAPTION_FONT)


# -- blocks ------------------------------------------------------------------------------------
def _spacer(doc):
    """A 1 pt paragraph: keeps two tables apart (Word would fuse adjacent tables into one)."""
    p = styled(doc, "Table Text")
    p.paragraph_format.line_spacing, p.paragraph_format.keep_with_next = Pt(1), True
    p.add_run().font.size = Pt(1)
    return p


def _continues(blocks, i: int) -> bool:
    """Is blocks[i] the indicator table drawn right under its head table (one caption for both)?"""
    if not 0 < i < len(blocks):
        return False
    prev, b = blocks[i - 1], blocks[i]
    return (isinstance(b, Table) and b.key == "self_eval" and isinstance(prev, Table)
            and prev.key == "self_eval_head" and prev.caption == b.caption)


CORE_PROPERTY_MAX = 255  # python-docx refuses longer core properties (title, author …)


def _property(text: str) -> str:
    """A document property: one line, at most 255 characters (the printed title stays whole)."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= CORE_PROPERTY_MAX else one_line[:CORE_PROPERTY_MAX - 1] + "…"


@lru_cache(maxsize=1)
def _base_docx() -> bytes:
    """The empty document with our styles, page setup and font table, as a .docx, built once
    per process: none of it depends on the report, and building it (python-docx rebuilds the
    list of ~160 styles for every look-up) cost more than drawing a seed report."""
    doc = new_document()
    for el in [e for e in doc.element.body if e.tag != qn("w:sectPr")]:
        doc.element.body.remove(el)
    _setup(doc)
    _font_table(doc)
    _lean_styles(doc)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _lean_styles(doc) -> None:
    """Leave out what python-docx's template carries and no export uses: ~100 table styles
    (“Medium Grid 3 Accent 6” …, 280 of the 345 KB of styles.xml; our tables are formatted
    directly, and Word adds a built-in table style when a clerk applies one) and
    stylesWithEffects.xml, a second 430 KB copy of the styles for Word 2010 (Word rebuilds it).
    Each export parsed, wrote and compressed them again; nothing printed changes."""
    styles = doc.styles.element
    for st in styles.findall(qn("w:style")):
        if st.get(qn("w:type")) == "table" and st.get(qn("w:default")) not in ("1", "true", "on"):
            styles.remove(st)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)


STYLE_IDS = {"Title": "Title", **{f"Heading {n}": f"Heading{n}" for n in range(1, 5)}, "Table Text": "TableText",
             "Table Caption": "TableCaption", "Signature Text": "SignatureText", "Footer": "Footer",
             "Header": "Header"}


def styled(container, style: str, text: str = ""):
    """``container.add_paragraph(text, style=style)`` without python-docx's style look-up (it
    rebuilds the list of every style to find the default one, for each paragraph): the
    style's id written straight into w:pStyle."""
    p = container.add_paragraph(text)
    p._p.style = STYLE_IDS[style]
    return p


def render(layout):
    """The python-docx Document for a ``layout.Document`` (not saved)."""
    layout = clean_document(layout)  # no control characters or lone surrogates: XML refuses them
    doc = new_document(BytesIO(_base_docx()))
    _page_numbers(doc, digest_line(layout.digest))
    if layout.draft:
        _draft_header(doc, layout.draft_reasons)
    props = doc.core_properties
    props.title, props.author = _property(layout.title), _property(layout.unit)
    props.last_modified_by, props.comments = _property(layout.unit), ""
    props.keywords = props.subject = props.category = ""

    if layout.unit and layout.unit not in layout.title:  # above the title, where the forms put it
        unit = styled(doc, "Title", layout.unit)
        unit.runs[0].font.size = Pt(16)
        set_fonts(unit.runs[0]._r, UNIT_FONT)
        unit.paragraph_format.keep_with_next = True
    last = styled(doc, "Title")
    # our own balanced lines, broken between words (never “自评报/告”); a little narrower than
    # the 20.1 characters of a line, so Word never wraps a line we made
    title = layout.title  # the draft mark is the header line alone (one mark, as in the PDF)
    for n, line in enumerate(title_lines(title, TITLE_PER_LINE, extra=(layout.unit,))):
        if n:
            last.add_run().add_break()
        last.add_run(line)
    last.paragraph_format.space_after = LINE  # one blank line before the body

    blocks = layout.blocks
    for i, b in enumerate(blocks):
        if isinstance(b, Heading):
            h = styled(doc, f"Heading {b.level}", b.number + b.text)
            if i and isinstance(blocks[i - 1], PageBreak):
                h.paragraph_format.page_break_before = True
        elif isinstance(b, Paragraph):
            p = doc.add_paragraph(b.text)
            if looks_like_heading(b.text):  # the clerk's own “（一）绩效分析” stays with what follows
                p.paragraph_format.keep_with_next = True
        elif isinstance(b, Table):
            if _continues(blocks, i):
                _spacer(doc)
            elif b.caption:  # a table pasted into the narrative has none
                styled(doc, "Table Caption", b.caption)
            head = _continues(blocks, i + 1)  # kept with the indicator table, which draws the line below it
            t = draw_table(doc, b, keep=head)
            if head:
                t._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:bottom")).set(qn("w:val"), "nil")
        elif isinstance(b, Signature):
            if doc.paragraphs and i and isinstance(blocks[i - 1], Paragraph):
                doc.paragraphs[-1].paragraph_format.keep_with_next = True  # never alone on a page
            elif i and isinstance(blocks[i - 1], Table) and doc.tables:  # …nor apart from its table's last row
                for cell in doc.tables[-1].rows[-1].cells:
                    for para in cell.paragraphs:
                        para.paragraph_format.keep_with_next = True
            draw_signature(doc, b)
        elif isinstance(b, PageBreak) and not isinstance(blocks[i + 1] if i + 1 < len(blocks) else None, Heading):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)  # (before a heading: page_break_before)
    return doc
