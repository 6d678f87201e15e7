"""审核 rules on the values of the rows (domain.md §8, items 6–8): targets and actuals that cannot
be compared (ACTUAL_*, UNIT_MISMATCH, TARGET_BLANK), directions that look wrong (DIRECTION_*), far
over-achievement, and the execution rate (EXECUTION_*), from the funds block or from a 预算执行率 row
inside the table.

The rules take the ``core.checks.Context`` and are registered in ``core.checks.RULES``.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Iterator

from core import values
from core.findings import ERROR, HINT, WARNING, Finding
from core.rounding import fmt_score, q2
from core.scoring_records import CRITERIA, EXECUTION, POSITIVE
from core.table_columns import funds_label, is_funds_row, is_funds_total  # the funds rows' names (resources/table_columns.json)
from core.template_records import same_label

if TYPE_CHECKING:
    from core.checks import Context


def _n(v: Decimal | None) -> str:
    return fmt_score(v)


def _label(r) -> str:
    return "“" + " / ".join(n for n in r.names if n) + "”"


# -- 6–7. values --------------------------------------------------------------------------------
def check_actual_values(ctx: Context) -> Iterator[Finding]:
    for t in ctx.score.tables:
        if t.where == "framework":  # scored by criteria (评分标准), not target vs actual
            continue
        for r in t.indicators:
            if r.weight is None and not (t.scored is False and r.target and r.target.kind != values.BLANK):
                continue
            tgt, act = r.target, r.actual
            if tgt is None or act is None or r.rule in ("formula", CRITERIA):
                continue  # criteria rows have no numeric target by design
            if tgt.kind == values.BLANK and act.kind == values.BLANK:
                continue
            if act.kind == values.BLANK:
                yield Finding("ACTUAL_BLANK", ERROR, r.where, f"{_label(r)} 没有填写实际完成值",
                              "填写实际完成的数值或情况")
            elif act.comparator and act.kind == values.NUMBER:
                yield Finding("ACTUAL_HAS_COMPARATOR", ERROR, r.where,
                              f"{_label(r)} 的实际完成值“{act.text.strip()}”带有比较符号，是目标的写法而不是实际测得的值",
                              f"填写实际测得的数值{f'（单位“{act.unit}”）' if act.unit else ''}，不要带“≥”“≤”等符号")
            elif tgt.kind == values.NUMBER and act.kind in (values.WORD, values.UNKNOWN):
                yield Finding("ACTUAL_NOT_NUMBER", WARNING, r.where,
                              f"{_label(r)} 的指标值是数值（{tgt.text.strip()}），实际完成值却是文字“{act.text.strip()}”",
                              "填写与指标值同一计量单位的实际数值")
            elif values.fraction_as_percent(tgt, act) is not None and r.rule != EXECUTION:
                pct = q2(values.fraction_as_percent(tgt, act))
                yield Finding("ACTUAL_FRACTION", HINT, r.where,
                              f"{_label(r)} 的指标值是百分数（{tgt.text.strip()}），实际完成值写成小数“{act.text.strip()}”，"
                              f"已按 {pct}% 计算", f"核对后改写为“{pct}%”")
            elif tgt.kind == values.NUMBER and act.kind == values.NUMBER and act.unit == "%" \
                    and tgt.unit not in ("%", ""):
                yield Finding("ACTUAL_AS_PERCENT", WARNING, r.where,
                              f"{_label(r)} 的指标值是“{tgt.text.strip()}”，实际完成值却写成完成比例“{act.text.strip()}”",
                              f"填写实际完成的数量（单位“{tgt.unit}”），完成比例可写在说明中")
            elif tgt.kind == values.NUMBER and act.kind == values.NUMBER and \
                    values.unit_factor(tgt.unit, act.unit) is None:
                yield Finding("UNIT_MISMATCH", ERROR, r.where,
                              f"{_label(r)} 的计量单位不一致：指标值为“{tgt.unit}”，实际完成值为“{act.unit}”",
                              "统一计量单位（例如都用“万元”）")
            elif tgt.kind == values.BLANK and r.weight is not None and r.rule != EXECUTION:
                # an execution row (预算执行率 inside the table) is scored against the budget, not a target
                yield Finding("TARGET_BLANK", ERROR, r.where, f"{_label(r)} 没有填写年度指标值",
                              "按批复的绩效目标填写年度指标值")


def check_direction(ctx: Context) -> Iterator[Finding]:
    for t in ctx.score.tables:
        tpl = ctx.template_of(t.where)
        if tpl is None:
            continue
        reverse = {n for b in tpl.blocks for n in b.reverse_level2}
        for r in t.indicators:
            tgt = r.target
            if tgt is None or tgt.kind != values.NUMBER or not tgt.comparator:
                continue
            level2 = r.names[1] if len(r.names) > 2 else ""
            if any(same_label(level2, n) for n in reverse) and tgt.comparator in (">=", ">"):
                yield Finding("DIRECTION_COST_POSITIVE", WARNING, r.where,
                              f"{_label(r)} 是成本指标，指标值却写成“{tgt.text.strip()}”（越多越好）",
                              "成本指标一般写成“≤”（不超过），请核对")
            elif "数量" in level2 and tgt.comparator in ("<=", "<"):
                yield Finding("DIRECTION_COUNT_REVERSE", WARNING, r.where,
                              f"{_label(r)} 是数量指标，指标值却写成“{tgt.text.strip()}”（越少越好）",
                              "数量指标一般写成“≥”（不少于），请核对")


def check_over_achievement(ctx: Context) -> Iterator[Finding]:
    for t in ctx.score.tables:
        tpl = ctx.template_of(t.where)
        if tpl is None or tpl.over_achievement_ratio is None:
            continue
        for r in t.indicators:
            tgt, act = r.target, r.actual
            if r.rule != POSITIVE or not r.reached or tgt is None or act is None or not tgt.number:
                continue
            factor = values.unit_factor(tgt.unit, act.unit) or Decimal(1)
            if tgt.unit == "%":
                continue
            if act.number * factor > tgt.number * tpl.over_achievement_ratio:
                yield Finding("OVER_ACHIEVEMENT", HINT, r.where,
                              f"{_label(r)} 实际完成 {act.text.strip()}，远超指标值 {tgt.text.strip()}，目标可能设置偏低",
                              "分析超额原因；下年度据实调高指标值")


# -- 8. execution rate ----------------------------------------------------------------------------
def check_funds_parts(ctx: Context) -> Iterator[Finding]:
    """年度资金总额 printed below what its own 其中 rows add up to (e.g. 0 / 0 / 0 over
    90 / 89.974 / 89.974): the execution rate and its score are then computed from a wrong total."""
    for where, table in ctx.report.tables():
        funds = table.funds
        if funds is None or len(funds.rows) < 2:
            continue
        total, parts = funds.rows[0], [r for r in funds.rows[1:]
                                       if is_funds_row(r.label) and not is_funds_total(r.label)]
        wrong = []
        for attr in ("initial", "annual", "executed"):  # model.FundsRow's amounts
            name = funds_label(attr)
            got = [getattr(r, attr) for r in parts if getattr(r, attr) is not None]
            stated = getattr(total, attr)
            if got and stated is not None and sum(got, Decimal(0)) - stated > Decimal("0.005"):
                wrong.append(f"{name}写为 {_n(stated)}，其中各项合计 {_n(sum(got, Decimal(0)))}")
        if wrong:
            yield Finding("FUNDS_TOTAL_PARTS", WARNING, f"{where}/funds",
                          f"“{table.name}”资金表中“{total.label.strip() or '年度资金总额'}”小于其中各项之和："
                          + "；".join(wrong) + "，执行率和得分因此按错误的总额计算",
                          "核对年度资金总额一行：应为当年财政拨款、上年结转和其他资金之和")


def check_execution(ctx: Context) -> Iterator[Finding]:
    yield from check_funds_parts(ctx)
    low = ctx.main_template.execution_low if ctx.main_template else Decimal(90)
    seen_dept = False
    for t in ctx.score.tables:
        e = t.execution
        if e is None or e.value is None:
            continue
        yield from _rate_findings(e.value, e.where, f"“{t.name}”", low)
        seen_dept = seen_dept or t.where == "table"
    for t in ctx.score.tables:  # a 预算执行率 row inside the table (template execution_names)
        for r in t.indicators:
            if r.rule == EXECUTION and r.value is not None and (t.execution is None or t.execution.value is None):
                yield from _rate_findings(r.value, r.where, f"“{t.name}”", low)
                seen_dept = seen_dept or t.where == "table"
    for t in ctx.score.tables:
        e = t.execution
        if e is None or e.value is None:
            continue
        table = ctx.table(t.where)
        if table is not None and table.funds is not None and table.funds.stated_rate is not None \
                and abs(table.funds.stated_rate - e.value) > _printed_precision(table.funds.stated_rate):
            yield Finding("EXECUTION_RATE_STATED", ERROR, f"{e.where}/stated_rate",
                          f"“{t.name}”执行率写为 {_n(table.funds.stated_rate)}%，按全年执行数/全年预算数应为 {q2(e.value)}%",
                          f"改为 {q2(e.value)}%")
        seen_dept = seen_dept or t.where == "table"
    for fv in ctx.score.formulas:
        if fv.key == "execution_rate" and fv.value is not None and not seen_dept:
            yield from _rate_findings(fv.value, "figures/executed", "部门整体", low)


def _rate_findings(rate: Decimal, where: str, who: str, low: Decimal) -> Iterator[Finding]:
    if rate > 100:
        yield Finding("EXECUTION_OVER_100", WARNING, where,
                      f"{who}预算执行率为 {q2(rate)}%，超过 100%（执行数大于预算数）",
                      "说明超支原因（如追加预算未调整预算数），得分按 100% 封顶")
    elif rate < low:
        yield Finding("EXECUTION_LOW", WARNING, where, f"{who}预算执行率为 {q2(rate)}%，低于 {_n(low)}%",
                      "说明执行率偏低的原因")


def _printed_precision(value: Decimal) -> Decimal:
    """Half a unit of the last printed digit: 133 → 0.5, 35.7 → 0.05, 71.71 → 0.005."""
    exponent = value.as_tuple().exponent
    return Decimal(5).scaleb(int(exponent) - 1) if isinstance(exponent, int) else Decimal("0.5")
