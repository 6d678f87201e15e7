"""The catalogue of budget figures (domain.md §6) and the identities between them.

A report stores figures as ``{key: Decimal}`` (万元 unless the catalogue says otherwise).
Any key may carry a column suffix: ``_budget`` (本年预算数, as in a 基础数据表) or ``_last``
(上年决算数 / 上年数). Unsuffixed keys are this year's final (决算/执行) values.
Identities (parts sum to their parent) hold per suffix.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FigureDef:
    key: str
    label: str
    group: str
    parent: str = ""  # the figure this one is a part of ("其中")
    unit: str = "万元"


SUFFIXES = {"": "本年决算数", "_budget": "本年预算数", "_last": "上年决算数"}

FIGURES: tuple[FigureDef, ...] = (
    FigureDef("initial_budget", "年初预算数", "预算"),
    FigureDef("budget_adjustment", "预算调整数（追加为正，追减为负）", "预算"),
    FigureDef("annual_budget", "全年预算数", "预算"),
    FigureDef("executed", "全年执行数", "预算"),
    FigureDef("income_total", "本年收入合计", "收入"),
    FigureDef("income_general", "一般公共预算财政拨款收入", "收入", "income_total"),
    FigureDef("income_fund", "政府性基金预算财政拨款收入", "收入", "income_total"),
    FigureDef("income_state_capital", "国有资本经营预算财政拨款收入", "收入", "income_total"),
    FigureDef("income_special_account", "财政专户管理资金收入", "收入", "income_total"),
    FigureDef("income_other", "其他收入", "收入", "income_total"),
    FigureDef("income_carryover", "上年结转结余", "收入"),
    FigureDef("total_expenditure", "支出总额", "支出"),
    FigureDef("basic_expenditure", "基本支出", "支出", "total_expenditure"),
    FigureDef("personnel_cost", "人员经费", "支出", "basic_expenditure"),
    FigureDef("operating_cost", "公用经费", "支出", "basic_expenditure"),
    FigureDef("project_expenditure", "项目支出", "支出", "total_expenditure"),
    FigureDef("sangong_total", "“三公”经费合计", "三公经费"),
    FigureDef("sangong_abroad", "因公出国（境）费", "三公经费", "sangong_total"),
    FigureDef("sangong_vehicle", "公务用车购置及运行维护费", "三公经费", "sangong_total"),
    FigureDef("sangong_vehicle_purchase", "其中：公务用车购置费", "三公经费", "sangong_vehicle"),
    FigureDef("sangong_vehicle_operation", "其中：公务用车运行维护费", "三公经费", "sangong_vehicle"),
    FigureDef("sangong_reception", "公务接待费", "三公经费", "sangong_total"),
    FigureDef("general_expenditure", "一般性支出", "其他"),
    FigureDef("operating_per_capita", "人均公用经费", "其他"),
    FigureDef("procurement_budget", "政府采购预算数", "政府采购"),
    FigureDef("procurement_actual", "实际政府采购金额", "政府采购"),
    FigureDef("assets_total", "资产总额", "资产"),
    FigureDef("fixed_assets", "固定资产总额", "资产"),
    FigureDef("fixed_assets_in_use", "在用固定资产总额", "资产"),
    FigureDef("liabilities_total", "负债总额", "资产"),
    FigureDef("carryover", "年末结转结余", "结转结余"),
    FigureDef("key_project_expenditure", "重点项目支出", "其他"),
    FigureDef("work_planned", "年度工作要点总数", "工作", unit="项"),
    FigureDef("work_done", "已完成工作要点数", "工作", unit="项"),
    FigureDef("key_work_planned", "年度重点工作总数", "工作", unit="项"),
    FigureDef("key_work_done", "已完成重点工作数", "工作", unit="项"),
)

BY_KEY = {f.key: f for f in FIGURES}


def split_key(key: str) -> tuple[str, str]:
    """'project_expenditure_budget' -> ('project_expenditure', '_budget')."""
    for suffix in ("_budget", "_last"):
        if key.endswith(suffix) and key[: -len(suffix)] in BY_KEY:
            return key[: -len(suffix)], suffix
    return key, ""


def is_known(key: str) -> bool:
    return split_key(key)[0] in BY_KEY


def label(key: str) -> str:
    base, suffix = split_key(key)
    d = BY_KEY.get(base)
    if d is None:
        return key
    return d.label + (f"（{SUFFIXES[suffix]}）" if suffix else "")


def children_of(key: str) -> tuple[str, ...]:
    return tuple(f.key for f in FIGURES if f.parent == key)
