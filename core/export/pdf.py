"""The report as PDF (reportlab platypus), drawn from the shared layout (layout.py).

``write_pdf(report, path)`` draws ``build_document``'s blocks in order on A4 with the
GB/T 9704 margins (top 37 mm, bottom 35, left 28, right 26; text block 156×225 mm):
title 22 pt centred; headings 一、 in 黑体, （一） in 楷体, 1./（1） in the body face, all
16 pt with the body's 28.95 pt line pitch and a two-character indent; body 16 pt 仿宋 with a
two-character first-line indent; tables with the caption above, 10.5 pt cells, the header
repeated on every page; the signature block kept whole; page numbers “— n —” (odd pages
right, even pages left); a large grey “草稿” across every page of a draft, with the reasons
at the top.

Fonts are TrueType faces found on this computer (fonts.py) and embedded as subsets, so
the file prints the same anywhere. reportlab's kinsoku list is Japanese-oriented; we add
Chinese punctuation so "，；：？！》”’％）〉" never start a line (``patch_kinsoku``).

Tables are drawn by pdf_tables.GridTable: it splits at any row, cutting a merged 一级/二级
cell at the page end and repeating its label with “（续）” under the repeated header, so a
一级 group of any length prints (reportlab alone raises LayoutError for a span taller than
a page); cell text is wrapped so numbers stay whole.

Exporters only draw: every text and number comes from the layout, printed as it is.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Frame, KeepTogether, PageTemplate,
                                SimpleDocTemplate, Spacer)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle
from reportlab.platypus.doctemplate import LayoutError

from core.export import layout as L
from core.export.blocks import Block
from core.export.fonts import FontCandidate, FontSet, require_cjk_fonts
from core.export.output import ExportError, write_output
from core.export.pdf_tables import CellStyles, GridTable, normalise
from core.export.typography import content_widths, looks_like_heading, title_lines

PAGE_W, PAGE_H = A4
TOP, BOTTOM, LEFT, RIGHT = 37 * mm, 35 * mm, 28 * mm, 26 * mm
FRAME_W, FRAME_H = PAGE_W - LEFT - RIGHT, PAGE_H - TOP - BOTTOM  # 156 × 225 mm
BODY_SIZE, LINE = 16, 28.95  # 3号, 579 twips
KINSOKU_EXTRA = "，；：？！》”’％）〉"


def patch_kinsoku() -> None:
    """Let Chinese closing punctuation hang at line end instead of starting the next line.

    Both copies of the list are patched: plain text wraps with textsplit's, markup with the
    name paragraph.py imported. Idempotent."""
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for mod in (textsplit, paragraph):
        missing = "".join(ch for ch in KINSOKU_EXTRA if ch not in mod.ALL_CANNOT_START)
        if missing:
            mod.ALL_CANNOT_START = mod.ALL_CANNOT_START + missing


# -- styles ------------------------------------------------------------------------------------
class Styles:
    def __init__(self, fonts: FontSet):
        self.fonts = fonts
        base = dict(fontSize=BODY_SIZE, leading=LINE, wordWrap="CJK", firstLineIndent=2 * BODY_SIZE)
        self.title = ParagraphStyle("title", fontName=fonts.title, fontSize=22, leading=33, alignment=TA_CENTER,
                                    wordWrap="CJK", spaceAfter=LINE)
        self.unit = ParagraphStyle("unit", fontName=fonts.kai, fontSize=BODY_SIZE, leading=LINE, alignment=TA_CENTER,
                                   wordWrap="CJK", spaceAfter=LINE / 2, keepWithNext=1)
        # a long paragraph splits at a page end, never leaving one line alone on either page
        self.body = ParagraphStyle("body", fontName=fonts.body, alignment=TA_JUSTIFY, allowWidows=0, allowOrphans=0,
                                   **base)
        self.headings = {
            1: ParagraphStyle("h1", fontName=fonts.heading, **base),
            2: ParagraphStyle("h2", fontName=fonts.kai, **base),
            3: ParagraphStyle("h3", fontName=fonts.body, **base),
            4: ParagraphStyle("h4", fontName=fonts.body, **base),
        }
        self.caption = ParagraphStyle("caption", fontName=fonts.heading, fontSize=14, leading=20,
                                      alignment=TA_CENTER, wordWrap="CJK", spaceBefore=10, spaceAfter=6)
        self.small_heading = ParagraphStyle("sign", fontName=fonts.heading, fontSize=14, leading=20,
                                            wordWrap="CJK", spaceBefore=LINE / 2, spaceAfter=6)
        self.sign = ParagraphStyle("signcell", fontName=fonts.body, fontSize=12, leading=16, wordWrap="CJK")
        self.cells = CellStyles(fonts.body, fonts.heading)


def _markup(text: str) -> str:
    return escape(text).replace("\t", "　").replace("\n", "<br/>")


def _para(text: str, style: ParagraphStyle) -> RLParagraph:
    return RLParagraph(_markup(text), style)


LONG_PARAGRAPH = 1500  # characters: longer paragraphs are broken into lines once, drawn in pieces
PIECE_LINES = 30


def _long_para(text: str, style: ParagraphStyle) -> list:
    """A paragraph as flowables: one, or for a long text pieces of ``PIECE_LINES`` lines cut
    where reportlab breaks its lines (same lines, the last line of a piece justified as a
    middle line is). reportlab splits a paragraph at a page end by re-breaking all the text
    still to come, for every page: a 100,000-character paragraph took minutes. Broken once
    here, each piece re-breaks only its own lines."""
    p = RLParagraph(_markup(text), style)
    if len(text) <= LONG_PARAGRAPH:
        return [p]
    p.wrap(FRAME_W, FRAME_H)
    lines = p.blPara.lines
    if len(lines) <= PIECE_LINES:
        return [p]
    piece_of = p._get_split_blParaFunc()
    rest = ParagraphStyle(f"{style.name}-cont", parent=style, firstLineIndent=0, allowOrphans=1)
    out = []
    for start in range(0, len(lines), PIECE_LINES):
        stop = min(start + PIECE_LINES, len(lines))
        piece = RLParagraph(None, style if start == 0 else rest, frags=piece_of(p.blPara, start, stop))
        piece._JustifyLast = stop < len(lines)
        out.append(piece)
    return out


def _table_flowables(table: L.Table, st: Styles, caption: list) -> list:
    """The table, and before it the caption (and headings) kept with its first rows."""
    ncols = len(table.widths_mm)
    widths = content_widths(table.widths_mm, table.header + table.rows)  # numbers and （10分） never broken
    t = GridTable(normalise(table.header, ncols), normalise(table.rows, ncols), widths, st.cells,
                  frozenset(first for first, _ in table.group_rows), page_height=FRAME_H)
    if not caption:
        return [t, Spacer(1, 8)]
    h = t.heights(FRAME_W, FRAME_H)
    need = sum(h[:len(table.header) + min(3, len(table.rows))]) + sum(f.wrap(FRAME_W, FRAME_H)[1] for f in caption)
    return [CondPageBreak(min(need + 20, FRAME_H / 2)), *caption, t, Spacer(1, 8)]


def _signature(sig: L.Signature, st: Styles) -> KeepTogether:
    fields = list(sig.fields)
    last = fields.pop() if fields and fields[-1][0] == "单位（盖章）" else None
    data, cmds = [], [("FONTNAME", (0, 0), (-1, -1), st.fonts.body), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                      ("BOTTOMPADDING", (0, 0), (-1, -1), 3), ("LEFTPADDING", (0, 0), (-1, -1), 2),
                      ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    label_style = ParagraphStyle("signlabel", parent=st.sign, alignment=TA_RIGHT)
    for i in range(0, len(fields), 2):
        row = []
        for j, (label, value) in enumerate(fields[i:i + 2]):
            row += [_para(label + "：", label_style), _para(value, st.sign)]
            if not value:
                cmds.append(("LINEBELOW", (2 * j + 1, len(data)), (2 * j + 1, len(data)), 0.5, colors.black))
        data.append(row + [""] * (4 - len(row)))
    heights = [30] * len(data)
    if last is not None:
        # the unit's name on one line: it takes the last two columns, its label the one before
        data.append(["", _para(last[0] + "：", label_style), _para(last[1], st.sign), ""])
        cmds.append(("SPAN", (2, len(data) - 1), (3, len(data) - 1)))
        if not last[1]:
            cmds.append(("LINEBELOW", (2, len(data) - 1), (3, len(data) - 1), 0.5, colors.black))
        heights.append(60)
    t = RLTable(data, colWidths=[44 * mm, 34 * mm, 44 * mm, 34 * mm], rowHeights=heights,
                style=TableStyle(cmds), hAlign="CENTER")
    return KeepTogether([Spacer(1, LINE / 2), t])  # no heading of its own: the form has none


# -- the document ------------------------------------------------------------------------------
class _Heading(RLParagraph):
    """A heading paragraph that also becomes a PDF bookmark. The signature is reportlab's own
    (``split`` makes the pieces of a heading taller than a page through ``self.__class__``);
    the bookmark goes with the first piece."""

    def __init__(self, text, style=None, bulletText=None, frags=None, caseSensitive=1,  # noqa: N803
                 encoding="utf8", *, level: int = 0, plain: str = ""):
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
        self.outline = (plain, level) if level else None

    def split(self, availWidth, availHeight):  # noqa: N803
        parts = super().split(availWidth, availHeight)
        if parts:
            parts[0].outline, self.outline = self.outline, None
        return parts


def _first_page(doc: L.Document, st: Styles) -> list:
    """The unit's name above the title (where the forms put it), unless the title names it; the
    title in balanced lines broken between words (``typography.title_lines``), never by reportlab
    inside a word (“自评报/告”)."""
    out: list = []
    if doc.unit and doc.unit not in doc.title:
        out.append(RLParagraph(_markup(doc.unit), st.unit))
    if len(doc.title) > LONG_PARAGRAPH:
        return out + _long_para(doc.title, st.title)
    size = st.title.fontSize
    lines = title_lines(doc.title, FRAME_W - size, extra=(doc.unit,),
                        width=lambda t: stringWidth(t, st.title.fontName, size))
    out.append(RLParagraph("<br/>".join(_markup(ln) for ln in lines), st.title))
    return out


def _heading_like(b) -> bool:
    """A heading, or a paragraph that is one in the clerk's own numbering (typography.looks_like_heading)."""
    return isinstance(b, L.Heading) or (isinstance(b, L.Paragraph) and looks_like_heading(b.text))


