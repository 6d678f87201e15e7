"""The Word exporter: every seed exports; the file read back with python-docx has the outline,
the tables with their merges and repeated headers, GB/T 9704 page setup, East Asian fonts, page
numbers and the 草稿 mark; failed writes raise ExportError and leave the old file alone."""
import errno
import os
import stat

import pytest
from docx import Document as open_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from core.export import docx as docx_export
from core.export import layout
from core.export.output import ExportError

SEEDS = ("000", "001", "002", "003", "004")
BAD = ("#DIV/0!", "nan", "None")


@pytest.fixture(scope="module")
def exported(seeds, tmp_path_factory):
    """{seed: (layout Document, python-docx Document)} for every seed, written and read back."""
    out = tmp_path_factory.mktemp("docx")
    result = {}
    for key in SEEDS:
        path = docx_export.write_docx(seeds[key], out / f"seed{key}.docx")
        assert path.exists() and path.stat().st_size > 0
        result[key] = (layout.build_document(seeds[key]), open_docx(str(path)))
    assert sorted(p.name for p in out.iterdir()) == [f"seed{k}.docx" for k in SEEDS]  # no temp files
    return result


def _tables(doc_layout):
    return [b for b in doc_layout.blocks if isinstance(b, layout.Table)]


def _is_signature(t) -> bool:
    return len(t.columns) == 2 and all(r.cells[0].text.endswith("：") for r in t.rows)


def _drawn(doc):
    """The Word tables that draw layout tables (the signature blocks left out)."""
    return [t for t in doc.tables if not _is_signature(t)]


def _all_texts(doc):
    for p in doc.paragraphs:
        yield p.text
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                yield cell.text
    sec = doc.sections[0]
    for part in (sec.header, sec.even_page_header, sec.footer, sec.even_page_footer):
        yield "".join(part._element.itertext())


@pytest.mark.parametrize("key", SEEDS)
def test_outline_headings_in_order(exported, key):
    lay, doc = exported[key]
    want = [(f"Heading {b.level}", b.number + b.text) for b in lay.blocks if isinstance(b, layout.Heading)]
    got = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert got == want and want


@pytest.mark.parametrize("key", SEEDS)
def test_every_table_drawn_with_caption_header_and_widths(exported, key):
    lay, doc = exported[key]
    tables = _tables(lay)
    sigs = [b for b in lay.blocks if isinstance(b, layout.Signature)]
    assert len(doc.tables) == len(tables) + len(sigs) and sigs  # + the signature blocks
    for block, t in zip(tables, _drawn(doc)):
        assert len(t.rows) == len(block.header) + len(block.rows)
        grid = t._tbl.tblGrid.findall(qn("w:gridCol"))
        assert len(grid) == len(block.widths_mm)
        assert abs(sum(int(g.get(qn("w:w"))) for g in grid) * 635 - Mm(156)) < Mm(0.5)
        assert not t.autofit
        for r, row in enumerate(t.rows):
            tr_pr = row._tr.trPr
            assert tr_pr is not None and tr_pr.find(qn("w:cantSplit")) is not None
            assert (tr_pr.find(qn("w:tblHeader")) is not None) == (r < len(block.header))
        assert t._tbl.tblPr.find(qn("w:tblBorders")) is not None
    # the head of a 自评表 and its indicator table: one caption, nothing but a 1 pt spacer between
    captions = [p.text for p in doc.paragraphs if p.style.name == "Table Caption"]
    want = [b.caption for i, b in enumerate(tables)
            if b.caption and not (b.key == "self_eval" and i and tables[i - 1].key == "self_eval_head")]
    assert captions == want
    for i, b in enumerate(tables):
        if b.key == "self_eval" and i and tables[i - 1].key == "self_eval_head":
            spacer = _drawn(doc)[i]._tbl.getprevious()
            text = "".join(spacer.itertext())
            assert spacer.tag == qn("w:p") and text == ""
            assert spacer.getprevious() is _drawn(doc)[i - 1]._tbl


