"""汇总 at scale (issue 13): gathering is linear in the number of packages — 8× the packages
may cost at most ~10× the time (a cost that grows with the square, e.g. a lookup over all
reports gathered so far for each new one, shows as ~64×) — and every package is still read,
checked and scored. The ratio against the floor of unzipping and parsing is bench/summary_ratio.py.
"""
from __future__ import annotations

import dataclasses as dc
import time

from summary_packages import make_package

from core.summary import gather, sources_from


def _packages(folder, seeds, n):
    base = [seeds[k] for k in sorted(seeds)]
    for i in range(n):
        r = base[i % len(base)]
        unit = f"第{i + 1:03d}单位{r.unit.name}"
        make_package(folder / f"p{i:03d}.jxpkg", [dc.replace(r, unit=dc.replace(r.unit, name=unit), year=2019 + i % 4)])


def _fastest(sources, runs=3):
    best, res = None, None
    for _ in range(runs):
        t = time.perf_counter()
        res = gather(sources)
        took = time.perf_counter() - t
        best = took if best is None else min(best, took)
    return best, res


def test_gather_is_linear_50_to_400_packages(tmp_path, seeds):
    _packages(tmp_path, seeds, 400)
    sources = sources_from([tmp_path])
    assert len(sources) == 400
    gather(sources[:50])  # warm: templates loaded, caches filled, like the app after its first 汇总
    small, res_small = _fastest(sources[:50])
    large, res_large = _fastest(sources)
    assert len(res_small.reports) == 50 and len(res_large.reports) == 400
    assert not res_small.refused and not res_large.refused
    # every report was checked and scored: the totals and findings of the first 50 are the same
    # whether gathered alone or among 400
    head = {r.key: (r.rule_total, r.grade, r.errors, r.warnings, len(r.findings)) for r in res_large.reports[:50]}
    assert head == {r.key: (r.rule_total, r.grade, r.errors, r.warnings, len(r.findings)) for r in res_small.reports}
    assert all(r.findings for r in res_large.reports)  # the seeds all have findings: checks ran on each
    assert large / small <= 10, f"50 packages {small:.3f} s, 400 packages {large:.3f} s: not linear"
