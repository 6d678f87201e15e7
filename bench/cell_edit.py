"""One cell edit in a large indicator table: how long the UI thread is busy.

The seed 001 report with its main table grown to N rows (``big_table_report``: the seed's own
rows repeated round robin over its 二级 groups, weights adding up to the template's total) is
opened in the real editor (``DraftEditor``, offscreen Qt, 1366×768) on 绩效目标与指标. Each
edit changes the 实际完成值 of one row through ``IndicatorModel.setData`` — what the cell
editor's commit calls — and the UI-thread time is measured from that call until control is
back in the event loop with nothing left to do for the edit: ``setData`` plus one
``processEvents`` (the repaint of the changed rows, queued signals).

Reported beside it, as notes: the time until the row's new rule score is shown and the whole
table's scores are in (``IndicatorModel.pending`` false: scoring runs off the UI thread;
measured by polling the event loop) and the UI-thread time of the step counts that follow once
the clerk pauses (the editor's count timer firing: ``DraftEditor.count_later``, measured until
control is back in the event loop).

Run: python -m bench.cell_edit   (``--quick``: fewer edits)
"""
from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import Figure, print_table  # noqa: E402

GOAL_MS = 16.0
SIZES = (1000, 2000)


def big_table_report(report, rows: int):
    """``report`` with its main table holding ``rows`` indicator rows: the table's own rows
    repeated round robin over its 二级 groups, each row weighted so that the weights add up to
    the template's total (the execution row keeps its weight) and scored in full."""
    from core import model
    from core.templates import default_set

    table = report.table
    tpl, _ = default_set().for_report(report)
    funds_weight = table.funds.weight if table.funds and table.funds.weight else Decimal(0)
    weight = (tpl.total - funds_weight) / rows
    leaves = [leaf for g in table.groups for _, leaf in g.leaves()]
    level2 = [(gi, ci) for gi, g in enumerate(table.groups)
              for ci, c in enumerate(g.children) if isinstance(c, model.IndicatorGroup)]
    buckets: dict[tuple[int, int], list] = {key: [] for key in level2}
    for i in range(rows):
        leaf = leaves[i % len(leaves)]
        buckets[level2[i % len(level2)]].append(
            replace(leaf, name=f"{leaf.name}（{i + 1}）", weight=weight, score=weight, formula=""))
    groups = []
    for gi, g in enumerate(table.groups):
        children = tuple(replace(c, children=tuple(buckets[(gi, ci)]))
                         for ci, c in enumerate(g.children) if (gi, ci) in buckets)
        stated = sum((leaf.weight for c in children for leaf in c.children), Decimal(0))
        groups.append(replace(g, children=children, stated_weight=stated))
    return replace(report, table=replace(table, groups=tuple(groups)))


def seed_report(name: str = "seed001"):
    from core.report_io import load_report

    report, findings = load_report(ROOT / "tests" / "fixtures" / "seeds" / f"{name}.json")
    assert report is not None, findings
    return report


def first_leaf_index(model_):
    """The index of the first indicator row (一级 → 二级 → row)."""
    i = model_.index(0, 0)
    while i.isValid() and not model_.node(i).is_leaf:
        i = model_.index(0, 0, i)
    return i


class Opened:
    """The editor open on a draft of ``report`` in a throw-away data folder, on 绩效目标与指标."""

    def __init__(self, report, folder: Path):
        from PySide6.QtWidgets import QApplication

        from core.storage import Storage
        from desktop.editor import DraftEditor
        from desktop.pages.indicators import IndicatorsPage
        from desktop.session import DraftSession

        self.app = QApplication.instance() or QApplication([])
        self.storage = Storage.open(folder)
        self.session = DraftSession(self.storage, folder, self.storage.create(report))
        self.editor = DraftEditor(self.session)
        self.editor.resize(1366, 768)
        self.editor.show()
        step = next(i for i, p in enumerate(self.editor.pages) if isinstance(p, IndicatorsPage))
        self.editor.steps.setCurrentRow(step)
        self.page = self.editor.pages[step]
        self.model = self.page.model
        self.settle()

    def settle(self, seconds: float = 0.0) -> None:
        end = time.perf_counter() + seconds
        while True:
            self.app.processEvents()
            if time.perf_counter() >= end:
                return
            time.sleep(0.005)

    def wait_until(self, done, timeout: float = 30.0) -> bool:
        end = time.perf_counter() + timeout
        while not done():
            if time.perf_counter() > end:
                return False
            self.app.processEvents()
            time.sleep(0.0005)
        return True

    def close(self) -> None:
        self.editor.close_session()
        self.editor.close()
        self.editor.deleteLater()
        self.storage.close()
        self.app.processEvents()