def story(doc: L.Document, st: Styles) -> list:
    out: list = _first_page(doc, st)
    prev: Block | None = None
    blocks = doc.blocks
    for i, b in enumerate(blocks):
        if _heading_like(b) and not _heading_like(prev):
            # a heading (or a run of them, the clerk's own “（一）绩效分析” too) stays with two
            # lines of what follows: a page break only when they do not fit, instead of
            # keepWithNext, which moves the heading and its whole next paragraph to the next
            # page (a third of a page left blank)
            run = 1
            while i + run < len(blocks) and _heading_like(blocks[i + run]):
                run += 1
            out.append(CondPageBreak((run + 2) * LINE + 1))
        if isinstance(b, L.Heading):
            level = min(max(b.level, 1), 4)
            if isinstance(prev, L.Table):
                out.append(Spacer(1, LINE / 2))
            out.append(_Heading(_markup(b.number + b.text), st.headings[level], level=level, plain=b.number + b.text))
        elif isinstance(b, L.Paragraph):
            lead = len(b.text) - len(b.text.lstrip("　"))  # reportlab drops leading 　: indent instead
            style = st.body if not lead else ParagraphStyle(f"body-in{lead}", parent=st.body,
                                                            firstLineIndent=(2 + lead) * BODY_SIZE)
            out.extend(_long_para(b.text[lead:], style))
        elif isinstance(b, L.Table):
            # a head table (no header rows) and its indicator table share one caption and one grid
            if isinstance(prev, L.Table) and not prev.header and prev.caption == b.caption:
                if out and isinstance(out[-1], Spacer):
                    out.pop()
                out.extend(_table_flowables(b, st, []))
            else:
                lead = []  # headings right above the table go with its caption and first rows
                while out and isinstance(out[-1], _Heading):
                    lead.insert(0, out.pop())
                caption = [_para(b.caption, st.caption)] if b.caption else []  # a pasted table has none
                out.extend(_table_flowables(b, st, lead + caption))
        elif isinstance(b, L.Signature):
            sig = _signature(b, st)
            if out and type(out[-1]) is RLParagraph:  # kept with the paragraph above: never alone on a page
                sig = KeepTogether([out.pop(), *sig._content])  # flat: a nested KeepTogether never fits
            out.append(sig)
        elif isinstance(b, L.PageBreak):
            out.append(RLPageBreak())
        prev = b
    return out


