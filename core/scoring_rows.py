"""The rule score of one row (domain.md §3): ``score_execution`` for the funds row,
``score_leaf`` for an indicator row (execution, positive, reverse, equal, date, qualitative,
formula, criteria rules), each returning an ``IndicatorResult`` with its Chinese note."""
from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from core import model, values
from core.rounding import q2
from core.scoring_formulas import StepFailed, compute, step_score
from core.scoring_records import (CRITERIA, DATE, EQUAL, EXECUTION, FORMULA, MANUAL, POSITIVE, QUALITATIVE,
                                  REVERSE, UNSCORED, ZERO, IndicatorResult)
from core.templates import Template

HUNDRED = Decimal(100)


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
