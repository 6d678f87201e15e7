"""Which template fits a table: ``suggest_templates(table)`` ranks the installed templates.

A table that comes in without a template (a CSV/XLSX from another province, a pasted table) is
compared with every installed template's layouts — its first-level blocks and their weights
(``blocks``, each of its ``splits``, its ``framework`` score table), whether it has a 分值 column
(``weighted``) and its execution-rate row — and the fits are returned best first, each with the
reasons in Chinese. Nothing regional is written here: names and weights come from the templates.
``fit_of(table, template)`` is the fit of one template (TEMPLATE_MISFIT in core.checks uses it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core import model
from core.rounding import fmt_score
from core.template_records import Template, same_label, split_label

ZERO = Decimal(0)
ONE = Decimal(1)
#: below this a template plainly does not fit a table (TEMPLATE_MISFIT)
MISFIT_BELOW = Decimal("0.5")
_W_NAMES, _W_WEIGHTS, _W_EXEC = Decimal("0.5"), Decimal("0.35"), Decimal("0.15")


@dataclass(frozen=True)
class TemplateFit:
    template_id: str
    name: str
    score: Decimal  # 0 … 1, two decimals; 1 = blocks, weights and execution row all as the template
    reasons: list[str] = field(default_factory=list)  # Chinese, what matched and what did not
    kind: str = ""
    layouts: int = 1  # how many layouts the template allows: among equal fits the most specific comes first
    blocks: int = 0  # blocks of the best layout: among equal fits, one block per 一级 beats a pooled block


@dataclass(frozen=True)
class _Layout:
    label: str  # how the reasons name it: "一级指标", "权重方案 2", "评分表"
    blocks: tuple[tuple[str, tuple[str, ...], Decimal | None], ...]  # (name, other names, weight)
    framework: bool = False


def _group_weight(group: model.IndicatorGroup) -> Decimal | None:
    if group.stated_weight is not None:
        return group.stated_weight
    printed = split_label(group.name)[1]
    if printed is not None:
        return printed
    weights = [leaf.weight for _, leaf in group.leaves() if leaf.weight is not None]
    return sum(weights, ZERO) if weights else None


def _execution_weight(table: model.SelfEvalTable, tpl: Template) -> tuple[Decimal | None, bool]:
    """(the table's execution-row weight, whether it has such a row at all)."""
    if table.funds is not None and (table.funds.weight is not None or table.funds.total is not None):
        return table.funds.weight, True
    for g in table.groups:
        for _, leaf in g.leaves():
            if tpl.is_execution_row(leaf.name):
                return leaf.weight, True
    return None, False


def _layouts(tpl: Template) -> list[_Layout]:
    out = []
    if tpl.blocks:
        out.append(_Layout("一级指标", tuple((b.name, b.aliases, b.weight) for b in tpl.blocks)))
    for i, split in enumerate(tpl.splits):
        blocks = []
        for name, weight in split:
            b = tpl.block_for(name)
            blocks.append((name, b.aliases if b else (), weight))
        out.append(_Layout(f"权重方案 {i + 1}", tuple(blocks)))
    if tpl.framework is not None and tpl.framework.groups:
        out.append(_Layout("评分表", tuple((g.name, (), g.stated_weight) for g in tpl.framework.groups),
                           framework=True))
    return out


def _matches(name: str, block: tuple[str, tuple[str, ...], Decimal | None]) -> bool:
    return same_label(name, block[0]) or any(same_label(name, a) for a in block[1])


def _fit_layout(table: model.SelfEvalTable, tpl: Template, layout: _Layout) -> tuple[Decimal, list[str], int]:
    groups = [(split_label(g.name)[0], _group_weight(g)) for g in table.groups if g.name.strip()]
    reasons: list[str] = []
    if not groups:
        return ZERO, ["表中没有一级指标"], 0
    # names: how many of the table's blocks the layout knows, and how many of the layout's it has
    got: dict[int, Decimal | None] = {}
    parts: dict[int, list[str]] = {}  # the table's blocks under each of the layout's (several under one: 10 + 90)
    unknown = []
    for name, weight in groups:
        i = next((i for i, b in enumerate(layout.blocks) if _matches(name, b)), None)
        if i is None and not name and weight is not None:  # a label that is only its weight: "(50分)"
            i = next((i for i, b in enumerate(layout.blocks) if i not in got and b[2] == weight), None)
        if i is None:
            unknown.append(name or "（未写名称）")
            continue
        got[i] = weight if i not in got else (None if got[i] is None or weight is None else got[i] + weight)
        parts.setdefault(i, []).append(f"{name or '（未写名称）'} {fmt_score(weight)}" if weight is not None else name)
    known = len(groups) - len(unknown)
    names = (Decimal(known) / len(groups) + Decimal(len(got)) / max(len(layout.blocks), 1)) / 2
    wanted = "、".join(b[0] for b in layout.blocks)
    merged = {i: p for i, p in parts.items() if len(p) > 1}
    if not unknown and len(got) == len(layout.blocks) and not merged:
        reasons.append(f"一级指标与模板{layout.label}一致（{wanted}）")
    elif not unknown and len(got) == len(layout.blocks):
        under = "；".join(f"{'、'.join(p)} 都属于模板的“{layout.blocks[i][0]}”" for i, p in merged.items())
        reasons.append(f"一级指标与模板{layout.label}相符：{under}")
    else:
        if unknown:
            reasons.append(f"模板{layout.label}中没有“{'、'.join(unknown)}”")
        missing = [b[0] for i, b in enumerate(layout.blocks) if i not in got]
        if missing:
            reasons.append(f"表中没有模板的“{'、'.join(missing)}”")
    # weights
    table_weighted = any(w is not None for _, w in groups)
    if not table_weighted:
        weights = ONE if not tpl.weighted else ZERO
        reasons.append("表中没有分值列，模板也不计分" if not tpl.weighted else "表中没有分值列，模板却按分值计分")
    elif not tpl.weighted:
        weights = ZERO
        reasons.append("表中有分值，模板却是不计分的完成情况表")
    else:
        same = [i for i, b in enumerate(layout.blocks) if i in got and (got[i] or ZERO) == (b[2] or ZERO)]
        weights = Decimal(len(same)) / max(len(layout.blocks), 1)
        shown = "/".join(fmt_score(b[2]) if b[2] is not None else "—" for b in layout.blocks)
        if len(same) == len(layout.blocks):
            reasons.append(f"分值与模板一致（{shown}）" if not merged else f"分值合计与模板一致（{shown}）")
        else:
            differ = [f"{b[0]} 表中 {fmt_score(got[i]) if got.get(i) is not None else '—'}、模板 {fmt_score(b[2])}"
                      for i, b in enumerate(layout.blocks) if i in got and (got[i] or ZERO) != (b[2] or ZERO)]
            if differ:
                reasons.append("分值不同：" + "；".join(differ))
    # the execution row
    if layout.framework:
        execution = ONE
    else:
        weight, present = _execution_weight(table, tpl)
        label = tpl.execution.label if tpl.execution else "预算执行率"
        if tpl.execution_weight is None:  # no row of its own: the rate, if any, is a row inside a block
            execution = Decimal("0.5") if present and table.funds is not None and table.funds.weight else ONE
        elif not present:
            execution = Decimal("0.5")
            reasons.append(f"表中没有{label}一行（模板 {fmt_score(tpl.execution_weight)} 分）")
        elif weight == tpl.execution_weight or (weight is None and not tpl.weighted):
            execution = ONE
            if weight is not None:
                reasons.append(f"{label} {fmt_score(weight)} 分与模板一致")
        else:
            execution = ZERO
            reasons.append(f"{label}表中 {fmt_score(weight) if weight is not None else '无分值'}、"
                           f"模板 {fmt_score(tpl.execution_weight)} 分")
    score = _W_NAMES * names + _W_WEIGHTS * weights + _W_EXEC * execution
    return score.quantize(Decimal("0.01")), reasons, len(layout.blocks)


def fit_of(table: model.SelfEvalTable, tpl: Template) -> TemplateFit:
    """How well ``tpl`` fits ``table``: its best layout's score and reasons."""
    best: tuple[Decimal, list[str], int] | None = None
    for layout in _layouts(tpl):
        scored = _fit_layout(table, tpl, layout)
        if best is None or scored[0] > best[0]:
            best = scored
    if best is None:
        best = (ZERO, ["模板没有一级指标"], 0)
    return TemplateFit(tpl.id, tpl.name, best[0], best[1], tpl.kind, len(_layouts(tpl)), best[2])


def _installed_templates() -> list[Template]:
    from core.templates import default_set, list_templates

    out = []
    for tid, _ in list_templates():
        tpl = default_set().get(tid)[0]
        if tpl is not None:
            out.append(tpl)
    return out


def suggest_templates(table: model.SelfEvalTable, templates=None, kind: str = "") -> list[TemplateFit]:
    """The templates ranked by how well they fit ``table``, best first.

    ``templates``: the Template records to compare (default: every installed template that
    loads). ``kind`` (``project`` / ``department_overall``), when known, puts templates of that
    kind first among equal fits, then the most specific template (one block per 一级 before a pooled
    block, then the fewest layouts), then ids."""
    pool = list(templates) if templates is not None else _installed_templates()
    fits = [fit_of(table, t) for t in pool]
    return sorted(fits, key=lambda f: (-f.score, bool(kind) and f.kind != kind, -f.blocks, f.layouts, f.template_id))


def describe(fit: TemplateFit) -> str:
    """One line for a clerk: “national-10hao-project（名称）吻合度 95%：理由；理由”."""
    pct = fmt_score((fit.score * 100).quantize(ONE))
    if fit.score == 0 and not fit.reasons:
        return f"{fit.template_id}（{fit.name}）吻合度 0%"
    return f"{fit.template_id}（{fit.name}）吻合度 {pct}%：" + "；".join(fit.reasons)
