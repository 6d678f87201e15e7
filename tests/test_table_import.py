"""Importing an indicator table from CSV/XLSX (core.table_import).

The fixtures under tests/fixtures/tables are the 项目支出绩效自评表 of seed 004 (附件2,
非公有制中小微企业发展项目) typed as a clerk would: UTF-8 with BOM, the same bytes in GBK, and
an .xlsx written by openpyxl with merged 一级 cells and a percent-formatted satisfaction row.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core import model
from core.findings import ERROR
from core.report_io import load_report
from core.table_import import read_indicator_table

HERE = Path(__file__).parent
TABLES = HERE / "fixtures" / "tables"
SEED004 = ["seed004_project.csv", "seed004_project_gbk.csv", "seed004_project.xlsx"]
HEADER = "一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分,偏差原因分析及改进措施"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _leaves(table: model.SelfEvalTable) -> list[model.Indicator]:
    return [leaf for g in table.groups for _, leaf in g.leaves()]


def _read_ok(path, name=""):
    table, findings = read_indicator_table(path, name)
    assert findings == []
    assert table is not None
    return table


def _write_csv(tmp_path: Path, text: str, name: str = "t.csv", encoding="utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _only_error(path, code: str):
    table, findings = read_indicator_table(path)
    assert table is None, "bad input must change nothing"
    assert [f.code for f in findings] == [code]
    f = findings[0]
    assert f.severity == ERROR
    assert CJK.search(f.message), f.message
    return f


# -- the seed 004 project table in three files -------------------------------------------------
@pytest.mark.parametrize("fname", SEED004)
def test_seed004_reads_the_published_table(fname):
    table = _read_ok(TABLES / fname, "非公有制中小微企业发展项目")
    assert table.name == "非公有制中小微企业发展项目"
    assert [(g.name, g.stated_weight) for g in table.groups] == [
        ("产出指标", Decimal(50)), ("效益指标", Decimal(30)), ("满意度指标", Decimal(10))]
    assert [s.name for s in table.groups[0].children] == ["数量指标", "质量指标", "时效指标",
                                                          "成本指标"]
    assert [s.name for s in table.groups[1].children][-1] == "可持续影响指标"
    leaves = _leaves(table)
    assert len(leaves) == 9
    assert sum(x.weight for x in leaves) == 90
    assert sum(x.score for x in leaves) == 88
    assert table.stated_total == 98
    assert table.stated_grade == "优"
    last = leaves[-1]
    assert (last.name, last.target, last.actual, last.weight, last.score, last.deviation_note) == (
        "协会", "98%", "100%", Decimal(10), Decimal(9), "满意度有待提高")
    assert leaves[7].deviation_note == "加强与协会的联系，更好的促进经济发展"


def test_three_files_give_the_same_table():
    tables = [_read_ok(TABLES / f) for f in SEED004]
    assert tables[0] == tables[1] == tables[2]


def test_gbk_file_reads_chinese_correctly():
    raw = (TABLES / "seed004_project_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is GBK
    utf8 = _read_ok(TABLES / "seed004_project.csv")
    gbk = _read_ok(TABLES / "seed004_project_gbk.csv")
    assert [x.name for x in _leaves(gbk)] == [x.name for x in _leaves(utf8)]
    assert _leaves(gbk)[0].name == "拨付协会发展经费"


def test_seed004_matches_the_seed_json():
    report, findings = load_report(HERE / "fixtures" / "seeds" / "seed004.json")
    assert report is not None
    table = _read_ok(TABLES / "seed004_project.csv")
    assert table.groups == report.projects[0].groups


def test_excel_unicode_text_export(tmp_path):
    """Excel's “Unicode 文本” is UTF-16 with a BOM, separated by tabs."""
    text = (TABLES / "seed004_project.csv").read_text(encoding="utf-8-sig").replace(",", "\t")
    p = _write_csv(tmp_path, text, "unicode.csv", encoding="utf-16")
    assert _read_ok(p) == _read_ok(TABLES / "seed004_project.csv")


