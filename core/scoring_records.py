"""The records scoring returns (``IndicatorResult`` … ``ReportScore``, domain.md §3), the rule
names a row result carries, and ``NO_GRADE``. No rules here: ``core.scoring`` fills them."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core import values
from core.findings import Finding

ZERO = Decimal(0)
NO_GRADE = "分值合计有误，暂不评级"  # shown wherever a grade would be while the weights do not add up

# rule names
EXECUTION = "execution"
POSITIVE = "positive"  # 正向 ≥
REVERSE = "reverse"  # 反向 ≤
EQUAL = "equal"
DATE = "date"
QUALITATIVE = "qualitative"
FORMULA = "formula"
MANUAL = "manual"  # the rule cannot read the row: the clerk's score stands
UNSCORED = "unscored"  # the row has no weight (a plan-vs-completion table)
CRITERIA = "criteria"  # no numeric target by design (完整性, 相关性 …): scored against criteria

RULE_LABELS = {
    EXECUTION: "预算执行率", POSITIVE: "正向指标", REVERSE: "反向指标", EQUAL: "等于型指标",
    DATE: "时效（日期）", QUALITATIVE: "定性指标", FORMULA: "公式指标", MANUAL: "人工评分",
    UNSCORED: "不评分", CRITERIA: "评分标准指标",
}


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    where: str  # e.g. table/groups/0/children/1/children/2
    names: tuple[str, ...]  # labels from 一级 down to the row
    weight: Decimal | None
    rule: str
    rule_score: Decimal | None
    reported_score: Decimal | None
    note: str = ""  # how the rule score was reached, in Chinese
    target: values.Reading | None = None
    actual: values.Reading | None = None
    value: Decimal | None = None  # the computed ratio for formula rows (percent)
    reached: bool | None = None
    tier: str = ""  # the qualitative tier the rule placed the row in
    problem: str = ""  # why the rule could not be applied at all (a template formula, a crash)

    @property
    def counted_score(self) -> Decimal:
        """What the totals add: the rule score, or the clerk's when the rule cannot score."""
        if self.rule_score is not None:
            return self.rule_score
        return self.reported_score or ZERO


@dataclass(frozen=True, slots=True)
class BlockResult:
    where: str
    name: str
    stated_weight: Decimal | None
    template_weight: Decimal | None
    weight: Decimal  # sum of its rows' weights
    rule_score: Decimal
    reported_score: Decimal


@dataclass(frozen=True, slots=True)
class TableResult:
    where: str  # table, projects/0, framework
    name: str
    template: str
    execution: IndicatorResult | None
    blocks: tuple[BlockResult, ...]
    indicators: tuple[IndicatorResult, ...]
    weight_total: Decimal
    rule_total: Decimal
    reported_total: Decimal
    stated_total: Decimal | None
    stated_grade: str
    grade: str  # "" while no grade may be given (no weights, or weights that do not add up)
    scored: bool  # False for tables without weights (plan vs completion)
    full_weight: Decimal | None = None  # what the weights must add up to (the template's total)

    def all_rows(self) -> tuple[IndicatorResult, ...]:
        return ((self.execution,) if self.execution else ()) + self.indicators

    @property
    def has_scores(self) -> bool:
        """The clerk has scored some row: before that a total or a grade means nothing."""
        return self.scored and any(r.reported_score is not None for r in self.all_rows())

    @property
    def weights_ok(self) -> bool:
        """The rows' weights add up to the template's total (WEIGHT_TOTAL finds it otherwise)."""
        return self.full_weight is None or self.weight_total == self.full_weight

    @property
    def may_grade(self) -> bool:
        """A grade may be given: the table is scored and its weights add up. While they do not,
        ``grade`` is empty and every face shows ``grade_text`` (NO_GRADE) instead."""
        return self.scored and self.weights_ok

    @property
    def grade_text(self) -> str:
        """What to print where the grade goes: the grade, NO_GRADE while the weights do not add
        up, "" for a table without weights or one the clerk has not scored yet."""
        if not self.has_scores:
            return ""
        return self.grade if self.weights_ok else NO_GRADE


@dataclass(frozen=True, slots=True)
class FormulaValue:
    key: str
    label: str
    value: Decimal | None  # None when the report lacks a figure
    missing: str = ""  # the figure that is missing, or "zero" for division by zero
    unit: str = "%"


@dataclass(frozen=True, slots=True)
class ReportScore:
    tables: tuple[TableResult, ...]
    formulas: tuple[FormulaValue, ...]
    template_findings: tuple[Finding, ...]

    @property
    def main(self) -> TableResult | None:
        return self.tables[0] if self.tables else None
