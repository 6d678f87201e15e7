"""What every bench reports, and the one way they time ours against the floor.

A bench module that belongs in the table printed by ``python -m bench`` defines

    def measure(quick: bool = False) -> list[Figure]

and keeps ``if __name__ == "__main__"`` printing its own figures (``print_table``).
``quick`` means fewer repeats (a smoke run, e.g. from a test); the table in
``bench/README.md`` comes from a full run.
"""
from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Timing:
    """Seconds per run: every sample, so median and min can be reported."""
    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)


@dataclass(frozen=True)
class Figure:
    what: str            # e.g. "start to first paint, 5 drafts"
    floor: str           # e.g. "bare QMainWindow"
    ours: Timing | None  # None for a figure that is not a ratio (``value`` set instead)
    base: Timing | None
    goal: float          # the ratio (or value) must be <= goal
    unit: str = "×"      # "×" for a ratio; "ms" for an absolute figure such as UI-thread time
    value: float | None = None   # for unit != "×": the measured figure
    note: str = ""       # what was measured, how many rows, which seed …
    reference: bool = False  # a row that is not one of the product's goals (shown beside them
    #                          so a goal's figure is not read alone); its "met" column reads "—"

    @property
    def ratio(self) -> float:
        if self.value is not None:
            return self.value
        assert self.ours is not None and self.base is not None
        return self.ours.median / self.base.median

    @property
    def met(self) -> bool:
        return self.ratio <= self.goal


def interleaved(ours: Callable[[], object], base: Callable[[], object], *,
                repeat: int, warm: int = 1,
                setup: Callable[[], object] | None = None) -> tuple[Timing, Timing]:
    """Time ``ours`` and ``base`` alternately (ours, base, base, ours, …) so that drift of the
    machine falls on both sides; ``warm`` untimed rounds of each first; ``setup`` (untimed)
    before every single run. The garbage collector runs before each sample, not inside it."""
    for _ in range(warm):
        for fn in (ours, base):
            if setup:
                setup()
            fn()
    a: list[float] = []
    b: list[float] = []
    for i in range(repeat):
        order = ((ours, a), (base, b)) if i % 2 == 0 else ((base, b), (ours, a))
        for fn, out in order:
            if setup:
                setup()
            gc.collect()
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    return Timing(tuple(a)), Timing(tuple(b))


def fmt_seconds(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 10 else f"{s:.1f} s"


def print_table(figures: list[Figure]) -> None:
    """A Markdown table: what, floor, ours (median/min), floor (median/min), figure, goal."""
    print("| what | floor | ours median (min) | floor median (min) | figure | goal | met |")
    print("|---|---|---|---|---|---|---|")
    for f in figures:
        if f.ours is not None and f.base is not None:
            ours = f"{fmt_seconds(f.ours.median)} ({fmt_seconds(f.ours.min)})"
            base = f"{fmt_seconds(f.base.median)} ({fmt_seconds(f.base.min)})"
        else:
            ours = base = "—"
        figure = f"{f.ratio:.2f}{f.unit}" if f.unit == "×" else f"{f.ratio:.1f} {f.unit}"
        goal = f"≤ {f.goal:g}{f.unit}" if f.unit == "×" else f"≤ {f.goal:g} {f.unit}"
        what = f.what + (f" — {f.note}" if f.note else "")
        met = "— (reference)" if f.reference else ("yes" if f.met else "NO")
        print(f"| {what} | {f.floor} | {ours} | {base} | {figure} | {goal} | {met} |")
