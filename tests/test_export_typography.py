"""Typography of both exports (issue 10 items 6, 7, 8, 11): page one (the unit above the title,
the title broken between words), page breaks (headings and table titles kept with what follows,
widow/orphan control), column widths from the content, and the fonts the .docx declares."""
import re
import zipfile

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from reportlab.platypus import CondPageBreak

from core.export import docx as docx_export
from core.export import layout, pdf
from core.export.fonts import require_cjk_fonts
from core.export.typography import TITLE_WORDS, content_widths, display_width, title_lines

SEEDS = ("000", "001", "002", "003", "004")
WORDS = [w for w in TITLE_WORDS if len(w) > 1]


def _broken_inside_word(lines, extra=()):
    """A word of the title cut between two lines (“自评报/告”, “部门整/体”)."""
    joined = "".join(lines)
    for w in (*WORDS, *extra):
        for m in re.finditer(re.escape(w), joined):
            pos = 0
            for ln in lines[:-1]:
                pos += len(ln)
                if m.start() < pos < m.end():
                    return w
    return None


@pytest.mark.parametrize("title", ["武昌区工商联2018年度项目支出绩效自评报告", "2020年度部门整体支出绩效评价报告（草稿）",
                                   "2022年度益阳市资阳区工商业联合会部门整体支出绩效自评报告"])
def test_title_lines_break_between_words_and_balance(title):
    lines = title_lines(title, 19.5)
    assert "".join(lines) == title and len(lines) == 2
    assert all(display_width(ln) <= 19.5 for ln in lines)
    assert _broken_inside_word(lines) is None
    assert not lines[0].endswith("自评报") and not lines[-1].startswith("告")


@pytest.fixture(scope="module")
def docs(seeds, tmp_path_factory):
    out = tmp_path_factory.mktemp("typo")
    return {k: (layout.build_document(seeds[k]), docx_export.write_docx(seeds[k], out / f"s{k}.docx")) for k in SEEDS}


def _title_paragraph(doc):
    return next(p for p in doc.paragraphs if p.style.name == "Title" and p.text.replace("\n", "").startswith(
        p.text.replace("\n", "")[:4]) and "年" in p.text)


@pytest.mark.parametrize("key", SEEDS)
def test_docx_title_lines_and_unit_on_page_one(docs, key):
    lay, path = docs[key]
    doc = open_docx(str(path))
    first = doc.paragraphs[0]
    title = lay.title  # the draft mark is in the header only (one mark)
    if lay.unit not in lay.title:  # the unit's name above the title, as the forms put it
        assert first.text == lay.unit and first.style.name == "Title"
        title_p = doc.paragraphs[1]
    else:
        title_p = first
    lines = title_p.text.split("\n")  # explicit w:br between our lines
    assert "".join(lines) == title
    assert lines == title_lines(title, docx_export.TITLE_PER_LINE, extra=(lay.unit,))
    assert len(lines) >= 2 or display_width(title) <= docx_export.TITLE_PER_LINE
    assert all(display_width(ln) <= docx_export.TITLE_PER_LINE for ln in lines)
    assert _broken_inside_word(lines, (lay.unit,)) is None


@pytest.fixture(scope="module")
def styles():
    return pdf.Styles(require_cjk_fonts())


@pytest.mark.parametrize("key", SEEDS)
def test_pdf_title_lines_and_unit_on_page_one(seeds, styles, key):
    lay = layout.build_document(seeds[key])
    flow = pdf.story(lay, styles)
    texts = [getattr(f, "text", None) for f in flow[:2]]
    if lay.unit not in lay.title:
        assert texts[0] == lay.unit
        title = texts[1]
    else:
        title = texts[0]
    lines = title.split("<br/>")
    assert "".join(lines) == lay.title
    assert _broken_inside_word(lines, (lay.unit,)) is None
    if len(lay.title) > 18:
        assert len(lines) == 2  # every seed title is longer than a line: two balanced lines
        assert abs(len(lines[0]) - len(lines[1])) <= 8


def test_docx_declares_official_fonts_with_stock_alternates(docs):
    _, path = docs["000"]
    with zipfile.ZipFile(path) as z:
        table = z.read("word/fontTable.xml").decode("utf-8")
        styles_xml = z.read("word/styles.xml").decode("utf-8")
    for official, stock in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "华文中宋")):
        m = re.search(rf'<w:font w:name="{official}"><w:altName w:val="([^"]+)"/>.*?<w:charset w:val="86"/>', table)
        assert m, official
        assert m.group(1).split(",")[0] == stock
        assert f'w:eastAsia="{official}"' in styles_xml  # the official face is still preferred
    assert 'w:name="黑体"' in table


def test_docx_keeps_titles_headings_and_first_rows(docs):
    _, path = docs["000"]
    doc = open_docx(str(path))
    assert doc.styles["Table Caption"].paragraph_format.keep_with_next
    assert all(doc.styles[f"Heading {n}"].paragraph_format.keep_with_next for n in range(1, 5))
    assert doc.styles["Normal"].paragraph_format.widow_control
    for t in doc.tables[:-1]:  # the signature block has its own rule
        rows = t._tbl.tr_lst
        if len(rows) < 4:
            continue
        for tr in rows[:3]:  # header and first rows kept with the next row
            assert all(p.find(qn("w:pPr")).find(qn("w:keepNext")) is not None for p in tr.iter(qn("w:p"))), \
                t.rows[0].cells[0].text
        if len(rows) > 8:  # the rest of a long table flows (only the head table of a 自评表 is kept whole)
            assert rows[-2].find(".//" + qn("w:keepNext")) is None


