"""Every SQLite and OS error reaching the clerk from the drafts storage is a StorageError in
plain Chinese saying what to do; a briefly held write lock is waited for."""
import errno
import re
import sqlite3
import threading
from decimal import Decimal

import pytest

from core import cli, model, paths
from core.storage import Storage, StorageError
import core.storage.backups as backups_mod
import core.storage.drafts as drafts_mod

SEED = paths.Path(__file__).resolve().parent / "fixtures" / "seeds" / "seed004.json"


def _report(title="报告"):
    return model.Report(template="t", kind=model.DEPARTMENT, year=2023, title=title,
                        unit=model.Unit(name="甲单位"),
                        figures=model.Figures.of({"budget": Decimal("107.49")}))


def _no_english(text: str) -> None:
    assert not re.search(r"[A-Za-z]{4,}", text.replace("jixiao", "")), text


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setattr(drafts_mod, "BUSY_TIMEOUT", 0.05)


def _hold_write_lock(data_dir):
    con = sqlite3.connect(paths.database_path(data_dir), isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    return con


def test_a_held_write_lock_is_a_chinese_storage_error(tmp_path, short_wait):
    with Storage.open(tmp_path) as s:
        draft = s.create(_report())
        holder = _hold_write_lock(tmp_path)
        try:
            calls = [lambda: s.save(draft, _report("新")), lambda: s.create(_report()),
                     lambda: s.rename(draft, "x"), lambda: s.delete(draft),
                     lambda: s.snapshot(draft, "s")]
            for call in calls:
                with pytest.raises(StorageError) as err:
                    call()
                assert "占用" in str(err.value) and "稍后重试" in str(err.value)
                assert not isinstance(err.value.__cause__, StorageError)
        finally:
            holder.rollback()
            holder.close()
        s.save(draft, _report("新"))  # usable again once the lock is gone
        assert s.get(draft).title == "新"


def test_the_busy_timeout_is_set(tmp_path):
    with Storage.open(tmp_path) as s:
        assert s.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 2000


def test_a_briefly_held_lock_is_waited_for(tmp_path):
    with Storage.open(tmp_path) as s:
        draft = s.create(_report())
    holder = _hold_write_lock(tmp_path)
    started, done, errors = threading.Event(), threading.Event(), []

    def writer():
        try:
            with Storage.open(tmp_path) as s:
                started.set()
                s.save(draft, _report("等到了"))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        done.set()
    t = threading.Thread(target=writer)
    t.start()
    assert started.wait(10)
    assert not done.wait(0.3)  # the save waits for the lock instead of failing at once
    holder.rollback()
    holder.close()
    assert done.wait(10)
    t.join()
    assert errors == []
    with Storage.open(tmp_path) as s:
        assert s.get(draft).title == "等到了"


def test_read_only_database_is_a_chinese_storage_error(tmp_path, monkeypatch):
    with Storage.open(tmp_path) as s:
        draft = s.create(_report())
        s.db.execute("PRAGMA query_only = 1")  # SQLite answers as for a read-only file
        with pytest.raises(StorageError) as err:
            s.save(draft, _report("新"))
        assert "只读" in str(err.value)
        _no_english(str(err.value))


def test_full_disk_is_a_chinese_storage_error(tmp_path):
    with Storage.open(tmp_path) as s:
        pages = s.db.execute("PRAGMA page_count").fetchone()[0]
        s.db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StorageError) as err:
            for i in range(200):
                s.create(_report("很长的标题" * 200))
        assert "磁盘空间不足" in str(err.value)
        _no_english(str(err.value))


@pytest.mark.parametrize("name, words", [
    ("SQLITE_BUSY", "占用"), ("SQLITE_LOCKED", "占用"), ("SQLITE_IOERR_WRITE", "磁盘"),
    ("SQLITE_FULL", "磁盘空间不足"), ("SQLITE_READONLY", "只读"),
    ("SQLITE_CANTOPEN", "无法打开"), ("SQLITE_CORRUPT", "损坏"), ("SQLITE_NOTADB", "损坏"),
    ("SQLITE_PERM", "权限"), ("SQLITE_NOMEM", "内存")])
def test_sqlite_error_codes_are_translated(name, words):
    from core.storage.errors import sqlite_error_text

    e = sqlite3.OperationalError("english text")
    e.sqlite_errorname = name
    text = sqlite_error_text(e)
    assert words in text
    _no_english(text)


def test_os_errors_are_translated(tmp_path, monkeypatch):
    with Storage.open(tmp_path) as s:
        s.create(_report())

        def full(*a, **k):
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr(backups_mod.tempfile, "mkstemp", full)
        with pytest.raises(StorageError) as err:
            s.backup_to_dir()
        assert "磁盘空间不足" in str(err.value)
        _no_english(str(err.value).replace(str(tmp_path / "backups"), ""))


def test_import_json_into_a_locked_database_prints_chinese(tmp_path, short_wait, capsys):
    with Storage.open(tmp_path):
        pass
    holder = _hold_write_lock(tmp_path)
    try:
        code = cli.main(["import-json", str(SEED), "--data-dir", str(tmp_path)])
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert code == 2 and "占用" in err and "Traceback" not in err
    _no_english(err.replace(str(tmp_path), ""))


def test_import_json_into_a_read_only_database_prints_chinese(tmp_path, monkeypatch, capsys):
    with Storage.open(tmp_path):
        pass
    real = drafts_mod.Storage._connect

    def read_only(path):
        con = real(path)
        con.execute("PRAGMA query_only = 1")
        return con
    monkeypatch.setattr(drafts_mod.Storage, "_connect", staticmethod(read_only))
    code = cli.main(["import-json", str(SEED), "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "只读" in err and "Traceback" not in err
