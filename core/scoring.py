"""Scoring (domain.md §3): the rule score of every row beside the clerk's score.

``score_report(report)`` scores every table of a report with its template and returns
records; nothing here prints or formats. Each indicator result names the rule used
(``execution``, ``positive``, ``reverse``, ``equal``, ``date``, ``qualitative``, ``formula``,
``manual`` …) and carries a short Chinese note saying how the rule score was reached.

When the rule cannot score a row (an actual value with a comparator, units that do not
agree, a value that is not a measurement) its ``rule_score`` is ``None`` and the totals take
the clerk's score for that row as entered; the 审核 checks report why. Rounding: each row's
rule score is rounded once to two decimals (``core.rounding.q2``); totals are sums.

Here: a table and a report scored row by row (``score_table``, ``score_report``), a rule that
crashes kept as a finding (``_guarded_leaf``). The records are in ``core.scoring_records``, the
row rules in ``core.scoring_rows``, the template formulas in ``core.scoring_formulas``.
"""
from __future__ import annotations

from decimal import Decimal

from core import model
from core.findings import WARNING, Finding
from core.new_report import project_template_id
from core.scoring_formulas import compute, formula_env
from core.scoring_records import MANUAL, ZERO, BlockResult, IndicatorResult, ReportScore, TableResult
from core.scoring_rows import score_execution, score_leaf  # _guarded_leaf calls score_leaf by this name
from core.template_records import same_label, split_label
from core.templates import Template, TemplateSet, default_set


# -- a table ---------------------------------------------------------------------------------
def _walk(node, prefix: str, names: tuple[str, ...], tpl: Template, reverse: bool, env, out: list,
          memo=None):
    for i, child in enumerate(node.children):
        where = f"{prefix}/children/{i}"
        if isinstance(child, model.Indicator):
            if memo is None:
                out.append(_guarded_leaf(child, names + (child.name,), where, tpl, reverse, env))
            else:  # core.rescoring.LeafMemo: a row unchanged since it was last scored is not scored again
                out.append(memo.get(child, names + (child.name,), where, tpl, reverse, env, _guarded_leaf))
        else:
            rev = reverse or any(same_label(child.name, r) for b in tpl.blocks for r in b.reverse_level2)
            _walk(child, where, names + (child.name,), tpl, rev, env, out, memo)


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
                env: dict[str, Decimal], memo=None) -> TableResult:
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
        _walk(group, gwhere, (group.name,), tpl, reverse, env, rows, memo)
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
