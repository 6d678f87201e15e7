"""Autosave cost: ``Storage.save`` of the seed 001 report vs a bare sqlite3 UPDATE.

Both write the same JSON text to the same row of the same database file, N times each, one
committed transaction per write, in the same run. Prints "autosave/bare-update ratio: X.X".

Caveat: SQLite does not dirty a page whose bytes do not change, so rewriting identical
report_json commits almost nothing; ``Storage.save`` also stamps ``updated_at`` and so does
real page writes. A second line therefore compares against a bare UPDATE that sets the same
report_json *and* a new updated_at (one changed page, a real journalled commit).
Run: .venv/bin/python bench/autosave_ratio.py
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
from core.storage import Storage, _report_json  # noqa: E402

N = 200


def main() -> int:
    report, findings = load_report(ROOT / "tests" / "fixtures" / "seeds" / "seed001.json")
    assert report is not None, findings
    text = _report_json(report)
    with tempfile.TemporaryDirectory() as tmp:
        store = Storage.open(Path(tmp))
        draft = store.create(report)
        bare = sqlite3.connect(store.path)
        try:
            store.save(draft, report)  # warm up: templates loaded, pages cached
            bare.execute("UPDATE drafts SET report_json = ? WHERE id = ?", [text, draft])
            bare.commit()
            save_times, bare_times, stamped_times = [], [], []
            for _ in range(N):
                t = time.perf_counter()
                store.save(draft, report)
                save_times.append(time.perf_counter() - t)
            for _ in range(N):
                t = time.perf_counter()
                bare.execute("UPDATE drafts SET report_json = ? WHERE id = ?", [text, draft])
                bare.commit()
                bare_times.append(time.perf_counter() - t)
            for i in range(N):
                t = time.perf_counter()
                bare.execute("UPDATE drafts SET report_json = ?, updated_at = ? WHERE id = ?",
                             [text, f"bench-{i}", draft])
                bare.commit()
                stamped_times.append(time.perf_counter() - t)
        finally:
            bare.close()
            store.close()
    save_total, bare_total = sum(save_times), sum(bare_times)
    print(f"N={N}  report JSON {len(text.encode())} bytes")
    print(f"Storage.save: total {save_total * 1000:.1f} ms, median "
          f"{statistics.median(save_times) * 1000:.3f} ms")
    print(f"bare UPDATE : total {bare_total * 1000:.1f} ms, median "
          f"{statistics.median(bare_times) * 1000:.3f} ms")
    stamped_total = sum(stamped_times)
    print(f"bare UPDATE + updated_at: total {stamped_total * 1000:.1f} ms, median "
          f"{statistics.median(stamped_times) * 1000:.3f} ms")
    print(f"autosave/bare-update ratio: {save_total / bare_total:.1f}")
    print(f"autosave/bare-update-with-timestamp ratio: {save_total / stamped_total:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
