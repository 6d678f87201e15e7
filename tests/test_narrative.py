"""Drafted narrative from the figures and scores; sections edited by key; the generated text kept."""
import dataclasses
from decimal import Decimal

import pytest

from core import edit, model
from core.narrative import (apply_drafts, chinese_number, draft_sections, narrative_outline,
                            replace_with_draft, set_section)
from core.report_io import dumps_report, report_from_dict, report_to_dict
from core.templates import load_template

INCOME_001 = ("2022年度本单位总收入107.49万元，其中：一般公共预算财政拨款收入102.49万元，占95.35%；"
              "其他收入5万元，占4.65%。")
SPENDING_001 = ("2022年度本单位总支出107.49万元，其中：基本支出99.2万元，占92.29%（其中人员经费92.81万元，"
                "占基本支出的93.56%；公用经费6.39万元，占基本支出的6.44%）；项目支出8.29万元，占7.71%。")
EXECUTION_001 = "全年预算数107.49万元，全年执行数107.49万元，预算执行率100.00%。"


def drafts(report):
    tpl, _ = load_template(report.template)
    return draft_sections(report, tpl)


def with_figures(report, **changes):
    d = report.figures.as_dict()
    for k, v in changes.items():
        if v is None:
            d.pop(k, None)
        else:
            d[k] = Decimal(v)
    return dataclasses.replace(report, figures=model.Figures.of(d))


def test_seed001_income_spending_and_execution(seeds):
    d = drafts(seeds["001"])
    assert list(d) == ["income_expenditure", "basic_expenditure", "performance"]
    assert d["income_expenditure"].split("\n") == [INCOME_001, SPENDING_001, EXECUTION_001]
    assert d["basic_expenditure"] == ("2022年度基本支出99.2万元，其中：人员经费92.81万元，占93.56%；"
                                      "公用经费6.39万元，占6.44%。")


def test_seed001_performance_names_the_row_it_cannot_judge_and_gives_total_and_grade(seeds):
    lines = drafts(seeds["001"])["performance"].split("\n")
    assert lines == [
        "绩效指标共12项，已达成11项。另有1项需核实是否达成：工作任务如期完成（年度指标值：工作质量达到各项"
        "工作要求；实际完成值：100%）。",
        "自评得分99分，等级为“优”。",
    ]


def test_seed004_shares_with_two_decimals_and_all_indicators_reached(seeds):
    d = drafts(seeds["004"])
    assert list(d) == ["income_expenditure", "dept_performance"]
    assert d["income_expenditure"].split("\n") == [
        "2020年度本单位总收入161.4万元，其中：一般公共预算财政拨款收入160.44万元，占99.41%；其他收入0.96万元，占0.59%。",
        "2020年度本单位总支出161.4万元，其中：基本支出151.4万元，占93.80%；项目支出10万元，占6.20%。",
        "全年预算数161.4万元，全年执行数161.4万元，预算执行率100.00%。",
    ]
    # the weights add up to 110: no grade (core.scoring_records NO_GRADE, commit 2f91ae0)
    assert d["dept_performance"] == "绩效指标共13项，全部达成。\n自评得分110分。"


def test_a_row_not_reached_is_named_with_target_and_actual(seeds):
    r = edit.set_at(seeds["001"], "table/groups/0/children/2/children/1/actual", "80%")
    first = drafts(r)["performance"].split("\n")[0]
    assert first.startswith("绩效指标共12项，已达成10项，未达成1项：项目完成率（年度指标值：100%；实际完成值：80%）。")


def test_execution_above_100_asks_the_clerk_for_the_reason(seeds):
    text = drafts(seeds["000"])["budget_execution"]
    assert "全年预算数86.07万元，全年执行数88.3万元，预算执行率102.59%。执行率超过100%的原因：______。" in text


def test_execution_below_the_template_threshold_asks_for_the_reason(seeds):
    r = edit.set_at(seeds["001"], "table/funds/rows/0/executed", Decimal("90"))
    text = drafts(r)["income_expenditure"]
    assert "全年执行数90万元，预算执行率83.73%。执行率低于90%的原因：______。" in text
    r = edit.set_at(seeds["001"], "table/funds/rows/0/executed", Decimal("100"))  # 93.03%: fine
    assert "原因" not in drafts(r)["income_expenditure"]


def test_no_shares_without_a_total_above_zero(seeds):
    r = with_figures(seeds["001"], income_total=None)
    assert drafts(r)["income_expenditure"].split("\n")[0] == \
        "2022年度本单位总收入包括：一般公共预算财政拨款收入102.49万元；其他收入5万元。"
    r = with_figures(seeds["001"], income_total="0")
    assert "占" not in drafts(r)["income_expenditure"].split("\n")[0]


