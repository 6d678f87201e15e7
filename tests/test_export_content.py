"""What the printed report says (issue 10, items 1–5, 9, 10): empty sections, placeholder rows,
the signature block, headings before their text, tables pasted into a section, formula rows of
the 评分表, one draft mark and numbered annexes — in the layout, in Word and in the PDF."""
import subprocess
from dataclasses import replace

import pytest
from docx import Document as open_docx

from core import model
from core.checks import run_checks
from core.export import docx as docx_export
from core.export import layout as L
from core.export import pdf as pdf_export
from core.export.blocks import all_cells



def final(report):
    """The document as a final export (no findings: no draft mark)."""
    return L.build_document(report, findings=[])


def pdf_text(doc, path) -> str:
    pdf_export.write_document(doc, path)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def docx_of(doc, path):
    docx_export.render(doc).save(str(path))
    return open_docx(str(path))


def flat(text: str) -> str:
    return "".join(text.split())


def with_section(report, key, text):
    others = tuple(s for s in report.sections if s.key != key)
    return replace(report, sections=others + (model.Section(key, text),))


# -- 2. empty sections ---------------------------------------------------------------------------
def test_an_empty_required_section_is_an_error_and_nothing_invents_none(seeds):
    report = with_section(seeds["004"], "problems_improvements", "  ")
    found = [f for f in run_checks(report) if f.code == "SECTION_EMPTY"]
    assert [(f.severity, f.where) for f in found] == [("error", "sections/problems_improvements")]
    assert "存在的问题及改进措施" in found[0].message
    blocks = L.build_document(report).blocks
    at = next(i for i, b in enumerate(blocks) if isinstance(b, L.Heading) and "问题" in b.text)
    assert isinstance(blocks[at + 1], L.Heading) or blocks[at + 1].text.startswith("附件：")  # no “无。”


def test_an_empty_optional_section_is_left_out_without_a_finding(seeds):
    report = with_section(seeds["004"], "other", "")
    assert not [f for f in run_checks(report) if f.code == "SECTION_EMPTY"]
    headings = [b.number + b.text for b in L.build_document(report).blocks if isinstance(b, L.Heading) and b.number]
    assert not any("其他需要说明的情况" in h for h in headings)
    assert headings[-1].startswith("四、") and "问题" in headings[-1]  # numbering unchanged before it
    # written, it prints
    shown = [b.text for b in L.build_document(seeds["004"]).blocks if isinstance(b, L.Heading)]
    assert "其他需要说明的情况" in shown


# -- 5. placeholder rows ---------------------------------------------------------------------------
def test_an_empty_row_is_a_placeholder_warning(seeds):
    table = seeds["004"].table
    g = table.groups[0]
    empty = model.Indicator(name="")
    sub = g.children[0]
    sub = replace(sub, children=sub.children + (empty,))
    report = replace(seeds["004"], table=replace(table, groups=(replace(g, children=(sub,) + g.children[1:]),)
                                                 + table.groups[1:]))
    found = [f for f in run_checks(report) if f.code == "PLACEHOLDER_ROW"]
    assert [f.where for f in found] == [f"table/groups/0/children/0/children/{len(sub.children) - 1}"]
    assert found[0].severity == "warning"


def test_placeholder_rows_are_not_printed_in_a_final_export(seeds, tmp_path):
    for seed, marks in (("001", ("……",)), ("002", ("指标2",))):
        report = seeds[seed]
        assert any(f.code == "PLACEHOLDER_ROW" for f in run_checks(report))
        doc = final(report)
        assert not doc.draft
        assert not [t for t in all_cells(doc) if any(m in t for m in marks)]
        word = docx_of(doc, tmp_path / f"{seed}.docx")
        cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
        assert cells and not [t for t in cells if any(m in t for m in marks)]
        text = pdf_text(doc, tmp_path / f"{seed}.pdf")
        assert not any(m in text for m in marks)


