"""A 2,000-row indicator table stays responsive (issue 14): a cell edit is back in the event
loop about as fast as in a 250-row table (a growth ratio, not an absolute time), the row's own
rule score and the totals show at once, and once the whole table has been scored again off the
UI thread the rule scores and the totals line are those of ``core.scoring``."""
from __future__ import annotations

import re
import time

from PySide6.QtWidgets import QApplication

from bench.cell_edit import big_table_report, first_leaf_index, seed_report
from core.rounding import fmt_score
from core.scoring import score_report
from desktop.indicator_model import COL_ACTUAL, COL_RULE, COL_SCORE, PATH_ROLE
from desktop.pages.indicators import IndicatorsPage

SMALL, LARGE = 250, 2000
EDITS = 9


def opened_page(open_draft, show_page, rows):
    session = open_draft(big_table_report(seed_report(), rows))
    return show_page(IndicatorsPage, session)


def edit_times(page, qtbot) -> list[float]:
    """UI-thread seconds of each of EDITS edits of one row's 实际完成值: from setData until the
    event loop has nothing left for it (the repaint), the background rescore in between."""
    m = page.model
    index = first_leaf_index(m)
    actual = index.sibling(index.row(), COL_ACTUAL)
    target = m.data(index.sibling(index.row(), 1))
    app = QApplication.instance()
    times = []
    for i in range(EDITS + 1):
        value = target if i % 2 else re.sub(r"\d+", str(40 + i), target, count=1)
        t = time.perf_counter()
        assert m.setData(actual, value)
        app.processEvents()
        times.append(time.perf_counter() - t)
        qtbot.waitUntil(lambda: not m.pending, timeout=20000)
    return times[1:]


def rule_shown(page, index) -> str:
    return page.model.data(index.sibling(index.row(), COL_RULE))


def test_the_scores_shown_after_an_edit_in_2000_rows_are_core_scorings(open_draft, show_page, qtbot):
    page = opened_page(open_draft, show_page, LARGE)
    m = page.model
    index = first_leaf_index(m)
    before = rule_shown(page, index)
    assert m.setData(index.sibling(index.row(), COL_ACTUAL), "40%")  # target 100%: a shortfall
    # at once, before any background work ran: the row's own rule score and the totals
    full = score_report(page.session.report).main
    row = next(r for r in full.indicators if r.where == m.data(index, PATH_ROLE))
    assert rule_shown(page, index) == fmt_score(row.rule_score) != before
    assert f"规则得分 {fmt_score(full.rule_total)}，" in page.totals.text()
    # and once the whole table came back from the background: still core.scoring's figures
    qtbot.waitUntil(lambda: not m.pending, timeout=20000)
    assert rule_shown(page, index) == fmt_score(row.rule_score)
    assert m.result == full
    assert page.totals.text().startswith(
        f"本表合计：分值 {fmt_score(full.weight_total)}，填报得分 {fmt_score(full.reported_total)}，"
        f"规则得分 {fmt_score(full.rule_total)}，等级 {full.grade}")
    group = index.parent()  # the 二级 group's rule sum moved with the row
    rows_under = [r for r in full.indicators if r.where.startswith(m.data(group, PATH_ROLE) + "/")]
    assert m.data(group.sibling(group.row(), COL_RULE)) == fmt_score(sum(r.counted_score for r in rows_under))
    assert m.data(group.sibling(group.row(), COL_SCORE)) == fmt_score(sum(r.reported_score or 0 for r in rows_under))


def test_an_edit_in_2000_rows_returns_about_as_fast_as_in_250(open_draft, show_page, qtbot):
    small = edit_times(opened_page(open_draft, show_page, SMALL), qtbot)
    large = edit_times(opened_page(open_draft, show_page, LARGE), qtbot)
    a, b = min(small), min(large)
    assert b <= 3 * a, f"{SMALL} rows {a * 1000:.1f} ms, {LARGE} rows {b * 1000:.1f} ms per edit"


def test_a_stale_background_result_is_dropped(open_draft, show_page, qtbot):
    """Two edits, the first one's whole-table result arriving after the second edit: only the
    second's figures stay on screen."""
    page = opened_page(open_draft, show_page, SMALL)
    m = page.model
    index = first_leaf_index(m)
    actual = index.sibling(index.row(), COL_ACTUAL)
    assert m.setData(actual, "40%")
    m._rescore_timer.stop()
    m._start_rescore()  # the first edit's rescore is under way …
    first = m.generation
    assert m.setData(actual, "70%")  # … when the clerk edits again
    assert m.generation > first
    shown = []
    m.rescored.connect(lambda: shown.append(m.result))
    qtbot.waitUntil(lambda: not m.pending, timeout=20000)
    full = score_report(page.session.report).main
    assert m.result == full and "70%" == m.data(actual)
    assert shown and all(r == full for r in shown)  # the first edit's totals never came back
    row = next(r for r in full.indicators if r.where == m.data(index, PATH_ROLE))
    assert rule_shown(page, index) == fmt_score(row.rule_score)
