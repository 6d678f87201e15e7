"""审核 rules about the table as a whole: a template that plainly does not fit it
(TEMPLATE_MISFIT, one finding instead of a cascade of block errors) and rows the rule left
unscored (ROW_UNSCORED, TABLE_NOT_SCORED): every row whose rule score is empty is explained.

``check_template_fit`` is registered in ``core.checks.RULES``; ``explain_unscored`` runs after
all rules (it needs their findings) from ``core.checks.run_checks``.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Iterable, Iterator

from core.findings import ERROR, HINT, Finding
from core.template_fit import MISFIT_BELOW, fit_of, suggest_templates

if TYPE_CHECKING:
    from core.checks import Context

#: findings a TEMPLATE_MISFIT stands for on its table (they only repeat that the blocks differ)
MISFIT_HIDES = frozenset({"WEIGHT_BLOCK_MISMATCH", "BLOCK_UNKNOWN", "WEIGHT_TOTAL"})
#: the best installed template must fit at least this much better before the table is called a misfit
MISFIT_MARGIN = Decimal("0.3")


def _label(r) -> str:
    return "“" + " / ".join(n for n in r.names if n) + "”"


def check_template_fit(ctx: "Context") -> Iterator[Finding]:
    """A table held against a template whose blocks and weights it plainly does not have."""
    for t in ctx.score.tables:
        tpl = ctx.template_of(t.where)
        table = ctx.table(t.where)
        if tpl is None or table is None or not table.groups:
            continue
        if t.where == "framework" and tpl.framework is not None:
            continue  # the framework table is the template's own (it comes from the template)
        own = fit_of(table, tpl)
        if own.score >= MISFIT_BELOW:
            continue
        kind = "project" if t.where.startswith("projects/") else ctx.report.kind
        best = next((f for f in suggest_templates(table, kind=kind) if f.template_id != tpl.id), None)
        if best is None or best.score - own.score < MISFIT_MARGIN:
            continue
        yield Finding("TEMPLATE_MISFIT", ERROR, t.where,
                      f"“{t.name or ctx.report.table_kind(t.where)}”与模板“{tpl.name}”明显不符"
                      f"（{'；'.join(own.reasons[:3])}），最吻合的是“{best.name}”（{best.template_id}）",
                      f"改用模板 {best.template_id}（{'；'.join(best.reasons[:2])}），或核对表中的一级指标与分值")


def explain_unscored(ctx: "Context", findings: Iterable[Finding]) -> Iterator[Finding]:
    """A finding for every row whose rule score is empty and that no other finding explains:
    one TABLE_NOT_SCORED hint for a table without 分值, ROW_UNSCORED (with the rule's reason) for
    any other row."""
    found = list(findings)
    at = {f.where for f in found}
    for t in ctx.score.tables:
        if t.where in {f.where for f in found if f.code == "TEMPLATE_MISFIT"}:
            continue  # the table is held against the wrong template: that finding says why
        rows = [r for r in t.all_rows() if r.rule_score is None]
        if not rows:
            continue
        if not t.scored:
            if t.where not in at:
                yield Finding("TABLE_NOT_SCORED", HINT, t.where,
                              f"“{t.name or ctx.report.table_kind(t.where)}”没有分值列：只核对各项指标是否完成，不计算得分",
                              "如需评分，请在表中补上分值和得分两列")
            continue
        for r in rows:
            if r.where in at:
                continue
            why = r.note or "评分规则无法读取该行"
            yield Finding("ROW_UNSCORED", HINT, r.where,
                          f"{_label(r)} 未按规则计分：{why}",
                          "补全或改写年度指标值、实际完成值（数值带单位、日期或定性档次），或核对填报得分")
