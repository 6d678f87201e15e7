"""PDF export (core/export/pdf.py): every seed prints, read back with poppler's pdftotext.

Checks (pdftotext -raw keeps drawing order, so a merged cell's lines stay together): each heading (number + text) and each table total is in the text, no None/nan/#DIV/0!,
every font embedded (pdffonts), title/author in pdfinfo, Chinese punctuation never starts a
line, a 40-row 一级 group splits across pages with “（续）” instead of LayoutError, no usable
font gives the Chinese ExportError, and a failed export leaves the old file as it was.
poppler-utils comes from scripts/setup.sh; without it the read-back tests are skipped.
"""
import re
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest

from core import model
from core.export import fonts as F
from core.export import layout as L
from core.export import pdf as P
from core.export.layout_tables import SELF_EVAL_WIDTHS
from core.export.output import ExportError
from core.export.pdf_tables import CONTINUED, cut_rows, normalise

FONTS = F.find_cjk_fonts()
def _require(ok: bool, what: str):
    """Not a skip: without these tools the exports cannot be checked, and CI must say so."""
    def mark(fn):
        def check(*a, **k):
            assert ok, f"{what} missing: run scripts/setup.sh"
            return fn(*a, **k)
        check.__name__, check.__doc__ = fn.__name__, fn.__doc__
        import functools
        return functools.wraps(fn)(check)
    return mark


needs_poppler = _require(bool(shutil.which("pdftotext") and shutil.which("pdffonts")), "poppler-utils")
needs_fonts = _require(FONTS is not None, "a CJK TrueType font")


