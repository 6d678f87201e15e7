"""The header row of an indicator table read by meaning (resources/table_columns.json): the names
published tables use, method/coefficient columns never taken for 得分, tables without 分值 or
偏差原因, unknown columns named, and ``jixiao check --columns``."""
import json
from decimal import Decimal as D

import pytest

from conftest import ROOT
from core import table_columns
from core.cli import main
from core.table_import import read_indicator_table, read_pasted_rows, read_sheet

HEADERS = ROOT / "tests" / "fixtures" / "tables" / "headers" / "headers.json"
REAL_HEADERS = ROOT / "tests" / "fixtures" / "tables" / "real" / "headers.json"

# every column name quoted in issue 12, with the meaning it must get
ISSUE_NAMES = [
    ("指标值(A)", "target"), ("年初目标值(A)", "target"), ("全年实际值(B)", "actual"),
    ("全年完成值", "actual"), ("完成值", "actual"), ("参考分值", "weight"), ("权重", "weight"),
    ("指标权重", "weight"), ("自评权重", "weight"), ("指标得分", "score"), ("未完成原因", "deviation"),
    ("未完成原因分析", "deviation"), ("偏差及原因分析", "deviation"), ("分解目标", "sub_target"),
    ("指标名称", "indicator_name"), ("计量单位", "unit"), ("调整指标值", "adjusted_target"),
    ("是否核心指标", "core"),
    # the columns that sit before or beside 得分 and must never be taken for it
    ("得分计算方法", "method"), ("得分系数", "coefficient"), ("评分标准", "method"),
    # the standard names, and how they are printed
    ("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3"), ("年度指标值（Ａ）", "target"),
    ("实际完成值（B）", "actual"), ("分　值", "weight"), ("分值（分）", "weight"), ("权重(%)", "weight"),
    ("得 分", "score"), ("得分\n（分）", "score"), ("偏差原因分析及改\n进措施", "deviation"),
    ("指标性质", "direction"), ("度量单位", "unit"), ("单位", "unit"),
]


@pytest.mark.parametrize("name,key", ISSUE_NAMES)
def test_every_published_name_has_its_meaning(name, key):
    assert table_columns.meaning_of(name) == key


@pytest.mark.parametrize("name", ["得分计算方法", "得分系数", "评分标准", "得分率", "评分依据及简要说明",
                                  "调整后指标值", "单位名称", "项目名称", ""])
def test_nothing_but_a_score_column_is_taken_for_the_score(name):
    assert table_columns.meaning_of(name) != "score"
    assert table_columns.meaning_of(name) != "target" or name == ""


def _header_rows():
    # the real header rows transcribed from published tables (helper 12c), then the seeds' and issue 12's
    return json.loads(REAL_HEADERS.read_text(encoding="utf-8")) + json.loads(HEADERS.read_text(encoding="utf-8"))["rows"]


@pytest.mark.parametrize("row", _header_rows(), ids=lambda r: r["source"][:40])
def test_header_rows_of_published_tables(row):
    header = row["header"]
    cols = table_columns.column_index(table_columns.guess(header))
    for key, cell in row["expect"].items():
        if cell is None:
            assert key not in cols, f"{key} must be absent in {header}"
        else:
            assert key in cols and header[cols[key]] == cell, (key, cell, header)
    assert table_columns.missing_required(table_columns.guess(header)) == []


@pytest.mark.parametrize("row", [r for r in _header_rows() if r.get("printed_rows")],
                         ids=lambda r: r["source"][:40])
def test_headers_printed_on_two_rows(row, tmp_path):
    """A CSV keeps a merged header cell only in its top-left cell: 实际完成值/分值/得分 on the
    upper row, 指标性质/指标值/度量单位 on the lower one; the header reads from both."""
    p = _csv(tmp_path, [["某单位项目支出绩效自评表"]] + row["printed_rows"] + [["产出指标", "数量指标", "某指标"]])
    sheet, findings = read_sheet(p)
    assert findings == []
    cols = table_columns.column_index(sheet.guessed())
    for key, cell in row["expect"].items():
        if cell is not None:
            assert key in cols and sheet.header()[cols[key]] == cell, (key, sheet.header())


def test_indicator_name_is_the_third_level_only_without_one():
    assert table_columns.guess(["一级指标", "指标名称", "指标值"])[1] == "level3"
    keys = table_columns.guess(["一级指标", "三级指标", "指标名称"])
    assert keys[1:] == ["level3", "indicator_name"]


