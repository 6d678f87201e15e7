"""The rows issue 12 found misjudged on published tables, each read as a careful reviewer reads it.

Every case is one row of a table as printed in a published 自评表 (names and cells as written there),
scored with a shipped template; the expected score is worked out by hand in the comment.
"""
from decimal import Decimal as D

import pytest

from core import model
from core.checks import run_checks
from core.findings import ERROR
from core.scoring import score_report
from core.templates import load_template

NATIONAL, _ = load_template("national-10hao-project")


def table(*groups, funds=None, stated_total=None):
    """groups: (一级, [(二级, [Indicator …]) …])."""
    return model.SelfEvalTable(
        name="测试项目", funds=funds, stated_total=stated_total,
        groups=tuple(model.IndicatorGroup(g, children=tuple(model.IndicatorGroup(n2, children=tuple(rows))
                                                             for n2, rows in level2))
                     for g, level2 in groups))


def row(name, target, actual, weight, score, note="", direction="", unit=""):
    return model.Indicator(name, target=target, actual=actual, weight=D(weight) if weight is not None else None,
                           score=D(score) if score is not None else None, deviation_note=note,
                           direction=direction, unit=unit)


def report(t, template="national-10hao-project", kind=model.PROJECT):
    return model.Report(template=template, kind=kind, table=t, title=t.name)


def only_row(rep):
    t = score_report(rep).tables[0]
    return t.indicators[0], t


def checks_at(rep, where_prefix="table"):
    return {(f.code, f.where) for f in run_checks(rep) if f.where.startswith(where_prefix)}


def test_execution_row_inside_the_table_is_the_execution_row():
    # 过程 / 资金管理 / 预算执行率: target 100%, actual 85.5%, 分值 5 → 5 × 85.5% = 4.275 → 4.28 (never target-based)
    rep = report(table(("产出指标", [("数量指标", [row("预算执行率", "≥90%", "85.5%", 5, 4)])])))
    r, _ = only_row(rep)
    assert (r.rule, r.rule_score, r.value) == ("execution", D("4.28"), D("85.5"))
    found = checks_at(rep)
    assert ("EXECUTION_LOW", r.where) in found  # 85.5% < 90%: the low rate is named on that row


@pytest.mark.parametrize("name,target,actual,weight,want", [
    ("预算调整率", "5%", "8%", 4, D("2.5")),  # bare target, lower is better: 5/8 × 4 = 2.5
    ("结转结余率", "10%", "8%", 4, D(4)),  # 8 ≤ 10: full
    ("人员经费控制率", "100%", "104%", 5, D("4.81")),  # 100/104 × 5 = 4.807… → 4.81
    ("公用经费控制率", "100%", "96%", 5, D(5)),  # under the limit: full (as "higher is better" it would be 4.8)
])
def test_bare_target_on_a_lower_is_better_rate(name, target, actual, weight, want):
    rep = report(table(("效益指标", [("社会效益指标", [row(name, target, actual, weight, weight)])])))
    r, _ = only_row(rep)
    assert (r.rule, r.rule_score) == ("reverse", want)


@pytest.mark.parametrize("direction", ["＝", "=", "等于"])
def test_full_width_equal_sign_in_the_direction_column(direction):
    # 指标性质 ＝, target 12 (bare), actual 10: equal rule, min(10/12, 12/10) × 6 = 5
    rep = report(table(("产出指标", [("数量指标", [row("培训期数", "12", "10", 6, 5, direction=direction)])])))
    r, _ = only_row(rep)
    assert (r.rule, r.rule_score) == ("equal", D(5))


@pytest.mark.parametrize("direction,want_rule", [("≦", "reverse"), ("＜＝", "reverse"), ("反向", "reverse"),
                                                 ("≧", "positive"), ("正向", "positive")])
def test_other_comparator_spellings_in_the_direction_column(direction, want_rule):
    rep = report(table(("产出指标", [("数量指标", [row("x", "10", "12", 5, 5, direction=direction)])])))
    assert only_row(rep)[0].rule == want_rule


@pytest.mark.parametrize("label", ["成本指标(10分)", "成本指标（10分）", "成本指标 （10分）"])
def test_level2_label_carrying_its_weight_keeps_cost_handling(label):
    # 0.5万元 target, 0.6万元 spent, no comparator: a cost → 0.5/0.6 × 10 = 8.33
    rep = report(table(("产出指标", [(label, [row("印刷费", "0.5万元", "0.6万元", 10, 10)])])))
    r, _ = only_row(rep)
    assert (r.rule, r.rule_score) == ("reverse", D("8.33"))
    assert ("DIRECTION_COST_POSITIVE", r.where) not in checks_at(rep)
    assert ("WEIGHT_BLOCK_MISMATCH", "table/groups/0/children/0") not in checks_at(rep)  # 10 = 10
    short = report(table(("产出指标", [(label, [row("印刷费", "0.5万元", "0.5万元", 8, 8)])])))
    assert ("WEIGHT_BLOCK_MISMATCH", "table/groups/0/children/0") in checks_at(short)  # the label says 10, rows 8


def test_level1_label_carrying_its_weight_is_its_stated_weight():
    t = table(("产出指标（50分）", [("数量指标", [row("a", "2个", "2个", 30, 30), row("b", "1个", "1个", 10, 10)])]))
    rep = report(t)
    block = score_report(rep).tables[0].blocks[0]
    assert block.stated_weight == 50 and block.template_weight == 50
    assert ("WEIGHT_BLOCK_MISMATCH", "table/groups/0") in checks_at(rep)  # rows hold 40, the label says 50


