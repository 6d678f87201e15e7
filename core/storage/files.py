"""Drafts storage files: backups, database file checks, recovery of a damaged file and
``restore_database``."""
from __future__ import annotations

import datetime
import os
import shutil
import sqlite3
from pathlib import Path

from core.atomic import atomic_produce
from core.paths import database_path
from core.storage.schema import (_BACKUP_RE, _STAMP, BACKUPS_DIR, BEFORE_RESTORE, MIGRATIONS,
                                 NEWER_DATABASE, StorageError, known_migrations)


def backups_dir(data_dir: Path) -> Path:
    return Path(data_dir) / BACKUPS_DIR


def _parse_backup_name(name: str) -> tuple[str, datetime.datetime, int] | None:
    """(kind, time, n) of a backup file name; kind "" for a rolling backup."""
    m = _BACKUP_RE.match(name)
    if not m or m["kind"] == "damaged":
        return None
    try:
        when = datetime.datetime.strptime(m["stamp"], _STAMP)
    except ValueError:
        return None
    return m["kind"] or "", when, int(m["n"] or 0)


def list_backups(data_dir: Path) -> list[Path]:
    """Every backup in ``data_dir/backups`` (rolling and before-…), newest first."""
    folder = backups_dir(data_dir)
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    found = []
    for p in entries:
        parsed = _parse_backup_name(p.name)
        if parsed is not None and p.is_file():
            found.append(((parsed[1], parsed[2], p.name), p))
    return [p for _, p in sorted(found, reverse=True)]


def _stamped_path(folder: Path, kind: str = "", now: datetime.datetime | None = None) -> Path:
    """A new, unused ``jixiao-[kind-]YYYYMMDD-HHMMSS[-n].db`` in ``folder``."""
    stamp = (now or datetime.datetime.now()).strftime(_STAMP)
    base = f"jixiao-{kind + '-' if kind else ''}{stamp}"
    path, n = folder / f"{base}.db", 1
    while path.exists():
        n += 1
        path = folder / f"{base}-{n}.db"
    return path


def check_database_file(path: Path) -> str | None:
    """None when ``path`` is a sound jixiao database; else why not (Chinese)."""
    path = Path(path)
    if not path.is_file():
        return f"文件“{path}”不存在"
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        return f"无法打开“{path.name}”：{e}"
    try:
        rows = con.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            return f"“{path.name}”已损坏（完整性检查未通过）"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "drafts" not in tables:
            return f"“{path.name}”不是本软件的数据库（没有草稿表）"
        if "_sqlite_migrations" in tables:
            names = [r[0] for r in con.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATIONS.name])]
            if any(n not in known_migrations() for n in names):
                return f"“{path.name}”{NEWER_DATABASE}"
    except sqlite3.DatabaseError as e:
        return f"“{path.name}”已损坏或不是本软件的数据库：{e}"
    finally:
        con.close()
    return None


def _is_damaged(path: Path) -> bool:
    """An existing, non-empty database file that SQLite cannot read or whose check fails."""
    try:
        if path.stat().st_size == 0:
            return False
    except OSError:
        return False
    # Not read-only: a hot journal left by a crash must be rolled back, not taken for damage.
    try:
        con = sqlite3.connect(path)
    except sqlite3.Error:
        return False  # cannot even open: the normal open reports why
    try:
        return con.execute("PRAGMA quick_check").fetchall() != [("ok",)]
    except sqlite3.OperationalError:
        return False  # locked, no permission …: not damage; the normal open reports it
    except sqlite3.DatabaseError:
        return True  # SQLITE_CORRUPT, SQLITE_NOTADB
    finally:
        con.close()


def _copy_into_place(source: Path, target: Path) -> None:
    """Copy ``source`` over ``target`` atomically (temp file beside it, fsync, replace)."""
    atomic_produce(target, lambda tmp: shutil.copyfile(source, tmp))


def _recover(data_dir: Path, path: Path) -> str:
    """Move a damaged database aside and put the newest good backup in its place.

    Returns the Chinese message for the user. Nothing is deleted.
    """
    damaged = _stamped_path(data_dir, "damaged")
    try:
        os.replace(path, damaged)
        for suffix in ("-journal", "-wal", "-shm"):  # a stale journal must not touch the new file
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, damaged.with_name(damaged.name + suffix))
    except OSError as e:
        raise StorageError(f"数据库文件“{path}”已损坏，且无法移到一旁：{e.strerror or e}") from e
    kept = f"损坏的文件已保留为“{damaged}”。"
    for backup in list_backups(data_dir):
        if check_database_file(backup) is not None:
            continue
        try:
            _copy_into_place(backup, path)
        except OSError:
            continue
        when = _parse_backup_name(backup.name)[1].strftime("%Y-%m-%d %H:%M")
        return (f"数据库文件已损坏，已自动从 {when} 的备份（{backup.name}）恢复。"
                f"该备份之后所做的修改可能缺失，请核对最近编辑的草稿。{kept}")
    return f"数据库文件已损坏，且没有可用的备份，已新建一个空数据库。{kept}"


def restore_database(data_dir: Path, source: Path) -> tuple[Path, int]:
    """Replace the data directory's database with the jixiao database ``source``.

    ``source`` is checked first (integrity, a drafts table, not from a newer version); the
    current database is backed up as ``jixiao-before-restore-….db``; then ``source`` is copied
    into place atomically. Returns (that backup, number of drafts now present, bin included).
    """
    source = Path(source)
    problem = check_database_file(source)
    if problem:
        raise StorageError(f"不能用该文件恢复：{problem}")
    data_dir = Path(data_dir)
    # Imported here: core.storage.drafts imports this module (Storage.open uses the checks).
    from core.storage.drafts import Storage

    with Storage.open(data_dir) as current:
        if source.resolve() == current.path.resolve():
            raise StorageError("要恢复的文件就是当前数据库")
        before = current.backup_to_dir(BEFORE_RESTORE)
    path = database_path(data_dir)
    try:
        _copy_into_place(source, path)
    except OSError as e:
        raise StorageError(f"恢复失败，当前数据库未改动：{e.strerror or e}") from e
    with Storage.open(data_dir) as restored:
        count = len(restored.list(include_deleted=True))
    return before, count

