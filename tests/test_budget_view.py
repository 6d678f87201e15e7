"""What the 预算收支 page shows, computed without Qt: groups, derived values, broken identities."""
from dataclasses import replace
from decimal import Decimal as D

import pytest

from core import budget_view as bv
from core import edit
from core import figures as fig
from core.model import FundLine, Report
from core.templates import load_template


def tpl_of(report):
    return load_template(report.template)[0]


def by_key(items):
    return {d.key: d for d in items}


def with_figure(report, key, value):
    return edit.set_at(report, f"figures/{key}", value)


# -- groups ------------------------------------------------------------------------------------
def test_groups_follow_the_domain_order_and_hold_every_figure_once():
    groups = bv.figure_groups()
    assert [g.name for g in groups] == list(bv.GROUP_ORDER)
    keys = [r.key for g in groups for r in g.rows]
    assert sorted(keys) == sorted(f.key for f in fig.FIGURES)


def test_parts_are_indented_under_their_parents():
    rows = {r.key: r for g in bv.figure_groups() for r in g.rows}
    assert rows["total_expenditure"].depth == 0
    assert rows["basic_expenditure"].depth == 1 and rows["basic_expenditure"].has_parts
    assert rows["personnel_cost"].depth == 2
    assert rows["sangong_vehicle_purchase"].depth == 2
    assert rows["income_general"].depth == 1 and rows["income_carryover"].depth == 0


@pytest.mark.parametrize("name, columns", [
    ("预算", ("",)), ("收入", ("",)), ("支出", ("", "_budget", "_last")),
    ("三公经费", ("", "_budget", "_last")), ("结转结余", ("", "_budget", "_last")), ("工作", ("",)),
])
def test_columns_offered_without_a_template(name, columns):
    group = next(g for g in bv.figure_groups() if g.name == name)
    assert group.columns == columns


def test_a_formula_needing_last_year_adds_that_column(seeds):
    # 一般性支出变动率 needs 一般性支出 of last year: the 其他 group offers 上年决算数
    report = seeds["002"]
    other = next(g for g in bv.figure_groups(tpl_of(report), report) if g.name == "其他")
    assert other.columns == ("", "_last")
    assert other.column_titles == ("本年决算数", "上年决算数")


# -- derived values -----------------------------------------------------------------------------
def test_execution_rate_comes_first_as_a_percent(seeds):
    items = bv.derived(seeds["000"], tpl_of(seeds["000"]))
    assert items[0].key == "execution_rate"
    assert items[0].value == "102.59%"
    assert items[0].formula == "全年执行数 ÷ 全年预算数 × 100"


def test_every_template_formula_is_listed(seeds):
    report = seeds["002"]
    tpl = tpl_of(report)
    keys = [d.key for d in bv.derived(report, tpl)]
    assert keys[: 1 + len(tpl.formulas)] == ["execution_rate"] + [fd.key for fd in tpl.formulas]
    got = by_key(bv.derived(report, tpl))
    assert got["carryover_change_rate"].value == "-43.66%"
    assert got["sangong_change_rate"].value == "-20.00%"  # divided by last year, not this year


def test_a_missing_figure_is_named_never_none(seeds):
    report = seeds["001"]
    got = by_key(bv.derived(report, tpl_of(report)))
    assert got["procurement_execution_rate"].value == "缺少：实际政府采购金额"
    assert not got["procurement_execution_rate"].ok
    for d in got.values():
        assert d.value and not any(bad in d.value for bad in ("None", "nan", "#DIV/0!", "Infinity"))


def test_a_zero_denominator_says_so(seeds):
    report = with_figure(seeds["001"], "annual_budget", D(0))
    got = by_key(bv.derived(report, tpl_of(report)))
    assert got["execution_rate"].value == "分母为0，无法计算"
    assert not got["execution_rate"].ok


def test_staff_counts_are_named_in_chinese(seeds):
    report = replace(seeds["001"], overview=replace(seeds["001"].overview, actual_staff=None))
    got = by_key(bv.derived(report, tpl_of(report)))
    assert got["staff_control_rate"].value == "缺少：实有在职人数"


def test_without_a_template_the_execution_rate_is_still_computed():
    report = Report(template="")
    report = with_figure(with_figure(report, "annual_budget", D("200")), "executed", D("150"))
    items = bv.derived(report, None)
    assert [(d.key, d.value) for d in items] == [("execution_rate", "75.00%")]


def test_each_parent_shows_the_sum_of_its_parts(seeds):
    report = seeds["001"]
    got = by_key(bv.derived(report, tpl_of(report)))
    basic = got["sum:basic_expenditure"]
    assert basic.text == "人员经费+公用经费 = 99.20"
    assert basic.figure == "basic_expenditure"
    assert got["sum:total_expenditure_last"].value == "98.85"
    # parts left blank are said, not silently taken as 0
    assert "未填：人员经费" in got["sum:basic_expenditure_budget"].formula
    assert "sum:sangong_total" not in got  # nothing entered, nothing shown


def test_fund_lines_are_summed_per_parent_figure(seeds):
    got = by_key(bv.derived(seeds["001"], tpl_of(seeds["001"])))
    # the 其中 line without a parent is not a part of 项目支出
    assert got["fund_lines:project_expenditure"].value == "19.08"
    assert got["fund_lines:project_expenditure"].figure == "project_expenditure"
    assert got["fund_lines:project_expenditure_budget"].value == "19.08"


def test_formula_text_reads_in_chinese():
    assert bv.formula_text("(carryover - carryover_last) / carryover_last * 100") == \
        "(年末结转结余 - 年末结转结余（上年决算数）) ÷ 年末结转结余（上年决算数） × 100"


# -- identities --------------------------------------------------------------------------------
def test_consistent_figures_have_no_problem(seeds):
    assert bv.identity_problems(seeds["000"]) == {}


def test_parts_that_do_not_add_up_are_reported_on_the_parent(seeds):
    report = with_figure(seeds["001"], "personnel_cost", D("90"))
    problems = bv.identity_problems(report)
    assert "basic_expenditure" in problems
    assert "99.2" in problems["basic_expenditure"] and "96.39" in problems["basic_expenditure"]
    fixed = with_figure(report, "personnel_cost", D("92.81"))
    assert "basic_expenditure" not in bv.identity_problems(fixed)


def test_a_broken_budget_column_is_keyed_with_its_suffix(seeds):
    report = with_figure(seeds["001"], "personnel_cost_budget", D("50"))  # 50 + 8.62 ≠ 53.95
    assert set(bv.identity_problems(report)) >= {"basic_expenditure_budget"}


def test_seed_001_detail_lines_copying_the_budget_column_are_caught(seeds):
    problems = bv.identity_problems(seeds["001"])
    assert "19.08" in problems["fund_lines/final"] and "8.29" in problems["fund_lines/final"]


def test_fund_line_problems_follow_the_lines():
    report = with_figure(Report(), "project_expenditure", D("10"))
    report = replace(report, fund_lines=(FundLine("甲", final=D("4")), FundLine("乙", final=D("6"))))
    assert bv.identity_problems(report) == {}
