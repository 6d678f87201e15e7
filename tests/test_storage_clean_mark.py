"""The whole-file check at open runs only when needed (core/storage/clean.py), with the same
protection: damage after a clean close, an unclean end or a day gone by still get it."""
from __future__ import annotations

import os

from core.report_io import load_report
from core.storage import Storage, clean, recovery
from tests.conftest import SEEDS


def _populated(data_dir):
    report, _ = load_report(SEEDS / "seed001.json")
    with Storage.open(data_dir) as s:
        for _ in range(30):
            s.create(report)
        assert s.auto_backup() is not None
    return data_dir / "jixiao.db"


def _full_checks(monkeypatch) -> list[bool]:
    seen = []
    real = recovery.database_state

    def spy(path, full=True):
        seen.append(full)
        return real(path, full)
    monkeypatch.setattr(recovery, "database_state", spy)
    return seen


def test_a_clean_close_spares_the_next_open_the_whole_file_check(tmp_path, monkeypatch):
    _populated(tmp_path)
    seen = _full_checks(monkeypatch)
    with Storage.open(tmp_path) as s:
        assert len(s.list()) == 30
    assert seen == [False]
    with Storage.open(tmp_path):
        pass
    assert seen == [False, False]


def test_an_open_never_closed_means_a_whole_file_check_next_time(tmp_path, monkeypatch):
    _populated(tmp_path)
    s = Storage.open(tmp_path)  # the app killed while this is open: close never runs
    s.db.close()
    seen = _full_checks(monkeypatch)
    Storage.open(tmp_path).close()
    assert seen == [True]


def test_a_day_after_the_last_whole_file_check_it_runs_again(tmp_path, monkeypatch):
    db = _populated(tmp_path)
    assert clean.last_full_check(tmp_path, db) is not None
    later = os.stat(tmp_path / clean.MARK_NAME).st_mtime + clean.FULL_CHECK_EVERY + 60
    assert clean.last_full_check(tmp_path, db, now=later) is None


def test_damage_inside_the_file_after_a_clean_close_is_still_found(tmp_path):
    db = _populated(tmp_path)
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for p in range(2, len(data) // page):  # every page after the schema: torn, size kept
        data[p * page + 5:p * page + 40] = b"\xff" * 35
    db.write_bytes(bytes(data))  # the header is still sound: only quick_check can tell
    with Storage.open(tmp_path) as s:
        assert "损坏" in s.recovery_message
        assert len(s.list()) == 30  # from the backup
    assert list(tmp_path.glob("jixiao-damaged-*.db"))
