"""What the 预算收支 page shows: figure groups, computed values and broken identities.

No Qt here: the page lays out what these functions return.

- ``figure_groups()`` orders the catalogue of ``core.figures`` into the groups of domain.md §6
  (预算 / 收入 / 支出 / 三公经费 / 政府采购 / 资产 / 结转结余 / 其他 / 工作), each row with its
  indentation depth (a part sits one level under its parent) and the columns the page offers:
  本年决算/执行数 always, 本年预算数 (``_budget``) and 上年决算数 (``_last``) for 支出, 三公经费
  and 结转结余 — and for any other group whose figures a template formula or the report uses
  with that suffix (the 一般性支出变动率 needs 一般性支出 of last year).
- ``derived(report, template)`` lists the values computed from the figures: every formula of
  the template (预算执行率 first) as a percent with two decimals, the sum of each parent's
  parts, and the sum of the 专项 detail lines. A value that cannot be computed says why in
  words (“缺少：全年预算数”, “分母为0，无法计算”), never ``None``/nan.
- ``identity_problems(report)`` maps a figure key (or ``fund_lines/<column>``) to the Chinese
  message of the 审核 rule ``check_figure_identities`` — the arithmetic lives there only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from core import checks, model
from core import figures as fig
from core import formula as fx
from core.rounding import fmt
from core.scoring_formulas import StepFailed, compute, formula_env, step_score
from core.scoring_records import ReportScore
from core.templates import FormulaDef, Template

GROUP_ORDER = ("预算", "收入", "支出", "三公经费", "政府采购", "资产", "结转结余", "其他", "工作")
WIDE_GROUPS = frozenset({"支出", "三公经费", "结转结余"})  # always offer all three columns
COLUMN_ORDER = ("", "_budget", "_last")
EXECUTION = FormulaDef("execution_rate", "预算执行率", "executed / annual_budget * 100")
OTHER_NAMES = {"authorized_staff": "编制数", "actual_staff": "实有在职人数", "abs": "绝对值"}
FUND_COLUMNS = (("last_final", "_last"), ("budget", "_budget"), ("final", ""))
IDENTITY_CODES = ("FIGURE_PARTS_SUM", "FUND_LINES_SUM")


@dataclass(frozen=True, slots=True)
class FigureRow:
    key: str  # the unsuffixed figure key
    label: str
    depth: int  # 0 for a top figure, 1 for its parts, 2 for parts of parts
    unit: str
    has_parts: bool


@dataclass(frozen=True, slots=True)
class FigureGroup:
    name: str
    rows: tuple[FigureRow, ...]
    columns: tuple[str, ...]  # key suffixes, "" (本年决算/执行数) first

    @property
    def unit(self) -> str:
        return self.rows[0].unit if self.rows else "万元"

    @property
    def column_titles(self) -> tuple[str, ...]:
        if len(self.columns) == 1:
            return ("数量" if self.unit == "项" else "金额",)
        return tuple(fig.SUFFIXES[c] for c in self.columns)


@dataclass(frozen=True, slots=True)
class Derived:
    key: str  # formula key, "sum:<figure key>" or "fund_lines:<column>"
    label: str
    value: str  # "100.00%", "99.20", or why it cannot be computed
    formula: str  # how it is computed, in words
    ok: bool = True  # False when ``value`` says why there is no number
    figure: str = ""  # the figure (with suffix) this value belongs beside, for sums
    unusual: str = ""  # why the value is outside its normal range (the template's steps would deduct)

    @property
    def text(self) -> str:
        return f"{self.formula} = {self.value}"


def _depth(key: str) -> int:
    depth, parent = 0, fig.BY_KEY[key].parent
    while parent:
        depth, parent = depth + 1, fig.BY_KEY[parent].parent
    return depth


def _used_suffixes(template: Template | None, report: model.Report | None) -> set[str]:
    """Suffixed keys (``general_expenditure_last``) a formula needs or the report holds."""
    keys: set[str] = set()
    if template is not None:
        defs = ((template.execution,) if template.execution else ()) + template.formulas
        for fd in defs:
            try:
                keys |= fx.names(fd.expr)
            except fx.FormulaError:
                continue
    if report is not None:
        keys |= set(report.figures.as_dict())
    return keys


def figure_groups(template: Template | None = None,
                  report: model.Report | None = None) -> tuple[FigureGroup, ...]:
    """The figure groups in page order; ``template``/``report`` may widen a group's columns."""
    used = _used_suffixes(template, report)
    names = list(GROUP_ORDER) + [f.group for f in fig.FIGURES if f.group not in GROUP_ORDER]
    out = []
    for name in dict.fromkeys(names):
        defs = [f for f in fig.FIGURES if f.group == name]
        if not defs:
            continue
        rows = tuple(FigureRow(f.key, f.label, _depth(f.key), f.unit, bool(fig.children_of(f.key)))
                     for f in defs)
        columns = tuple(c for c in COLUMN_ORDER
                        if not c or name in WIDE_GROUPS or any(f.key + c in used for f in defs))
        out.append(FigureGroup(name, rows, columns))
    return tuple(out)


