"""An autosave costs what the edit changed (issue 14): the save stores the same text and the
same score columns as before — only made from cached parts.

* ``score_main`` (the ``rule_total``/``grade`` columns) equals ``score_report(r).main`` on
  every seed and on generated reports, with and without the memo, and after edits only the
  edited row is scored again;
* ``report_json`` is exactly ``json.dumps(report_to_dict(r), ensure_ascii=False)``, also along
  a chain of edits that share the unchanged parts;
* one row scored again (``score_row``) and the totals moved by it (``with_row``) equal a
  full ``score_table`` of the edited table.

Hypothesis runs derandomized and without its example database.
"""
from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import edit, model
from core.report_io import report_from_dict, report_to_dict
from core.rescoring import LeafMemo, score_main, score_row, with_row
from core.scoring import score_report, score_table, table_template
from core.scoring_formulas import formula_env
from core.storage.report_json import report_json
from core.templates import default_set

GEN = settings(max_examples=120, deadline=None, derandomize=True, database=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TARGETS = ["≥100份", "≤5%", "=1项", "100%", "≥ 95%", "2024年6月30日前", "好", "较好", "", "abc",
           ">=0", "≤0", "12月底", "≥2000人次", "有效提升"]
ACTUALS = ["100份", "3%", "1项", "98%", "", "达到预期", "未完成", "2024年5月1日", "≥99%", "0",
           "120%", "50人次", "xyz", "按时完成"]
NAMES = ["成本指标", "经济成本指标", "数量指标", "质量指标", "满意度", "产出指标", "社会效益指标", "新指标"]
FIELDS = ("target", "actual", "weight", "score", "tier", "name", "direction", "deviation_note")


def _paths(report: model.Report):
    leaves, groups = [], []
    for where, table in report.tables():
        def walk(node, prefix):
            for i, child in enumerate(node.children):
                p = f"{prefix}/children/{i}"
                if isinstance(child, model.Indicator):
                    leaves.append(p)
                else:
                    groups.append(p)
                    walk(child, p)
        for gi, g in enumerate(table.groups):
            groups.append(f"{where}/groups/{gi}")
            walk(g, f"{where}/groups/{gi}")
    return leaves, groups


def _value(field, draw):
    if field in ("weight", "score"):
        return draw(st.one_of(st.none(), st.decimals(min_value=0, max_value=30, places=2)))
    if field == "target":
        return draw(st.sampled_from(TARGETS))
    if field == "actual":
        return draw(st.sampled_from(ACTUALS))
    if field == "tier":
        return draw(st.sampled_from(["", "full", "good", "fair", "poor", "nonsense"]))
    if field == "direction":
        return draw(st.sampled_from(["", "≥", "≤", "=", "定性"]))
    return draw(st.sampled_from(NAMES + ["", "说明"]))


@st.composite
def edited_reports(draw, seeds):
    """A seed with a few random rows and group names changed, as an edit would change them —
    every step a new report sharing the untouched parts with the one before."""
    report = seeds[draw(st.sampled_from(sorted(seeds)))]
    chain = [report]
    leaves, groups = _paths(report)
    for _ in range(draw(st.integers(1, 6))):
        if groups and draw(st.booleans()) and draw(st.booleans()):
            path = draw(st.sampled_from(groups))
            field = draw(st.sampled_from(["name", "stated_weight"]))
            value = draw(st.sampled_from(NAMES)) if field == "name" else _value("weight", draw)
        elif leaves:
            path = draw(st.sampled_from(leaves))
            field = draw(st.sampled_from(FIELDS))
            value = _value(field, draw)
        else:
            path, field, value = "title", None, draw(st.sampled_from(NAMES))
        report = edit.set_at(report, f"{path}/{field}" if field else path, value)
        chain.append(report)
    return chain


def _plain_json(r):
    return json.dumps(report_to_dict(r), ensure_ascii=False)


def test_main_score_and_json_equal_the_full_ones_on_every_seed(seeds):
    for key, r in seeds.items():
        assert score_main(r, memo=None) == score_report(r).main, key
        assert score_main(r) == score_report(r).main, key  # with the shared memo
        assert report_json(r) == _plain_json(r), key
        back, _ = report_from_dict(json.loads(report_json(r)))
        assert back == r, key


def test_a_report_whose_main_template_is_unknown_scores_like_score_report(seeds):
    import dataclasses

    r = dataclasses.replace(seeds["000"], template="no-such-template")
    assert score_main(r) == score_report(r).main  # the first table that scores (or None)
    r = dataclasses.replace(seeds["001"], table=None, template="no-such")
    assert score_main(r) is None and score_report(r).main is None


@GEN
@given(data=st.data())
def test_generated_edits_store_the_same_text_and_scores(seeds, data):
    chain = data.draw(edited_reports(seeds))
    memo = LeafMemo()
    for r in chain:  # along the chain: the memo and the text cache hold the earlier steps
        assert score_main(r, memo=memo) == score_report(r).main
        assert report_json(r) == _plain_json(r)


def test_after_one_edit_only_that_row_is_scored_again(seeds):
    r = seeds["001"]
    memo = LeafMemo()
    full = score_main(r, memo=memo)
    rows = len(full.indicators)
    assert memo.misses == rows and memo.hits == 0
    edited = edit.set_at(r, "table/groups/0/children/0/children/0/actual", "50%")
    again = score_main(edited, memo=memo)
    assert memo.misses == rows + 1 and memo.hits == rows - 1
    assert again == score_report(edited).main != full


@GEN
@given(data=st.data())
def test_one_row_scored_again_equals_the_whole_table(seeds, data):
    r = seeds[data.draw(st.sampled_from(sorted(seeds)))]
    leaves, _ = _paths(r)
    if not leaves:
        return
    path = data.draw(st.sampled_from(leaves))
    field = data.draw(st.sampled_from(FIELDS))
    edited = edit.set_at(r, f"{path}/{field}", _value(field, data.draw))
    where = path.split("/groups/")[0]
    table, new_table = edit.get_at(r, where), edit.get_at(edited, where)
    tpl, _ = table_template(r, where, table, default_set())
    if tpl is None:
        return
    before = score_table(table, where, tpl, formula_env(r))
    after = score_table(new_table, where, tpl, formula_env(edited))
    row = score_row(new_table, where, path, tpl, formula_env(edited))
    position = [x.where for x in before.indicators].index(path)
    assert row == after.indicators[position]
    moved = with_row(before, position, row, tpl)
    assert moved == after  # Decimal sums compare by value
    assert (moved.grade, moved.grade_text, moved.weights_ok) == (after.grade, after.grade_text, after.weights_ok)


def test_score_row_of_no_row_is_none(seeds):
    r = seeds["001"]
    tpl, _ = table_template(r, "table", r.table, default_set())
    env = formula_env(r)
    assert score_row(r.table, "table", "table/groups/99/children/0", tpl, env) is None
    assert score_row(r.table, "table", "table/groups/0", tpl, env) is None
    assert score_row(r.table, "table", "projects/0/groups/0/children/0", tpl, env) is None


def test_a_weight_cleared_and_set_moves_scored_and_grade(seeds):
    r = seeds["001"]
    tpl, _ = table_template(r, "table", r.table, default_set())
    before = score_table(r.table, "table", tpl, formula_env(r))
    path = before.indicators[0].where
    cleared = edit.set_at(r, f"{path}/weight", None)
    row = score_row(cleared.table, "table", path, tpl, formula_env(cleared))
    moved = with_row(before, 0, row, tpl)
    assert moved == score_table(cleared.table, "table", tpl, formula_env(cleared))
    assert moved.weight_total == before.weight_total - before.indicators[0].weight
    assert moved.grade == "" and before.grade != ""  # weights no longer add up: no grade
    assert Decimal(0) <= moved.rule_total


def test_rows_moved_by_an_insert_or_a_delete_are_not_scored_again(seeds):
    r = seeds["001"]
    memo = LeafMemo()
    rows = len(score_main(r, memo=memo).indicators)
    where = "table/groups/0/children/0/children"
    inserted = edit.insert_at(r, where, 0, model.Indicator("新指标", "≥10次", "8次", Decimal(1), Decimal(1)))
    misses = memo.misses
    assert score_main(inserted, memo=memo) == score_report(inserted).main  # every where right
    assert memo.misses == misses + 1  # the new row only; those below it moved, not rescored
    deleted = edit.delete_at(inserted, where, 1)
    assert score_main(deleted, memo=memo) == score_report(deleted).main
    assert memo.misses == misses + 1 and len(score_main(deleted, memo=memo).indicators) == rows