class _Doc(SimpleDocTemplate):
    """SimpleDocTemplate with an unpadded frame, so the text block is exactly 156 mm wide."""

    def build(self, flowables, onFirstPage=None, onLaterPages=None, canvasmaker=None):  # noqa: N803
        self._calc()
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="normal",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.pageTemplates = [PageTemplate(id=name, frames=[frame], onPage=on_page, pagesize=self.pagesize)
                              for name, on_page in (("First", onFirstPage), ("Later", onLaterPages))]
        kw = {"canvasmaker": canvasmaker} if canvasmaker else {}
        BaseDocTemplate.build(self, flowables, **kw)

    def afterFlowable(self, flowable):  # noqa: N802
        if isinstance(flowable, _Heading) and flowable.outline and flowable.outline[1] <= 2:
            text, level = flowable.outline
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level - 1, closed=level > 1)


def _page_decorator(doc: L.Document, fonts: FontSet):
    # one draft mark, the same as Word's header: “草稿（未定稿：…）” in red at the top of every page
    mark = L.draft_mark(doc.draft_reasons)
    digest = L.digest_line(doc.digest)

    def on_page(canvas, template):
        n = canvas.getPageNumber()
        canvas.saveState()
        if doc.draft:
            canvas.setFillColor(colors.Color(0.75, 0, 0))
            canvas.setFont(fonts.heading, 10.5)
            canvas.drawCentredString(PAGE_W / 2, PAGE_H - 15 * mm - 10.5, mark)
        canvas.setFillColor(colors.black)
        canvas.setFont(fonts.song, 14)
        label = f"— {n} —"
        if n % 2:
            canvas.drawRightString(PAGE_W - RIGHT - 14, 24 * mm, label)
        else:
            canvas.drawString(LEFT + 14, 24 * mm, label)
        if digest:  # the paper ↔ file link, under the page number in 六号 (7.5 pt)
            canvas.setFont(fonts.song, 7.5)
            if n % 2:
                canvas.drawRightString(PAGE_W - RIGHT - 14, 24 * mm - 11, digest)
            else:
                canvas.drawString(LEFT + 14, 24 * mm - 11, digest)
        canvas.restoreState()
    return on_page


