"""One autosave against a bare UPDATE + commit of the same row with the same pragmas.

Ours: what the autosave writer does for one edit — ``Storage.save(draft_id, report)`` (serialise
the report, compute the stored score columns, one ``BEGIN IMMEDIATE`` … ``COMMIT``). The floor:
``UPDATE drafts SET report_json = ?, updated_at = ? WHERE id = ?`` and ``commit()`` on a second
connection to the same file with the same pragmas, read from ours (journal_mode, synchronous,
foreign_keys, busy timeout …), the JSON text already made.

Before every run (untimed) the report gets a new 实际完成值 in one row — as a clerk's edit
makes it, through ``core.edit.set_at`` — and the floor gets that report's JSON text, so both
sides really change pages and journal them. The two run interleaved (``bench.figures``), every
seed and one large report (seed 001 with a 1,000-row main table); median and min.

Run: python -m bench.autosave_ratio   (``--quick``: fewer repeats)
"""
from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import Figure, interleaved, print_table  # noqa: E402

GOAL = 3.0
PRAGMAS = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "locking_mode",
           "temp_store", "cache_size", "page_size", "secure_delete", "cell_size_check")
LARGE_ROWS = 1000


def reports() -> list[tuple[str, object]]:
    from bench.cell_edit import big_table_report, seed_report

    out = [(f"seed {p.stem[4:]}", seed_report(p.stem))
           for p in sorted((ROOT / "tests" / "fixtures" / "seeds").glob("seed*.json"))]
    out.append((f"large (seed 001, {LARGE_ROWS:,} rows)", big_table_report(seed_report(), LARGE_ROWS)))
    return out


def edit_paths(report) -> list[str]:
    """Paths of 实际完成值 cells to change (the first table's rows), or the title."""
    for where, table in report.tables():
        for gi, g in enumerate(table.groups):
            for sub, _leaf in g.leaves():
                return [f"{where}/groups/{gi}/" + "/".join(f"children/{i}" for i in sub) + "/actual"]
    return ["overview/duties"]


def same_pragmas(ours: sqlite3.Connection, other: sqlite3.Connection) -> dict[str, object]:
    """Set ``other``'s pragmas to ours; returns them."""
    values = {}
    for name in PRAGMAS:
        (value,) = ours.execute(f"PRAGMA {name}").fetchone()
        values[name] = value
        if name != "page_size":
            other.execute(f"PRAGMA {name} = {value if not isinstance(value, str) else repr(value)}")
    for name in PRAGMAS:
        (mine,) = other.execute(f"PRAGMA {name}").fetchone()
        assert str(mine).lower() == str(values[name]).lower(), (name, mine, values[name])
    return values


def measure_one(label: str, report, repeat: int) -> Figure:
    from core import edit
    from core.storage import Storage
    from core.report_io import report_to_dict
    from core.storage.drafts import BUSY_TIMEOUT
    from core.storage.rows import _now

    path = edit_paths(report)[0]
    with tempfile.TemporaryDirectory() as tmp:
        store = Storage.open(Path(tmp) / "data")
        draft = store.create(report)
        bare = sqlite3.connect(store.path, timeout=BUSY_TIMEOUT)
        try:
            pragmas = same_pragmas(store.db.conn, bare)
            state = {"n": 0, "report": report, "text": ""}

            def setup() -> None:  # a new edit for the next run, on whichever side
                state["n"] += 1
                state["report"] = edit.set_at(report, path, f"{state['n']}份")
                # the floor's text made without our cache, so ours finds nothing made for it
                state["text"] = json.dumps(report_to_dict(state["report"]), ensure_ascii=False)

            def ours() -> None:
                store.save(draft, state["report"])

            def base() -> None:
                bare.execute("UPDATE drafts SET report_json = ?, updated_at = ? WHERE id = ?",
                             [state["text"], _now(), draft])
                bare.commit()

            a, b = interleaved(ours, base, repeat=repeat, warm=2, setup=setup)
        finally:
            bare.close()
            store.close()
    size = len(json.dumps(report_to_dict(report), ensure_ascii=False).encode())
    return Figure(f"one autosave, {label}", "bare UPDATE + commit, same row, same pragmas", a, b, GOAL,
                  note=f"{size // 1024} KB JSON, journal_mode={pragmas['journal_mode']}, "
                       f"synchronous={pragmas['synchronous']}, {repeat} runs each")


def measure(quick: bool = False) -> list[Figure]:
    repeat = 10 if quick else 60
    return [measure_one(label, report, repeat) for label, report in reports()]


if __name__ == "__main__":
    print_table(measure(quick="--quick" in sys.argv))
