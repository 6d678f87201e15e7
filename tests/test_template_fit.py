"""Which template fits a table (core/template_fit.py), and one TEMPLATE_MISFIT instead of a cascade."""
from decimal import Decimal as D

import pytest

from core import model
from core.checks import run_checks
from core.template_fit import describe, suggest_templates

# (seed, table, the seed's own template, ranked first, the only best fit among templates of its kind)
SEEDS = [
    ("000", "table", "hunan-dept-2020", False, False),  # 产出 50 / 效益 30 / 满意度 10: as every 10/50/30/10 one
    ("000", "projects/0", "hunan-project-2020", True, True),  # 产出 30 / 效益 30 / 决策 20 / 管理 4 / 资金 6
    ("000", "framework", "hunan-dept-2020", True, True),  # 投入 20 / 管理 40 / 产出及效率 40
    ("001", "table", "hunan-dept-2022", True, True),  # 10 + 50 / 40 (project-10-90 fits too, but is a project one)
    ("002", "projects/0", "national-10hao-project", False, False),  # 10 + 50/30/10: generic-project is the same
    ("002", "framework", "jiangxi-dept-framework", True, True),
    ("004", "table", "hunan-dept-short", True, False),  # tied with the other 10/50/30/10 ones, the most specific
    ("004", "projects/0", "national-10hao-project", False, False),
]


def _table(report, where):
    return dict(report.tables())[where]


def _kind(report, where):
    return model.PROJECT if where.startswith("projects/") else report.kind


@pytest.mark.parametrize("seed,where,own,first,alone", SEEDS)
def test_each_seed_table_fits_its_own_template_best(seeds, seed, where, own, first, alone):
    report = seeds[seed]
    kind = _kind(report, where)
    fits = suggest_templates(_table(report, where), kind=kind)
    best = fits[0].score
    ranked = {f.template_id: f for f in fits}
    assert ranked[own].score == best and best >= D("0.9")
    if first:
        assert fits[0].template_id == own
    if alone:
        assert all(f.score < best for f in fits if f.template_id != own and f.kind == kind)
    assert any("一致" in r for r in ranked[own].reasons)  # says why, in Chinese


def test_a_table_without_weights_fits_the_completion_template(seeds):
    fits = suggest_templates(seeds["003"].table, kind=model.PROJECT)
    assert fits[0].template_id == "project-completion"
    generic = next(f for f in fits if f.template_id == "generic-project")
    assert generic.score < fits[0].score and any("没有分值列" in r for r in generic.reasons)


def row(name, target="", actual="", weight=None, score=None, note=""):
    return model.Indicator(name, target=target, actual=actual, weight=D(weight) if weight is not None else None,
                           score=D(score) if score is not None else None, deviation_note=note)


def group(name, *level2):
    return model.IndicatorGroup(name, children=tuple(model.IndicatorGroup(n, children=tuple(rows))
                                                     for n, rows in level2))


FRAMEWORK_TABLE = model.SelfEvalTable(name="某项目", groups=(
    group("决策", ("项目立项", [row("立项依据充分性", "—", "—", 10, 10), row("绩效目标明确性", "—", "—", 10, 9, "目标不够细化")])),
    group("过程", ("资金管理", [row("预算执行率", "100%", "92%", 10, 9.2), row("资金使用合规性", "—", "—", 10, 10)])),
    group("产出", ("产出数量", [row("培训人次", "≥500人次", "520人次", 40, 40)])),
    group("效益", ("项目效益", [row("满意度", "≥90%", "93%", 20, 20)])),
))


def test_a_10hao_framework_table_fits_the_framework_template():
    fits = suggest_templates(FRAMEWORK_TABLE, kind=model.PROJECT)
    assert fits[0].template_id == "national-10hao-framework" and fits[0].score == 1
    assert "决策" in describe(fits[0])
    dept = suggest_templates(FRAMEWORK_TABLE, kind=model.DEPARTMENT)
    assert dept[0].template_id == "national-10hao-framework-dept"


def test_a_10_plus_90_table_fits_the_pooled_template():
    t = model.SelfEvalTable(name="p", funds=model.FundsBlock(rows=(model.FundsRow("年度资金总额", annual=D(100),
                                                                                     executed=D(95)),), weight=D(10)),
                            groups=(group("产出指标", ("数量指标", [row("a", "≥1个", "1个", 40, 40)])),
                                    group("效益指标", ("社会效益指标", [row("b", "≥1个", "1个", 40, 40)])),
                                    group("满意度指标", ("服务对象满意度指标", [row("c", "≥90%", "95%", 10, 10)]))))
    fits = suggest_templates(t, kind=model.PROJECT)
    assert fits[0].template_id == "project-10-90"
    national = next(f for f in fits if f.template_id == "national-10hao-project")
    assert national.score < fits[0].score and any("效益指标 表中 40、模板 30" in r for r in national.reasons)
    # the reason names the table's own blocks, not only the template's one 绩效指标
    assert any("产出指标 40、效益指标 40、满意度指标 10 都属于模板的“绩效指标”" in r for r in fits[0].reasons), fits[0].reasons
    assert not any(r.startswith("一级指标与模板一级指标一致") for r in fits[0].reasons)


def test_a_misfit_template_gives_one_finding_not_a_cascade():
    report = model.Report(template="national-10hao-project", kind=model.PROJECT, table=FRAMEWORK_TABLE, title="x")
    found = run_checks(report)
    misfit = [f for f in found if f.code == "TEMPLATE_MISFIT"]
    assert len(misfit) == 1 and misfit[0].where == "table" and misfit[0].severity == "error"
    assert "national-10hao-framework" in misfit[0].message + misfit[0].fix
    assert not [f for f in found if f.code in ("WEIGHT_BLOCK_MISMATCH", "BLOCK_UNKNOWN", "WEIGHT_TOTAL")]
    # the same table against its own template: no misfit, no block errors
    fine = run_checks(model.Report(template="national-10hao-framework", kind=model.PROJECT, table=FRAMEWORK_TABLE))
    assert not [f for f in fine if f.code in ("TEMPLATE_MISFIT", "WEIGHT_BLOCK_MISMATCH", "BLOCK_UNKNOWN",
                                               "WEIGHT_TOTAL", "TARGET_BLANK")]


def test_the_seeds_get_no_misfit(seeds):
    for key, report in seeds.items():
        assert not [f for f in run_checks(report) if f.code == "TEMPLATE_MISFIT"], key


def test_blocks_printed_only_as_their_weight_fit_by_weight():
    # a published 自评表 whose 一级 cells read only “(50分)”, “(30分)”, “(10分)”
    t = model.SelfEvalTable(name="p", groups=(
        model.IndicatorGroup("(50分)", children=(model.IndicatorGroup("数量指标", children=(row("a", "1个", "1个", 50, 50),)),)),
        model.IndicatorGroup("(30分)", children=(model.IndicatorGroup("社会效益指标", children=(row("b", "1个", "1个", 30, 30),)),)),
        model.IndicatorGroup("（10分）", children=(model.IndicatorGroup("满意度", children=(row("c", "90%", "95%", 10, 10),)),))))
    fits = suggest_templates(t, kind=model.PROJECT)
    assert fits[0].template_id in ("generic-project", "national-10hao-project") and fits[0].score >= D("0.9")
    found = run_checks(model.Report(template="national-10hao-project", kind=model.PROJECT, table=t))
    assert not [f for f in found if f.code in ("BLOCK_UNKNOWN", "WEIGHT_BLOCK_MISMATCH", "TEMPLATE_MISFIT")]