# -- 3. signature ------------------------------------------------------------------------------------
def test_signature_after_the_last_section_with_unit_and_chinese_date(seeds, tmp_path):
    report = seeds["003"]  # signatories.date 2019-05-30; the original ends “武汉市…联合会 / 2019年5月30日”
    doc = final(report)
    sigs = [i for i, b in enumerate(doc.blocks) if isinstance(b, L.Signature)]
    assert len(sigs) == 1
    sig = doc.blocks[sigs[0]]
    assert dict(sig.fields)["单位（盖章）"] == "武汉市武昌区工商业联合会"
    assert dict(sig.fields)["填报日期"] == "2019年5月30日"
    before = doc.blocks[:sigs[0]]
    last_heading = max(i for i, b in enumerate(before) if isinstance(b, L.Heading))
    assert "其他需要说明的情况" in before[last_heading].text or isinstance(before[-1], L.Paragraph)
    assert not any(isinstance(b, L.Table) for b in before[last_heading:])  # the annexed table comes after
    assert any(isinstance(b, L.Table) for b in doc.blocks[sigs[0]:])

    text = pdf_text(doc, tmp_path / "003.pdf")
    lines = [ln.strip() for ln in text.splitlines()]
    assert "签字" not in lines  # no invented heading
    assert "武汉市武昌区工商业联合会" in flat(text) and "2019年5月30日" in flat(text)
    assert flat(text).index("2019年5月30日") < flat(text).index("项目支出绩效自评表")
    word = docx_of(doc, tmp_path / "003.docx")
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "武汉市武昌区工商业联合会" in cells and "2019年5月30日" in cells
    assert not any(p.text.strip() == "签字" for p in word.paragraphs)


def test_signature_under_each_table_where_the_form_has_it(seeds):
    doc = final(seeds["001"])  # hunan-dept-2022: 填表人/填报日期/联系电话/单位负责人签字 under the tables
    blocks = doc.blocks
    sigs = [i for i, b in enumerate(blocks) if isinstance(b, L.Signature)]
    assert [blocks[i - 1].key for i in sigs][:2] == ["basic_data", "self_eval"]
    assert [label for label, _ in blocks[sigs[0]].fields] == ["填表人", "填报日期", "联系电话", "单位负责人签字"]
    assert not isinstance(blocks[-1], L.Signature) or isinstance(blocks[-2], L.Table)


# -- 4. headings before their content ---------------------------------------------------------------
def test_seed001_overview_fields_print_under_their_own_headings(seeds):
    doc = final(seeds["001"])
    first = next(i for i, b in enumerate(doc.blocks) if isinstance(b, L.Heading))
    end = next(i for i, b in enumerate(doc.blocks) if i > first and isinstance(b, L.Heading))
    texts = [b.text for b in doc.blocks[first + 1:end]]
    duties = texts.index("1、主要职责：")
    org = texts.index("2、机构设置")
    assert duties == 0 and texts[1].startswith("1、工商联通过团结")
    assert org > duties + 1 and texts[org + 1].startswith("内设机构设置")
    assert sum("我会内设股室一个" in t for t in texts) == 1  # said once


# -- 1. tables pasted into a section ----------------------------------------------------------------
PASTED = ("项目支出情况如下表：\n项目名称\t预算数（万元）\t执行数（万元）\n"
          "会议费\t0.50\t0.48\n印刷费\t2.00\t1.96\n以上均按计划执行。")


def test_a_pasted_tab_separated_block_is_a_table_in_word_and_pdf(seeds, tmp_path):
    report = with_section(seeds["004"], "problems_improvements", PASTED)
    doc = final(report)
    i = next(i for i, b in enumerate(doc.blocks) if isinstance(b, L.Table) and b.key == "narrative")
    t = doc.blocks[i]
    assert [c.text for c in t.header[0]] == ["项目名称", "预算数（万元）", "执行数（万元）"]
    assert [[c.text for c in r] for r in t.rows] == [["会议费", "0.50", "0.48"], ["印刷费", "2.00", "1.96"]]
    assert doc.blocks[i - 1].text == "项目支出情况如下表：" and doc.blocks[i + 1].text == "以上均按计划执行。"

    word = docx_of(doc, tmp_path / "t.docx")
    grids = [[[c.text for c in r.cells] for r in tb.rows] for tb in word.tables]
    assert [["项目名称", "预算数（万元）", "执行数（万元）"], ["会议费", "0.50", "0.48"],
            ["印刷费", "2.00", "1.96"]] in grids
    assert not any("\t" in p.text for p in word.paragraphs)

    text = flat(pdf_text(doc, tmp_path / "t.pdf"))
    order = ["项目支出情况如下表：", "项目名称", "预算数（万元）", "执行数（万元）", "会议费", "0.50", "0.48",
             "印刷费", "2.00", "1.96", "以上均按计划执行。"]
    at = [text.index(w) for w in order]
    assert at == sorted(at)


def test_merged_cells_copied_once_are_padded_on_the_left(seeds):
    from core.narrative import text_blocks
    blocks = text_blocks("一级\t二级\t指标\t值\n产出\t数量\t会议\t1次\n培训\t2次\n成本指标\n差旅费\t2万元")
    (grid,) = blocks
    assert grid[2] == ("", "", "培训", "2次") and grid[3] == ("", "", "成本指标", "")


