"""Recovery of the drafts database: the one place that decides, when ``Storage.open`` starts,
whether ``jixiao.db`` can be opened as it is, and if not, puts the newest good backup in its
place without ever losing a byte.

``prepare(data_dir)`` runs before the database is connected and returns the Chinese message
for the clerk ("" when nothing happened). What it finds (``database_state``):

* ``OK`` — a sound database of ours with drafts (or emptied by the clerk on purpose:
  ``PRAGMA user_version`` = ``EMPTIED_BY_CLERK``, set when the last draft is purged or an
  empty backup restored). Opened as it is.
* ``DAMAGED`` — SQLite cannot read it or ``PRAGMA quick_check`` fails. Recovered from the
  newest sound backup (preferring one that holds drafts); with no usable backup an empty
  database is started. Either way the clerk is told.
* ``MISSING``, ``ZERO`` (0 bytes) or ``EMPTY`` (our schema, or no tables, but not a single
  draft and not emptied on purpose) — a loss when a sound backup holding drafts exists: that
  backup is restored and the clerk told. Without one this is a new install: no message.
* ``FOREIGN`` — a sound SQLite file with tables of another program (no ``drafts`` table, no
  migration of set "jixiao"): refused with ``StorageError``; the file is not touched.

The order of the steps makes a kill at any moment harmless (every step is redone, or
finished, by the next start):

1. The damaged (or empty) file is *copied* aside as ``jixiao-damaged-….db`` /
   ``jixiao-empty-….db`` (private, atomic). A copy left by an interrupted attempt that has the
   same bytes is reused, so repeated kills do not pile up copies. Nothing is ever deleted.
2. A rollback journal (``-journal``/``-wal``) beside it is copied aside too and then removed,
   so that it can never be played back into the backup that replaces the file.
3. The message is written to ``jixiao-recovery-note.txt`` (atomic).
4. The backup is copied over ``jixiao.db`` (temp file, fsync, ``os.replace``): until that
   rename the damaged file keeps its name, so a kill before it just means "still damaged".
5. The note is removed. A start that finds a sound database *and* a note (the kill fell
   between 4 and 5) shows the note's message, so the clerk is always told.

Two processes opening at once (the app and a command) recover under an OS lock on
``.jixiao-recovery.lock`` and look again once they hold it.

At every open, temp files our atomic writes and backups leave behind when killed (only our own
name patterns, e.g. ``.jixiao.x1y2z3.db.tmp`` or ``backups/.jixiao-…db.x1y2z3.tmp``) are
deleted once older than ``STALE_TEMP_AGE`` seconds — younger ones may belong to a backup
another process (``jixiao backup`` beside the app) is writing right now. The backups folder is
made 0700 and the files in it 0600 (POSIX).
"""
from __future__ import annotations

import contextlib
import filecmp
import os
import re
import sqlite3
import sys
import time
from pathlib import Path
from typing import Iterator

from core.atomic import PRIVATE_FILE, atomic_produce, atomic_write_text
from core.paths import PRIVATE_DIR, database_path, make_private
from core.storage import clean
from core.storage.files import (_parse_backup_name, _stamped_path, backups_dir, copy_private,
                                good_backups, list_backups)
from core.storage.schema import (_BACKUP_RE, AFTER_RESTORE, BEFORE_RESTORE, EMPTIED_BY_CLERK,
                                 MIGRATION_SET, StorageError)

OK, MISSING, ZERO, EMPTY, DAMAGED, FOREIGN = "ok", "missing", "zero", "empty", "damaged", "foreign"

#: Seconds after which a temp file of ours is taken for the leftover of a killed process.
STALE_TEMP_AGE = 60.0
NOTE_NAME = "jixiao-recovery-note.txt"
LOCK_NAME = ".jixiao-recovery.lock"
SIDECARS = ("-journal", "-wal")

# mkstemp names: core.atomic ".<stem>.<random><suffix>.tmp"; Storage.backup ".<name>.<random>.tmp"
_STAMPED = r"\d{8}-\d{6}(?:-\d+)?"
_DATA_TEMP_RE = re.compile(
    rf"^\.jixiao(?:-[a-z-]+-{_STAMPED})?\.\w+\.db\.tmp(?:-journal)?$"
    r"|^\.jixiao-recovery-note\.\w+\.txt\.tmp$"
    r"|^\.ui\.\w+\.json\.tmp$")  # the app's window settings (desktop/main_window.py, ui.json)
_BACKUP_TEMP_RE = re.compile(rf"^\.jixiao-(?:[a-z-]+-)?{_STAMPED}\.db\.\w+\.tmp(?:-journal)?$")

