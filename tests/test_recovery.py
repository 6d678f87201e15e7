"""Recovery of the drafts database (core.storage.recovery): a damaged, missing, 0-byte or
emptied jixiao.db beside good backups is restored and the clerk told; a kill at any step of
that loses nothing; empty backups never push good ones out; a foreign SQLite file is refused
untouched; stale temp files are cleaned."""
import datetime
import os
import shutil
import sqlite3
import stat
import sys
from decimal import Decimal

import pytest

from core import model, paths
from core.storage import Storage, StorageError, list_backups
from core.storage import recovery  # noqa: F401

GARBAGE = b"\x00garbage\xff" * 2000


def _report(i: int) -> model.Report:
    return model.Report(template="t", kind=model.DEPARTMENT, year=2023, title=f"报告{i}",
                        unit=model.Unit(name=f"单位{i}"),
                        figures=model.Figures.of({"budget": Decimal("107.49")}))


def _populated(data_dir, n=3) -> dict[int, model.Report]:
    """A data directory with ``n`` drafts and today's rolling backup holding them all."""
    with Storage.open(data_dir) as s:
        drafts = {s.create(_report(i)): _report(i) for i in range(n)}
        assert s.auto_backup() is not None
    return drafts


def _assert_all_there(data_dir, drafts) -> str:
    with Storage.open(data_dir) as s:
        assert s.integrity_ok()
        assert {i.id for i in s.list(include_deleted=True)} == set(drafts)
        for draft_id, report in drafts.items():
            assert s.get(draft_id) == report
        return s.recovery_message


def _db(data_dir):
    return paths.database_path(data_dir)


# -- missing, 0-byte, emptied ----------------------------------------------------------------
def test_zero_byte_database_beside_backups_is_recovered_and_said(tmp_path):
    drafts = _populated(tmp_path)
    _db(tmp_path).write_bytes(b"")
    msg = _assert_all_there(tmp_path, drafts)
    assert "备份" in msg and "恢复" in msg
    assert _assert_all_there(tmp_path, drafts) == ""  # said once


def test_missing_database_beside_backups_is_recovered_and_said(tmp_path):
    drafts = _populated(tmp_path)
    _db(tmp_path).unlink()
    msg = _assert_all_there(tmp_path, drafts)
    assert "不存在" in msg and "备份" in msg and "恢复" in msg


def test_database_emptied_by_a_lost_recovery_is_recovered(tmp_path):
    """What the old code left behind: our schema, no drafts, good backups beside it."""
    drafts = _populated(tmp_path)
    _db(tmp_path).unlink()
    con = sqlite3.connect(tmp_path / "elsewhere.db")
    con.close()
    with Storage.open(tmp_path / "fresh"):
        pass
    shutil.copyfile(_db(tmp_path / "fresh"), _db(tmp_path))
    msg = _assert_all_there(tmp_path, drafts)
    assert "为空" in msg and "备份" in msg
    # the empty file is kept aside, not deleted
    assert len(list(tmp_path.glob("jixiao-empty-*.db"))) == 1


def test_a_database_the_clerk_emptied_stays_empty(tmp_path):
    drafts = _populated(tmp_path)
    with Storage.open(tmp_path) as s:
        for draft_id in drafts:
            s.delete(draft_id)
            s.purge(draft_id)
    with Storage.open(tmp_path) as s:
        assert s.list(include_deleted=True) == [] and s.recovery_message == ""


def test_a_new_install_starts_empty_without_a_message(tmp_path):
    with Storage.open(tmp_path / "new") as s:
        assert s.list(include_deleted=True) == [] and s.recovery_message == ""
    with Storage.open(tmp_path / "new") as s:  # and an empty database with no backups stays so
        assert s.auto_backup() is not None
    with Storage.open(tmp_path / "new") as s:  # nor does an empty backup make it "recovery"
        assert s.recovery_message == ""


def test_the_newest_backup_holding_drafts_is_used(tmp_path):
    drafts = _populated(tmp_path)
    [good] = list_backups(tmp_path)
    folder = tmp_path / "backups"
    os.replace(good, folder / "jixiao-20200101-000000.db")
    with Storage.open(tmp_path / "empty") as s:  # a newer backup of an empty database
        s.backup(folder / "jixiao-20210101-000000.db")
    (folder / "jixiao-20220101-000000.db").write_bytes(GARBAGE)  # and a newer broken one
    _db(tmp_path).write_bytes(GARBAGE)
    msg = _assert_all_there(tmp_path, drafts)
    assert "jixiao-20200101-000000.db" in msg and "2020-01-01" in msg


# -- kill at every step ---------------------------------------------------------------------
class Killed(BaseException):
    """A simulated SIGKILL: nothing runs after it, not even cleanup."""


PRIMITIVES = [(os, "replace"), (os, "rename"), (os, "unlink"), (os, "remove"), (os, "fsync"),
              (os, "ftruncate"), (shutil, "copyfile"), (shutil, "copy2"), (shutil, "move")]


