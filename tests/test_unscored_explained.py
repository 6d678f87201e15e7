"""No row is left unscored without a finding that says why — whatever the cells hold, in every template.

Property: after ``run_checks``, every row whose rule score is empty has a finding at its own location,
or its table has one that covers all its rows (TABLE_NOT_SCORED for a table without 分值,
TEMPLATE_MISFIT for a table held against the wrong template).
"""
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import model
from core.checks import run_checks
from core.scoring import score_report
from core.templates import list_templates, load_template

TEMPLATES = [tid for tid, _ in list_templates()]
CELLS = ["", "—", "/", "≥5个", "5个", "≤100万元", "104万元", "＝12", "12", "100%", "≥95%", "0.96", "92%",
         "2023年12月", "2023年11月", "完成", "基本完成", "未完成", "按计划推进约3个批次", ">=99%", "150厘米", "≥2米",
         "≥100百分比", "5次", "1000元", "优", "差", "年底前"]
NAMES = ["培训人次", "预算执行率", "资料完整性", "预算调整率", "满意度", "印刷费", "立项依据充分性", "x"]
DIRECTIONS = ["", "≥", "≤", "＝", "定性", "正向", "反向", "?"]
WEIGHTS = st.one_of(st.none(), st.sampled_from([D(0), D(5), D(10), D("2.5")]))


@st.composite
def indicator(draw):
    return model.Indicator(draw(st.sampled_from(NAMES)), target=draw(st.sampled_from(CELLS)),
                           actual=draw(st.sampled_from(CELLS)), weight=draw(WEIGHTS), score=draw(WEIGHTS),
                           direction=draw(st.sampled_from(DIRECTIONS)))


@st.composite
def table(draw, template_id):
    tpl = load_template(template_id)[0]
    names = [b.name for b in tpl.blocks] + ["决策", "产出指标（50分）", "成本指标(10分)", "其他"]
    groups = []
    for _ in range(draw(st.integers(1, 3))):
        level2 = model.IndicatorGroup(draw(st.sampled_from(["数量指标", "成本指标（10分）", "项目立项", "x"])),
                                      children=tuple(draw(st.lists(indicator(), min_size=1, max_size=4))))
        groups.append(model.IndicatorGroup(draw(st.sampled_from(names)), children=(level2,)))
    funds = None
    if draw(st.booleans()):
        funds = model.FundsBlock(rows=(model.FundsRow("年度资金总额", annual=draw(st.sampled_from([None, D(0), D(100)])),
                                                      executed=draw(st.sampled_from([None, D(95), D(120)]))),),
                                 weight=draw(WEIGHTS), score=draw(WEIGHTS))
    return model.SelfEvalTable(name="t", groups=tuple(groups), funds=funds)


@st.composite
def report(draw):
    tid = draw(st.sampled_from(TEMPLATES))
    tpl = load_template(tid)[0]
    return model.Report(template=tid, kind=tpl.kind, table=draw(table(tid)), title="t")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report())
def test_every_unscored_row_has_a_finding_that_says_why(rep):
    findings = run_checks(rep)
    at = {f.where for f in findings}
    covering = {f.where for f in findings if f.code in ("TABLE_NOT_SCORED", "TEMPLATE_MISFIT")}
    for t in score_report(rep).tables:
        for r in t.all_rows():
            if r.rule_score is None:
                assert r.where in at or t.where in covering, (rep.template, r.names, r.target, r.actual, r.note)


def test_the_property_can_fail_without_the_explanations(monkeypatch):
    """Without ``explain_unscored`` a row with words against a number is left unexplained."""
    import core.checks as checks

    rep = model.Report(template="national-10hao-project", kind=model.PROJECT, table=model.SelfEvalTable(
        name="t", groups=(model.IndicatorGroup("产出指标", children=(model.IndicatorGroup("数量指标", children=(
            model.Indicator("x", target="按计划推进约3个批次", actual="3个", weight=D(5), score=D(5)),)),)),)))
    row_where = score_report(rep).tables[0].indicators[0].where
    assert any(f.where == row_where and f.code == "ROW_UNSCORED" for f in run_checks(rep))
    monkeypatch.setattr(checks, "explain_unscored", lambda ctx, found: iter(()))
    assert not any(f.where == row_where for f in run_checks(rep))