def test_seed004_department_table_merges_header_and_total(exported):
    lay, doc = exported["004"]
    block = [b for b in _tables(lay) if b.key == "self_eval"][0]
    t = _drawn(doc)[_tables(lay).index(block)]
    off = len(block.header)
    assert block.group_rows
    for first, last in block.group_rows:
        a, b = t.cell(off + first, 1), t.cell(off + last, 1)
        assert a._tc is b._tc
        # filled once, not concatenated (a label too wide for its column is broken before its （50分）)
        assert a.text.replace("\n", "") == block.rows[first][1].text
        if first > 0:
            assert t.cell(off + first - 1, 1)._tc is not a._tc
    merged_2 = 0
    for r, row in enumerate(block.rows):
        c = row[2]
        if c is not None and c.rowspan > 1:
            merged_2 += 1
            assert t.cell(off + r, 2)._tc is t.cell(off + r + c.rowspan - 1, 2)._tc
            assert t.cell(off + r, 2).text == c.text
    assert merged_2 >= 1
    header = t.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None
    assert [c.text for c in t.rows[0].cells][1:4] == ["一级指标", "二级指标", "三级指标"]
    assert block.total_text == "107"
    assert t.cell(len(t.rows) - 1, 7).text == "107"
    assert t.cell(len(t.rows) - 1, 0).text == "总分"


def test_seed001_total(exported):
    lay, doc = exported["001"]
    block = [b for b in _tables(lay) if b.key == "self_eval"][0]
    t = _drawn(doc)[_tables(lay).index(block)]
    assert block.total_text == "99" == t.cell(len(t.rows) - 1, 7).text


@pytest.mark.parametrize("key", ["000", "004"])
def test_east_asian_fonts_without_theme(exported, key):
    _, doc = exported[key]
    want = {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading 1": "黑体", "Heading 2": "楷体_GB2312"}
    for name, font in want.items():
        rf = doc.styles[name].element.rPr.rFonts
        assert rf.get(qn("w:eastAsia")) == font
        assert rf.get(qn("w:eastAsiaTheme")) is None and rf.get(qn("w:asciiTheme")) is None
    for rf in doc.styles.element.iter(qn("w:rFonts")):
        assert not any(a.endswith("Theme") or a.endswith("theme") for a in rf.attrib)
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert doc.settings.element.find(qn("w:themeFontLang")).get(qn("w:eastAsia")) == "zh-CN"
    h1 = doc.styles["Heading 1"]
    assert h1.font.bold is False and h1.font.color.rgb is None and h1.paragraph_format.keep_with_next
    assert doc.styles["Title"].element.pPr.find(qn("w:pBdr")) is None
    assert doc.styles["Normal"].font.size.pt == 16


def test_page_setup_and_page_numbers(exported):
    _, doc = exported["004"]
    sec = doc.sections[0]
    for got, mm in ((sec.page_width, 210), (sec.page_height, 297), (sec.top_margin, 37), (sec.bottom_margin, 35),
                    (sec.left_margin, 28), (sec.right_margin, 26), (sec.footer_distance, 21.5)):
        assert abs(got - Mm(mm)) < Mm(0.1)
    grid = sec._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    assert doc.styles["Normal"].paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (sec.footer, sec.even_page_footer):
        text = "".join(footer.paragraphs[0]._element.itertext())  # the 校验码 line under it: test_export_digest
        assert "PAGE" in text and text.startswith("— ") and text.endswith(" —")
    assert sec.footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert sec.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT


@pytest.mark.parametrize("key", SEEDS)
def test_no_spreadsheet_artefacts(exported, key):
    _, doc = exported[key]
    for text in _all_texts(doc):
        for bad in BAD:
            assert bad not in text, (bad, text)


def test_signature_block_kept_together(exported):
    _, doc = exported["003"]  # the template's signature block after the last section
    sig = next(t for t in doc.tables if _is_signature(t))
    assert [r.cells[0].text for r in sig.rows][-1] == "单位（盖章）："
    paras = [r.cells[0].paragraphs[0] for r in sig.rows]
    assert all(p.paragraph_format.keep_with_next for p in paras[:-1])
    blank = [r.cells[1] for r in sig.rows if not r.cells[1].text]
    assert blank and all(c._tc.tcPr.find(qn("w:tcBorders")) is not None for c in blank)


def test_draft_mark_and_final(seeds, tmp_path, monkeypatch):
    draft = open_docx(str(docx_export.write_docx(seeds["001"], tmp_path / "draft.docx")))
    header = "".join(draft.sections[0].header._element.itertext())
    assert header.startswith("草稿（未定稿：") and "；" in header
    assert "草稿" in "".join(draft.sections[0].even_page_header._element.itertext())
    assert "草稿" not in draft.paragraphs[0].text  # one mark: the header line (issue 10 item 10)

    real = layout.build_document
    monkeypatch.setattr(docx_export, "build_document", lambda r, t=None: real(r, t, findings=[]))
    final = open_docx(str(docx_export.write_docx(seeds["001"], tmp_path / "final.docx")))
    for part in (final.sections[0].header, final.sections[0].even_page_header):
        assert "草稿" not in "".join(part._element.itertext())
    assert "草稿" not in final.paragraphs[0].text
    assert all("草稿" not in p.text for p in final.paragraphs)


def test_read_only_folder_raises_chinese_error(seeds, tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(folder, os.W_OK):  # root ignores the mode: refuse the rename like a read-only folder
            def refuse(*a, **k):
                raise PermissionError(errno.EACCES, "Permission denied")
            monkeypatch.setattr(os, "replace", refuse)
        with pytest.raises(ExportError) as e:
            docx_export.write_docx(seeds["004"], folder / "报告.docx")
        assert "无法写入" in str(e.value) and "报告.docx" in str(e.value)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), RuntimeError("boom")])