def _kill_at(monkeypatch, step: int, after: bool) -> list:
    """Make the ``step``-th file-system primitive call the last one: it (``after``: once it
    has run) and every later call raise Killed. Returns the call log."""
    calls, dead = [], []

    def wrap(func):
        def killer(*args, **kwargs):
            if dead:
                raise Killed
            calls.append((func.__name__, str(args[0]) if args else ""))
            if len(calls) == step:
                dead.append(True)
                if after:
                    func(*args, **kwargs)
                raise Killed
            return func(*args, **kwargs)
        return killer
    for module, name in PRIMITIVES:
        monkeypatch.setattr(module, name, wrap(getattr(module, name)))
    return calls


DAMAGE = {
    "garbage": lambda db: db.write_bytes(GARBAGE),
    "zero": lambda db: db.write_bytes(b""),
    "missing": lambda db: db.unlink(),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_kill_at_any_step_of_recovery_loses_no_draft(tmp_path, monkeypatch, damage):
    template = tmp_path / "template"
    drafts = _populated(template)
    DAMAGE[damage](_db(template))
    # how many primitive calls a whole recovery makes
    probe = tmp_path / "probe"
    shutil.copytree(template, probe)
    with monkeypatch.context() as m:
        calls = _kill_at(m, 10**6, False)
        Storage.open(probe).close()
    total = len(calls)
    assert total >= 2
    told_last = calls[-1] == ("unlink", str(probe / recovery.NOTE_NAME))
    for step in range(1, total + 1):
        for after in (False, True):
            data = tmp_path / f"{damage}-{step}-{after}"
            shutil.copytree(template, data)
            with monkeypatch.context() as m:
                _kill_at(m, step, after)
                with pytest.raises(Killed):
                    Storage.open(data)
            msg = _assert_all_there(data, drafts)
            # only a kill once the whole recovery is done (like one right after the message
            # was returned) may leave the clerk untold
            if not (after and step == total and told_last):
                assert "备份" in msg, (step, after, msg)
            if damage == "garbage":  # the damaged bytes are kept, whole
                kept = list(data.glob("jixiao-damaged-*.db"))
                assert kept and all(p.read_bytes() == GARBAGE for p in kept), (step, after)


# -- backups rotation -------------------------------------------------------------------------
def _fill_old_backups(data_dir, n):
    [good] = list_backups(data_dir)
    folder = good.parent
    names = [f"jixiao-202001{day:02d}-120000.db" for day in range(1, n + 1)]
    for name in names:
        shutil.copyfile(good, folder / name)
    good.unlink()
    return folder, names


def test_an_empty_database_never_pushes_good_backups_out(tmp_path):
    drafts = _populated(tmp_path)
    folder, names = _fill_old_backups(tmp_path, 3)
    with Storage.open(tmp_path) as s:
        for draft_id in drafts:  # the clerk empties the database on purpose
            s.delete(draft_id)
            s.purge(draft_id)
        assert s.auto_backup(keep=3) is None  # no backup of nothing beside backups of drafts
    assert sorted(p.name for p in folder.glob("jixiao-2*.db")) == names
    with Storage.open(tmp_path) as s:  # even asked explicitly, the newest good one stays
        for _ in range(4):
            s.rolling_backup(keep=3)
    kept = sorted(p.name for p in folder.glob("jixiao-2*.db"))
    assert names[-1] in kept and len(kept) == 4


def test_rotation_still_drops_old_good_backups(tmp_path):
    _populated(tmp_path)
    folder, names = _fill_old_backups(tmp_path, 5)
    with Storage.open(tmp_path) as s:
        new = s.auto_backup(keep=3)
    assert new is not None
    assert sorted(p.name for p in folder.glob("jixiao-2*.db")) == sorted([*names[-2:], new.name])


# -- foreign files ---------------------------------------------------------------------------
def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path):
    db = _db(tmp_path)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO customers (name) VALUES ('张三')")
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(StorageError, match="不是本软件的数据库"):
        Storage.open(tmp_path)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jixiao.db"]


def test_a_sqlite_file_of_another_sqlite_utils_app_is_refused(tmp_path):
    db = _db(tmp_path)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT)")
    con.execute("INSERT INTO _sqlite_migrations VALUES ('other', '0001', 'x')")
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(StorageError, match="不是本软件的数据库"):
        Storage.open(tmp_path)
    assert db.read_bytes() == before


# -- permissions -----------------------------------------------------------------------------
def test_data_folder_database_and_backups_are_private(tmp_path):
    """POSIX modes (on Windows the per-user LOCALAPPDATA is private by its ACL; see docs)."""
    if os.name != "posix":
        return
    old = os.umask(0o022)
    try:
        data = tmp_path / "data"
        with Storage.open(data) as s:
            s.create(_report(1))
            backup = s.auto_backup()
            before = s.backup_to_dir("before-migration")
        _db(data).chmod(0o644)  # a database written by an older version
        with Storage.open(data):
            pass
        mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
        assert mode(data) == 0o700
        assert mode(_db(data)) == 0o600
        assert mode(data / "backups") == 0o700
        assert mode(backup) == 0o600 and mode(before) == 0o600
        _db(data).write_bytes(GARBAGE)  # a recovered database and the damaged copy too
        with Storage.open(data) as s:
            assert s.recovery_message
        assert mode(_db(data)) == 0o600
        assert all(mode(p) == 0o600 for p in data.glob("jixiao-damaged-*.db"))
    finally:
        os.umask(old)


