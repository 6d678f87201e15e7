"""``restore_database``: replace the data directory's drafts database with a backup the clerk
chose (``jixiao restore FILE.db``); ``app_holds`` / ``ensure_no_app``: the one check that the
app does not hold the data directory, for every command that writes the database."""
from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path
from typing import Iterator

from core.atomic import PRIVATE_FILE, atomic_produce
from core.instance_lock import InstanceLock
from core.paths import database_path
from core.storage.drafts import Storage
from core.storage.errors import error_text
from core.storage.files import check_database_file, draft_count
from core.storage.schema import (AFTER_RESTORE, BEFORE_RESTORE, EMPTIED_BY_CLERK,
                                 StorageError)

APP_RUNNING = "绩效自评助手正在使用该数据目录，请先关闭程序再执行此命令"


def _try_app_lock(data_dir: Path, create: bool = False) -> InstanceLock | None | bool:
    """The app lock of ``data_dir`` if free (the caller releases it), None if held, False if
    there is nothing to lock (no such folder and not ``create``, or the lock file cannot be
    made: the write itself then says why)."""
    data_dir = Path(data_dir)
    if not create and not data_dir.is_dir():
        return False
    try:
        return InstanceLock.acquire(data_dir)
    except OSError:
        return False  # cannot even create the lock file: the write itself will say why


def app_holds(data_dir: Path) -> bool:
    """Another process (the app) holds ``data_dir``'s lock right now. Takes the lock only for
    the instant of the test."""
    lock = _try_app_lock(data_dir)
    if lock is None:
        return True
    if lock:
        lock.release()
    return False


@contextlib.contextmanager
def holding_app_lock(data_dir: Path) -> Iterator[None]:
    """Hold ``data_dir``'s app lock for the block, so the app cannot start meanwhile;
    ``StorageError(APP_RUNNING)`` if it is running."""
    lock = _try_app_lock(data_dir, create=True)
    if lock is None:
        raise StorageError(APP_RUNNING)
    try:
        yield
    finally:
        if lock:
            lock.release()


def ensure_no_app(data_dir: Path) -> None:
    """Refuse (``StorageError``, Chinese) while the app holds ``data_dir``: called by every
    command-line command that writes the database (import-json, unpack, restore)."""
    if app_holds(data_dir):
        raise StorageError(APP_RUNNING)


def restore_database(data_dir: Path, source: Path) -> tuple[Path, int]:
    """Replace the data directory's database with the jixiao database ``source``.

    ``source`` is checked first (integrity, a drafts table, not from a newer version); the
    current database is backed up as ``jixiao-before-restore-….db``; then ``source`` is copied
    into place atomically (private). A restored file without drafts is marked as emptied on
    purpose, so the next open does not take it for a loss to recover. The restored database is
    then backed up at once as ``jixiao-after-restore-….db``: if it is found damaged later,
    recovery takes that backup, never the before-restore one (the restore is not undone).
    Refused while the app has the data directory open (its connection would go on writing to
    the replaced file): ``APP_RUNNING``.
    Returns (that backup, number of drafts now present, bin included).
    """
    source = Path(source)
    problem = check_database_file(source)
    if problem:
        raise StorageError(f"不能用该文件恢复：{problem}")
    data_dir = Path(data_dir)
    with holding_app_lock(data_dir):
        with Storage.open(data_dir) as current:
            if source.resolve() == current.path.resolve():
                raise StorageError("要恢复的文件就是当前数据库")
            before = current.backup_to_dir(BEFORE_RESTORE)
        empty = draft_count(source) == 0

        def produce(tmp: Path) -> None:
            shutil.copyfile(source, tmp)
            if empty:
                con = sqlite3.connect(tmp)
                try:
                    con.execute(f"PRAGMA user_version = {EMPTIED_BY_CLERK}")
                    con.commit()
                finally:
                    con.close()
        try:
            atomic_produce(database_path(data_dir), produce, mode=PRIVATE_FILE)
        except (OSError, sqlite3.Error) as e:
            raise StorageError(f"恢复失败，当前数据库未改动：{error_text(e)}") from e
        with Storage.open(data_dir) as restored:
            count = len(restored.list(include_deleted=True))
            restored.backup_to_dir(AFTER_RESTORE)
    return before, count
