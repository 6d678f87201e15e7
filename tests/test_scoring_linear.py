"""Scoring and the checks grow linearly with the rows of a table (issue 14): 8 times the rows
take at most 12 times as long (linear ≈ 8, quadratic ≈ 64). A growth ratio, not an absolute
time — the best of a few runs each, the sizes alternating, the garbage collector held off while
timing (its passes follow every live object of the test process, not the work measured)."""
from __future__ import annotations

import gc
import time

from bench.cell_edit import big_table_report, seed_report
from core.checks import run_checks
from core.rescoring import LeafMemo, score_main
from core.scoring import score_report
from desktop.indicator_scores import score_state

SMALL, LARGE = 500, 4000
# for 8× the rows: linear is ≈ 8 — measured 9–11 on a busy machine (a larger report misses the
# CPU caches more often: 45 → 51 µs a row) — and quadratic ≈ 64
MAX_RATIO = 12


def timed(fn) -> float:
    gc.collect()
    gc.disable()
    try:
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t
    finally:
        gc.enable()


def ratio(work, runs: int = 5) -> tuple[float, float, float]:
    """Best time for LARGE rows / best for SMALL, the two sizes run alternately (a busy
    machine slows both alike)."""
    small, large = big_table_report(seed_report(), SMALL), big_table_report(seed_report(), LARGE)
    work(small), work(large)  # warm: templates loaded
    a = b = float("inf")
    for _ in range(runs):
        a = min(a, timed(lambda: work(small)))
        b = min(b, timed(lambda: work(large)))
    return b / a, a, b


def test_the_big_tables_have_the_rows_asked_for():
    r = big_table_report(seed_report(), LARGE)
    assert sum(1 for g in r.table.groups for _ in g.leaves()) == LARGE
    assert score_report(r).main.weight_total == 100  # weights add up: graded like a real table


def test_scoring_and_checks_grow_linearly():
    def work(report):
        score = score_report(report)
        list(run_checks(report, score))
    r, a, b = ratio(work)
    assert r <= MAX_RATIO, f"{SMALL} rows {a * 1000:.1f} ms, {LARGE} rows {b * 1000:.1f} ms: ×{r:.1f}"


def test_the_stored_score_grows_linearly_cold_and_with_the_memo():
    r, a, b = ratio(lambda report: score_main(report, memo=LeafMemo()))  # every row scored
    assert r <= MAX_RATIO, f"cold: ×{r:.1f} ({a * 1000:.1f} → {b * 1000:.1f} ms)"
    memo = LeafMemo()
    r, a, b = ratio(lambda report: score_main(report, memo=memo))  # every row from the memo
    assert r <= MAX_RATIO, f"memo: ×{r:.1f} ({a * 1000:.1f} → {b * 1000:.1f} ms)"


def test_the_tables_background_rescore_grows_linearly():
    r, a, b = ratio(lambda report: score_state(report, "table"))
    assert r <= MAX_RATIO, f"×{r:.1f} ({a * 1000:.1f} → {b * 1000:.1f} ms)"
