"""The drafts list stays responsive with 10,000 drafts: the view asks the model for about as
many cells with 10,000 drafts as with 1,000 (rows handed over sorted, column widths from a
sample), finding as you type grows linearly, and nothing loses a reference to None (the PySide6
6.12 bug that aborted the app at start with ~1,000 drafts)."""
from __future__ import annotations

import sys
import time
from decimal import Decimal

from PySide6.QtCore import Qt

from core.scoring_records import NO_GRADE
from core.storage import DraftInfo
from desktop import drafts_model
from desktop.drafts_model import COL_TOTAL, COL_UNIT, COL_YEAR, DraftsModel
from desktop.drafts_view import DraftsView


def _drafts(n: int) -> list[DraftInfo]:
    return [DraftInfo(id=i + 1, unit=f"石峰区工商业联合会{i % 37}", year=2015 + i % 10,
                      kind="department_overall", template="hunan-dept-2022", title=f"报告{i}",
                      status="draft", updated_at=f"2024-01-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}+08:00",
                      deleted_at=None, total=Decimal(i % 111), grade="良")
            for i in range(n)]


class _Storage:
    def __init__(self, rows):
        self.rows = rows

    def list(self, include_deleted=False):
        return list(self.rows)


def _shown(qtbot, n):
    view = DraftsView(_Storage(_drafts(n)))
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    qtbot.waitExposed(view)
    view.grab()  # one full paint
    return view


def test_the_view_asks_for_as_many_cells_with_10000_drafts_as_with_1000(qtbot, monkeypatch):
    calls = []
    real = DraftsModel.data

    def counting(self, index, role=Qt.DisplayRole):
        calls.append(1)
        return real(self, index, role)
    monkeypatch.setattr(DraftsModel, "data", counting)
    counts = {}
    for n in (1000, 10000):
        calls.clear()
        view = _shown(qtbot, n)
        view.table.sortByColumn(COL_UNIT, Qt.AscendingOrder)  # a header click
        view.grab()
        counts[n] = len(calls)
        assert view.model.rowCount() == n
    assert counts[10000] <= counts[1000] * 1.5, counts


def test_rows_sort_by_number_and_keep_the_selection(qtbot):
    view = _shown(qtbot, 300)
    view.select(123)
    view.table.sortByColumn(COL_TOTAL, Qt.DescendingOrder)
    totals = [view.model.rows[r].total for r in range(view.model.rowCount())]
    assert totals == sorted(totals, reverse=True) and totals[0] == 110  # as numbers: "99" > "110" as text
    assert view.selected().id == 123
    view.table.sortByColumn(COL_YEAR, Qt.AscendingOrder)
    assert [d.year for d in view.model.rows] == sorted(d.year for d in view.model.rows)
    assert view.selected().id == 123


def test_finding_grows_linearly_from_1000_to_10000_drafts():
    def best_time(n):
        model = DraftsModel()
        model.set_rows(_drafts(n))
        times = []
        for _ in range(5):
            model.set_filter("")
            start = time.perf_counter()
            model.set_filter("联合会1")  # the find box: 联合会1, 联合会10 … 联合会19
            times.append(time.perf_counter() - start)
            assert model.rowCount() == sum(1 for i in range(n) if str(i % 37).startswith("1"))
        return min(times)
    small, large = best_time(1000), best_time(10000)
    assert large / small <= 12, (small, large)


def test_typing_in_the_find_box_filters_10000_drafts(qtbot):
    view = _shown(qtbot, 10000)
    view.search.setText("报告999")
    assert {d.title for d in view.model.rows} == {"报告999", *(f"报告999{i}" for i in range(10))}
    view.search.setText("")
    assert view.model.rowCount() == 10000


def test_painting_sorting_and_finding_lose_no_reference_to_none(qtbot):
    before = sys.getrefcount(None)
    view = _shown(qtbot, 3000)
    for col in range(len(drafts_model.HEADERS)):
        view.table.sortByColumn(col, Qt.AscendingOrder)
        view.grab()
    view.search.setText("联合会2")
    view.grab()
    view.search.setText("")
    view.grab()
    assert sys.getrefcount(None) > before - 500  # the proxy lost one per empty cell: tens of thousands


def test_the_grade_constants_are_the_cores():
    assert drafts_model.NO_GRADE == NO_GRADE
    from core.model import DEPARTMENT

    assert drafts_model.DEPARTMENT == DEPARTMENT