def test_space_aligned_lines_get_a_hint(seeds):
    spaced = "项目    预算数    执行数\n会议费    0.5    0.48\n印刷费    2    1.96"
    report = with_section(seeds["004"], "problems_improvements", spaced)
    found = [f for f in run_checks(report) if f.code == "TABLE_SPACES"]
    assert [(f.severity, f.where) for f in found] == [("hint", "sections/problems_improvements")]
    assert not [f for f in run_checks(with_section(seeds["004"], "problems_improvements", PASTED))
                if f.code == "TABLE_SPACES"]


# -- 9. the 评分表 adds up on paper ----------------------------------------------------------------------
def test_framework_formula_rows_print_their_computed_value(seeds):
    doc = final(seeds["000"])
    fw = next(b for b in doc.blocks if isinstance(b, L.Table) and b.key == "framework")
    row = next(r for r in fw.rows if any(c is not None and c.text == "在职人员控制率" for c in r))
    assert any(c is not None and "133.33%" in c.text for c in row)
    total = fw.rows[-1]
    assert total[0].text == "总分" and [c.text for c in total[-3:]][2] == fw.total_text != ""
    assert any(c is not None and c.text.startswith("等级") for c in total)  # 等级 beside the 总分


# -- 10. one draft mark, numbered annexes --------------------------------------------------------------
def test_one_draft_mark_the_same_in_word_and_pdf(seeds, tmp_path):
    doc = L.build_document(seeds["004"])
    mark = L.draft_mark(doc.draft_reasons)
    word = docx_of(doc, tmp_path / "d.docx")
    assert [p.text for p in word.sections[0].header.paragraphs] == [mark]
    assert all("草稿" not in p.text for p in word.paragraphs)  # not in the title as well
    text = pdf_text(doc, tmp_path / "d.pdf")
    pages = text.split("\f")[:-1]
    assert all(p.count("草稿") == 1 and flat(mark) in flat(p) for p in pages)


def test_annexes_numbered_as_the_forms_do(seeds):
    doc = final(seeds["004"])
    texts = [b.text for b in doc.blocks if isinstance(b, (L.Paragraph, L.Heading))]
    i = next(i for i, t in enumerate(texts) if t.startswith("附件："))
    assert texts[i] == "附件：1、2020年度部门整体支出绩效自评表"
    assert texts[i + 1].lstrip("　") .startswith("2、2020年度项目支出绩效自评表")
    heads = [b.text for b in doc.blocks if isinstance(b, L.Heading) and b.text.startswith("附件")]
    assert heads[:2] == ["附件1", "附件2"]
    for n, b in enumerate(doc.blocks):
        if isinstance(b, L.Heading) and b.text in heads:
            assert isinstance(doc.blocks[n - 1], L.PageBreak)


def test_signature_kept_with_what_precedes_it_in_word(seeds, tmp_path):
    word = docx_of(final(seeds["001"]), tmp_path / "k.docx")  # signatures under the tables
    body = list(word.element.body)
    sigs = [t for t in word.tables if t.rows[0].cells[0].text == "填表人："]
    assert sigs
    for sig in sigs:
        prev = body[body.index(sig._tbl) - 1]  # the keep-together paragraph, then the table above
        table = next(t for t in word.tables if t._tbl is body[body.index(prev) - 1])
        assert all(p.paragraph_format.keep_with_next for c in table.rows[-1].cells for p in c.paragraphs)
    word = docx_of(final(seeds["003"]), tmp_path / "k3.docx")  # after the last paragraph
    body = list(word.element.body)
    sig = next(t for t in word.tables if t.rows[0].cells[0].text == "填表人：")
    last_para = body[body.index(sig._tbl) - 2]
    assert last_para.pPr is not None and last_para.pPr.keepNext is not None


def test_a_report_without_any_text_gets_one_warning_not_an_error_per_section(seeds):
    """A table checked on its own (seed 002 has the tables only; jixiao check table.csv) is not yet
    a report: one NARRATIVE_MISSING warning, no SECTION_EMPTY errors."""
    found = [f for f in run_checks(seeds["002"]) if f.code in ("SECTION_EMPTY", "NARRATIVE_MISSING")]
    assert [(f.code, f.severity, f.where) for f in found] == [("NARRATIVE_MISSING", "warning", "sections")]
    written = with_section(seeds["002"], "performance", "本年度绩效情况良好。")
    codes = [f.code for f in run_checks(written) if f.code in ("SECTION_EMPTY", "NARRATIVE_MISSING")]
    assert "NARRATIVE_MISSING" not in codes and codes.count("SECTION_EMPTY") >= 3