def _csv(tmp_path, lines, name="t.csv"):
    p = tmp_path / name
    p.write_text("\n".join(",".join(r) for r in lines) + "\n", encoding="utf-8")
    return p


def _leaves(table):
    return [leaf for g in table.groups for sub in g.children for leaf in sub.children]


# 得分计算方法 and 得分系数 before 得分 (and numbers in them that would pass for scores)
BEFORE = [["某县2023年项目支出绩效自评表"] + [""] * 9,
          ["一级指标", "二级指标", "三级指标", "指标值(A)", "全年实际值(B)", "参考分值", "得分计算方法",
           "得分系数", "指标得分", "未完成原因分析"],
          ["产出指标", "数量指标", "培训人数", "≥100人", "120人", "20", "100", "1", "18", "组织不力"],
          ["", "质量指标", "合格率", "≥95%", "90%", "10", "按比例", "0.9", "9", "部分未通过"],
          ["合计", "", "", "", "", "30", "", "", "27", ""]]


def test_table_with_method_and_coefficient_before_the_score(tmp_path):
    table, findings = read_indicator_table(_csv(tmp_path, BEFORE))
    assert findings == []
    a, b = _leaves(table)
    assert (a.weight, a.score, a.actual, a.target) == (20, 18, "120人", "≥100人")
    assert (b.weight, b.score, b.actual) == (10, 9, "90%")
    assert a.basis == "100" and a.deviation_note == "组织不力"  # the method is kept as 评分依据
    assert table.stated_total == 27


def test_table_with_the_coefficient_beside_the_score_in_xlsx(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一级指标", "二级指标", "三级指标", "年初目标值（A）", "调整指标值", "全年完成值",
               "权重（%）", "得分", "得分系数", "偏差及原因分析"])
    ws.append(["产出指标", "数量指标", "培训人数", "100人", "90人", "95人", 20, 19, 0.95, "调减"])
    wb.save(tmp_path / "beside.xlsx")
    table, findings = read_indicator_table(tmp_path / "beside.xlsx")
    assert findings == []
    (leaf,) = _leaves(table)
    assert (leaf.weight, leaf.score, leaf.actual, leaf.target) == (20, 19, "95人", "100人")
    assert leaf.deviation_note == "调减"


def test_table_without_weight_or_deviation_columns(tmp_path):
    lines = [["一级指标", "二级指标", "指标名称", "是否核心指标", "指标值", "完成值", "指标得分"],
             ["产出指标", "数量指标", "培训人数", "是", "100人", "100人", "20"]]
    table, findings = read_indicator_table(_csv(tmp_path, lines))
    assert [f.code for f in findings] == ["TABLE_COLUMNS_ABSENT"] and "没有“分值”列" in findings[0].message
    (leaf,) = _leaves(table)
    assert (leaf.name, leaf.weight, leaf.score, leaf.deviation_note) == ("培训人数", None, 20, "")


def test_an_unknown_column_is_named_and_the_rest_is_read(tmp_path):
    lines = [BEFORE[1] + ["审核人意见"], BEFORE[2] + ["同意"]]
    table, findings = read_indicator_table(_csv(tmp_path, lines, "多列.csv"))
    assert table is not None and _leaves(table)[0].score == 18
    (f,) = findings
    assert f.code == "TABLE_COLUMN_UNKNOWN" and f.severity == "warning"
    assert "审核人意见" in f.message and "第11列" in f.message and f.where == "多列.csv:第1行"


def test_a_missing_score_column_is_named_and_never_taken_from_the_coefficient(tmp_path):
    lines = [["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分系数"],
             ["产出指标", "数量指标", "培训人数", "100人", "100人", "20", "1"]]
    table, findings = read_indicator_table(_csv(tmp_path, lines))
    (leaf,) = _leaves(table)
    assert leaf.score is None and leaf.weight == 20
    assert [f.code for f in findings] == ["TABLE_COLUMNS_ABSENT"] and "没有“得分”列" in findings[0].message