# -- stale temp files ------------------------------------------------------------------------
def test_stale_temp_files_of_killed_writes_are_removed_at_open(tmp_path):
    _populated(tmp_path)
    folder = tmp_path / "backups"
    ours = [tmp_path / ".jixiao.k2j3h4.db.tmp", tmp_path / ".ui.k2j3h4.json.tmp", tmp_path / ".jixiao-damaged-20260101-000000.x1y2.db.tmp",
            folder / ".jixiao-20260101-000000.db.ab12cd.tmp",
            folder / ".jixiao-20260101-000000.db.ab12cd.tmp-journal"]
    others = [tmp_path / ".ui_state.x1y2.json.tmp", tmp_path / "notes.tmp", folder / "mine.db.tmp"]
    fresh = folder / ".jixiao-20260102-000000.db.zz99.tmp"  # a backup being written right now
    old = datetime.datetime.now().timestamp() - 3600
    for p in [*ours, *others, fresh]:
        p.write_bytes(b"x" * 1000)
        if p is not fresh:
            os.utime(p, (old, old))
    with Storage.open(tmp_path):
        pass
    assert not any(p.exists() for p in ours)
    assert all(p.exists() for p in others) and fresh.exists()


# -- stored text through the validation gate ------------------------------------------------
@pytest.mark.parametrize("bad", ['"1e400"', "NaN", "1" * 30])
def test_a_stored_report_is_read_through_the_validation_gate(tmp_path, bad):
    with Storage.open(tmp_path) as s:
        draft = s.create(_report(1))
        text = s.db.execute("SELECT report_json FROM drafts").fetchone()[0]
        assert '"107.49"' in text or "107.49" in text
        broken = text.replace('"107.49"', bad.strip('"')).replace("107.49", bad.strip('"'))
        s.db.execute("UPDATE drafts SET report_json = ?", [broken])
        s.db.conn.commit()
        with pytest.raises(StorageError) as err:
            s.get(draft)
        assert "草稿" in str(err.value)


# -- real kills ------------------------------------------------------------------------------
KILL_CHILD = r"""
import os, sys
from itertools import count
from pathlib import Path
from core.storage import Storage
data_dir, progress, expected = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
db = data_dir / "jixiao.db"
with open(progress, "a", encoding="utf-8") as fh:
    for i in count():  # damage the database, let the open recover it, again and again
        if i % 3 == 0:
            db.write_bytes(b"\x00garbage\xff" * 5000)
        elif i % 3 == 1:
            db.write_bytes(b"")
        else:
            db.unlink()
        with Storage.open(data_dir) as s:
            assert s.recovery_message, i
            assert len(s.list(include_deleted=True)) == expected, i
        fh.write(f"{i}\n")
        fh.flush()
        os.fsync(fh.fileno())
"""


def _reported(progress) -> int:
    try:
        lines = progress.read_text(encoding="utf-8").split("\n")[:-1]
    except FileNotFoundError:
        return -1
    return int(lines[-1]) if lines else -1


def test_sigkill_during_recovery_never_loses_a_draft(tmp_path):
    import random
    import subprocess
    import time

    from conftest import ROOT

    template = tmp_path / "template"
    drafts = _populated(template, n=4)
    with Storage.open(template) as s:  # a snapshot and a binned draft are kept too
        s.snapshot(next(iter(drafts)), "快照")
        s.delete(list(drafts)[-1])
        s.rolling_backup()
    rng = random.Random(20261130)
    mid_recovery = 0
    for run in range(20):
        data, progress = tmp_path / f"run{run}", tmp_path / f"run{run}.txt"
        shutil.copytree(template, data)
        target = rng.randint(0, 5)
        proc = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(data), str(progress),
                                 str(len(drafts))], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 20
            while _reported(progress) < target:  # polling a subprocess: no event to wait on
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, f"run {run}: child made no progress"
                # a random poll interval about as long as one iteration: the kill lands
                # anywhere in it, not just after the child's report
                time.sleep(rng.uniform(0.001, 0.04))
        finally:
            proc.kill()  # SIGKILL: no cleanup runs
            proc.wait()
            proc.stderr.close()
        state = recovery.database_state(_db(data))
        mid_recovery += state != recovery.OK or (data / recovery.NOTE_NAME).exists()
        _assert_all_there(data, drafts)
        with Storage.open(data) as s:
            assert len(s.snapshots(next(iter(drafts)))) == 1
            assert len(s.list()) == len(drafts) - 1
        # whatever the kill left behind is cleaned once it is stale
        recovery.remove_stale_temp_files(data, now=time.time() + recovery.STALE_TEMP_AGE + 1)
        leftovers = [p.name for p in data.rglob("*") if p.name.endswith((".tmp", "-journal"))]
        assert leftovers == [], leftovers
    print(f"{mid_recovery} of 20 kills inside damage or recovery")
    assert mid_recovery >= 5  # the kills did land inside damage and recovery
