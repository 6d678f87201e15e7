"""Scoring again after an edit, at the cost of what changed (``core.scoring`` does the rules).

* ``LeafMemo`` — the result of every row scored so far, kept by the row *object*: reports are
  immutable and an edit (``core.edit.set_at``) replaces only the objects on its path, so a row
  that is the same object in the same place, under the same names, template and figures has
  the same result and is not scored again. ``MEMO`` is the one the process shares (the
  autosave writer, the indicator table and its background rescoring).
* ``score_main(report)`` — the main table only: exactly ``score_report(report).main``, for
  the ``rule_total``/``grade`` columns a save stores.
* ``score_row`` / ``with_row`` — one row scored again and the table's totals moved by the
  difference (O(1) sums), for the row a clerk just edited; the full result follows off the
  UI thread and replaces it.
"""
from __future__ import annotations

import threading
from dataclasses import replace
from decimal import Decimal

from core import model
from core.scoring import _guarded_leaf, score_table, table_template
from core.scoring_formulas import formula_env
from core.scoring_records import ZERO, IndicatorResult, TableResult
from core.template_records import same_label
from core.templates import Template, TemplateSet, default_set

MEMO_LIMIT = 20_000  # rows remembered; then the memo starts afresh (memory stays bounded)


class LeafMemo:
    """Row results by (names, reverse, template, figures for a formula row), each valid only
    for the very row object and template it was computed for. A row found at another place
    (rows inserted, deleted or moved above it) gets its result with the new ``where``: the
    rules read the row, its names and the template, never its place."""

    def __init__(self, limit: int = MEMO_LIMIT):
        self.limit = limit
        self._entries: dict[tuple, tuple] = {}
        self._lock = threading.Lock()  # only around the dict swap; reads and writes are atomic
        self.hits = self.misses = 0

    def get(self, leaf: model.Indicator, names: tuple[str, ...], where: str, tpl: Template,
            reverse: bool, env: dict[str, Decimal], compute) -> IndicatorResult:
        # the table's own path is part of the key: a rule may read which table a row is in
        # (a framework table scores blank targets as criteria), never the row's place in it
        key = (where.partition("/groups/")[0], names, reverse, id(tpl),
               tuple(env.items()) if leaf.formula else None)
        entry = self._entries.get(key)
        if entry is not None and entry[0] is leaf and entry[1] is tpl:
            self.hits += 1
            result = entry[2]
            if result.where == where:
                return result
            result = replace(result, where=where)  # the row moved (a row inserted above it …)
        else:
            self.misses += 1
            result = compute(leaf, names, where, tpl, reverse, env)
        entries = self._entries
        if len(entries) >= self.limit:
            with self._lock:
                entries = self._entries = {}
        entries[key] = (leaf, tpl, result)
        return result

    def clear(self) -> None:
        with self._lock:
            self._entries = {}


MEMO = LeafMemo()


def score_main(report: model.Report, templates: TemplateSet | None = None,
               memo: LeafMemo | None = MEMO) -> TableResult | None:
    """``score_report(report, templates).main`` without scoring the other tables: the first
    table whose template loads and which scores without an error; None when there is none."""
    templates = templates or default_set()
    env = formula_env(report)
    for where, table in report.tables():
        try:
            tpl, _ = table_template(report, where, table, templates)
            if tpl is not None:
                return score_table(table, where, tpl, env, memo)
        except Exception:  # noqa: BLE001 - score_report skips such a table the same way
            continue
    return None


def _reverse_names(tpl: Template) -> list[str]:
    return [r for b in tpl.blocks for r in b.reverse_level2]


def score_row(table: model.SelfEvalTable, table_where: str, row_where: str, tpl: Template,
              env: dict[str, Decimal]) -> IndicatorResult | None:
    """The result of the row at ``row_where`` (e.g. ``table/groups/0/children/1/children/2``)
    exactly as ``score_table`` gives it; None when no row is there."""
    rest = row_where[len(table_where):].split("/") if row_where.startswith(table_where + "/") else []
    nums = [int(p) for p in rest if p.isdigit()]
    if not nums or not 0 <= nums[0] < len(table.groups):
        return None
    reverse_names = _reverse_names(tpl)
    node = table.groups[nums[0]]
    reverse = any(same_label(node.name, r) for r in reverse_names)
    names = (node.name,)
    for i in nums[1:]:
        if not isinstance(node, model.IndicatorGroup) or not 0 <= i < len(node.children):
            return None
        child = node.children[i]
        if isinstance(child, model.Indicator):
            return _guarded_leaf(child, names + (child.name,), row_where, tpl, reverse, env)
        reverse = reverse or any(same_label(child.name, r) for r in reverse_names)
        names += (child.name,)
        node = child
    return None


def _weight(r: IndicatorResult) -> Decimal:
    return r.weight or ZERO


def _counted(r: IndicatorResult) -> Decimal:
    return r.counted_score if r.weight is not None else ZERO


def _reported(r: IndicatorResult) -> Decimal:
    return r.reported_score or ZERO


def with_row(result: TableResult, position: int, new: IndicatorResult, tpl: Template) -> TableResult:
    """``result`` with its ``position``-th indicator row replaced by ``new`` and every total,
    block sum and the grade moved by the difference — what ``score_table`` gives for the
    table with that one row changed (the same sums, taken in another order)."""
    old = result.indicators[position]
    indicators = result.indicators[:position] + (new,) + result.indicators[position + 1:]
    dw, dc, dr = (_weight(new) - _weight(old), _counted(new) - _counted(old),
                  _reported(new) - _reported(old))
    blocks = tuple(replace(b, weight=b.weight + dw, rule_score=b.rule_score + dc,
                           reported_score=b.reported_score + dr)
                   if new.where.startswith(b.where + "/") else b for b in result.blocks)
    weight_total = result.weight_total + dw
    rule_total = result.rule_total + dc
    reported_total = result.reported_total + dr
    scored = result.scored
    if (old.weight is None) != (new.weight is None):
        execution = (result.execution,) if result.execution else ()
        scored = any(r.weight is not None for r in execution + indicators)
    may_grade = scored and weight_total == tpl.total
    return replace(result, indicators=indicators, blocks=blocks, weight_total=weight_total,
                   rule_total=rule_total, reported_total=reported_total, scored=scored,
                   grade=tpl.grade_for(rule_total) if may_grade else "",
                   full_weight=tpl.total if scored else None)