@pytest.mark.parametrize("target,actual,weight,want", [
    ("≥100百分比", "98百分比", 10, D("9.8")),  # percent written in words
    ("≥百分之95", "90%", 10, D("9.47")),  # 90/95 × 10 = 9.473…
    ("≥2米", "150厘米", 4, D(3)),  # 1.5 m of 2 m
    ("≥500厘米", "6米", 4, D(4)),  # 600 cm: reached
    ("≥2公顷", "15000平方米", 4, D(3)),  # 1.5 ha of 2
    ("≥1吨", "800公斤", 5, D(4)),
])
def test_unit_families(target, actual, weight, want):
    rep = report(table(("产出指标", [("数量指标", [row("x", target, actual, weight, want)])])))
    r, _ = only_row(rep)
    assert (r.rule, r.rule_score) == ("positive", want)
    assert not any(c == "UNIT_MISMATCH" for c, _ in checks_at(rep))


def test_bare_fraction_against_a_percent_target():
    # "≥95%" and "0.96": 96% (reached, full), not 0.96% (which would give 0.05)
    rep = report(table(("效益指标", [("社会效益指标", [row("覆盖率", "≥95%", "0.96", 10, 10)])])))
    r, _ = only_row(rep)
    assert (r.rule, r.rule_score, r.reached) == ("positive", D(10), True)
    hints = {f.code: f for f in run_checks(rep)}
    assert "96" in hints["ACTUAL_FRACTION"].message and hints["ACTUAL_FRACTION"].severity == "hint"


def test_criteria_row_with_a_dash_target_is_not_target_blank():
    # 决策 / 项目立项 / 立项依据充分性: “—” by design, 分值 3, scored 2 with a reason → no error;
    # 绩效目标明确性 scored 1 of 3 with no reason → CRITERIA_REASON_MISSING
    rep = report(table(("决策", [("项目立项", [row("立项依据充分性", "—", "—", 3, 2, note="可研论证不充分"),
                                                row("绩效目标明确性", "/", "", 3, 1)])])),
                 template="national-10hao-framework")
    t = score_report(rep).tables[0]
    assert [(r.rule, r.rule_score) for r in t.indicators] == [("criteria", D(2)), ("criteria", D(1))]
    found = checks_at(rep)
    assert not any(c in ("TARGET_BLANK", "ACTUAL_BLANK") for c, _ in found)
    assert ("CRITERIA_REASON_MISSING", t.indicators[1].where) in found
    assert ("CRITERIA_REASON_MISSING", t.indicators[0].where) not in found


def test_criteria_row_by_name_in_any_template():
    # national template, a 完整性 row with no target: criteria by its name (template criteria_names)
    rep = report(table(("产出指标", [("质量指标", [row("资料完整性", "", "", 5, 5)])])))
    r = only_row(rep)[0]
    assert (r.rule, r.rule_score) == ("criteria", D(5))
    assert not any(f.severity == ERROR and f.where.startswith(r.where) for f in run_checks(rep))


def test_stated_total_comes_only_from_the_score_cell(tmp_path):
    from core.table_import import read_indicator_table

    path = tmp_path / "t.csv"
    path.write_text("一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分,偏差原因分析及改进措施\n"
                    "产出指标,数量指标,培训,2次,2次,90,88,\n合计,,,,,90,,\n", encoding="utf-8")
    t, _ = read_indicator_table(path)
    assert t.stated_total is None  # the 合计 row's 90 is its 分值, not a total score
    path.write_text(path.read_text(encoding="utf-8").replace("合计,,,,,90,,", "合计,,,,,90,88,"), encoding="utf-8")
    assert read_indicator_table(path)[0].stated_total == 88


@pytest.mark.parametrize("target,actual,why", [
    ("", "5个", "没有填写年度指标值"),
    ("≥5个", "", "没有填写实际完成值"),
    ("≥5个", "基本完成", "实际完成值却是"),
    ("按计划推进约3个批次", "3个", "无法识别"),
])
def test_unscored_row_says_why(target, actual, why):
    rep = report(table(("产出指标", [("数量指标", [row("x", target, actual, 5, 4)])])))
    r, _ = only_row(rep)
    assert r.rule_score is None and why in r.note
    assert any(f.where == r.where for f in run_checks(rep))


@pytest.mark.parametrize("direction,target,unit,actual,weight,want_rule,want", [
    ("═", "100", "%", "98%", 10, "equal", D("9.8")),  # a box-drawing ═ as printed in a 云南 table: min(98/100, 100/98) × 10
    ("≧", "95", "%", "0.97", 10, "positive", D(10)),  # 度量单位 % in its own column, the actual a fraction: 97%
    ("≧", "735", "人次", "700", 10, "positive", D("9.52")),  # the column's unit on both: 700/735 × 10 = 9.523…
    ("", "2", "米", "150厘米", 4, "positive", D(3)),  # a bare target in 米 (column), the actual in 厘米
])
def test_unit_column_and_printed_comparators(direction, target, unit, actual, weight, want_rule, want):
    rep = report(table(("产出指标", [("数量指标", [row("x", target, actual, weight, want, direction=direction,
                                                      unit=unit)])])))
    r, _ = only_row(rep)
    assert (r.rule, r.rule_score) == (want_rule, want)
    assert not any(c in ("UNIT_MISMATCH", "ACTUAL_AS_PERCENT") for c, _ in checks_at(rep))
