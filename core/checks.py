"""审核 checks (domain.md §8): a registry of small rule functions returning findings.

Each rule takes a ``Context`` (the report, its score, its templates) and yields ``Finding``s.
A rule that crashes becomes a ``CHECK_CRASHED`` finding, never a traceback. Warnings the clerk
answered (an ``Explanation`` with the same code and location) are marked ``answered``.
The codes are listed in docs/checks.md. The rules on row values and the execution rate are in
core/checks_values.py, those on the document in core/checks_document.py, template fit and unscored
rows in core/checks_fit.py.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Callable, Iterable, Iterator

from core import figures as fig
from core import model
from core.findings import ERROR, HINT, WARNING, Finding
from core.rounding import fmt_score, q2
from core.scoring import score_report, table_template
from core.scoring_records import CRITERIA, EXECUTION, ReportScore
from core.template_records import split_label
from core.templates import Template, TemplateSet, default_set
from core.checks_document import check_placeholders, check_sections, check_space_tables
from core.checks_fit import MISFIT_HIDES, check_template_fit, explain_unscored
from core.checks_values import (_printed_precision, check_actual_values, check_direction, check_execution,
                                check_over_achievement)

ZERO = Decimal(0)


@dataclass(frozen=True)
class Context:
    report: model.Report
    score: ReportScore
    templates: TemplateSet

    def template_of(self, where: str) -> Template | None:
        for w, table in self.report.tables():
            if w == where:
                return table_template(self.report, w, table, self.templates)[0]
        return None

    def table(self, where: str) -> model.SelfEvalTable | None:
        return dict(self.report.tables()).get(where)

    @property
    def main_template(self) -> Template | None:
        return self.templates.for_report(self.report)[0]


Rule = Callable[[Context], Iterable[Finding]]


def _n(v: Decimal | None) -> str:
    return fmt_score(v)


def _label(r) -> str:
    return "“" + " / ".join(n for n in r.names if n) + "”"


def _get(node: model.SelfEvalTable, where_in_table: str):
    """Follow 'groups/0/children/1' inside a table to the record."""
    obj = node
    parts = where_in_table.strip("/").split("/")
    for key, idx in zip(parts[::2], parts[1::2]):
        obj = getattr(obj, key)[int(idx)]
    return obj


def _leaf(ctx: Context, where: str) -> model.Indicator | None:
    table_where, _, rest = where.partition("/groups/")
    table = ctx.table(table_where)
    if table is None or not rest:
        return None
    try:
        obj = _get(table, "groups/" + rest)
    except (IndexError, AttributeError, ValueError):
        return None
    return obj if isinstance(obj, model.Indicator) else None


# -- 1. weights ------------------------------------------------------------------------------
def check_block_weights(ctx: Context) -> Iterator[Finding]:
    for t in ctx.score.tables:
        tpl = ctx.template_of(t.where)
        if not t.scored or tpl is None:
            continue
        weights = {b.name: b.weight for b in t.blocks}
        split_ok = _matches_split(tpl, weights)
        pooled = _pooled(tpl, t.blocks)
        for b in t.blocks:
            pool = pooled.get(b.name)
            if pool is not None:  # several 一级 share one template weight (产出/效益/满意度 = 绩效指标 90)
                names, total, first = pool
                if first == b.where and b.template_weight is not None and total != b.template_weight \
                        and not split_ok:
                    yield Finding("WEIGHT_BLOCK_MISMATCH", ERROR, b.where,
                                  f"一级指标“{names}”按模板合计应为 {_n(b.template_weight)} 分，但各行分值合计为 {_n(total)} 分",
                                  f"调整各行分值使合计为 {_n(b.template_weight)} 分")
                if b.stated_weight is None:
                    continue
            if b.stated_weight is not None and b.weight != b.stated_weight:
                yield Finding("WEIGHT_BLOCK_MISMATCH", ERROR, b.where,
                              f"一级指标“{b.name}”标注 {_n(b.stated_weight)} 分，但其下各行分值合计为 {_n(b.weight)} 分",
                              f"调整各行分值使合计为 {_n(b.stated_weight)} 分，或改正标注的分值")
            elif b.stated_weight is None and b.template_weight is not None and b.weight != b.template_weight \
                    and not split_ok and b.weight:
                yield Finding("WEIGHT_BLOCK_MISMATCH", ERROR, b.where,
                              f"一级指标“{b.name}”按模板应为 {_n(b.template_weight)} 分，但各行分值合计为 {_n(b.weight)} 分",
                              f"调整各行分值使合计为 {_n(b.template_weight)} 分")
            if b.template_weight is None and tpl.blocks and not tpl.framework and split_label(b.name)[0]:
                yield Finding("BLOCK_UNKNOWN", HINT, b.where,
                              f"一级指标“{b.name}”不在模板“{tpl.name}”的指标体系中",
                              "确认是否选对了模板，或改用模板中的一级指标名称")


def check_level2_weights(ctx: Context) -> Iterator[Finding]:
    """A 二级 label that prints its weight (“成本指标（10分）”, or a ``stated_weight``) whose rows hold another."""
    for t in ctx.score.tables:
        table = ctx.table(t.where)
        if table is None or not t.scored:
            continue
        for gi, group in enumerate(table.groups):
            for ci, child in enumerate(group.children):
                if isinstance(child, model.Indicator):
                    continue
                stated = child.stated_weight if child.stated_weight is not None else split_label(child.name)[1]
                weights = [leaf.weight for _, leaf in child.leaves() if leaf.weight is not None]
                if stated is None or not weights or sum(weights, ZERO) == stated:
                    continue
                yield Finding("WEIGHT_BLOCK_MISMATCH", ERROR, f"{t.where}/groups/{gi}/children/{ci}",
                              f"二级指标“{group.name} / {child.name}”标注 {_n(stated)} 分，但其下各行分值合计为 "
                              f"{_n(sum(weights, ZERO))} 分", f"调整各行分值使合计为 {_n(stated)} 分，或改正标注的分值")


def _pooled(tpl: Template, blocks) -> dict[str, tuple[str, Decimal, str]]:
    """一级 blocks of the table that map to the same template block: {name: (names, sum, first where)}."""
    by_block: dict[str, list] = {}
    for b in blocks:
        tb = tpl.block_for(b.name)
        if tb is not None:
            by_block.setdefault(tb.name, []).append(b)
    out = {}
    for group in by_block.values():
        if len(group) > 1:
            names = "、".join(b.name for b in group)
            total = sum((b.weight for b in group), ZERO)
            for b in group:
                out[b.name] = (names, total, group[0].where)
    return out


def _matches_split(tpl: Template, weights: dict[str, Decimal]) -> bool:
    for split in tpl.splits:
        want = {}
        for name, w in split:
            want[name] = w
        got = {}
        for name, w in weights.items():
            block = tpl.block_for(name)
            got[block.name if block else name] = got.get(block.name if block else name, ZERO) + w
        if {k: v for k, v in got.items() if v} == {k: v for k, v in want.items() if v}:
            return True
    return False


def check_total_weight(ctx: Context) -> Iterator[Finding]:
    for t in ctx.score.tables:
        tpl = ctx.template_of(t.where)
        if not t.scored or tpl is None or t.weight_total == tpl.total:
            continue
        table = ctx.table(t.where)
        missing_exec = table is not None and table.funds is None and tpl.execution_weight is not None \
            and t.weight_total + tpl.execution_weight == tpl.total \
            and not any(r.rule == EXECUTION for r in t.indicators)
        fix = (f"表中缺少“{tpl.execution.label if tpl.execution else '预算执行率'}”一行"
               f"（{_n(tpl.execution_weight)} 分）：补填资金情况（全年预算数、全年执行数）"
               if missing_exec else f"调整各行分值，使总分值为 {_n(tpl.total)} 分")
        yield Finding("WEIGHT_TOTAL", ERROR, t.where,
                      f"自评表“{t.name}”各行分值合计为 {_n(t.weight_total)} 分，应为 {_n(tpl.total)} 分", fix)


# -- 2–3. totals and scores ------------------------------------------------------------------
def check_stated_total(ctx: Context) -> Iterator[Finding]:
    for t in ctx.score.tables:
        if t.stated_total is None or not t.scored:
            continue
        if t.stated_total != t.reported_total:
            yield Finding("TOTAL_STATED_MISMATCH", ERROR, f"{t.where}/stated_total",
                          f"“{t.name}”总分写为 {_n(t.stated_total)} 分，但各行得分合计为 {_n(t.reported_total)} 分"
                          f"（按评分规则为 {_n(t.rule_total)} 分）",
                          "改正总分，或核对各行得分")


def check_scores_in_range(ctx: Context) -> Iterator[Finding]:
    for t in ctx.score.tables:
        tpl = ctx.template_of(t.where)
        for r in t.all_rows():
            if r.reported_score is None:
                if r.weight is not None and r.weight > 0 and t.scored:
                    yield Finding("SCORE_MISSING", ERROR, r.where, f"{_label(r)} 有分值 {_n(r.weight)} 但没有填写得分",
                                  f"填写得分（按评分规则为 {_n(r.rule_score)} 分）" if r.rule_score is not None else "填写得分")
                continue
            if r.reported_score < 0:
                yield Finding("SCORE_NEGATIVE", ERROR, r.where, f"{_label(r)} 的得分为负数", "得分应在 0 与分值之间")
            elif r.weight is None:
                yield Finding("WEIGHT_MISSING", ERROR, r.where, f"{_label(r)} 有得分但没有分值", "填写该行的分值")
            elif r.reported_score > r.weight:
                yield Finding("SCORE_ABOVE_WEIGHT", ERROR, r.where,
                              f"{_label(r)} 得分 {_n(r.reported_score)} 超过分值 {_n(r.weight)}",
                              "得分一档最高不能超过该指标分值上限")
        if tpl is not None and t.scored:
            for total, what in ((t.reported_total, "填报得分"), (t.rule_total, "规则得分")):
                if total > tpl.total:
                    yield Finding("TOTAL_ABOVE_MAX", ERROR, t.where,
                                  f"“{t.name}”{what}合计 {_n(total)} 分，超过满分 {_n(tpl.total)} 分",
                                  "核对各一级指标的分值与得分")
                    break


# -- 4–5. rule vs clerk, deviation notes ------------------------------------------------------
def check_rule_vs_reported(ctx: Context) -> Iterator[Finding]:
    for t in ctx.score.tables:
        for r in t.all_rows():
            if r.rule_score is None or r.reported_score is None or r.weight is None:
                continue
            if q2(r.reported_score) == r.rule_score or r.reported_score > r.weight:
                continue
            if r.reported_score > r.rule_score:
                code = "SCORE_ABOVE_RULE"
                what = "未完全达到目标" if r.reached is False else "按规则"
                msg = f"{_label(r)} {what}，规则得分为 {_n(r.rule_score)}，填报得分 {_n(r.reported_score)} 偏高（{r.note}）"
                fix = f"改为 {_n(r.rule_score)} 分，或在偏差原因中写明理由"
            else:
                code = "SCORE_BELOW_RULE"
                msg = f"{_label(r)} 规则得分为 {_n(r.rule_score)}，填报得分 {_n(r.reported_score)} 偏低（{r.note}）"
                fix = "写明扣分理由，或改为规则得分"
            leaf = _leaf(ctx, r.where)
            note = leaf.deviation_note.strip() if leaf else ""
            yield Finding(code, WARNING, r.where, msg, fix, answered=bool(note), explanation=note)


def check_deviation_note(ctx: Context) -> Iterator[Finding]:
    for t in ctx.score.tables:
        for r in t.indicators:
            if r.weight is None or r.reported_score is None or r.reported_score >= r.weight:
                continue
            leaf = _leaf(ctx, r.where)
            if leaf is None or leaf.deviation_note.strip():
                continue
            if t.where == "framework" and (leaf.actual.strip() or r.rule_score == r.reported_score):
                continue  # a framework row explains itself in 评分依据, or follows its formula
            if r.rule == CRITERIA:
                yield Finding("CRITERIA_REASON_MISSING", WARNING, r.where,
                              f"{_label(r)} 按评分标准扣了 {_n(r.weight - r.reported_score)} 分，但没有写明扣分理由",
                              "在偏差原因一栏写明对照评分标准扣分的理由")
                continue
            yield Finding("DEVIATION_NOTE_MISSING", WARNING, r.where,
                          f"{_label(r)} 扣了 {_n(r.weight - r.reported_score)} 分，但没有填写偏差原因分析及改进措施",
                          "填写偏差原因分析及改进措施")


# -- 9–10. figures and stated values --------------------------------------------------------
def check_figure_identities(ctx: Context) -> Iterator[Finding]:
    values_ = ctx.report.figures.as_dict()
    for suffix in fig.SUFFIXES:
        for parent in fig.FIGURES:
            kids = _kids_of().get(parent.key)
            if not kids:
                continue
            total = values_.get(parent.key + suffix)
            parts = [values_.get(k + suffix) for k in kids]
            if total is None or all(p is None for p in parts):
                continue
            s = sum((p or ZERO for p in parts), ZERO)
            complete = all(p is not None for p in parts)
            over = s > total + Decimal("0.01")  # even an incomplete breakdown cannot exceed its total
            if over or (complete and abs(s - total) > Decimal("0.01")):
                names = "、".join(fig.label(k + suffix) for k, p in zip(kids, parts) if p is not None)
                yield Finding("FIGURE_PARTS_SUM", ERROR, f"figures/{parent.key}{suffix}",
                              f"{names} 合计 {s} 万元，与{fig.label(parent.key + suffix)} {total} 万元不符",
                              "核对各分项金额与合计数")
    lines = ctx.report.fund_lines
    for parent in sorted({l.parent for l in lines if l.parent}):
        for col, suffix, label in (("final", "", "决算数"), ("budget", "_budget", "预算数"),
                                   ("last_final", "_last", "上年决算数")):
            amounts = [getattr(l, col) for l in lines if l.parent == parent and getattr(l, col) is not None]
            total = values_.get(parent + suffix)
            if not amounts or total is None:
                continue
            s = sum(amounts, ZERO)
            if abs(s - total) > Decimal("0.01"):
                yield Finding("FUND_LINES_SUM", ERROR, f"fund_lines/{col}",
                              f"各明细项目的{label}合计 {s} 万元，与{fig.label(parent + suffix)} {total} 万元不符",
                              f"核对明细表的{label}一列（是否误抄了另一列）")


@functools.lru_cache(maxsize=1)
def _kids_of() -> dict[str, list[str]]:
    """The parts of each figure that has parts (core/figures.py), worked out once."""
    out: dict[str, list[str]] = {}
    for k in fig.FIGURES:
        if k.parent:
            out.setdefault(k.parent, []).append(k.key)
    return out


_SHARE_BASE = {"收入": "income_total", "支出": "total_expenditure"}


def check_stated_values(ctx: Context) -> Iterator[Finding]:
    computed = {fv.key: fv for fv in ctx.score.formulas}
    tpl = ctx.main_template
    env = ctx.report.figures.as_dict()
    by_key: dict[str, list[model.StatedValue]] = {}
    for i, s in enumerate(ctx.report.stated):
        where = s.where or f"stated/{i}"
        fv = computed.get(s.key)
        if fv is not None and fv.value is not None:
            fd = tpl.formula(s.key) if tpl else None
            tol = fd.tolerance if fd and fd.tolerance is not None else _printed_precision(s.value)
            if abs(s.value - fv.value) > tol:
                yield Finding("STATED_RATIO_MISMATCH", ERROR, where,
                              f"报告写{fv.label}为 {s.value}{s.unit}，按数据计算应为 {q2(fv.value)}%"
                              + (f"（原文：“{s.quote}”）" if s.quote else ""),
                              f"改为 {q2(fv.value)}%，或核对计算所用的数据")
            continue
        if s.key.startswith("share:"):
            key = s.key[6:]
            d = fig.BY_KEY.get(key)
            base = env.get(_SHARE_BASE.get(d.group, "") if d else "") or (env.get("executed") if d and d.group == "支出" else None)
            part = env.get(key)
            if part is not None and base:
                share = part / base * 100
                if abs(share - s.value) > _printed_precision(s.value):
                    yield Finding("STATED_SHARE_MISMATCH", ERROR, where,
                                  f"报告写{fig.label(key)}占比 {s.value}%，按 {part}/{base} 计算应为 {q2(share)}%",
                                  f"改为 {q2(share)}%")
            continue
        by_key.setdefault(s.key, []).append(s)
    for key, items in by_key.items():
        if len(items) < 2:
            continue
        base = items[0]
        for other in items[1:]:
            big = max(abs(base.value), abs(other.value)) or Decimal(1)
            if abs(base.value - other.value) / big > Decimal("0.005"):
                yield Finding("SAME_FIGURE_TWO_VALUES", WARNING, other.where or key,
                              f"同一数据在报告中出现两个不同的值：{base.value}{base.unit}（{base.quote or base.where}）"
                              f"与 {other.value}{other.unit}（{other.quote or other.where}）",
                              "核对后统一为正确的数值")


def check_grade(ctx: Context) -> Iterator[Finding]:
    for t in ctx.score.tables:
        tpl = ctx.template_of(t.where)
        if tpl is None or not t.stated_grade or not t.scored:
            continue
        basis = t.stated_total if t.stated_total is not None else t.reported_total
        want = tpl.grade_for(basis)
        if want and t.stated_grade != want:
            yield Finding("GRADE_MISMATCH", ERROR, f"{t.where}/stated_grade",
                          f"“{t.name}”等级写为“{t.stated_grade}”，但 {_n(basis)} 分对应“{want}”",
                          f"改为“{want}”")
        if t.grade and t.grade != t.stated_grade and want == t.stated_grade:
            yield Finding("GRADE_RULE_DIFFERS", WARNING, f"{t.where}/stated_grade",
                          f"按评分规则总分 {_n(t.rule_total)} 分，等级应为“{t.grade}”，报告写“{t.stated_grade}”",
                          "核对各行得分后更正等级")


# -- carried forward --------------------------------------------------------------------------
def _carried_area(where: str, tables: list[str]) -> str:
    """The table a carried path lies in, or its first segment ("figures", "overview" …)."""
    for t in tables:
        if where == t or where.startswith(t + "/"):
            return t
    return where.split("/", 1)[0]


def check_carried(ctx: Context) -> Iterator[Finding]:
    """One hint per table (or "figures") still holding numbers carried from last year."""
    tables = sorted((w for w, _ in ctx.report.tables()), key=len, reverse=True)
    counts: dict[str, int] = {}
    for where in ctx.report.carried:
        area = _carried_area(where, tables)
        counts[area] = counts.get(area, 0) + 1
    for area, n in counts.items():
        yield Finding("CARRIED_UNCONFIRMED", HINT, area, f"有 {n} 个沿用上年的数字尚未核对",
                      "逐一核对后修改或确认")


# -- rules that could not be applied ------------------------------------------------------------
def check_rule_failures(ctx: Context) -> Iterator[Finding]:
    """A row whose scoring rule could not be applied (a template formula that divides by zero
    for this row's numbers, a rule that crashed): the clerk's score stands, and this says why."""
    for t in ctx.score.tables:
        for r in t.all_rows():
            if r.problem:
                yield Finding("RULE_FAILED", WARNING, r.where, f"{_label(r)}：{r.problem}，本行采用填报得分",
                              "核对本行得分；模板的问题请向发布模板的财政局反映")


def _table_of(where: str) -> str:
    """The table a finding's location lies in: table, projects/N, framework (or "")."""
    head, _, rest = where.partition("/")
    if head == "projects":
        return "projects/" + rest.split("/", 1)[0]
    return head if head in ("table", "framework") else ""


RULES: tuple[Rule, ...] = (
    check_block_weights, check_level2_weights, check_total_weight, check_stated_total, check_scores_in_range,
    check_rule_vs_reported, check_deviation_note, check_actual_values, check_direction,
    check_over_achievement, check_execution, check_figure_identities, check_stated_values,
    check_placeholders, check_grade, check_carried, check_rule_failures, check_sections,
    check_space_tables, check_template_fit,
)


def run_checks(report: model.Report, score: ReportScore | None = None,
               templates: TemplateSet | None = None,
               rules: tuple[Rule, ...] = RULES) -> list[Finding]:
    templates = templates or default_set()
    score = score or score_report(report, templates)
    ctx = Context(report, score, templates)
    findings = list(score.template_findings)
    for rule in rules:
        try:
            findings.extend(rule(ctx))
        except Exception as e:  # a crashing rule is a finding, not a crash
            findings.append(Finding("CHECK_CRASHED", ERROR, rule.__name__,
                                    f"审核规则 {rule.__name__} 出错：{type(e).__name__}: {e}",
                                    "请把报告文件发给软件维护人员"))
    misfit = {f.where for f in findings if f.code == "TEMPLATE_MISFIT"}
    if misfit:  # one clear finding instead of a cascade of block errors against the wrong template
        findings = [f for f in findings if not (f.code in MISFIT_HIDES and _table_of(f.where) in misfit)]
    try:
        findings.extend(explain_unscored(ctx, findings))
    except Exception as e:  # noqa: BLE001 - as for the rules above
        findings.append(Finding("CHECK_CRASHED", ERROR, "explain_unscored",
                                f"审核规则 explain_unscored 出错：{type(e).__name__}: {e}", "请把报告文件发给软件维护人员"))
    answers = {(e.code, e.where): e.text for e in report.explanations}
    out = []
    for f in findings:
        text = answers.get((f.code, f.where))
        if text and f.severity != ERROR:
            f = replace(f, answered=True, explanation=text)
        out.append(f)
    order = {ERROR: 0, WARNING: 1, HINT: 2}
    return sorted(out, key=lambda f: order.get(f.severity, 3))