def test_pdf_heading_keeps_two_lines_without_moving_whole_paragraph(seeds, styles):
    flow = pdf.story(layout.build_document(seeds["001"]), styles)
    headings = [i for i, f in enumerate(flow) if isinstance(f, pdf._Heading)]
    assert headings
    for i in headings:
        j = i - 1
        while j >= 0 and isinstance(flow[j], pdf._Heading):
            j -= 1
        while j >= 0 and type(flow[j]).__name__ == "Spacer":
            j -= 1
        assert isinstance(flow[j], CondPageBreak) or type(flow[j]).__name__ == "Paragraph" and \
            flow[j].style.name == "caption" or isinstance(flow[j], CondPageBreak), i
    assert all(not getattr(s, "keepWithNext", 0) for s in styles.headings.values())
    assert styles.body.allowWidows == 0 and styles.body.allowOrphans == 0


def test_content_widths_number_and_bracket_never_wrap():
    C = layout.Cell
    rows = [(C("资金情况（万元）"), C("年度资金总额"), C("100.00%"), C("2690.00"))]
    widths = content_widths((8, 60, 10, 12), rows)
    assert abs(sum(widths) - 90) < 0.05
    pt = 10.5 * 25.4 / 72
    assert widths[2] >= display_width("100.00%") * pt  # a percentage on one line
    assert widths[3] >= display_width("2690.00") * pt
    assert widths[0] >= display_width("（万元）") * pt  # not one character a line
    assert content_widths((30, 30), [(C("a"), C("b"))]) == (30, 30)  # nothing to fix: unchanged


@pytest.mark.parametrize("key", SEEDS)
def test_every_number_cell_fits_its_column_in_docx(docs, key):
    _, path = docs[key]
    doc = open_docx(str(path))
    pt = 10.5 * 25.4 / 72
    for t in doc.tables:
        for tr in t._tbl.tr_lst:
            for tc in tr.tc_lst:
                text = "".join(x.text or "" for x in tc.iter(qn("w:t"))).strip()
                if re.fullmatch(r"[\d.,%+\-<>=]+", text or "x"):
                    width_mm = int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) / 56.7
                    size = tc.find(".//" + qn("w:sz"))
                    size = int(size.get(qn("w:val"))) / 2 if size is not None else 10.5
                    scale = tc.find(".//" + qn("w:w"))
                    scale = int(scale.get(qn("w:val"))) / 100 if scale is not None else 1
                    assert display_width(text) * size * 25.4 / 72 * scale <= width_mm - 1.4 + 0.3, (text, width_mm)
    assert pt


def test_pdf_empty_row_keeps_a_line_height(styles):
    """Before: a row of empty cells was only its padding high (5 pt), a sliver in the grid."""
    from core.export.pdf_tables import GridTable, normalise

    C = layout.Cell
    rows = normalise([(C("指标1"), C("100.00%")), (C(""), C("")), (C("指标3"), C("5"))], 2)
    t = GridTable(normalise([(C("名称", bold=True), C("值", bold=True))], 2), rows, (40, 30), styles.cells)
    heights = t.heights(400, 800)
    assert heights[2] >= heights[1] - 0.5 and heights[2] >= 14


def test_title_lines_long_titles_stay_cheap():
    """A title of 100,000 characters is left to the paragraph wrap (no recursion, no quadratic search)."""
    title = "某某县工商业联合会" * 11112
    assert title_lines(title, 19.5) == [title]
    mid = "关于" + "某某县工商业联合会" * 12 + "的报告"
    lines = title_lines(mid, 19.5)
    assert "".join(lines) == mid and all(display_width(ln) <= 19.5 for ln in lines)
    assert _broken_inside_word(lines) is None


def test_clerks_own_headings_stay_with_what_follows(docs, seeds, styles):
    """Seed 003's “（一）绩效分析 / 1.项目情况分析 / （1）项目资金到位情况分析” are paragraphs in the
    clerk's numbering: before, Word left them at a page end without their text."""
    from core.export.typography import looks_like_heading

    assert looks_like_heading("（一）绩效分析") and looks_like_heading("1.项目情况分析")
    assert not looks_like_heading("2、机构情况。共有1个独立编制机构数。") and not looks_like_heading("1.5万元支出")
    _, path = docs["003"]
    doc = open_docx(str(path))
    p = next(p for p in doc.paragraphs if p.text == "（1）项目资金到位情况分析")
    assert p.paragraph_format.keep_with_next
    flow = pdf.story(layout.build_document(seeds["003"]), styles)
    i = next(i for i, f in enumerate(flow) if getattr(f, "text", "").endswith("（一）绩效分析"))
    j = i
    while not isinstance(flow[j], CondPageBreak):
        j -= 1
    assert j >= i - 2 and flow[j].height >= 6 * pdf.LINE  # 三、 + three of the clerk's headings + two lines