def poppler(tool: str, path: Path, *args: str) -> str:
    return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])], check=True,
                          capture_output=True, text=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def exported(seeds, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    return {k: (P.write_pdf(r, out / f"seed{k}.pdf"), L.build_document(r)) for k, r in seeds.items()}


# -- every seed ----------------------------------------------------------------------------------
@needs_poppler
@needs_fonts
@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_seed_exports_readable(exported, seed):
    path, doc = exported[seed]
    text = poppler("pdftotext", path, "-raw")  # drawing order: a cell's lines stay together
    squeezed = flat(text)
    headings = [b for b in doc.blocks if isinstance(b, L.Heading)]
    assert headings
    for h in headings:
        assert flat(h.number + h.text) in squeezed, h
    totals = [b.total_text for b in doc.blocks if isinstance(b, L.Table) and b.total_text]
    assert totals or seed == "003"  # seed 003's table is not scored
    for t in doc.blocks:
        if isinstance(t, L.Table) and t.total_text:
            assert flat(t.caption) in squeezed
            assert re.search(rf"(?<![\d.]){re.escape(t.total_text)}(?![\d.])", text), (t.caption, t.total_text)
    assert flat(doc.title) in squeezed
    for bad in ("#DIV/0!", "None", "nan", "NaN"):
        assert not re.search(rf"(?<![A-Za-z]){re.escape(bad)}(?![A-Za-z])", text), bad
    assert "— 1 —" in text and "签字" in text
    # the signature block where the template puts it: after the last section with 单位（盖章）, or
    # under the tables (seed 001's forms: 填表人 / 填报日期 / 联系电话 / 单位负责人签字)
    assert ("单位（盖章）" in text) != (seed == "001")
    assert ("草稿" in text) == doc.draft


@needs_poppler
@needs_fonts
@pytest.mark.parametrize("seed", ["000", "004"])
def test_fonts_embedded_and_metadata(exported, seed):
    path, doc = exported[seed]
    rows = poppler("pdffonts", path).splitlines()[2:]
    assert rows
    for row in rows:
        emb = row.split()[-5]  # name type encoding emb sub uni object ID
        assert emb == "yes", row
    info = poppler("pdfinfo", path)
    assert doc.title in info and doc.unit in info


@needs_poppler
@needs_fonts
def test_page_numbers_alternate_sides(exported):
    path, _ = exported["000"]
    odd = poppler("pdftotext", path, "-layout", "-f", "1", "-l", "1").splitlines()
    even = poppler("pdftotext", path, "-layout", "-f", "2", "-l", "2").splitlines()
    odd_line = next(ln for ln in odd if re.search(r"—\s*1\s*—", ln))  # spacing depends on the font
    even_line = next(ln for ln in even if re.search(r"—\s*2\s*—", ln))
    assert odd_line.index("—") > 30 and even_line.index("—") < 10


# -- kinsoku ---------------------------------------------------------------------------------------
def test_kinsoku_patch_is_idempotent():
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    P.patch_kinsoku()
    P.patch_kinsoku()
    for mod in (textsplit, paragraph):
        for ch in P.KINSOKU_EXTRA:
            assert mod.ALL_CANNOT_START.count(ch) == 1, ch


@needs_poppler
@needs_fonts
def test_punctuation_never_starts_a_line(tmp_path):
    # a run of n characters then the punctuation: for some n the mark falls exactly at a line start
    paras = tuple(L.Paragraph("中" * n + p + "文" * 12) for n in range(20, 31) for p in "，；：？！》”％）")
    doc = L.Document("断行", "单位", paras, False, ())
    path = P.write_document(doc, tmp_path / "k.pdf", fonts=FONTS)
    lines = [ln.strip() for ln in poppler("pdftotext", path, "-layout").splitlines() if ln.strip()]
    assert any(ln.endswith(("中，", "中；")) for ln in lines)  # the mark hung at the end of a line
    for ln in lines:
        assert ln[0] not in P.KINSOKU_EXTRA, ln


# -- tall groups -------------------------------------------------------------------------------------
def _forty_rows(report: model.Report) -> model.Report:
    leaves = tuple(model.Indicator(f"测试指标{i:02d}", target="≥1次", actual="1次", weight=D(1), score=D(1))
                   for i in range(40))
    big = model.IndicatorGroup("产出指标", D(40), (model.IndicatorGroup("数量指标", None, leaves),))
    return replace(report, table=replace(report.table, groups=(big, *report.table.groups[1:])))


@needs_poppler
@needs_fonts
def test_forty_row_group_splits_with_continued_label(seeds, tmp_path):
    report = _forty_rows(seeds["000"])
    doc = L.build_document(report)
    table = next(b for b in doc.blocks if isinstance(b, L.Table) and b.key == "self_eval")
    assert table.group_rows[0] == (0, 39)
    path = P.write_pdf(report, tmp_path / "tall.pdf")  # no LayoutError
    text = poppler("pdftotext", path, "-raw")
    squeezed = flat(text)
    assert "产出指标（40分）（续）" in squeezed and "数量指标（续）" in squeezed
    for i in range(40):
        assert f"测试指标{i:02d}" in squeezed


def test_cut_rows_repeats_spanned_labels():
    C = L.Cell
    rows = normalise([(C("一级", rowspan=4), C("二级", rowspan=3), C("a")), (None, None, C("b")),
                      (None, None, C("c")), (None, C("二级B"), C("d"))], 3)
    top, rest = cut_rows(rows, 2)
    assert top[0][0].rowspan == 2 and top[0][1].rowspan == 2
    assert rest[0][0] == C("一级" + CONTINUED, rowspan=2) and rest[0][1] == C("二级" + CONTINUED, rowspan=1)
    top2, rest2 = cut_rows(rest, 1)  # cutting a continuation again does not stack （续）
    assert rest2[0][0].text == "一级" + CONTINUED


def test_normalise_drops_cells_under_a_span():
    C = L.Cell
    grid = normalise([(C("A", rowspan=5), C("x")), (C("A", rowspan=5), C("y"))], 2)  # overlaps, too long
    assert grid[0][0].rowspan == 2 and grid[1][0] is None


@needs_fonts
def test_cells_keep_numbers_whole():
    st = P.Styles(FONTS).cells
    _, size, markup, _ = st.fit(L.Cell("100.00%"), SELF_EVAL_WIDTHS[7] * P.mm)  # the 执行率 column
    assert markup == "100.00%"
    _, _, markup, _ = st.fit(L.Cell("提交议案21件，帮扶资金2690万元"), 19 * P.mm)
    assert "2690" in markup.split("<br/>")[-1] or any("2690" in ln for ln in markup.split("<br/>"))


# -- fonts and failures --------------------------------------------------------------------------------
def test_no_font_raises_chinese_error_and_keeps_target(seeds, tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    with pytest.raises(ExportError) as e:
        P.write_pdf(seeds["004"], target, font_candidates=[])
    assert "未找到可用的中文 TrueType 字体" in str(e.value)
    assert target.read_bytes() == b"old"
    assert F.find_cjk_fonts([]) is None
    assert "fonts-wqy-zenhei" in F.missing_fonts_message("linux")
    assert "宋体" in F.missing_fonts_message("win32") and "Fonts" in F.missing_fonts_message("win32")


def test_unusable_candidates_are_skipped(tmp_path):
    fake = tmp_path / "NotoSansCJK-Regular.otf"
    fake.write_bytes(b"OTTO not really")
    broken = tmp_path / "simfang.ttf"
    broken.write_bytes(b"\0\1\0\0 broken")
    cands = [F.FontCandidate(("Noto Sans CJK SC",), str(fake), 0, "CFF"),
             F.FontCandidate(("仿宋",), str(broken), 0, "TrueType")]
    assert F.find_cjk_fonts(cands) is None


@needs_fonts
def test_injected_candidates_pick_roles():
    real = next(src for role, src in FONTS.sources if role == "heading").split(" — ")[1]
    path, index = real.rsplit("#", 1)
    fs = F.find_cjk_fonts([F.FontCandidate(("黑体", "SimHei"), path, int(index))])
    assert fs is not None and fs.body == fs.heading == fs.kai == fs.title


def test_fc_match_answer_is_checked(monkeypatch):
    """fc-match always answers: 仿宋 → DejaVuSans is not a 仿宋 and must not be taken."""
    def fake_run(args):
        if args[0] == "fc-list":
            return "/f/wqy-zenhei.ttc|0|TrueType|WenQuanYi Zen Hei,文泉驿正黑\n/f/Noto.ttc|0|CFF|Noto Sans CJK SC\n"
        if args[-1] in ("仿宋", "FangSong"):
            return "/f/DejaVuSans.ttf|0|TrueType|DejaVu Sans\n"
        if args[-1] == "楷体":
            return "/f/simkai.ttf|0|TrueType|楷体,KaiTi\n"
        return ""
    monkeypatch.setattr(F, "_run", fake_run)
    monkeypatch.setattr(F.shutil, "which", lambda name: "/usr/bin/" + name)
    paths = [c.path for c in F.fontconfig_candidates()]
    assert "/f/simkai.ttf" in paths and "/f/wqy-zenhei.ttc" in paths
    assert "/f/DejaVuSans.ttf" not in paths
    assert F.find_cjk_fonts([c for c in F.fontconfig_candidates() if "Noto" in c.path]) is None


def test_windows_registry_entries_matched_on_value_name():
    cands = F.registry_candidates(
        [("仿宋_GB2312 (TrueType)", "SIMFANG_GB2312.TTF"), ("SimSun & NSimSun (TrueType)", "simsun.ttc"),
         ("方正小标宋简体 (TrueType)", r"C:\Users\a\AppData\Local\Microsoft\Windows\Fonts\FZXBSJW.TTF"),
         ("Arial (TrueType)", "arial.ttf"), ("思源黑体 (OpenType)", "SourceHanSans.otf")],
        [Path("C:/Windows/Fonts")])
    got = {(c.families[0], Path(c.path).name, c.index, c.format) for c in cands}
    assert ("仿宋_GB2312", "SIMFANG_GB2312.TTF", 0, "TrueType") in got
    assert ("SimSun", "simsun.ttc", 0, "TrueType") in got
    assert any(f == "方正小标宋简体" for f, *_ in got)
    assert not any("Arial" in f or "NSimSun" == f for f, *_ in got)


@needs_fonts
def test_failed_export_leaves_target_and_no_temp(seeds, tmp_path, monkeypatch):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")

    def boom(doc, st):
        raise RuntimeError("mid-export failure")
    monkeypatch.setattr(P, "story", boom)
    with pytest.raises(RuntimeError):
        P.write_pdf(seeds["004"], target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


@needs_poppler
@needs_fonts
def test_cell_taller_than_a_page_continues_on_the_next_pages(tmp_path):
    """Before: LayoutError (“一页放不下”). A row taller than a page is cut between its lines."""
    C = L.Cell
    text = "".join(f"第{i:03d}句很长的说明。" for i in range(700))
    huge = L.Table("framework", "表", (40, 116), ((C("项目", bold=True), C("说明", bold=True)),),
                   ((C("说明"), C(text)), (C("下一行"), C("最后一格"))))
    path = P.write_document(L.Document("题", "单位", (huge,), False, ()), tmp_path / "x.pdf", fonts=FONTS)
    squeezed = re.sub(r"—\d+—项目说明", "", flat(poppler("pdftotext", path, "-raw")))  # page ends: number, header
    assert int(poppler("pdfinfo", path).split("Pages:")[1].split()[0]) >= 4
    assert all(f"第{i:03d}句很长的说明。" in squeezed for i in range(700))  # every line printed, in order
    assert squeezed.index("第000句") < squeezed.index("第699句") < squeezed.index("最后一格")


@needs_fonts
def test_header_taller_than_a_page_is_a_chinese_error(tmp_path):
    C = L.Cell
    huge = L.Table("framework", "表", (40, 116), ((C("说明"), C("很长的表头。" * 900)),), ((C("a"), C("b")),))
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")
    with pytest.raises(ExportError) as e:
        P.write_document(L.Document("题", "单位", (huge,), False, ()), target, fonts=FONTS)
    assert "一页放不下" in str(e.value) and target.read_bytes() == b"old"


# -- cost linear in rows and in text length (issue 8), checked without timing -----------------------
def many_rows(report: model.Report, n: int) -> model.Report:
    """``report`` with its first 一级 group replaced by one group of ``n`` rows under one 二级."""
    leaves = tuple(model.Indicator(f"测试指标{i:05d}", target="≥1次", actual="1次", weight=D(1), score=D(1),
                                   deviation_note="无偏差" if i % 7 else "") for i in range(n))
    big = model.IndicatorGroup("产出指标", D(n), (model.IndicatorGroup("数量指标", None, leaves),))
    return replace(report, table=replace(report.table, groups=(big, *report.table.groups[1:])))


def unbroken(n: int) -> str:
    """``n`` lowercase letters without a break opportunity (one “word” to a line breaker)."""
    return "".join(chr(ord("a") + (i * 7) % 26) for i in range(n))


def long_note(report: model.Report, text: str) -> model.Report:
    """``report`` whose first indicator's 偏差原因分析 (the narrow last column) is ``text``."""
    def first_leaf(node):
        child = node.children[0]
        new = replace(child, deviation_note=text) if isinstance(child, model.Indicator) else first_leaf(child)
        return replace(node, children=(new, *node.children[1:]))
    return replace(report, table=replace(report.table, groups=(first_leaf(report.table.groups[0]),
                                                               *report.table.groups[1:])))


@pytest.fixture
def measured(monkeypatch):
    """Characters of cell text handed to reportlab (every Paragraph a table wraps, for measuring
    and for drawing): proportional to the table when the cost is linear, far more when every
    page re-wraps the rows or the cell text still to come (the old quadratic cost)."""
    from core.export import pdf_tables

    seen = [0]

    def counting(real):
        def make(text, *a, **k):
            seen[0] += len(text or "")
            return real(text, *a, **k)
        return make
    # every cell is a CellParagraph (parsed once, its lines broken once per width)
    monkeypatch.setattr(pdf_tables, "CellParagraph", counting(pdf_tables.CellParagraph))
    return seen


@needs_poppler
@needs_fonts
def test_a_thousand_rows_print_to_the_last_at_linear_cost(seeds, tmp_path, measured):
    """Before: 2,000 rows took 131 s, every page re-measuring all the rows still to come."""
    report = many_rows(seeds["000"], 1000)
    table = next(b for b in L.build_document(report).blocks if isinstance(b, L.Table) and b.key == "self_eval")
    table_chars = sum(len(c.text) for row in table.header + table.rows for c in row if c is not None)
    path = P.write_pdf(report, tmp_path / "rows.pdf")
    text = poppler("pdftotext", path, "-raw")
    assert set(re.findall(r"测试指标(\d{5})", text)) == {f"{i:05d}" for i in range(1000)}
    assert flat(text).index("测试指标00999") < flat(text).index("签字")  # the last row, then the document goes on
    assert measured[0] < 8 * table_chars, (measured[0], table_chars)  # now ~4.5×; quadratic: ~30× at 1,000 rows


@needs_poppler
@needs_fonts
def test_twenty_thousand_unbroken_characters_in_a_cell_print_whole(seeds, tmp_path, measured):
    """Before: 5,000 characters did not finish in 300 s (every split point tried per line), and a
    cell taller than a page was refused. Now the string wraps by characters and the row continues
    over the next pages, every character printed in order."""
    text = unbroken(20000)
    path = P.write_pdf(long_note(seeds["000"], text), tmp_path / "long.pdf")
    printed = "".join(re.findall(r"[a-z]+", poppler("pdftotext", path, "-raw")))
    assert text in printed
    assert measured[0] < 20 * len(text), measured[0]  # now ~12× at any length; re-wrapping the rest: ≥ 50×


@needs_poppler
@needs_fonts
def test_long_unbroken_title_heading_and_paragraph_print_whole(tmp_path):
    """Before: a heading taller than a page crashed (TypeError in reportlab's split), and a long
    paragraph was re-broken whole for every page (100,000 characters: 20 s, 4× longer: 15× slower)."""
    text = unbroken(60000)
    doc = L.Document(unbroken(3000), "单位", (L.Heading(1, "一、", unbroken(2000)), L.Paragraph(text),
                                            L.Paragraph("很长的说明文字。" * 4000)), False, ())
    path = P.write_document(doc, tmp_path / "p.pdf", fonts=FONTS)
    out = poppler("pdftotext", path, "-raw")
    printed = "".join(re.findall(r"[a-z]+", out))
    assert printed.endswith(text) and re.sub(r"—\d+—", "", flat(out)).count("很长的说明文字。") == 4000


@needs_fonts
def test_a_long_paragraph_is_broken_into_lines_once():
    st = P.Styles(FONTS)
    text = "很长的说明文字，" * 2000
    pieces = P._long_para(text, st.body)
    whole = P.RLParagraph(P._markup(text), st.body)
    whole.wrap(P.FRAME_W, P.FRAME_H)
    assert len(pieces) == -(-len(whole.blPara.lines) // P.PIECE_LINES)
    lines = []
    for piece in pieces:
        piece.wrap(P.FRAME_W, P.FRAME_H)  # the same lines as the whole paragraph, piece by piece
        lines += ["".join(w[1] if isinstance(w, tuple) else str(w) for w in ln.words) if hasattr(ln, "words")
                  else str(ln) for ln in piece.blPara.lines]
    assert len(lines) == len(whole.blPara.lines)
    assert [p._JustifyLast for p in pieces] == [True] * (len(pieces) - 1) + [False]


def test_chop_cuts_by_characters_within_the_width():
    from core.export.pdf_tables import chop, wrap_cell
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pieces = chop("x" * 1000, "Helvetica", 10, 50)
    assert "".join(pieces) == "x" * 1000 and all(stringWidth(p, "Helvetica", 10) <= 50.01 for p in pieces)
    assert len({len(p) for p in pieces[:-1]}) == 1  # every line full
    lines, whole = wrap_cell("提交" + "9" * 300 + "件", "Helvetica", 10, 50)
    assert not whole and "".join(lines) == "提交" + "9" * 300 + "件"


# -- hostile text and targets ------------------------------------------------------------------------
HOSTILE = "标题\x00\x01\x07\x0b\x1b\x7f开头\ud800中间\ufffe\uffff结尾"


@needs_poppler
@needs_fonts
def test_control_characters_and_surrogates_print(seeds, tmp_path):
    """Before: a lone surrogate ended in UnicodeEncodeError; control characters reached the PDF."""
    report = replace(seeds["000"], title=HOSTILE + "x" * 300, unit=replace(seeds["000"].unit, name="单位\x00名"))
    report = long_note(report, "偏差\x01说明\ud83d完")
    path = P.write_pdf(report, tmp_path / "h.pdf")
    text = poppler("pdftotext", path, "-raw")
    assert "标题开头" in flat(text) and "结尾" in text and "偏差说明" in flat(text)
    assert not re.search("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]", text)  # \x0c: pdftotext page end
    assert "Author:" in poppler("pdfinfo", path)


@needs_fonts
def test_read_only_target_is_refused(seeds, tmp_path):
    """Before: os.replace silently replaced a read-only file. The mode bits decide (root could write)."""
    target = tmp_path / "报告.pdf"
    target.write_bytes(b"old")
    target.chmod(0o444)
    with pytest.raises(ExportError) as e:
        P.write_pdf(seeds["004"], target)
    assert "“报告.pdf”是只读的" in str(e.value) and "另存为" in str(e.value)
    assert target.read_bytes() == b"old" and target.stat().st_mode & 0o777 == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["报告.pdf"]
