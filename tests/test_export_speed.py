"""What keeps the exports fast, checked by counting work instead of timing it (bench/export_ratio.py
times it): the system's fonts are searched once per process, Word styles are set up once per
process and written by id, and a PDF table cell is parsed and broken into lines once per width —
each without changing what is printed."""
from __future__ import annotations

import collections
import subprocess

import docx.styles.styles
from docx.oxml.ns import qn
from docx import Document as read_docx
from reportlab.platypus import Paragraph

from core.export import docx as D
from core.export import fonts as F
from core.export import layout as L
from core.export import pdf as P
from core.export import pdf_tables as T


def test_system_fonts_are_searched_once_per_process(seeds, tmp_path, monkeypatch):
    """Every PDF export ran ~33 fc-list/fc-match subprocesses (half the time of a seed's PDF)."""
    searches, runs = [], []
    real_search, real_run = F.system_candidates, subprocess.run
    monkeypatch.setattr(F, "_system_fonts", None)  # as in a fresh process
    monkeypatch.setattr(F, "system_candidates", lambda: searches.append(1) or real_search())
    monkeypatch.setattr(F.subprocess, "run", lambda *a, **k: runs.append(a) or real_run(*a, **k))
    P.write_pdf(seeds["001"], tmp_path / "first.pdf")
    first_runs = len(runs)
    fonts = F.find_cjk_fonts()
    P.write_pdf(seeds["003"], tmp_path / "second.pdf")
    assert fonts is not None and F.find_cjk_fonts() is fonts
    assert len(searches) == 1
    assert len(runs) == first_runs  # no subprocess after the first search
    assert (tmp_path / "second.pdf").read_bytes().startswith(b"%PDF")


def test_a_search_that_found_no_font_is_repeated(seeds, tmp_path, monkeypatch):
    """A clerk who installs a font after the “no Chinese font” message need not restart the program."""
    found = F.system_candidates()
    answers = [[], found]
    monkeypatch.setattr(F, "_system_fonts", None)
    monkeypatch.setattr(F, "system_candidates", lambda: answers.pop(0))
    assert F.find_cjk_fonts() is None
    fonts = F.find_cjk_fonts()
    assert fonts is not None and answers == []
    assert P.write_pdf(seeds["002"], tmp_path / "after.pdf").read_bytes().startswith(b"%PDF")


def test_candidates_given_by_a_caller_are_never_cached(monkeypatch):
    monkeypatch.setattr(F, "_system_fonts", None)
    assert F.find_cjk_fonts([]) is None
    assert F._system_fonts is None


def test_word_paragraph_styles_are_written_by_id_without_looking_them_up(seeds, tmp_path, monkeypatch):
    """python-docx rebuilt its list of ~160 styles for every styled paragraph (~60 % of the time)."""
    D.write_docx(seeds["000"], tmp_path / "warm.docx")  # the base document is built once per process
    lookups = []
    real = docx.styles.styles.Styles.get_style_id
    monkeypatch.setattr(docx.styles.styles.Styles, "get_style_id",
                        lambda self, style, kind: (style is not None and lookups.append(style)) or real(self, style, kind))
    path = D.write_docx(seeds["000"], tmp_path / "a.docx")
    assert lookups == []  # (add_table asks for its style None: answered without a look-up)
    doc = read_docx(path)
    for name, style_id in D.STYLE_IDS.items():  # each id names the style meant, not an unknown one
        assert doc.styles[name].style_id == style_id
    used = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Table Caption"} <= used
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings and headings[0].text.startswith("一、")
    footer = doc.sections[0].footer.paragraphs
    assert footer[0].style.name == "Footer" and "校验码" in footer[-1].text


def test_the_cached_base_document_is_not_changed_by_an_export(seeds):
    layout = L.build_document(seeds["001"])
    first = D.render(layout)
    first.styles["Normal"].font.size = None
    first.add_paragraph("只在这一份里")
    second = D.render(layout)
    assert second.styles["Normal"].font.size.pt == 16
    assert "只在这一份里" not in [p.text for p in second.paragraphs]


def _lines(p: Paragraph) -> list[str]:
    bl = p.blPara
    if bl.kind == 0:
        return ["".join(words) for _, words in bl.lines]
    return ["".join(getattr(w, "text", "") for w in line.words) for line in bl.lines]


def test_a_cell_is_broken_into_the_same_lines_as_reportlab_at_every_width():
    fonts = F.find_cjk_fonts()
    st = T.CellStyles(fonts.body, fonts.heading)
    style = st.cell("left", False)
    for markup in ("全年完成各项工作任务，群众满意度达到预期目标<br/>2690万元", "单行文字，需要在窄列中折行的内容"):
        for width in (40, 90, 40, 300, 90):  # cached widths come back; each must be its own
            cached, fresh = T.CellParagraph(markup, style, st), Paragraph(markup, style)
            assert cached.wrap(width, 1000) == fresh.wrap(width, 1000)
            assert _lines(cached) == _lines(fresh)
            assert len(_lines(fresh)) >= (2 if width < 300 else 1)  # narrow widths really break the text
    assert len(st.frags) == 2 and len(st.wraps) == 2 * 3  # parsed once per text, broken once per width


def _body_characters(path) -> "collections.Counter[str]":
    doc = read_docx(str(path))
    text = "".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))
    return collections.Counter(text.replace(" ", "").replace("　", ""))


def test_the_bench_floor_writes_the_same_text_as_our_word_export(seeds, tmp_path):
    """bench/export_ratio.py holds our Word export against plain python-docx writing the same text
    and cells: the comparison is honest only if the floor's file says exactly what ours says."""
    from bench.export_ratio import plain_content, plain_docx

    for key in ("000", "003"):
        ours = D.write_docx(seeds[key], tmp_path / f"ours{key}.docx")
        plain_docx(plain_content(seeds[key]), tmp_path / f"plain{key}.docx")
        expected = _body_characters(ours)
        assert sum(expected.values()) > 2000
        assert _body_characters(tmp_path / f"plain{key}.docx") == expected