def test_existing_target_untouched_when_export_fails(seeds, tmp_path, monkeypatch, failure):
    target = tmp_path / "报告.docx"
    target.write_bytes(b"old report")

    def broken(doc_layout):
        raise failure
    monkeypatch.setattr(docx_export, "render", broken)
    with pytest.raises(ExportError if isinstance(failure, OSError) else RuntimeError) as e:
        docx_export.write_docx(seeds["004"], target)
    if isinstance(failure, OSError):
        assert "磁盘空间不足" in str(e.value)
    assert target.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["报告.docx"]


def test_narrow_cells_fit():
    assert docx_export.fit("100.00%", 10)[0] < 10.5  # a percentage never wraps in the 执行率 column
    assert docx_export.fit("10", 10) == (10.5, 100)
    assert docx_export.fit("年度指标值", 19)[0] >= 8.5
    assert docx_export.fit("绩效指标", 9) == (10.5, 100)  # stacks, as in the printed tables


# -- hostile text, read-only targets, errors that are not the target's (issue 8) ----------------------
from dataclasses import replace  # noqa: E402
from decimal import Decimal  # noqa: E402

from core import model  # noqa: E402
from core.export.output import ExportInternalError  # noqa: E402

HOSTILE = "标题\x00\x01\x07\x0b\x1b\x7f开头\ud800中间\ufffe\uffff结尾"


def test_title_over_255_characters_exports(seeds, tmp_path):
    """Before: ValueError from python-docx (core property over 255 characters)."""
    title = "关于" + "某某县工商业联合会" * 40 + "的报告"
    doc = open_docx(str(docx_export.write_docx(replace(seeds["000"], title=title), tmp_path / "t.docx")))
    assert len(doc.core_properties.title) <= 255 and title.startswith(doc.core_properties.title.rstrip("…"))
    assert doc.paragraphs[0].text == "泸溪县工商业联合会"  # the unit above the title (not in it)
    assert doc.paragraphs[1].text.replace("\n", "").startswith(title)  # the printed title is whole


@pytest.mark.parametrize("where", ["title", "unit", "section", "indicator"])
def test_control_characters_and_surrogates_export(seeds, tmp_path, where):
    """Before: ValueError (“All strings must be XML compatible”) or UnicodeEncodeError."""
    r = seeds["000"]
    if where == "title":
        r = replace(r, title=HOSTILE)
    elif where == "unit":
        r = replace(r, unit=replace(r.unit, name=HOSTILE))
    elif where == "section":
        r = replace(r, sections=(replace(r.sections[0], text=HOSTILE), *r.sections[1:]))
    else:
        g = r.table.groups[0]
        sub = g.children[0]
        leaf = replace(sub.children[0], name=HOSTILE, deviation_note="偏差\x01说明")
        g = replace(g, children=(replace(sub, children=(leaf, *sub.children[1:])), *g.children[1:]))
        r = replace(r, table=replace(r.table, groups=(g, *r.table.groups[1:])))
    doc = open_docx(str(docx_export.write_docx(r, tmp_path / "h.docx")))
    texts = "".join(_all_texts(doc)) + doc.core_properties.title + doc.core_properties.author
    assert "标题开头\ufffd中间结尾" in texts  # (in a section, \x0b — Word's line break — starts a paragraph)
    assert not any(ch in texts for ch in "\x00\x01\x07\x0b\x1b\x7f\ufffe\uffff")