# -- tolerant reading -------------------------------------------------------------------------
def test_tab_separated_variant_headers_numbers_and_merged_level2(tmp_path):
    text = ("\t".join(["一级指标", "二级\n指标", "三级指标", "指标性质", "度量单位",
                       "年度指标值（A）", "实际完成值(B)", "分　值", "得分", "偏差原因"]) + "\n")
    text = text.replace("二级\n指标", '"二级\n指标"')
    rows = [["产出指标（60分）", "数量指标", "培训人数", "≥", "人", "100", "120", "１５", "15分", ""],
            ["", "", "培训场次", "≥", "场", "5", "5", "1.5", "1.5", ""],
            ["", "质量指标", "合格率", "≥", "%", "95", "96", "10分", "10", ""],
            ["", "", "", "", "", "", "", "", "", ""],
            ["合计", "", "", "", "", "", "", "", "26.5", ""],
            ["填表人：张三"] + [""] * 9]
    text += "\n".join("\t".join(r) for r in rows)
    table = _read_ok(_write_csv(tmp_path, text, encoding="gb18030"))
    (g,) = table.groups
    assert (g.name, g.stated_weight) == ("产出指标", Decimal(60))
    assert [s.name for s in g.children] == ["数量指标", "质量指标"]
    assert [x.name for x in g.children[0].children] == ["培训人数", "培训场次"]
    first = g.children[0].children[0]
    assert (first.weight, first.score, first.direction, first.unit) == (15, 15, "≥", "人")
    assert [x.weight for x in _leaves(table)] == [15, Decimal("1.5"), 10]
    assert table.stated_total == Decimal("26.5")


def test_semicolon_csv_with_chinese_numeral_weight(tmp_path):
    text = HEADER.replace(",", ";") + "\n产出指标;数量指标;A;1;1;五分;5;\n"
    (leaf,) = _leaves(_read_ok(_write_csv(tmp_path, text)))
    assert leaf.weight == 5  # parse_number reads Chinese numerals, as everywhere in the app


# -- broken input -----------------------------------------------------------------------------
def test_empty_file(tmp_path):
    f = _only_error(_write_csv(tmp_path, "", "空.csv"), "TABLE_EMPTY")
    assert f.where == "空.csv"
    _only_error(_write_csv(tmp_path, "\ufeff\n,,,\n", "blank.csv"), "TABLE_EMPTY")


def test_header_but_no_rows(tmp_path):
    f = _only_error(_write_csv(tmp_path, HEADER + "\n总分,,,,,100,98,\n"), "TABLE_EMPTY")
    assert "指标行" in f.message


def test_missing_columns_are_named(tmp_path):
    # issue 12: only 一级指标, 三级指标 and one value column are required (docs/format.md)
    text = "一级指标,二级指标,三级指标,得分系数,偏差原因\n产出指标,数量指标,A,1,\n"
    f = _only_error(_write_csv(tmp_path, text, "缺列.csv"), "TABLE_COLUMNS")
    assert "缺少列：年度指标值、实际完成值、分值、得分（至少要有其中一列）" in f.message
    assert "一级指标、二级指标、三级指标、得分系数、偏差原因" in f.message  # what it found
    assert f.where == "缺列.csv:第1行"


def test_no_header_row_at_all(tmp_path):
    f = _only_error(_write_csv(tmp_path, "项目名称,某项目\n金额,10\n"), "TABLE_COLUMNS")
    assert "一级指标" in f.message and "三级指标" in f.message and "项目名称" in f.message


@pytest.mark.parametrize("bad", ["abc", "十分好", "10%"])
def test_text_in_weight_column(tmp_path, bad):
    text = f"自评表\n{HEADER}\n产出指标,数量指标,A,1,1,10,10,\n,,B,1,1,{bad},5,\n"
    f = _only_error(_write_csv(tmp_path, text, "分值.csv"), "TABLE_NUMBER")
    assert f.where == "分值.csv:第4行“分值”列"
    assert f"“{bad}”" in f.message and "分值" in f.message and "第4行" in f.message
    assert "数字" in f.fix


def test_text_in_score_column_of_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["产出指标", "数量指标", "A", "1", "1", 10, "满分", None])
    wb.save(tmp_path / "t.xlsx")
    f = _only_error(tmp_path / "t.xlsx", "TABLE_NUMBER")
    assert f.where == "t.xlsx:第2行“得分”列" and "“满分”" in f.message


def test_xlsx_that_is_really_text(tmp_path):
    p = tmp_path / "假的.xlsx"
    p.write_text(HEADER + "\n产出指标,数量指标,A,1,1,10,10,\n", encoding="utf-8")
    f = _only_error(p, "TABLE_UNREADABLE")
    assert "xlsx" in f.message and f.where == "假的.xlsx"


def test_empty_xlsx(tmp_path):
    openpyxl.Workbook().save(tmp_path / "e.xlsx")
    _only_error(tmp_path / "e.xlsx", "TABLE_EMPTY")


def test_unknown_encoding(tmp_path):
    p = tmp_path / "bin.csv"
    p.write_bytes(b"\xff\xff\xff\x80\x80")
    _only_error(p, "TABLE_ENCODING")


@pytest.mark.parametrize("fname", ["table.xls", "table.txt", "table"])
def test_unsupported_suffix(tmp_path, fname):
    p = tmp_path / fname
    p.write_text(HEADER, encoding="utf-8")
    f = _only_error(p, "TABLE_FORMAT")
    assert ".xlsx" in f.message


def test_missing_file(tmp_path):
    _only_error(tmp_path / "nope.csv", "TABLE_UNREADABLE")