_WHY = {
    DAMAGED: "数据库文件已损坏",
    MISSING: "数据库文件不存在（可能被删除或移走）",
    ZERO: "数据库文件是空的（0 字节）",
    EMPTY: "数据库为空（没有任何草稿，可能是上次恢复被中断）",
}


# -- what is there ---------------------------------------------------------------------------
def database_state(path: Path, full: bool = True) -> str:
    """``OK``, ``MISSING``, ``ZERO``, ``EMPTY``, ``DAMAGED`` or ``FOREIGN`` (see the module).

    ``full=False`` (a file closed cleanly and untouched since, ``core.storage.clean``): the
    whole-file ``quick_check`` is replaced by the header check, unless the header looks wrong."""
    try:
        size = Path(path).stat().st_size
    except FileNotFoundError:
        return MISSING
    except OSError:
        return OK  # cannot even look: the normal open says why
    if size == 0:
        return ZERO
    # Read-write, not read-only: a hot journal left by a crash must be rolled back, not taken
    # for damage. Only reads follow.
    try:
        con = sqlite3.connect(path)
    except sqlite3.Error:
        return OK
    try:
        if (full or clean.header_problem(path)) and \
                con.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            return DAMAGED
        tables = {r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        if "drafts" not in tables:
            ours = "_sqlite_migrations" in tables and con.execute(
                "SELECT count(*) FROM _sqlite_migrations WHERE migration_set = ?",
                [MIGRATION_SET]).fetchone()[0] > 0
            if not ours and tables - {"_sqlite_migrations"}:
                return FOREIGN
            return EMPTY
        if con.execute("SELECT EXISTS (SELECT 1 FROM drafts)").fetchone()[0]:
            return OK
        return OK if con.execute("PRAGMA user_version").fetchone()[0] == EMPTIED_BY_CLERK else EMPTY
    except sqlite3.OperationalError:
        return OK  # locked, no permission …: not damage; the normal open reports it
    except sqlite3.DatabaseError:
        return DAMAGED  # SQLITE_CORRUPT, SQLITE_NOTADB
    finally:
        con.close()


def foreign_message(path: Path) -> str:
    return (f"“{path}”不是本软件的数据库（其中是其他程序的数据表，没有草稿表），程序没有改动它。"
            "请把该文件移到别处或改名后重新打开，或另选一个数据目录（--data-dir）。")


# -- at every open ---------------------------------------------------------------------------
def prepare(data_dir: Path, full: bool = True) -> str:
    """Make ``data_dir``'s database fit to open (see the module); the message for the clerk.
    ``full=False``: the file was closed cleanly and not written since (``core.storage.clean``),
    its header is checked instead of every page.

    Raises ``StorageError`` for a foreign file; OSError/sqlite3 errors of the recovery itself
    are left to ``Storage.open``, which translates them.
    """
    data_dir = Path(data_dir)
    remove_stale_temp_files(data_dir)
    _tighten_backups(data_dir)
    path = database_path(data_dir)
    state = database_state(path, full)
    if state == FOREIGN:
        raise StorageError(foreign_message(path))
    message = ""
    if state == DAMAGED or (state != OK and list_backups(data_dir)):  # else: a new install
        with _recovery_lock(data_dir):
            state = database_state(path)  # another process may have recovered it meanwhile
            if state == FOREIGN:
                raise StorageError(foreign_message(path))
            if state != OK:
                message = recover(data_dir, path, state)
    return message or _take_note(data_dir)


def remove_stale_temp_files(data_dir: Path, now: float | None = None) -> list[Path]:
    """Delete our temp files older than ``STALE_TEMP_AGE`` in the data and backups folders."""
    now = time.time() if now is None else now
    removed = []
    for folder, pattern in ((Path(data_dir), _DATA_TEMP_RE),
                            (backups_dir(data_dir), _BACKUP_TEMP_RE)):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not pattern.match(entry.name):
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                if now - entry.stat(follow_symlinks=False).st_mtime < STALE_TEMP_AGE:
                    continue
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return removed


def _tighten_backups(data_dir: Path) -> None:
    """Backups folder 0700, backups and kept-aside copies 0600 (older versions left 0644)."""
    if os.name != "posix":
        return
    folder = backups_dir(data_dir)
    for directory in (folder, Path(data_dir)):
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            if _BACKUP_RE.match(entry.name) and entry.is_file(follow_symlinks=False):
                make_private(entry.path)
    if folder.is_dir():
        make_private(folder, PRIVATE_DIR)


# -- recovering ------------------------------------------------------------------------------
def recover(data_dir: Path, path: Path, state: str) -> str:
    """Put the right backup in place of ``path`` found in ``state``; the message ("" when
    there is nothing to recover: a new install, or no backup holding drafts)."""
    usable = _after_last_restore(good_backups(data_dir))
    with_drafts = [backup for backup, count in usable if count > 0]
    if state == DAMAGED and usable and _kind(usable[0][0]) == AFTER_RESTORE:
        source = usable[0][0]  # the clerk's restore, even of an empty backup
    elif state == DAMAGED:
        source = (with_drafts or [b for b, _ in usable] or [None])[0]
    elif with_drafts:
        source = with_drafts[0]
    else:
        return ""
    aside = None
    if state in (DAMAGED, EMPTY):
        aside = _keep_aside(data_dir, path, "damaged" if state == DAMAGED else "empty")
    _clear_sidecars(path)
    message = _message(state, source, aside)
    note = Path(data_dir) / NOTE_NAME
    atomic_write_text(note, message, mode=PRIVATE_FILE)
    if source is None:  # an empty file in its place: SQLite builds a new database in it
        atomic_produce(path, lambda tmp: None, mode=PRIVATE_FILE)
    else:
        copy_private(source, path)
    with contextlib.suppress(FileNotFoundError):
        note.unlink()
    return message


def _kind(path: Path) -> str:
    parsed = _parse_backup_name(path.name)
    return parsed[0] if parsed else ""


def _after_last_restore(usable: list[tuple[Path, int]]) -> list[tuple[Path, int]]:
    """``usable`` (newest first) without the before-restore backups taken at or before the
    newest after-restore one: recovery never undoes a restore the clerk made. The after-restore
    backup comes first among backups of its second."""
    after = [b for b, _ in usable if _kind(b) == AFTER_RESTORE]
    if not after:
        return usable
    when = _parse_backup_name(after[0].name)[1]
    kept = [(b, n) for b, n in usable
            if not (_kind(b) == BEFORE_RESTORE and _parse_backup_name(b.name)[1] <= when)]
    return sorted(kept, key=lambda bn: (_parse_backup_name(bn[0].name)[1],
                                        bn[0] == after[0]), reverse=True)


def _keep_aside(data_dir: Path, path: Path, kind: str) -> Path:
    """A private copy of ``path`` (and its journal) as ``jixiao-<kind>-….db``; reuses an
    identical copy left by an interrupted earlier attempt."""
    aside = None
    size = path.stat().st_size
    for old in sorted(Path(data_dir).glob(f"jixiao-{kind}-*.db"), reverse=True):
        try:
            if old.stat().st_size == size and filecmp.cmp(old, path, shallow=False):
                aside = old
                break
        except OSError:
            continue
    if aside is None:
        aside = _stamped_path(Path(data_dir), kind)
        copy_private(path, aside)
    for suffix in SIDECARS:
        side, kept = _side(path, suffix), _side(aside, suffix)
        if side.exists() and not kept.exists():
            copy_private(side, kept)
    return aside


def _clear_sidecars(path: Path) -> None:
    """Remove a journal beside ``path`` (``_keep_aside`` has copied it): played back into the
    backup that replaces the file, it would damage it."""
    for suffix in SIDECARS + ("-shm",):
        with contextlib.suppress(FileNotFoundError):
            _side(path, suffix).unlink()


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _message(state: str, source: Path | None, aside: Path | None) -> str:
    why = _WHY[state]
    if source is None:
        text = f"{why}，且没有可用的备份，已新建一个空数据库。"
    else:
        when = _parse_backup_name(source.name)[1].strftime("%Y-%m-%d %H:%M")
        text = (f"{why}，已自动从 {when} 的备份（{source.name}）恢复。"
                "该备份之后所做的修改可能缺失，请核对最近编辑的草稿。")
    if aside is not None:
        what = "损坏的文件" if state == DAMAGED else "原来的空数据库"
        text += f"{what}已保留为“{aside}”。"
    return text


def _take_note(data_dir: Path) -> str:
    """The message of a recovery whose last step was interrupted (and the note removed)."""
    note = Path(data_dir) / NOTE_NAME
    try:
        text = note.read_text(encoding="utf-8")
        note.unlink()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError):
        return ""
    return text.strip()


@contextlib.contextmanager
def _recovery_lock(data_dir: Path) -> Iterator[None]:
    """Hold an exclusive OS lock on ``data_dir/.jixiao-recovery.lock`` (dropped by the OS if
    the process dies). Without a lock file (read-only folder) recovery fails on its own."""
    try:
        fd = os.open(Path(data_dir) / LOCK_NAME,
                     os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    except OSError:
        yield
        return
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for about 10 s, then OSError
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
