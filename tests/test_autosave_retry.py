"""Autosave that retries: a failed write is tried again by itself (backoff, a new connection),
the state is known while it fails, and an edit that cannot be written is kept in a recovery
file (core.unsaved) until it is."""
import datetime
import sqlite3
import threading
import time

from core import model, unsaved
from core.autosave import Autosaver, backoff, describe
from core.report_io import load_report
from core.storage import Storage, StorageError


def _report(i: int) -> model.Report:
    return model.Report(template="t", year=2023, title=f"第{i}次编辑", unit=model.Unit(name="甲单位"))


class Flaky:
    """A storage whose save fails ``fail`` times (or while ``full`` is set), then works."""

    def __init__(self, fail: int = 0, full: bool = False):
        self.fail, self.full = fail, full
        self.saved: list[model.Report] = []
        self.wrote = threading.Event()
        self.failed = threading.Event()
        self.opened = self.closed = 0

    def factory(self):
        self.opened += 1
        return self

    def save(self, draft_id, report):
        if self.full or self.fail:
            self.fail = max(self.fail - 1, 0)
            self.failed.set()
            raise OSError(28, "No space left on device")
        self.saved.append(report)
        self.wrote.set()

    def close(self):
        self.closed += 1


def test_the_backoff_doubles_from_half_a_second_up_to_five():
    assert [backoff(n) for n in range(1, 8)] == [0.5, 1, 2, 4, 5, 5, 5]


def test_a_write_failing_three_times_is_stored_without_another_edit():
    flaky = Flaky(fail=3)
    pauses = []
    saver = Autosaver(flaky.factory, 1, delay=0.01, backoff=lambda n: pauses.append(n) or 0.01)
    saver.changed(_report(1))  # the only edit: nothing else will wake the writer
    assert flaky.wrote.wait(10)
    assert flaky.saved == [_report(1)]
    assert pauses == [1, 2, 3]  # one pause after each failure, growing with the count
    assert flaky.opened == 4 and flaky.closed == 3  # each retry on a fresh connection
    assert saver.wait_saved(5) and saver.last_error is None and saver.failures == 0
    assert saver.close() is True


def test_while_failing_the_reason_and_since_are_known_and_the_edit_is_kept(tmp_path):
    flaky = Flaky(full=True)
    saver = Autosaver(flaky.factory, 7, delay=0.01, keep_dir=tmp_path, backoff=lambda n: 0.02)
    before = datetime.datetime.now().replace(microsecond=0)
    saver.changed(_report(1))
    assert saver.flush() is False
    assert saver.last_error == "自动保存失败：磁盘空间不足，请清理磁盘或换一个位置"
    assert saver.unsaved_since is not None and saver.unsaved_since >= before
    assert saver.saved is False
    kept = unsaved.find(tmp_path, 7)
    assert kept is not None and kept.report == _report(1) and "磁盘空间不足" in kept.reason
    flaky.full = False  # space freed
    assert saver.wait_saved(10) is True
    assert saver.last_error is None and saver.unsaved_since is None
    assert flaky.saved[-1] == _report(1)
    assert unsaved.find(tmp_path, 7) is None  # saved: the recovery file is gone
    assert not unsaved.path_for(tmp_path, 7).exists()
    saver.close()


def test_typing_on_while_failing_keeps_the_newest_edit_in_the_recovery_file(tmp_path, monkeypatch):
    flaky = Flaky(full=True)
    kept_second = threading.Event()
    real_write = unsaved.write

    def write(data_dir, draft_id, report, *a, **k):
        path = real_write(data_dir, draft_id, report, *a, **k)
        if report == _report(2):
            kept_second.set()
        return path
    monkeypatch.setattr(unsaved, "write", write)
    saver = Autosaver(flaky.factory, 3, delay=0.01, keep_dir=tmp_path, backoff=lambda n: 3600)
    saver.changed(_report(1))
    assert saver.flush() is False
    saver.changed(_report(2))  # no retry is due for an hour: the file is still updated
    assert kept_second.wait(5)
    assert unsaved.find(tmp_path, 3).report == _report(2)
    assert saver.close(timeout=0.1) is False
    assert unsaved.find(tmp_path, 3).report == _report(2)


def test_close_while_failing_stops_and_keeps_the_latest_report(tmp_path):
    flaky = Flaky(full=True)
    saver = Autosaver(flaky.factory, 5, delay=30, keep_dir=tmp_path, backoff=lambda n: 0.01)
    saver.changed(_report(1))
    saver.changed(_report(2))
    assert saver.close(timeout=0.3) is False  # bounded: it gives up instead of hanging
    assert not saver._thread.is_alive()
    assert flaky.failed.is_set()
    kept = unsaved.find(tmp_path, 5)
    assert kept is not None and kept.report == _report(2)
    assert saver.kept_path == unsaved.path_for(tmp_path, 5)