def render(doc: L.Document, target, fonts: FontSet) -> None:
    """Draw ``doc`` into ``target`` (a path or a binary file object)."""
    patch_kinsoku()
    rl_config.useA85 = 0  # streams deflated only: ASCII85 on top made them 25 % larger and cost 5 % of the time
    doc = L.clean_document(doc)
    st = Styles(fonts)
    pdf = _Doc(target, pagesize=A4, topMargin=TOP, bottomMargin=BOTTOM, leftMargin=LEFT, rightMargin=RIGHT,
               title=doc.title, author=doc.unit, subject="预算绩效自评报告", creator="绩效自评助手",
               initialFontName=fonts.body, initialFontSize=BODY_SIZE)
    on_page = _page_decorator(doc, fonts)
    pdf.build(story(doc, st), onFirstPage=on_page, onLaterPages=on_page)


def write_document(doc: L.Document, path: str | Path, *, fonts: FontSet | None = None,
                   font_candidates: Iterable[FontCandidate] | None = None) -> Path:
    fonts = fonts or require_cjk_fonts(font_candidates)
    try:
        return write_output(path, lambda tmp: render(doc, str(tmp), fonts))
    except LayoutError as e:
        raise ExportError(f"无法排版“{Path(path).name}”：某个表格单元格或段落的内容太长，一页放不下。"
                          "请把过长的文字分成几段或精简后重试。原文件未改动。") from e


def write_pdf(report, path: str | Path, *, templates=None,
              font_candidates: Iterable[FontCandidate] | None = None) -> Path:
    """Export ``report`` as PDF to ``path`` (through write_output: all or nothing)."""
    fonts = require_cjk_fonts(font_candidates)
    return write_document(L.build_document(report, templates), path, fonts=fonts)


__all__ = ["write_pdf", "write_document", "render", "patch_kinsoku", "story", "Styles"]
