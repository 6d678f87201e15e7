"""The layouts issue 12 found without a template: one small table each, totals worked out by hand."""
from decimal import Decimal as D

from core import model
from core.checks import run_checks
from core.findings import ERROR
from core.scoring import score_report


def row(name, target="", actual="", weight=None, score=None, note=""):
    return model.Indicator(name, target=target, actual=actual, weight=D(str(weight)) if weight is not None else None,
                           score=D(str(score)) if score is not None else None, deviation_note=note)


def group(name, *level2):
    return model.IndicatorGroup(name, children=tuple(model.IndicatorGroup(n, children=tuple(rows))
                                                     for n, rows in level2))


def scored(template, table, kind=model.PROJECT):
    report = model.Report(template=template, kind=kind, table=table, title=table.name)
    return report, score_report(report).tables[0], run_checks(report)


def row_errors(findings):
    return [(f.code, f.where) for f in findings if f.severity == ERROR and "/groups/" in f.where]


def test_10hao_framework_decision_process_output_benefit():
    table = model.SelfEvalTable(name="某项目", stated_total=D("94.2"), groups=(
        group("决策", ("项目立项", [row("立项依据充分性", "—", "—", 5, 5), row("立项程序规范性", "—", "—", 5, 4, "未经集体研究")]),
              ("绩效目标", [row("绩效目标合理性", "—", "—", 5, 5)]), ("资金投入", [row("资金分配合理性", "/", "", 5, 5)])),
        group("过程（管理）", ("资金管理", [row("预算执行率", "100%", "92%", 10, "9.2"), row("资金使用合规性", "—", "—", 5, 5)]),
              ("组织实施", [row("制度执行有效性", "—", "—", 5, 5)])),
        group("产出", ("产出数量", [row("培训期数", "≥10次", "8次", 20, 16, "两期因故取消")]),
              ("产出质量", [row("合格率", "100%", "100%", 10, 10)]), ("产出时效", [row("完成时间", "2023年12月", "2023年11月", 10, 10)])),
        group("效益", ("满意度", [row("学员满意度", "≥90%", "0.95", 20, 20)])),
    ))
    _, t, found = scored("national-10hao-framework", table)
    # 决策 5+4+5+5 = 19; 过程 92% × 10 = 9.2, +5 +5 = 19.2; 产出 8/10 × 20 = 16, +10 +10 = 36; 效益 95% ≥ 90% → 20
    assert t.weight_total == 100 and t.rule_total == D("94.2") and t.grade == "优"
    assert [b.rule_score for b in t.blocks] == [19, D("19.2"), 36, 20]
    rules = [r.rule for r in t.indicators]
    assert rules[:4] == ["criteria"] * 4 and rules[4] == "execution"
    assert row_errors(found) == [] and not [f for f in found if f.code in ("TARGET_BLANK", "WEIGHT_TOTAL")]


def test_10_plus_90_one_block():
    funds = model.FundsBlock(rows=(model.FundsRow("年度资金总额", annual=D(100), executed=D(95)),), weight=D(10),
                             score=D("9.5"))
    table = model.SelfEvalTable(name="某项目", funds=funds, groups=(
        group("产出指标", ("数量指标", [row("培训人数", "≥100人", "80人", 20, 16, "报名不足")]),
              ("成本指标（20分）", [row("印刷费", "5万元", "6万元", 20, "16.67", "单价上涨")])),
        group("效益指标", ("社会效益指标", [row("就业率", "≥90%", "85%", 40, "37.78", "市场低迷")])),
        group("满意度指标", ("服务对象满意度指标", [row("满意度", "≥90%", "95%", 10, 10)])),
    ))
    _, t, found = scored("project-10-90", table)
    # 95/100 × 10 = 9.5; 80/100 × 20 = 16; a cost: 5/6 × 20 = 16.666… → 16.67; 85/90 × 40 = 37.777… → 37.78; 10
    assert t.rule_total == D("89.95") and t.reported_total == D("89.95") and t.grade == "良"
    # 产出 40 / 效益 40 / 满意度 10 is the free split of the one 绩效指标 block of 90: no weight error
    assert not [f for f in found if f.code in ("WEIGHT_BLOCK_MISMATCH", "WEIGHT_TOTAL", "BLOCK_UNKNOWN")]
    bad = model.SelfEvalTable(name="x", funds=funds, groups=(
        group("产出指标", ("数量指标", [row("a", "≥1个", "1个", 50, 50)])),
        group("效益指标", ("社会效益指标", [row("b", "≥1个", "1个", 30, 30)]))))
    mismatch = [f for f in scored("project-10-90", bad)[2] if f.code == "WEIGHT_BLOCK_MISMATCH"]
    assert len(mismatch) == 1 and "80" in mismatch[0].message and "90" in mismatch[0].message


def test_completion_table_without_weights_is_checked_not_scored():
    table = model.SelfEvalTable(name="某项目", groups=(
        group("产出指标", ("数量指标", [row("培训期数", "≥10次", "8次"), row("合格率", "100%", "100%")])),))
    _, t, found = scored("project-completion", table)
    assert not t.scored and t.rule_total == 0 and t.grade_text == ""
    assert [(r.rule, r.reached) for r in t.indicators] == [("unscored", False), ("unscored", True)]
    assert "未完成指标值" in t.indicators[0].note
    assert [f.code for f in found if f.where == "table"] == ["TABLE_NOT_SCORED"]
    assert not [f for f in found if f.code in ("SCORE_MISSING", "WEIGHT_TOTAL", "ROW_UNSCORED")]


def test_department_core_indicators_weight_times_rounded_coefficient():
    table = model.SelfEvalTable(name="某局", groups=(
        group("管理效率", ("预算执行", [row("预算执行率", "100%", "87.6%", 20, "17.52", "项目延期")])),
        group("产出指标", ("数量指标", [row("检查户数", "≥30户", "25户", 30, "24.9", "人手不足")]),
              ("成本指标", [row("运行经费", "≤100万元", "104万元", 25, 24, "物价上涨")])),
        group("效益指标", ("社会效益指标", [row("群众知晓率", "≥95%", "97%", 25, 25)])),
    ))
    _, t, found = scored("dept-core-indicators", table, model.DEPARTMENT)
    # 20 × 87.6% = 17.52; 系数 25/30 = 0.8333 → 0.83, × 30 = 24.90 (not 25.00); 100/104 = 0.9615 → 0.96, × 25 = 24.00
    # (not 24.04); 25 → 91.42
    assert [r.rule_score for r in t.indicators] == [D("17.52"), D("24.90"), D("24.00"), D(25)]
    assert t.rule_total == D("91.42") and t.weight_total == 100 and t.grade == "优"
    assert not [f for f in found if f.code in ("WEIGHT_BLOCK_MISMATCH", "WEIGHT_TOTAL", "SCORE_ABOVE_RULE",
                                               "SCORE_BELOW_RULE")]
    assert ("EXECUTION_LOW", t.indicators[0].where) in {(f.code, f.where) for f in found}
