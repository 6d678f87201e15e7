"""How the 汇总 prints its numbers, the same in Word, on the command line and in the app:
amounts with two decimals, rates as percentages with two decimals, scores without trailing
zeros, and "—" wherever there is no number (an empty denominator, a table without weights)."""
from __future__ import annotations

from decimal import Decimal

from core.rounding import fmt, fmt_score, q2

DASH = "—"


def money(v: Decimal | None) -> str:
    """12,345.60 (万元)."""
    return DASH if v is None else f"{q2(v):,.2f}"


def percent(v: Decimal | None) -> str:
    """A fraction as a percentage: 1.0259 → 102.59%."""
    return DASH if v is None else fmt(v * 100, "%")


def score(v: Decimal | None) -> str:
    return fmt_score(v)


def count(n: int | None) -> str:
    return DASH if n is None else str(n)


def title_of(year: int | None) -> str:
    return f"{year}年度绩效自评汇总" if year else "绩效自评汇总"


PROJECT_CAPTION = "项目支出绩效自评汇总表"
DEPT_CAPTION = "部门整体支出绩效自评情况汇总表"
GRADE_CAPTION = "自评等级分布"
FINDINGS_CAPTION = "审核意见"
NOTES = ("执行率 = 全年执行数 ÷ 全年预算数，百分数保留两位小数；全年预算数为空或为 0 时记“—”。",
         "合计行的执行率 = 全年预算数和全年执行数都有的各行，全年执行数之和 ÷ 全年预算数之和；平均得分为有得分各行的算术平均，保留两位小数。",
         "规则得分按评分规则逐行重新计算；自评得分为报告所填的合计分（未填时为各行得分之和）。",
         "“暂不评级”：该表各行分值合计不等于满分，须更正后再评级；“未评分”：该表未填写得分或不评分。")
