"""Carrying a report forward to next year's draft (core.carry_forward)."""
from decimal import Decimal
from pathlib import Path

import pytest

from core import figures as fig
from core.carry_forward import next_year_draft
from core.report_io import load_report, report_from_dict, report_to_dict
from core.scoring import score_report

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def _load(n: str):
    report, findings = load_report(SEEDS / f"seed{n}.json")
    assert report is not None, findings
    return report


def _leaves(report):
    for where, table in report.tables():
        for gi, g in enumerate(table.groups):
            for path, leaf in g.leaves():
                yield f"{where}/groups/" + "/children/".join(map(str, (gi, *path))), leaf


@pytest.fixture(scope="module")
def seed001():
    last = _load("001")
    return last, *next_year_draft(last)


def test_year_title_and_kept_parts(seed001):
    last, draft, _ = seed001
    assert draft.year == 2023
    assert "2023年度" in draft.title and "2022" not in draft.title
    assert (draft.template, draft.kind, draft.unit, draft.overview) == \
        (last.template, last.kind, last.unit, last.overview)
    assert draft.goal.expected == last.goal.expected and draft.goal.achieved == ""
    assert draft.sections == () and draft.stated == () and draft.explanations == ()
    assert draft.signatories.date == ""


def test_indicators_keep_targets_and_weights(seed001):
    last, draft, _ = seed001
    old, new = list(_leaves(last)), list(_leaves(draft))
    assert [w for w, _ in old] == [w for w, _ in new] and new
    for (_, a), (_, b) in zip(old, new):
        assert (b.name, b.target, b.weight, b.basis, b.formula) == \
            (a.name, a.target, a.weight, a.basis, a.formula)
        assert b.actual == "" and b.score is None and b.deviation_note == "" and b.tier == ""
    t = draft.table
    assert t.stated_total is None and t.stated_grade == ""
    assert t.funds.weight == Decimal("10") and t.funds.score is None and t.funds.stated_rate is None
    assert all(r.initial is None and r.annual is None and r.executed is None for r in t.funds.rows)
    assert [r.label for r in t.funds.rows] == [r.label for r in last.table.funds.rows]


def test_weight_total_unchanged(seed001):
    last, draft, _ = seed001
    before, after = score_report(last).tables[0], score_report(draft).tables[0]
    assert after.weight_total == before.weight_total
    assert after.execution is not None and after.execution.weight == Decimal("10")


def test_figures_move_to_last_year(seed001):
    last, draft, _ = seed001
    assert draft.figures.get("total_expenditure_last") == Decimal("107.49")
    assert draft.figures.get("total_expenditure_last") != last.figures.get("total_expenditure_last")
    assert all(fig.split_key(k)[1] == "_last" for k, _ in draft.figures.items)
    for line, old in zip(draft.fund_lines, last.fund_lines):
        assert line.last_final == old.final and line.budget is None and line.final is None


def test_review_paths(seed001):
    _, draft, marks = seed001
    assert "figures/total_expenditure_last" in marks
    assert "table/funds/weight" in marks
    rows = dict(_leaves(draft))
    weights = [m for m in marks if m.endswith("/weight") and m[:-7] in rows]
    targets = [m for m in marks if m.endswith("/target") and m[:-7] in rows]
    assert weights and targets
    assert all(rows[m[:-7]].weight is not None for m in weights)
    assert all(rows[m[:-7]].target.strip() for m in targets)
    assert len(set(marks)) == len(marks)


def test_round_trip(seed001):
    _, draft, _ = seed001
    again, findings = report_from_dict(report_to_dict(draft))
    assert again == draft, findings


def test_seed002_projects_and_framework():
    last = _load("002")
    draft, marks = next_year_draft(last)
    assert draft.year == last.year + 1
    assert len(draft.projects) == len(last.projects) and draft.framework is not None
    formulas = [leaf.formula for w, leaf in _leaves(draft) if w.startswith("framework/")]
    assert formulas == [leaf.formula for w, leaf in _leaves(last) if w.startswith("framework/")]
    assert "work_completion_rate" in formulas
    assert any(m.startswith("framework/") and m.endswith("/weight") for m in marks)
    assert any(m.startswith("projects/0/") for m in marks)
    assert all(leaf.actual == "" and leaf.score is None for _, leaf in _leaves(draft))
    assert [t.weight_total for t in score_report(draft).tables] == \
        [t.weight_total for t in score_report(last).tables]
    again, _ = report_from_dict(report_to_dict(draft))
    assert again == draft


def test_no_year():
    from core import model
    draft, marks = next_year_draft(model.Report(title="部门整体支出绩效自评报告"))
    assert draft.year is None and draft.title == "" and marks == ()


def test_draft_keeps_the_review_paths_as_carried(seed001):
    _, draft, marks = seed001
    assert draft.carried == marks and "table/funds/weight" in draft.carried
    again, _ = report_from_dict(report_to_dict(draft))
    assert again.carried == marks


def test_carried_hint_one_per_table():
    from core.checks import run_checks
    draft, marks = next_year_draft(_load("002"))
    hints = [f for f in run_checks(draft) if f.code == "CARRIED_UNCONFIRMED"]
    wheres = [f.where for f in hints]
    assert len(wheres) == len(set(wheres)) and {"projects/0", "projects/1", "framework", "figures"} == set(wheres)
    assert all(f.severity == "hint" and f.fix == "逐一核对后修改或确认" for f in hints)
    n = sum(1 for m in marks if m.startswith("projects/0/"))
    assert next(f for f in hints if f.where == "projects/0").message == f"有 {n} 个沿用上年的数字尚未核对"
    assert not any(f.code == "CARRIED_UNCONFIRMED" for f in run_checks(_load("002")))


def test_renumber_follows_inserted_deleted_and_moved_rows():
    from core import model
    from core.carry_forward import after_delete, after_insert, after_move, renumber
    g = "table/groups/0/children"
    r = model.Report(carried=(f"{g}/0/target", f"{g}/1/weight", f"{g}/2/target", "figures/x_last", "table/funds/weight"))
    assert renumber(r, g, after_delete(1)).carried == (f"{g}/0/target", f"{g}/1/target", "figures/x_last", "table/funds/weight")
    assert renumber(r, g, after_insert(1)).carried[:3] == (f"{g}/0/target", f"{g}/2/weight", f"{g}/3/target")
    assert renumber(r, g, after_move(0, 2)).carried[:3] == (f"{g}/2/target", f"{g}/0/weight", f"{g}/1/target")
    assert renumber(r, g, after_move(2, 0)).carried[:3] == (f"{g}/1/target", f"{g}/2/weight", f"{g}/0/target")
