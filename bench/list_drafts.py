"""The draft list: ``Storage.list()`` vs a bare sqlite3 query doing the same work.

The floor is honest: the same database file, the same pragmas as ``Storage.open`` sets
(``foreign_keys=ON``, ``journal_mode=DELETE``), the same columns, the same ``WHERE deleted_at IS
NULL`` and the same ``ORDER BY updated_at DESC, id DESC``, every row fetched. What is left is
what our layer adds (``DraftInfo`` records, a ``Decimal`` total, the import origin text).
1,000 and 10,000 drafts (the five seed reports round robin, scored, over 37 units and 10 years,
distinct update times), interleaved, median and min.

``fill(store, n)`` is also how bench/startup_ratio.py makes its data folders.
Run: python -m bench.list_drafts
"""
from __future__ import annotations

import datetime
import sqlite3
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import Figure, interleaved, print_table  # noqa: E402

SEEDS = ROOT / "tests" / "fixtures" / "seeds"
LIST_SQL = ("SELECT id, unit, year, kind, template, title, status, updated_at, deleted_at,"
            " rule_total, grade, previous_id, origin FROM drafts WHERE deleted_at IS NULL"
            " ORDER BY updated_at DESC, id DESC")


def seed_reports() -> list:
    from core.report_io import load_report

    reports = []
    for path in sorted(SEEDS.glob("seed*.json")):
        report, findings = load_report(path)
        assert report is not None, findings
        reports.append(report)
    return reports


def fill(store, n: int) -> list[int]:
    """``n`` drafts in one transaction (each seed serialised and scored once); their ids."""
    from core.storage.rows import _list_columns, _report_json, _score_columns

    prepared = [(_report_json(r), _list_columns(r), _score_columns(r)) for r in seed_reports()]
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    rows = []
    for i in range(n):
        text, cols, score = prepared[i % len(prepared)]
        when = (start + datetime.timedelta(minutes=i)).isoformat(timespec="seconds")
        rows.append({**cols, **score, "unit": f"{cols['unit']}{i % 37}" if n > len(prepared) else cols["unit"],
                     "year": 2015 + i % 10 if n > len(prepared) else cols["year"],
                     "json": text, "now": when, "uid": uuid.uuid4().hex})
    with store.db.atomic():
        store.db.conn.executemany(
            "INSERT INTO drafts (unit, year, kind, template, title, status, report_json,"
            " rule_total, grade, created_at, updated_at, uid) VALUES (:unit, :year, :kind,"
            " :template, :title, 'draft', :json, :rule_total, :grade, :now, :now, :uid)", rows)
    return [r[0] for r in store.db.execute("SELECT id FROM drafts ORDER BY id").fetchall()]


def _bare(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=5.0)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA journal_mode=DELETE").fetchall()
    return con


def measure(quick: bool = False) -> list[Figure]:
    from core.storage import Storage

    figures = []
    for n in (1000, 10000):
        with tempfile.TemporaryDirectory() as tmp:
            store = Storage.open(Path(tmp))
            fill(store, n)
            bare = _bare(store.path)
            try:
                assert len(store.list()) == n == len(bare.execute(LIST_SQL).fetchall())
                ours, base = interleaved(store.list, lambda: bare.execute(LIST_SQL).fetchall(),
                                         repeat=5 if quick else 21)
            finally:
                bare.close()
                store.close()
        figures.append(Figure(
            f"draft list query, {n:,} drafts", "bare sqlite3: same columns, WHERE, ORDER BY, pragmas",
            ours, base, goal=3.0,
            note="Storage.list() builds a DraftInfo (Decimal total, origin text) per row"))
    return figures


if __name__ == "__main__":
    print_table(measure(quick="--quick" in sys.argv))
