"""Scoring (domain.md §3): the rule score of every row beside the clerk's score.

``score_report(report)`` scores every table of a report with its template and returns
records; nothing here prints or formats. Each indicator result names the rule used
(``execution``, ``positive``, ``reverse``, ``equal``, ``date``, ``qualitative``, ``formula``,
``manual`` …) and carries a short Chinese note saying how the rule score was reached.

When the rule cannot score a row (an actual value with a comparator, units that do not
agree, a value that is not a measurement) its ``rule_score`` is ``None`` and the totals take
the clerk's score for that row as entered; the 审核 checks report why. Rounding: each row's
rule score is rounded once to two decimals (``core.rounding.q2``); totals are sums.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from core import formula as fx
from core import model, values
from core.findings import WARNING, Finding
from core.new_report import project_template_id
from core.rounding import q2
from core.template_records import same_label, split_label
from core.templates import FormulaDef, Template, TemplateSet, default_set

ZERO = Decimal(0)
HUNDRED = Decimal(100)
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


# -- helpers ---------------------------------------------------------------------------------
def formula_env(report: model.Report) -> dict[str, Decimal]:
    env = dict(report.figures.items)
    if report.overview.authorized_staff is not None:
        env["authorized_staff"] = report.overview.authorized_staff
    if report.overview.actual_staff is not None:
        env["actual_staff"] = report.overview.actual_staff
    return env


def compute(fd: FormulaDef, env: dict[str, Decimal]) -> FormulaValue:
    """The value of a template formula for this report; never raises (``missing`` says why
    there is none: a figure's name, ``zero`` for a division by zero, ``error`` otherwise)."""
    try:
        v = fx.evaluate(fd.expr, env)
        return FormulaValue(fd.key, fd.label, Decimal(v), unit=fd.unit)
    except fx.MissingValue as e:
        return FormulaValue(fd.key, fd.label, None, missing=e.name, unit=fd.unit)
    except fx.ZeroDivide:
        return FormulaValue(fd.key, fd.label, None, missing="zero", unit=fd.unit)
    except Exception:  # noqa: BLE001 - a formula that cannot be computed is not a crash
        return FormulaValue(fd.key, fd.label, None, missing="error", unit=fd.unit)


class StepFailed(Exception):
    """A scoring step of a template formula cannot be evaluated; ``str(e)`` says why (Chinese)."""


def step_score(fd: FormulaDef, value: Decimal, weight: Decimal) -> Decimal:
    """The score of the first step whose condition holds (0 when none), within [0, weight].
    Raises StepFailed (Chinese) when a step cannot be evaluated for these numbers."""
    env = {"value": value, "weight": weight}
    for step in fd.steps:
        expr = step.condition
        try:
            if not step.condition or fx.evaluate(step.condition, env):
                expr = step.score
                return q2(min(max(Decimal(fx.evaluate(step.score, env)), ZERO), weight))
        except fx.ZeroDivide:
            raise StepFailed(f"模板中“{fd.label}”的评分公式“{_short(expr)}”在指标值 {q2(value)}、分值 {weight} 时"
                             "除以 0") from None
        except Exception as e:  # noqa: BLE001 - a template bug must not stop the scoring
            raise StepFailed(f"模板中“{fd.label}”的评分公式“{_short(expr)}”无法计算"
                             f"（{type(e).__name__}）") from None
    return ZERO


def _short(expr: str) -> str:
    return expr if len(expr) <= 60 else expr[:60] + "…"


def _pct(v: Decimal) -> str:
    return f"{q2(v)}%"


# -- one row ---------------------------------------------------------------------------------
def score_execution(funds: model.FundsBlock, tpl: Template, where: str) -> IndicatorResult:
    weight = funds.weight  # a table without 分值 on its funds row is not scored (plan vs completion)
    total = funds.total
    label = tpl.execution.label if tpl.execution else "预算执行率"
    names = (label,)
    annual = total.annual if total else None
    executed = total.executed if total else None
    if weight is None:
        rate = executed / annual * HUNDRED if annual and executed is not None else None
        return IndicatorResult(where, names, None, UNSCORED, None, funds.score, "表中未设执行率分值",
                               value=rate)
    if annual is None or executed is None:
        return IndicatorResult(where, names, weight, MANUAL, None, funds.score,
                               "缺少全年预算数或全年执行数，无法计算执行率")
    if annual == 0:
        return IndicatorResult(where, names, weight, MANUAL, None, funds.score, "全年预算数为 0，无法计算执行率")
    rate = executed / annual * HUNDRED
    if tpl.execution is not None:
        try:
            score = step_score(tpl.execution, rate, weight)
        except StepFailed as e:
            return IndicatorResult(where, names, weight, MANUAL, None, funds.score,
                                   f"{e}，采用填报得分", value=rate, problem=str(e))
    else:
        score = q2(min(weight * rate / HUNDRED, weight))
    note = f"执行率 = {executed}/{annual} = {_pct(rate)}，得分 = 分值 × 执行率（不超过分值）"
    return IndicatorResult(where, names, weight, EXECUTION, score, funds.score, note,
                           value=rate, reached=rate >= HUNDRED)


def _tier_for(tpl: Template, share: Decimal) -> str:
    for t in sorted(tpl.tiers, key=lambda t: t.low, reverse=True):
        if share >= t.low:
            return t.key
    return ""


def _clamp_to_tier(tpl: Template, tier_key: str, weight: Decimal, score: Decimal | None) -> Decimal | None:
    tier = next((t for t in tpl.tiers if t.key == tier_key), None)
    if tier is None:
        return score
    low, high = q2(weight * tier.low), q2(weight * tier.high)
    if score is None:
        return high
    return min(max(score, low), high)


def score_leaf(leaf: model.Indicator, names: tuple[str, ...], where: str, tpl: Template,
               reverse_hint: bool, env: dict[str, Decimal]) -> IndicatorResult:
    w, reported = leaf.weight, leaf.score
    target, actual = values.read_value(leaf.target), values.read_value(leaf.actual)
    if leaf.unit.strip():  # the 度量单位 column: the unit of a bare target, and of a bare actual
        target = values.with_unit(target, leaf.unit)  # (unless it is a fraction of a percent target)
        if values.fraction_as_percent(target, actual) is None:
            actual = values.with_unit(actual, leaf.unit)

    def result(rule, score, note, **kw):
        return IndicatorResult(where, names, w, rule, score, reported, note, target, actual, **kw)

    if leaf.formula:
        fd = tpl.formula(leaf.formula)
        if fd is None:
            return result(MANUAL, None, f"模板中没有公式“{leaf.formula}”")
        fv = compute(fd, env)
        if fv.value is None:
            why = {"zero": "分母为 0", "error": "结果超出范围"}.get(fv.missing, f"缺少数据“{fv.missing}”")
            return result(MANUAL, None, f"{fd.label}无法计算（{why}），采用填报得分")
        if w is None:
            return result(FORMULA, None, f"{fd.label} = {_pct(fv.value)}（不单独计分）", value=fv.value)
        try:
            score = step_score(fd, fv.value, w)
        except StepFailed as e:
            return result(MANUAL, None, f"{e}，采用填报得分", value=fv.value, problem=str(e))
        return result(FORMULA, score, f"{fd.label} = {_pct(fv.value)}，按模板评分规则得 {score}", value=fv.value)
    if tpl.is_execution_row(leaf.name):
        return _execution_row(leaf, tpl, result, actual)
    if w is None:
        return _unweighted(leaf, names, where, tpl, reverse_hint, env)
    block = tpl.block_for(names[0]) if names else None
    if target.kind == values.BLANK and (tpl.is_criteria_name(leaf.name) or (block is not None and block.criteria)
                                        or where.startswith("framework/")):
        if reported is None:
            return result(CRITERIA, None, "按评分标准打分的指标（不设数值目标），尚未填写得分")
        score = q2(min(max(reported, ZERO), w))
        return result(CRITERIA, score, "按评分标准打分的指标（不设数值目标），采用填报得分", reached=score == w)
    direction = values.direction_comparator(leaf.direction)
    # qualitative: the clerk picked a tier, or the target is words
    if leaf.tier or direction == "定性" or target.kind == values.WORD:
        tier = leaf.tier
        if not tier:
            if actual.kind == values.WORD or actual.kind == values.DATE or actual.kind == values.NUMBER:
                same = "".join(leaf.actual.split()) == "".join(leaf.target.split())
                ok = values.is_achievement_word(actual.word) if actual.kind == values.WORD else None
                if same or ok:
                    tier = _top_tier(tpl)
                elif ok is False:
                    tier = _bottom_tier(tpl)
        if not tier:
            return result(MANUAL, None, "定性指标未选择档次，且无法从完成值判断，采用填报得分")
        score = _clamp_to_tier(tpl, tier, w, reported)
        label = next((t.label for t in tpl.tiers if t.key == tier), tier)
        return result(QUALITATIVE, score, f"定性指标：{label}，得分在该档区间内", tier=tier,
                      reached=tier == _top_tier(tpl))
    if target.kind == values.DATE:
        if actual.kind == values.DATE and actual.date is not None and target.date is not None:
            t, a = target.date, actual.date
            if t[0] == 0 or a[0] == 0:  # a year is missing: compare month and day only
                t, a = t[1:], a[1:]
            if a <= t:
                return result(DATE, w, "完成时间不晚于目标时间，得满分", reached=True)
            return result(DATE, ZERO, "完成时间晚于目标时间，不得分", reached=False)
        if actual.kind == values.WORD and values.is_achievement_word(actual.word):
            return result(DATE, w, "按时完成，得满分", reached=True)
        return result(MANUAL, None, "无法读出完成时间，采用填报得分")
    if target.kind == values.BLANK:
        return result(MANUAL, None, "没有填写年度指标值，无法按规则计分，采用填报得分")
    if target.kind != values.NUMBER or target.number is None:
        return result(MANUAL, None, f"年度指标值“{_clip(leaf.target)}”无法识别为数值、日期或定性描述，采用填报得分")
    if actual.kind == values.BLANK:
        return result(MANUAL, None, "没有填写实际完成值，采用填报得分")
    if actual.kind != values.NUMBER or actual.number is None:
        return result(MANUAL, None, f"指标值是数值，实际完成值却是“{_clip(leaf.actual)}”，无法比较，采用填报得分")
    if actual.comparator:
        return result(MANUAL, None, "实际完成值带有比较符号（如“≥”），不是实测值，不予计算")
    fraction = values.fraction_as_percent(target, actual)
    if fraction is not None:
        b, read_as = fraction, f"（实际完成值 {actual.number} 按 {q2(fraction)}% 计）"
    else:
        factor = values.unit_factor(target.unit, actual.unit)
        if factor is None:
            return result(MANUAL, None, f"计量单位不一致（目标“{target.unit}”，实际“{actual.unit}”），无法计算")
        b, read_as = actual.number * factor, ""
    a = target.number
    cmp = target.comparator or (direction if direction in (">=", "<=", "=", ">", "<") else "") \
        or tpl.direction_for(leaf.name) or ("<=" if reverse_hint else ">=")
    if cmp in (">=", ">"):
        reached = b >= a if cmp == ">=" else b > a
        if reached:
            return result(POSITIVE, w, "完成值达到指标值，得满分" + read_as, reached=True)
        if a <= 0:
            return result(POSITIVE, ZERO, "完成值未达到指标值" + read_as, reached=False)
        score = _share(tpl, b / a, w) if b > 0 else ZERO
        return result(POSITIVE, score, f"正向指标未达到：{b}/{a} × {w} = {score}{read_as}", reached=False)
    if cmp in ("<=", "<"):
        reached = b <= a if cmp == "<=" else b < a
        if reached:
            return result(REVERSE, w, "完成值控制在指标值以内，得满分" + read_as, reached=True)
        score = _share(tpl, a / b, w) if a > 0 else ZERO
        return result(REVERSE, score, f"反向指标超出：{a}/{b} × {w} = {score}{read_as}", reached=False)
    # equal
    if b == a:
        return result(EQUAL, w, "完成值等于指标值，得满分" + read_as, reached=True)
    if tpl.equal_target == "all_or_nothing" or a == 0 or b == 0:
        return result(EQUAL, ZERO, "完成值不等于指标值" + read_as, reached=False)
    score = _share(tpl, min(b / a, a / b), w)
    return result(EQUAL, score, f"等于型指标偏离：min(B/A, A/B) × {w} = {score}{read_as}", reached=False)


def _share(tpl: Template, ratio: Decimal, weight: Decimal) -> Decimal:
    """分值 × 完成比例 (at most 1), rounded once; with the template's ``coefficient_places`` the
    比例 is first rounded to that many places (得分系数), as the core-indicator tables print it."""
    ratio = min(ratio, Decimal(1))
    if tpl.coefficient_places is not None:
        ratio = ratio.quantize(Decimal(1).scaleb(-tpl.coefficient_places), rounding=ROUND_HALF_UP)
    return q2(ratio * weight)


def _clip(text: str, n: int = 20) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


def _execution_row(leaf: model.Indicator, tpl: Template, result, actual: values.Reading) -> IndicatorResult:
    """A 预算执行率 row inside the table (its name is one of the template's ``execution_names``):
    the actual is the rate, scored by the template's execution rule."""
    w = leaf.weight
    rate = None
    if actual.kind == values.NUMBER and actual.number is not None and not actual.comparator:
        if actual.unit == "%":
            rate = actual.number
        elif not actual.unit and 0 < actual.number <= Decimal("1.5"):
            rate = actual.number * HUNDRED  # 0.96 = 96%
    if rate is None:
        why = "没有填写实际执行率" if actual.kind == values.BLANK else f"实际完成值“{_clip(leaf.actual)}”不是执行率（百分数）"
        return result(MANUAL if w is not None else UNSCORED, None, f"预算执行率一行：{why}，无法按规则计分")
    if w is None:
        return result(UNSCORED, None, f"预算执行率 {_pct(rate)}（表中没有分值，不计分）", value=rate,
                      reached=rate >= HUNDRED)
    if tpl.execution is not None:
        try:
            score = step_score(tpl.execution, rate, w)
        except StepFailed as e:
            return result(MANUAL, None, f"{e}，采用填报得分", value=rate, problem=str(e))
    else:
        score = q2(min(w * rate / HUNDRED, w))
    return result(EXECUTION, score, f"预算执行率 {_pct(rate)}，按模板的执行率规则得 {score}", value=rate,
                  reached=rate >= HUNDRED)


def _unweighted(leaf, names, where, tpl, reverse_hint, env) -> IndicatorResult:
    """A row without 分值 (a plan-vs-completion table): not scored, but whether the target was
    reached is still read (as the rule would with a weight of 1)."""
    probe = score_leaf(replace(leaf, weight=Decimal(1), score=None), names, where, tpl, reverse_hint, env)
    said = {True: "，已完成指标值", False: "，未完成指标值"}.get(probe.reached, "")
    return IndicatorResult(where, names, None, UNSCORED, None, leaf.score, f"该行没有分值，不计分{said}",
                           probe.target, probe.actual, probe.value, probe.reached)


def _top_tier(tpl: Template) -> str:
    return max(tpl.tiers, key=lambda t: t.high).key if tpl.tiers else ""


def _bottom_tier(tpl: Template) -> str:
    return min(tpl.tiers, key=lambda t: t.low).key if tpl.tiers else ""


# -- a table ---------------------------------------------------------------------------------
def _walk(node, prefix: str, names: tuple[str, ...], tpl: Template, reverse: bool, env, out: list):
    for i, child in enumerate(node.children):
        where = f"{prefix}/children/{i}"
        if isinstance(child, model.Indicator):
            out.append(_guarded_leaf(child, names + (child.name,), where, tpl, reverse, env))
        else:
            rev = reverse or any(same_label(child.name, r) for b in tpl.blocks for r in b.reverse_level2)
            _walk(child, where, names + (child.name,), tpl, rev, env, out)


def _crashed(e: Exception) -> str:
    return f"评分规则出错（{type(e).__name__}），无法按规则计分"


def _guarded_leaf(leaf, names, where, tpl, reverse, env) -> IndicatorResult:
    """``score_leaf``, but a rule that crashes becomes a finding (RULE_FAILED), not a crash."""
    try:
        return score_leaf(leaf, names, where, tpl, reverse, env)
    except Exception as e:  # noqa: BLE001
        return IndicatorResult(where, names, leaf.weight, MANUAL, None, leaf.score,
                               f"{_crashed(e)}，采用填报得分", problem=_crashed(e))


def score_table(table: model.SelfEvalTable, where: str, tpl: Template,
                env: dict[str, Decimal]) -> TableResult:
    execution = None
    if table.funds is not None:
        try:
            execution = score_execution(table.funds, tpl, f"{where}/funds")
        except Exception as e:  # noqa: BLE001 - a rule that crashes becomes a finding
            execution = IndicatorResult(f"{where}/funds", ("预算执行率",), table.funds.weight, MANUAL, None,
                                        table.funds.score, f"{_crashed(e)}，采用填报得分", problem=_crashed(e))
    blocks, indicators = [], []
    for gi, group in enumerate(table.groups):
        gwhere = f"{where}/groups/{gi}"
        rows: list[IndicatorResult] = []
        block = tpl.block_for(group.name)
        reverse = any(same_label(group.name, r) for b in tpl.blocks for r in b.reverse_level2)
        _walk(group, gwhere, (group.name,), tpl, reverse, env, rows)
        indicators.extend(rows)
        blocks.append(BlockResult(
            gwhere, group.name, group.stated_weight if group.stated_weight is not None else split_label(group.name)[1],
            block.weight if block else None,
            sum((r.weight or ZERO for r in rows), ZERO),
            sum((r.counted_score for r in rows if r.weight is not None), ZERO),
            sum((r.reported_score or ZERO for r in rows), ZERO)))
    rows = ([execution] if execution else []) + indicators
    scored = any(r.weight is not None for r in rows)
    weight_total = sum((r.weight or ZERO for r in rows), ZERO)
    rule_total = sum((r.counted_score for r in rows if r.weight is not None), ZERO)
    reported_total = sum((r.reported_score or ZERO for r in rows), ZERO)
    may_grade = scored and weight_total == tpl.total  # no grade while the weights do not add up
    return TableResult(
        where, table.name, tpl.id, execution, tuple(blocks), tuple(indicators), weight_total,
        rule_total, reported_total, table.stated_total, table.stated_grade,
        tpl.grade_for(rule_total) if may_grade else "", scored, tpl.total if scored else None)


def table_template(report: model.Report, where: str, table: model.SelfEvalTable,
                   templates: TemplateSet) -> tuple[Template | None, list[Finding]]:
    tid = table.template
    if not tid:
        tid = project_template_id(report, templates) if where.startswith("projects/") else report.template
    if tid == report.template:  # the edition the report was written with (Report.template_version)
        return templates.for_report(report)
    return templates.get(tid)


def score_report(report: model.Report, templates: TemplateSet | None = None) -> ReportScore:
    """Score every table of ``report``. Never raises: a template that does not load is listed in
    ``template_findings`` and its tables are not scored; a row whose rule fails keeps the
    clerk's score and says why in ``problem`` (reported by the RULE_FAILED check); a table
    that cannot be scored at all is a RULE_FAILED finding of its own."""
    templates = templates or default_set()
    env = formula_env(report)
    tables, findings = [], []
    seen: set[tuple[str, str, str]] = set()

    def add(found) -> None:
        for f in found:
            key = (f.code, f.where, f.message)
            if key not in seen:
                seen.add(key)
                findings.append(f)

    for where, table in report.tables():
        try:
            tpl, tf = table_template(report, where, table, templates)
            add(tf)
            if tpl is not None:
                tables.append(score_table(table, where, tpl, env))
        except Exception as e:  # noqa: BLE001 - a rule that crashes becomes a finding
            add([Finding("RULE_FAILED", WARNING, where,
                         f"“{table.name or report.table_kind(where)}”{_crashed(e)}，未评分",
                         "请把报告文件发给软件维护人员")])
    main, mf = templates.for_report(report)
    formulas = []
    if main is not None:
        defs = ((main.execution,) if main.execution else ()) + main.formulas
        formulas = [compute(fd, env) for fd in defs]
    else:
        add(mf)
    return ReportScore(tuple(tables), tuple(formulas), tuple(findings))