def test_execution_without_a_budget_gives_no_rate(seeds):
    funds = dataclasses.replace(seeds["001"].table.funds, rows=(model.FundsRow("年度资金总额", executed=Decimal("5")),))
    r = dataclasses.replace(seeds["001"], table=dataclasses.replace(seeds["001"].table, funds=funds))
    assert "全年执行数5万元。" in drafts(r)["income_expenditure"]
    assert "执行率" not in drafts(r)["income_expenditure"]


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004", "empty"])
def test_never_prints_none_nan_or_div0(seeds, name):
    report = model.Report(template="hunan-dept-2022") if name == "empty" else seeds[name]
    for text in drafts(report).values():
        for bad in ("None", "nan", "NaN", "#DIV/0!", "inf", "—"):
            assert bad not in text, (name, text)


def test_template_none_drafts_nothing(seeds):
    assert draft_sections(seeds["001"], None) == {}


# -- editing by key ------------------------------------------------------------------------
def test_set_section_creates_missing_sections_in_outline_order(seeds):
    r = dataclasses.replace(seeds["001"], sections=())
    r = set_section(r, "performance", "绩效")
    r = set_section(r, "basic_info", "基本情况")
    r = set_section(r, "problems", "问题")
    r = set_section(r, "income_expenditure", "收支")
    assert [s.key for s in r.sections] == ["basic_info", "income_expenditure", "performance", "problems"]
    r2 = set_section(r, "performance", "绩效（改）")
    assert r2.section("performance") == "绩效（改）" and len(r2.sections) == 4
    assert set_section(r2, "performance", "绩效（改）") is r2


def test_set_section_keeps_the_title_and_generated(seeds):
    r = set_section(seeds["001"], "income_expenditure", "新文字", generated="草稿")
    s = next(s for s in r.sections if s.key == "income_expenditure")
    assert (s.text, s.generated, s.title) == ("新文字", "草稿", "部门整体收入支出管理及使用情况")
    s = next(s for s in set_section(r, "income_expenditure", "再改").sections if s.key == "income_expenditure")
    assert s.generated == "草稿"


def test_apply_drafts_fills_empty_keeps_edited_and_replaces_untouched(seeds):
    empty = dataclasses.replace(seeds["001"], sections=())
    d = drafts(empty)
    r, kept = apply_drafts(empty, d)
    assert kept == [] and all(r.section(k) == v for k, v in d.items())
    r = set_section(r, "performance", "我自己写的绩效情况。")
    r = with_figures(r, income_other="6")  # the figures change: new drafts differ
    d2 = drafts(r)
    r2, kept = apply_drafts(r, d2)
    assert kept == ["performance"]
    assert r2.section("performance") == "我自己写的绩效情况。"
    assert next(s for s in r2.sections if s.key == "performance").generated == d2["performance"]
    assert r2.section("income_expenditure") == d2["income_expenditure"]  # untouched: replaced
    assert replace_with_draft(r2, "performance").section("performance") == d2["performance"]


def test_seed_text_written_by_hand_is_kept(seeds):
    r, kept = apply_drafts(seeds["001"], drafts(seeds["001"]))
    assert kept == ["income_expenditure", "basic_expenditure", "performance"]
    assert r.sections[:3] == tuple(dataclasses.replace(s, generated=r.sections[i].generated)
                                   for i, s in enumerate(seeds["001"].sections[:3]))


def test_generated_round_trips_through_json(seeds):
    r, _ = apply_drafts(dataclasses.replace(seeds["004"], sections=()), drafts(seeds["004"]))
    data = report_to_dict(r)
    assert data["sections"][0]["generated"].startswith("2020年度本单位总收入161.4万元")
    again, findings = report_from_dict(data)
    assert again == r and findings == []
    assert "generated" not in dumps_report(seeds["004"])  # empty fields are omitted


# -- outline labels --------------------------------------------------------------------------
def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def test_outline_labels_number_by_depth_and_skip_annex_tables(seeds):
    tpl, _ = load_template("hunan-dept-2020")
    rows = narrative_outline(tpl, seeds["000"])
    assert rows[0] == ("overview", 1, "一、部门概况", False)
    assert rows[4] == ("budget_execution", 2, "（四）部门预算收支及执行情况", True)
    assert rows[-1] == ("attachments", 1, "四、评价附件资料", True)
    tpl, _ = load_template("hunan-dept-2022")
    rows = narrative_outline(tpl, seeds["001"])
    assert rows[1][2] == "二、部门整体收入支出管理及使用情况"  # the printed heading of the report
    assert rows[-1][2] == "十、其他需要说明的情况" and "annex" not in [k for k, *_ in rows]
