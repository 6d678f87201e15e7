"""Scoring rules of domain.md §3 on single rows, with the national template."""
from decimal import Decimal as D

import pytest

from core import model
from core.rounding import q2
from core.scoring import score_execution, score_leaf
from core.templates import load_template

TPL, _ = load_template("national-10hao-project")


def leaf(target, actual, weight=5, score=None, **kw):
    return model.Indicator("x", target=target, actual=actual, weight=D(weight),
                           score=D(score) if score is not None else None, **kw)


def rule(target, actual, weight=5, reverse=False, **kw):
    r = score_leaf(leaf(target, actual, weight, **kw), ("产出指标", "数量指标", "x"), "t", TPL, reverse, {})
    return r.rule, r.rule_score


@pytest.mark.parametrize("target,actual,weight,reverse,want", [
    ("≧2000份", "650份", 5, False, ("positive", D("1.63"))),  # 1.625 rounds half up
    ("≥30次", "48次", 5, False, ("positive", D(5))),  # reached: full, never above
    ("100%", "0%", 2, False, ("positive", D(0))),
    ("0.5万元", "1.6万元", 2, True, ("reverse", D("0.63"))),  # a cost: less is better
    ("≤200元/人", "250元/人", 10, False, ("reverse", D(8))),
    ("≤0.5万元", "4000元", 2, False, ("reverse", D(2))),  # units converted: 0.4万元
    ("=80%", "60%", 10, False, ("equal", D("7.5"))),
    ("=80%", "80%", 10, False, ("equal", D(10))),
    ("2020年12月", "2020年11月", 10, False, ("date", D(10))),
    ("2020年12月31日", "2021年1月15日", 10, False, ("date", D(0))),
    ("2020年12月31日", "已圆满完成", 10, False, ("date", D(10))),
    (">=99%", ">=99%", 15, False, ("manual", None)),  # an actual with a comparator is not scored
    ("100万元", "100次", 5, False, ("manual", None)),  # units disagree
])
def test_quantitative_and_date_rules(target, actual, weight, reverse, want):
    assert rule(target, actual, weight, reverse) == want


def test_qualitative_row_keeps_the_clerks_score_inside_the_tier():
    r = score_leaf(leaf("严格控制在预算内", "严格控制在预算内", 15, 14), ("产出指标", "成本指标", "x"), "t", TPL, True, {})
    assert (r.rule, r.rule_score, r.tier) == ("qualitative", D(14), "reached")
    # a score below the reached tier (80%..100%) is lifted to the tier's floor
    r = score_leaf(leaf("优", "优", 10, 5), ("产出指标", "质量指标", "x"), "t", TPL, False, {})
    assert r.rule_score == D(8)
    # the clerk chose "partial": the score stays inside [50%, 80%]
    r = score_leaf(leaf("不断提高", "有所提高", 10, 9, tier="partial"), ("效益指标", "社会效益指标", "x"), "t", TPL, False, {})
    assert r.rule_score == D(8)


def test_execution_rate_is_capped():
    funds = model.FundsBlock(rows=(model.FundsRow("年度资金总额", annual=D("86.07"), executed=D("88.3")),), weight=D(10))
    r = score_execution(funds, TPL, "t/funds")
    assert r.rule_score == D(10) and q2(r.value) == D("102.59")
    funds = model.FundsBlock(rows=(model.FundsRow("年度资金总额", annual=D(48), executed=D("44.9")),), weight=D(10))
    assert score_execution(funds, TPL, "t/funds").rule_score == D("9.35")


def test_round_half_up_not_bankers():
    assert q2(D("1.625")) == D("1.63") and q2(D("0.125")) == D("0.13") and q2(D("2.675")) == D("2.68")
