"""What the indicator table shows beside the clerk's figures: rule scores, totals, the rows
whose deviation note is needed and each group's sums — kept current at the cost of the edit.

``score_state(report, table_path)`` scores the whole table (rows unchanged since they were last
scored come from ``core.rescoring.MEMO``) and sums every group; it touches no widget, so the
indicator model runs it off the UI thread. ``TableScores.row_edited`` is the cheap step the UI
thread takes for a cell edit: the one row scored again and its table, block and group sums
moved by the difference; the full state follows from the background and replaces it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core import edit, model
from core.rescoring import MEMO, score_row, with_row
from core.scoring import score_table, table_template
from core.scoring_formulas import formula_env
from core.scoring_records import BlockResult, IndicatorResult, TableResult
from core.templates import Template, default_set

ZERO = Decimal(0)


def needs_note(r: IndicatorResult) -> bool:
    """Points lost, or the clerk's score differs from the rule's: a deviation note is due."""
    lost = r.weight is not None and r.reported_score is not None and r.reported_score < r.weight
    differs = r.rule_score is not None and r.reported_score is not None and r.rule_score != r.reported_score
    return lost or differs


def _counted(r: IndicatorResult | None) -> Decimal:
    return r.counted_score if r is not None and r.weight is not None else ZERO


@dataclass
class TableScores:
    template: Template | None = None
    result: TableResult | None = None  # the whole table, execution row included
    results: dict[str, IndicatorResult] = field(default_factory=dict)  # by row path
    positions: dict[str, int] = field(default_factory=dict)  # row path → index in result.indicators
    needs_note: set[str] = field(default_factory=set)
    blocks: dict[str, BlockResult] = field(default_factory=dict)
    sums: dict[str, tuple[Decimal, Decimal, Decimal]] = field(default_factory=dict)
    # group path → (its rows' weights, the clerk's scores, the rule scores counted)

    def row_edited(self, before: model.Report, after: model.Report, table_path: str, path: str) -> bool:
        """The row at ``path`` changed from ``before`` to ``after``: score it again and move the
        sums by the difference. False when it cannot be done here (no result yet, no such row):
        the caller then waits for the full state."""
        tpl, result = self.template, self.result
        position = self.positions.get(path)
        if tpl is None or result is None or position is None:
            return False
        old_leaf, new_leaf = edit.get_at(before, path), edit.get_at(after, path)
        table = edit.get_at(after, table_path)
        new = score_row(table, table_path, path, tpl, formula_env(after))
        if new is None or not isinstance(old_leaf, model.Indicator) or not isinstance(new_leaf, model.Indicator):
            return False
        old = self.results.get(path)
        self.result = with_row(result, position, new, tpl)
        self.results[path] = new
        if needs_note(new):
            self.needs_note.add(path)
        else:
            self.needs_note.discard(path)
        self.blocks = {b.where: b for b in self.result.blocks}
        dw = (new_leaf.weight or ZERO) - (old_leaf.weight or ZERO)
        ds = (new_leaf.score or ZERO) - (old_leaf.score or ZERO)
        dr = _counted(new) - _counted(old)
        for group in list(self.sums):
            if path.startswith(group + "/"):
                w, s, r = self.sums[group]
                self.sums[group] = (w + dw, s + ds, r + dr)
        return True


def score_state(report: model.Report, table_path: str) -> TableScores:
    """The full state of the table at ``table_path``; safe off the UI thread (reports are
    immutable; nothing here touches Qt)."""
    try:
        table = edit.get_at(report, table_path)
    except (KeyError, IndexError, AttributeError, TypeError, ValueError):
        return TableScores()  # the table is gone (a project removed): nothing to show
    if not isinstance(table, model.SelfEvalTable):
        return TableScores()
    tpl, _ = table_template(report, table_path, table, default_set())
    if tpl is None:
        return TableScores()
    result = score_table(table, table_path, tpl, formula_env(report), MEMO)
    results = {r.where: r for r in result.indicators}
    state = TableScores(tpl, result, results, {r.where: i for i, r in enumerate(result.indicators)},
                        {r.where for r in result.indicators if needs_note(r)},
                        {b.where: b for b in result.blocks})

    def walk(node, path: str) -> tuple[Decimal, Decimal, Decimal]:
        w = s = r = ZERO
        for i, child in enumerate(node.children):
            where = f"{path}/children/{i}"
            if isinstance(child, model.Indicator):
                w += child.weight or ZERO
                s += child.score or ZERO
                r += _counted(results.get(where))
            else:
                cw, cs, cr = walk(child, where)
                w, s, r = w + cw, s + cs, r + cr
        state.sums[path] = (w, s, r)
        return w, s, r
    for gi, group in enumerate(table.groups):
        walk(group, f"{table_path}/groups/{gi}")
    return state