def rule_text(opened: Opened, index) -> str:
    from desktop.indicator_model import COL_RULE

    return opened.model.data(index.sibling(index.row(), COL_RULE)) or ""


def measure_size(rows: int, edits: int) -> dict:
    """UI-thread ms per edit, ms until the rule score shows, ms of the step counts."""
    from desktop.indicator_model import COL_ACTUAL

    with tempfile.TemporaryDirectory() as tmp:
        opened = Opened(big_table_report(seed_report(), rows), Path(tmp) / "data")
        try:
            index = first_leaf_index(opened.model)
            actual = index.sibling(index.row(), COL_ACTUAL)
            target = opened.model.data(index.sibling(index.row(), 1)) or ""
            ui, shown, counts, applied = [], [], [], []
            show = opened.editor._show_counts

            def timed_show(found):  # the UI-thread part once the counts arrive
                t = time.perf_counter()
                show(found)
                applied.append(time.perf_counter() - t)
            opened.editor._show_counts = timed_show
            arrived, rescored = [], getattr(opened.model, "_rescored", None)

            def timed_rescored(*args):  # the UI-thread part once the table's scores arrive
                t = time.perf_counter()
                rescored(*args)
                opened.app.processEvents()  # and the repaint it asks for
                arrived.append(time.perf_counter() - t)
            if rescored is not None:
                opened.model._rescored = timed_rescored
            for i in range(edits + 2):  # two warm-up edits
                # alternate between reaching the target and a different shortfall each time
                value = target if i % 2 else re.sub(r"\d+(\.\d+)?", str(50 + i % 40), target, count=1)
                before = rule_text(opened, index)
                t0 = time.perf_counter()
                opened.model.setData(actual, value)
                opened.app.processEvents()
                t1 = time.perf_counter()
                opened.wait_until(lambda: opened.model.data(actual) == value
                                  and rule_text(opened, index) != before
                                  and not getattr(opened.model, "pending", False), timeout=30)
                t2 = time.perf_counter()
                t3 = time.perf_counter()
                opened.editor._count_timer.timeout.emit()  # the clerk paused: the step counts
                opened.app.processEvents()
                t4 = time.perf_counter()
                if i >= 2:
                    ui.append(t1 - t0)
                    shown.append(t2 - t0)
                    counts.append(t4 - t3)
                opened.wait_until(lambda: not getattr(opened.editor, "counting", False))
        finally:
            opened.close()
    return {"ui": ui, "shown": shown, "counts": counts, "applied": applied[2:],
            "arrived": arrived[2:] or [0.0]}


def measure(quick: bool = False) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    edits = 6 if quick else 30
    figures = []
    for rows in SIZES:
        m = measure_size(rows, edits)
        ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
        figures.append(Figure(
            f"one cell edit in a {rows:,}-row indicator table", "—", None, None, GOAL_MS,
            unit="ms", value=ms(m["ui"]),
            note=(f"UI thread, median of {len(m['ui'])} edits (min {min(m['ui']) * 1000:.1f} ms); "
                  f"the row's rule score and totals in that time, the whole table rescored off the "
                  f"UI thread and shown {ms(m['shown']):.0f} ms after the edit "
                  f"({ms(m['arrived']):.1f} ms UI thread to show it); "
                  f"step counts at the pause {ms(m['counts']):.1f} ms UI thread to start, "
                  f"{ms(m['applied']):.1f} ms to show when they arrive")))
    return figures


if __name__ == "__main__":
    print_table(measure(quick="--quick" in sys.argv))