def test_a_table_without_any_value_column_is_refused(tmp_path):
    lines = [["一级指标", "二级指标", "三级指标", "得分系数", "偏差原因"],
             ["产出指标", "数量指标", "培训人数", "1", ""]]
    table, findings = read_indicator_table(_csv(tmp_path, lines))
    assert table is None and [f.code for f in findings] == ["TABLE_COLUMNS"]
    assert "缺少列：年度指标值、实际完成值、分值、得分（至少要有其中一列）" in findings[0].message


def test_choices_override_the_guess(tmp_path):
    p = _csv(tmp_path, BEFORE)
    table, _ = read_indicator_table(p, choices=[("score", "得分系数")])
    assert [x.score for x in _leaves(table)] == [1, D("0.9")]


def test_pasted_rows_with_a_published_header_use_the_same_mapping():
    text = "\t".join(BEFORE[1]) + "\n" + "\t".join(BEFORE[2]) + "\n"
    rows, findings = read_pasted_rows(text)
    (l1, l2, leaf), = rows
    assert (l1, l2, leaf.name, leaf.weight, leaf.score, leaf.actual) == ("产出指标", "数量指标", "培训人数",
                                                                           20, 18, "120人")


# -- the command line ---------------------------------------------------------------------------
def _check(capsys, *args):
    code = main(["check", *map(str, args), "--template", "national-10hao-project"])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_cli_names_the_unmapped_column_and_explains_columns(tmp_path, capsys):
    lines = [BEFORE[1] + ["审核人意见"], BEFORE[2] + ["同意"]]
    code, text = _check(capsys, _csv(tmp_path, lines))
    assert code in (0, 1)
    assert "TABLE_COLUMN_UNKNOWN" in text and "审核人意见" in text and "--columns" in text


def test_cli_columns_option_changes_the_score_column(tmp_path, capsys):
    p = _csv(tmp_path, BEFORE)
    main(["score", str(p), "--template", "national-10hao-project", "--json"])
    before = json.loads(capsys.readouterr().out)
    main(["score", str(p), "--template", "national-10hao-project", "--json", "--columns", "得分=得分系数"])
    after = json.loads(capsys.readouterr().out)
    assert before["reported_total"] == "27" and after["reported_total"] == "1.9"


def test_cli_missing_required_column_exits_2_with_the_hint(tmp_path, capsys):
    lines = [["一级指标", "二级指标", "考核内容", "指标值", "完成值", "分值", "得分"],
             ["产出指标", "数量指标", "培训人数", "100人", "100人", "20", "20"]]
    p = _csv(tmp_path, lines)
    code, text = _check(capsys, p)
    assert code == 2 and "缺少列：三级指标" in text and "--columns" in text
    code, text = _check(capsys, p, "--columns", "三级指标=考核内容")
    assert code in (0, 1) and "缺少列" not in text and "TABLE_COLUMN_UNKNOWN" not in text


@pytest.mark.parametrize("bad,words", [("得分", "含义=列名"), ("胡说=得分系数", "不是可识别的列含义"),
                                       ("得分=指标得分,得分=得分系数", "出现了两次"),
                                       ("得分=没有这列", "表头中没有名为“没有这列”的列"), (",", "空")])
def test_cli_bad_columns_option_exits_2_in_chinese(tmp_path, capsys, bad, words):
    code, text = _check(capsys, _csv(tmp_path, BEFORE), "--columns", bad)
    assert code == 2 and words in text and "Traceback" not in text


def test_the_stated_total_comes_from_the_score_cell_never_the_weight_column(tmp_path):
    """A 合计 row printing the weights' sum (100) beside an empty 得分 cell states no total."""
    head = ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "权重", "得分", "未完成原因分析"]
    row = ["产出指标", "数量指标", "覆盖率", "100", "100", "60", "", ""]
    table, _ = read_indicator_table(_csv(tmp_path, [head, row, ["合计", "", "", "", "", "100", "", ""]]))
    assert table.stated_total is None
    table, _ = read_indicator_table(_csv(tmp_path, [head, row, ["合计", "", "", "", "", "100", "96", ""]]))
    assert table.stated_total == 96


def test_every_name_in_the_data_file_reads_as_its_own_meaning():
    """No recognised name is shadowed by a longer name of another meaning (an edit of
    resources/table_columns.json that would make 得分系数 read as 得分 fails here)."""
    for m in table_columns.meanings():
        for name in m.names + m.exact:
            assert table_columns.meaning_of(name) == m.key, (name, m.key)
            assert table_columns.meaning_of(f"{name}（分）") == m.key, name
