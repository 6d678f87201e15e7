"""Scoring rules of domain.md §3 on single rows, with the national template."""
from decimal import Decimal as D

import pytest

from core import model
from core.rounding import q2
from core.scoring_rows import score_execution, score_leaf
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


# -- a rule that cannot be evaluated is a finding on its row, never a crash (issue 8) ------------
import json  # noqa: E402
import shutil  # noqa: E402

from core.checks import run_checks  # noqa: E402
from core.scoring import score_report  # noqa: E402
from core.scoring_records import MANUAL  # noqa: E402
from core.templates import TemplateSet, templates_dir  # noqa: E402


def _templates(tmp_path, change):
    for p in templates_dir().glob("*.json"):
        shutil.copy(p, tmp_path / p.name)
    p = tmp_path / "base-national.json"
    data = json.loads(p.read_text(encoding="utf-8"))
    change(data)
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return TemplateSet(tmp_path)


def _report(figures, formula_row=True):
    row = model.Indicator("某比率", weight=D(5), score=D(5), formula="x") if formula_row else \
        model.Indicator("x", target="1次", actual="1次", weight=D(5), score=D(5))
    table = model.SelfEvalTable(
        name="项目", funds=model.FundsBlock(rows=(model.FundsRow("年度资金总额", annual=D(10), executed=D(10)),),
                                           weight=D(10), score=D(10)),
        groups=(model.IndicatorGroup("产出指标", children=(model.IndicatorGroup("数量指标", children=(row,)),)),))
    return model.Report(template="national-10hao-project", kind="project", table=table,
                        figures=model.Figures.of({k: D(v) for k, v in figures.items()}))


@pytest.mark.parametrize("change,where", [
    # a step that divides by (value - 100) when the value is 100
    (lambda d: d.update(formulas={"x": {"label": "某比率", "expr": "executed / annual_budget * 100",
                                        "steps": [{"score": "weight / (value - 100)"}]}}),
     "table/groups/0/children/0/children/0"),
    (lambda d: d.update(formulas={"x": {"label": "某比率", "expr": "executed / annual_budget * 100",
                                        "steps": [{"if": "weight / (value - 100) > 1", "score": "weight"}]}}),
     "table/groups/0/children/0/children/0"),
    (lambda d: d["execution"].update(steps=[{"score": "weight * 100 / (value - 100)"}]), "table/funds"),
])
def test_a_step_that_divides_by_zero_is_a_finding_on_its_row(tmp_path, change, where):
    templates = _templates(tmp_path, change)
    report = _report({"executed": 10, "annual_budget": 10})
    score = score_report(report, templates)
    row = next(r for r in score.main.all_rows() if r.where == where)
    assert row.rule == MANUAL and row.rule_score is None and row.counted_score == D(5 if "groups" in where else 10)
    findings = run_checks(report, score, templates)
    f = next(f for f in findings if f.where == where and f.code == "RULE_FAILED")
    assert not f.message.isascii() and "0" in f.message
    assert not [f for f in findings if f.code == "CHECK_CRASHED"]


def test_a_rule_that_crashes_becomes_a_finding_not_a_crash(monkeypatch):
    import core.scoring as S

    def boom(*a, **k):
        raise KeyError("boom")
    monkeypatch.setattr(S, "score_leaf", boom)
    report = _report({}, formula_row=False)
    score = score_report(report)
    row = score.main.indicators[0]
    assert row.rule == MANUAL and row.rule_score is None and row.counted_score == D(5)
    f = next(f for f in run_checks(report, score) if f.code == "RULE_FAILED")
    assert f.where == row.where and not f.message.isascii()


def test_no_grade_while_the_weights_do_not_add_up(seeds, tmp_path):
    """Seed 004's 自评表 weighs 110: no grade anywhere (scoring, the stored drafts-list column);
    once the weights add up to 100 the grade is back."""
    import dataclasses

    from core.scoring_records import NO_GRADE
    from core.storage import Storage

    report = seeds["004"]
    main = score_report(report).main
    assert main.weight_total == 110 and main.has_scores
    assert not main.weights_ok and not main.may_grade
    assert main.grade == "" and main.grade_text == NO_GRADE == "分值合计有误，暂不评级"
    assert "WEIGHT_TOTAL" in {f.code for f in run_checks(report, score_report(report))}
    storage = Storage.open(tmp_path / "data")
    try:
        storage.create(report)
        assert [d.grade for d in storage.list()] == [NO_GRADE]
    finally:
        storage.close()
    # take 10 points off one row: the weights add up, a grade is given
    g = report.table.groups[0]
    path = [g]
    node = g
    while not isinstance(node, model.Indicator):
        node = next(c for c in node.children if isinstance(c, model.Indicator) or c.children)
        path.append(node)
    fixed_leaf = dataclasses.replace(node, weight=node.weight - 10)
    for parent in reversed(path[:-1]):
        fixed_leaf = dataclasses.replace(parent, children=tuple(
            fixed_leaf if c is path[path.index(parent) + 1] else c for c in parent.children))
    fixed = dataclasses.replace(report, table=dataclasses.replace(report.table, groups=(fixed_leaf,)
                                                                  + report.table.groups[1:]))
    main = score_report(fixed).main
    assert main.weight_total == 100 and main.weights_ok and main.may_grade
    assert main.grade and main.grade_text == main.grade != NO_GRADE