def _name(key: str) -> str:
    return OTHER_NAMES.get(key) or (fig.label(key) if fig.is_known(key) else key)


def formula_text(expr: str) -> str:
    """``executed / annual_budget * 100`` → ``全年执行数 ÷ 全年预算数 × 100``."""
    text = re.sub(r"[A-Za-z_][A-Za-z_0-9]*", lambda m: _name(m.group(0)), expr)
    return text.replace("*", "×").replace("/", "÷")


def _formula(fd: FormulaDef, env: dict[str, Decimal]) -> Derived:
    try:
        fv = compute(fd, env)
    except fx.FormulaError as e:  # a template bug: say so instead of failing the page
        return Derived(fd.key, fd.label, str(e), fd.expr, ok=False)
    text = formula_text(fd.expr)
    if fv.value is None:
        why = "分母为0，无法计算" if fv.missing == "zero" else f"缺少：{_name(fv.missing)}"
        return Derived(fd.key, fd.label, why, text, ok=False)
    return Derived(fd.key, fd.label, fmt(fv.value, fd.unit), text, unusual=_unusual(fd, fv.value))


FULL = Decimal(100)


def _unusual(fd: FormulaDef, value: Decimal) -> str:
    """Outside the normal range: where the template's own scoring steps would not give full marks
    (在职人员控制率 above 100%, a 变动率 that rose, 预算执行率 far from 100% …)."""
    if not fd.steps:
        return ""
    try:
        if step_score(fd, value, FULL) >= FULL:
            return ""
    except StepFailed:
        return ""
    return "超出正常范围：按评分规则此项会扣分"


def _part_sums(groups: tuple[FigureGroup, ...], env: dict[str, Decimal]) -> list[Derived]:
    out = []
    for group in groups:
        for row in group.rows:
            if not row.has_parts:
                continue
            parts = fig.children_of(row.key)
            for suffix in group.columns:
                amounts = [env.get(k + suffix) for k in parts]
                if all(a is None for a in amounts):
                    continue
                formula = "+".join(fig.BY_KEY[k].label for k in parts)
                blank = [fig.BY_KEY[k].label for k, a in zip(parts, amounts) if a is None]
                if blank:
                    formula += f"（未填：{'、'.join(blank)}）"
                total = sum((a for a in amounts if a is not None), Decimal(0))
                out.append(Derived(f"sum:{row.key}{suffix}", f"{fig.label(row.key + suffix)} 分项合计",
                                   fmt(total), formula, figure=row.key + suffix))
    return out


def _fund_line_sums(lines: tuple[model.FundLine, ...]) -> list[Derived]:
    """Per parent figure (项目支出) and column: the sum of the detail lines that are its parts."""
    out = []
    for parent in dict.fromkeys(line.parent for line in lines if line.parent):
        for column, suffix in FUND_COLUMNS:
            amounts = [getattr(x, column) for x in lines if x.parent == parent and getattr(x, column) is not None]
            if amounts:
                key = parent + suffix
                out.append(Derived(f"fund_lines:{key}", f"{fig.label(key)} 明细合计",
                                   fmt(sum(amounts, Decimal(0))),
                                   f"专项/明细表 {len(amounts)} 行的{fig.SUFFIXES[suffix]}之和", figure=key))
    return out


def derived(report: model.Report, template: Template | None) -> list[Derived]:
    """Everything the page computes from the figures, formulas first (预算执行率 first)."""
    env = formula_env(report)
    defs = ((template.execution or EXECUTION,) + template.formulas) if template else (EXECUTION,)
    out = [_formula(fd, env) for fd in defs]
    out += _part_sums(figure_groups(template, report), env)
    out += _fund_line_sums(report.fund_lines)
    return out


def identity_problems(report: model.Report) -> dict[str, str]:
    """Figure key (``basic_expenditure_budget``) or ``fund_lines/final`` → what does not add up."""
    findings = checks.run_checks(report, score=ReportScore((), (), ()),
                                 rules=(checks.check_figure_identities,))
    out: dict[str, str] = {}
    for f in findings:
        if f.code not in IDENTITY_CODES:
            continue
        key = f.where.removeprefix("figures/")
        out[key] = f"{out[key]}\n{f.message}" if key in out else f.message
    return out