def test_long_table_and_unbroken_cell_export_to_the_end(seeds, tmp_path):
    """2,000 rows and a 20,000-character string without a break: the Word file holds them all."""
    leaves = tuple(model.Indicator(f"测试指标{i:05d}", "≥1次", "1次", Decimal(1), Decimal(1)) for i in range(2000))
    leaves = (replace(leaves[0], deviation_note="x" * 19997 + "END"), *leaves[1:])
    big = model.IndicatorGroup("产出指标", Decimal(2000), (model.IndicatorGroup("数量指标", None, leaves),))
    r = replace(seeds["000"], table=replace(seeds["000"].table, groups=(big,)))
    doc = open_docx(str(docx_export.write_docx(r, tmp_path / "big.docx")))
    texts = [t.text for t in doc.element.body.iter(qn("w:t"))]  # python-docx's cell reading recurses per merged row
    assert "测试指标01999" in texts and "x" * 19997 + "END" in texts


def test_read_only_target_is_refused(seeds, tmp_path):
    """Before: os.replace silently replaced it. The mode bits decide (root could write anyway)."""
    target = tmp_path / "x.docx"
    target.write_bytes(b"old report")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # 0444
    try:
        with pytest.raises(ExportError) as e:
            docx_export.write_docx(seeds["004"], target)
        assert "文件“x.docx”是只读的" in str(e.value) and "请另存为其他文件名" in str(e.value)
        assert target.read_bytes() == b"old report" and stat.S_IMODE(target.stat().st_mode) == 0o444
        assert [p.name for p in tmp_path.iterdir()] == ["x.docx"]
    finally:
        target.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_writable_target_is_still_replaced(seeds, tmp_path):
    target = tmp_path / "x.docx"
    target.write_bytes(b"old report")
    docx_export.write_docx(seeds["004"], target)
    assert target.read_bytes().startswith(b"PK")


def test_a_missing_program_file_is_not_blamed_on_the_target(seeds, tmp_path, monkeypatch):
    """Issue 9: python-docx's default-header.xml missing from the bundle was reported as
    “目标文件夹不存在或磁盘已拔出”. An error reading a file elsewhere is the program's."""
    missing = "/opt/jixiao/_internal/docx/templates/default-header.xml"

    def broken(doc_layout):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", missing)
    monkeypatch.setattr(docx_export, "render", broken)
    target = tmp_path / "报告.docx"
    target.write_bytes(b"old report")
    with pytest.raises(ExportInternalError) as e:
        docx_export.write_docx(seeds["004"], target)
    message = str(e.value)
    assert "程序内部出错" in message and "default-header.xml" in message
    assert "目标文件夹不存在" not in message and "No such file" not in message
    assert target.read_bytes() == b"old report" and [p.name for p in tmp_path.iterdir()] == ["报告.docx"]


@pytest.mark.parametrize("error, words", [
    (OSError(errno.ENAMETOOLONG, "File name too long"), "文件名或路径过长"),
    (OSError(errno.EFBIG, "File too large"), "文件过大"),
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间不足"),
    (PermissionError(errno.EACCES, "Permission denied"), "正被其他程序"),
    (OSError(errno.EIO, "Input/output error"), "磁盘已拔出"),
])
def test_write_errors_in_chinese(seeds, tmp_path, monkeypatch, error, words):
    """Errors writing the target (no file name, or the temp file's) in Chinese, never strerror."""
    def failing(doc_layout):
        raise error
    monkeypatch.setattr(docx_export, "render", failing)
    with pytest.raises(ExportError) as e:
        docx_export.write_docx(seeds["004"], tmp_path / "报告.docx")
    assert words in str(e.value) and "“报告.docx”" in str(e.value)
    assert error.strerror not in str(e.value) and not isinstance(e.value, ExportInternalError)


def test_only_a_row_taller_than_a_page_may_break(seeds, tmp_path):
    """Word cuts off a cantSplit row taller than a page: such a row is allowed to break."""
    leaves = (model.Indicator("短", "1", "1", Decimal(1), Decimal(1), deviation_note="x" * 5000),
              model.Indicator("长", "1", "1", Decimal(1), Decimal(1), deviation_note="说明"))
    big = model.IndicatorGroup("产出指标", Decimal(2), (model.IndicatorGroup("数量指标", None, leaves),))
    r = replace(seeds["000"], table=replace(seeds["000"].table, groups=(big,)))
    doc = open_docx(str(docx_export.write_docx(r, tmp_path / "tall.docx")))
    rows = {"".join(tr.itertext()): tr for t in doc.tables for tr in t._tbl.tr_lst}
    tall = next(tr for text, tr in rows.items() if "x" * 5000 in text)
    short = next(tr for text, tr in rows.items() if "说明" in text and "x" * 50 not in text)
    assert tall.trPr.find(qn("w:cantSplit")) is None and short.trPr.find(qn("w:cantSplit")) is not None
