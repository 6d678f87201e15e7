"""The shared export layout: outline order, every table once, totals, numbers printed one way."""
from dataclasses import replace
from decimal import Decimal as D

import pytest

from core.export.blocks import all_cells
from core.export.layout import (Heading, Paragraph, Signature, Table, build_document, export_status, money, pct,
                                score)
from core.export.numbers import chinese_number, heading_number
from core.findings import ERROR, WARNING, Finding


@pytest.mark.parametrize("n,want", [(1, "一"), (9, "九"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一")])
def test_chinese_numbers(n, want):
    assert chinese_number(n) == want


def test_heading_numbers_by_level():
    assert [heading_number(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]


def test_numbers_are_printed_one_way():
    assert (money(D("161.4")), money(D("0")), money(None)) == ("161.40", "0.00", "")
    assert (pct(D("102.5866")), pct(None)) == ("102.59%", "")
    assert (score(D("1.625")), score(D("10")), score(None)) == ("1.63", "10", "")


def test_seed001_follows_the_current_hunan_outline(seeds):
    doc = build_document(seeds["001"])
    level1 = [b.number + b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 1]
    assert level1[:10] == ["一、部门（单位）基本情况", "二、部门整体收入支出管理及使用情况", "三、政府性基金预算支出情况",
                           "四、国有资本经营预算支出情况", "五、社会保险基金预算支出情况", "六、部门整体支出绩效情况",
                           "七、存在的问题及原因分析", "八、下一步改进措施",
                           "九、部门整体支出绩效自评结果拟应用和公开情况", "十、其他需要说明的情况"]
    level2 = [b.number + b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 2]
    assert level2 == ["（一）基本支出", "（二）项目支出"]


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_every_table_once_and_nothing_unprintable(seeds, seed):
    report = seeds[seed]
    doc = build_document(report)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    indicator_tables = [t for t in tables if t.key in ("self_eval", "framework")]
    assert len(indicator_tables) == len(list(report.tables()))
    assert sum(t.key == "basic_data" for t in tables) <= 1
    bad = [t for t in all_cells(doc) if t in ("None", "nan") or "#DIV/0!" in t or "NaN" in t]
    assert bad == []
    assert any(isinstance(b, Signature) for b in doc.blocks)
    for t in tables:
        assert abs(sum(t.widths_mm) - 156) < 0.5
        width = len(t.widths_mm)
        assert all(len(row) == width for row in t.header + t.rows)


def test_seed004_table_total_and_merged_groups(seeds):
    doc = build_document(seeds["004"])
    dept = next(b for b in doc.blocks if isinstance(b, Table) and b.key == "self_eval")
    assert dept.total_text == "107"  # the sum of the printed row scores (with the execution row)
    # weights add up to 110: the 总分 is printed, no grade (issue 10 item 12)
    assert dept.rows[-1][7].text == "107" and dept.rows[-1][8].text == "分值合计有误，暂不评级"
    first, last = dept.group_rows[0]
    assert dept.rows[first][1].text == "产出指标（50分）" and dept.rows[first][1].rowspan == last - first + 1
    assert all(dept.rows[r][1] is None for r in range(first + 1, last + 1))


def test_seed003_unscored_table_prints_no_zero_total(seeds):
    doc = build_document(seeds["003"])
    t = next(b for b in doc.blocks if isinstance(b, Table) and b.key == "self_eval")
    assert t.total_text == "" and t.rows[-1][7].text == ""


def test_nothing_invents_none_for_an_empty_section(seeds):
    """An empty required section prints its heading and nothing under it (SECTION_EMPTY says why);
    an empty optional section (“其他需要说明的情况”) is left out, the numbering closing up."""
    keep = ("other", "problems_improvements")
    report = replace(seeds["004"], sections=tuple(s for s in seeds["004"].sections if s.key not in keep))
    doc = build_document(report)
    assert all(b.text != "无。" for b in doc.blocks if isinstance(b, Paragraph))
    headings = [b.number + b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 1]
    assert "其他需要说明的情况" not in "".join(headings)
    i = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.text == "存在的问题及改进措施")
    assert doc.blocks[i].number == "四、" and doc.blocks[i + 1].text.startswith("附件：1、")


def test_export_policy():
    warning = Finding("X", WARNING, "t", "m")
    assert export_status([]) == (True, ())
    assert export_status([replace(warning, answered=True)]) == (True, ())
    final, reasons = export_status([Finding("E", ERROR, "t", "m"), warning])
    assert not final and reasons == ("还有 1 项错误未改正", "还有 1 项警告未说明")


def test_seeds_export_as_drafts(seeds):
    doc = build_document(seeds["004"])
    assert doc.draft and "错误" in doc.draft_reasons[0]


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_spans_tile_every_table_exactly(seeds, seed):
    """Every grid position is drawn by exactly one cell (no overlap, no hole) — merges read right."""
    for t in (b for b in build_document(seeds[seed]).blocks if isinstance(b, Table)):
        for part in (t.header, t.rows):
            owner = {}
            for r, row in enumerate(part):
                for c, cell in enumerate(row):
                    if cell is None:
                        continue
                    for dr in range(cell.rowspan):
                        for dc in range(cell.colspan):
                            assert (r + dr, c + dc) not in owner, (t.key, r + dr, c + dc, cell.text)
                            owner[(r + dr, c + dc)] = cell
            assert len(owner) == len(part) * len(t.widths_mm), t.key


def test_overview_text_is_not_printed_twice(seeds):
    doc = build_document(seeds["004"])
    text = "".join(b.text for b in doc.blocks if isinstance(b, Paragraph))
    for sentence in ("人员编制数3人", "区工商联机关行政编制2名", "现有股室1个"):
        assert text.count(sentence) == 1, sentence


def test_printable_text_for_both_exporters():
    from core.export.layout import Cell, Document, Paragraph, Table, clean_document, printable

    assert printable("正常文字\t和换行\n") == "正常文字\t和换行\n"
    assert printable("a\x00b\x1bc\x7fd\ud800e\ufffef\uffffg") == "abcd\ufffdefg"
    doc = clean_document(Document("题\x01", "单位\x02", (
        Paragraph("段\x03落"), Table("t", "表\x04", (10,), ((Cell("头\x05"),),), ((Cell("格\x06"), None),))), True, ("因\x07",)))
    assert (doc.title, doc.unit, doc.draft_reasons) == ("题", "单位", ("因",))
    assert doc.blocks[0].text == "段落" and doc.blocks[1].caption == "表"
    assert doc.blocks[1].header[0][0].text == "头" and doc.blocks[1].rows[0] == (Cell("格"), None)
