"""Listing 1,000 drafts: ``Storage.list()`` vs a bare ``SELECT id, title FROM drafts``.

1,000 drafts (the seed reports, round robin, over several units and years) are inserted in
one transaction; then both queries run REPEAT times each in the same run. Prints
"list/bare-select ratio: X.X".
Run: .venv/bin/python bench/list_drafts.py
"""
from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.report_io import load_report  # noqa: E402
from core.storage import Storage, _list_columns, _now, _report_json, _score_columns  # noqa: E402

DRAFTS = 1000
REPEAT = 50


def main() -> int:
    reports = []
    for path in sorted((ROOT / "tests" / "fixtures" / "seeds").glob("seed*.json")):
        report, findings = load_report(path)
        assert report is not None, findings
        reports.append(report)
    # each distinct report is serialised and scored once; the rows differ in unit and year
    prepared = [(_report_json(r), _list_columns(r), _score_columns(r)) for r in reports]
    rows = []
    for i in range(DRAFTS):
        text, cols, score = prepared[i % len(prepared)]
        now = _now()
        rows.append({**cols, **score, "unit": f"{cols['unit']}{i % 37}",
                     "year": 2015 + i % 10, "json": text, "now": now})
    with tempfile.TemporaryDirectory() as tmp:
        store = Storage.open(Path(tmp))
        t = time.perf_counter()
        with store.db.atomic():
            store.db.conn.executemany(
                "INSERT INTO drafts (unit, year, kind, template, title, status, report_json,"
                " rule_total, grade, created_at, updated_at) VALUES (:unit, :year, :kind,"
                " :template, :title, 'draft', :json, :rule_total, :grade, :now, :now)", rows)
        insert_ms = (time.perf_counter() - t) * 1000
        bare = sqlite3.connect(store.path)
        try:
            assert len(store.list()) == DRAFTS  # warm up
            assert len(bare.execute("SELECT id, title FROM drafts").fetchall()) == DRAFTS
            list_times, bare_times = [], []
            for _ in range(REPEAT):
                t = time.perf_counter()
                store.list()
                list_times.append(time.perf_counter() - t)
            for _ in range(REPEAT):
                t = time.perf_counter()
                bare.execute("SELECT id, title FROM drafts").fetchall()
                bare_times.append(time.perf_counter() - t)
        finally:
            bare.close()
            store.close()
    list_total, bare_total = sum(list_times), sum(bare_times)
    print(f"{DRAFTS} drafts inserted in one transaction in {insert_ms:.1f} ms; REPEAT={REPEAT}")
    print(f"Storage.list(): median {statistics.median(list_times) * 1000:.3f} ms")
    print(f"bare SELECT   : median {statistics.median(bare_times) * 1000:.3f} ms")
    print(f"list/bare-select ratio: {list_total / bare_total:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