def test_a_held_write_lock_is_waited_out(tmp_path):
    with Storage.open(tmp_path) as s:
        draft = s.create(_report(0))
    other = sqlite3.connect(tmp_path / "jixiao.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    first_failure, opened = threading.Event(), []

    def factory():
        s = Storage.open(tmp_path)
        s.db.conn.execute("PRAGMA busy_timeout = 50")  # fail fast instead of after 5 s
        real = s.save

        def save(d, r):
            try:
                real(d, r)
            except Exception:
                first_failure.set()
                raise
        s.save = save
        opened.append(s)
        return s

    saver = Autosaver(factory, draft, delay=0.01, keep_dir=tmp_path, backoff=lambda n: 0.05)
    saver.changed(_report(1))
    try:
        assert first_failure.wait(10)
        assert saver.flush() is False
        assert "占用" in saver.last_error and "locked" not in saver.last_error
        assert unsaved.find(tmp_path, draft).report == _report(1)
    finally:
        other.execute("COMMIT")  # the other program lets go
        other.close()
    assert saver.wait_saved(10) is True
    assert saver.close() is True
    assert len(opened) >= 2  # the connection was reopened for the retry
    with Storage.open(tmp_path) as s:
        assert s.get(draft) == _report(1)
    assert unsaved.find(tmp_path, draft) is None


def test_an_older_recovery_file_is_set_aside_not_overwritten(tmp_path):
    unsaved.write(tmp_path, 4, _report(9), reason="上次未保存")
    saver = Autosaver(Flaky(full=True).factory, 4, delay=0.01, keep_dir=tmp_path,
                      backoff=lambda n: 3600)
    [aside] = (tmp_path / "unsaved" / "set-aside").iterdir()
    report, _ = load_report(aside)  # a plain report JSON: jixiao import-json reads it
    assert report == _report(9)
    saver.changed(_report(1))
    assert saver.flush() is False
    assert unsaved.find(tmp_path, 4).report == _report(1)
    saver.close(timeout=0.1)


def test_save_errors_are_described_in_chinese():
    assert "被锁定" in describe(sqlite3.OperationalError("database is locked"))
    assert "磁盘空间不足" in describe(sqlite3.OperationalError("database or disk is full"))
    assert "只读" in describe(sqlite3.OperationalError("attempt to write a readonly database"))
    assert describe(sqlite3.DatabaseError("file is not a database")) == "数据库写入失败"
    assert describe(StorageError("找不到编号为 3 的草稿")) == "找不到编号为 3 的草稿"
    assert describe(ValueError("boom")) == "保存时发生意外错误"
    assert "磁盘空间不足" in describe(OSError(28, "No space left on device"))


def test_recovery_files_round_trip_and_unreadable_ones_are_left_alone(tmp_path):
    since = datetime.datetime(2026, 11, 30, 9, 12, 3)
    path = unsaved.write(tmp_path, 2, _report(2), since, "磁盘空间不足")
    (tmp_path / "unsaved" / "draft-9.json").write_text("{半个文件", encoding="utf-8")
    [u] = unsaved.list_unsaved(tmp_path)
    assert (u.draft_id, u.path, u.report, u.since, u.reason) == (2, path, _report(2), since, "磁盘空间不足")
    assert u.written_at is not None
    assert not list((tmp_path / "unsaved").glob(".*.tmp"))  # written atomically, no temp left
    assert unsaved.remove(tmp_path, 2) is True and unsaved.remove(tmp_path, 2) is False
    assert (tmp_path / "unsaved" / "draft-9.json").exists()


def test_a_write_that_hangs_is_overdue_and_the_edit_can_be_kept_meanwhile(tmp_path):
    gate, entered = threading.Event(), threading.Event()

    class Slow(Flaky):
        def save(self, draft_id, report):
            entered.set()
            assert gate.wait(10)  # a held lock: SQLite waits up to its busy timeout
            super().save(draft_id, report)
    slow = Slow()
    saver = Autosaver(slow.factory, 6, delay=0.01, keep_dir=tmp_path)
    saver.changed(_report(1))
    assert entered.wait(5)
    assert saver.overdue(now=time.monotonic() + 10)  # no error yet, but stuck
    assert saver.last_error is None
    assert saver.keep() == unsaved.path_for(tmp_path, 6)  # kept from the UI thread meanwhile
    assert unsaved.find(tmp_path, 6).report == _report(1)
    gate.set()
    assert saver.wait_saved(5)
    assert not saver.overdue(now=time.monotonic() + 10)
    assert unsaved.find(tmp_path, 6) is None  # written: the copy is gone
    saver.close()
