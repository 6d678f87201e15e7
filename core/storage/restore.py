"""``restore_database``: replace the data directory's drafts database with a backup the clerk
chose (``jixiao restore FILE.db``)."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from core.atomic import PRIVATE_FILE, atomic_produce
from core.instance_lock import InstanceLock
from core.paths import database_path
from core.storage.drafts import Storage
from core.storage.errors import error_text
from core.storage.files import check_database_file, draft_count
from core.storage.schema import BEFORE_RESTORE, EMPTIED_BY_CLERK, StorageError


def restore_database(data_dir: Path, source: Path) -> tuple[Path, int]:
    """Replace the data directory's database with the jixiao database ``source``.

    ``source`` is checked first (integrity, a drafts table, not from a newer version); the
    current database is backed up as ``jixiao-before-restore-….db``; then ``source`` is copied
    into place atomically (private). A restored file without drafts is marked as emptied on
    purpose, so the next open does not take it for a loss to recover. Refused while the app
    has the data directory open (its connection would go on writing to the replaced file).
    Returns (that backup, number of drafts now present, bin included).
    """
    source = Path(source)
    problem = check_database_file(source)
    if problem:
        raise StorageError(f"不能用该文件恢复：{problem}")
    data_dir = Path(data_dir)
    lock = InstanceLock.acquire(data_dir)
    if lock is None:
        raise StorageError("绩效自评助手正在使用这个数据目录，请先关闭程序再恢复")
    try:
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
    finally:
        lock.release()
    return before, count
