"""Drafts storage files: backup names and listing, checks of a database file (sound, ours,
how many drafts) and the private atomic copy. Nothing here opens ``Storage``; recovery lives
in ``core.storage.recovery`` and ``restore_database`` in ``core.storage.restore``."""
from __future__ import annotations

import datetime
import shutil
import sqlite3
from pathlib import Path

from core.atomic import PRIVATE_FILE, atomic_produce
from core.storage.errors import sqlite_error_text
from core.storage.schema import (_BACKUP_RE, _STAMP, BACKUPS_DIR, MIGRATION_SET, NEWER_DATABASE,
                                 known_migrations)


def backups_dir(data_dir: Path) -> Path:
    return Path(data_dir) / BACKUPS_DIR


def _parse_backup_name(name: str) -> tuple[str, datetime.datetime, int] | None:
    """(kind, time, n) of a backup file name; kind "" for a rolling backup."""
    m = _BACKUP_RE.match(name)
    if not m or m["kind"] in ("damaged", "empty"):
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
        return f"无法打开“{path.name}”：{sqlite_error_text(e)}"
    try:
        rows = con.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            return f"“{path.name}”已损坏（完整性检查未通过）"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "drafts" not in tables:
            return f"“{path.name}”不是本软件的数据库（没有草稿表）"
        if "_sqlite_migrations" in tables:
            names = [r[0] for r in con.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])]
            if any(n not in known_migrations() for n in names):
                return f"“{path.name}”{NEWER_DATABASE}"
    except sqlite3.OperationalError as e:
        return f"无法读取“{path.name}”：{sqlite_error_text(e)}"
    except sqlite3.DatabaseError:
        return f"“{path.name}”已损坏或不是本软件的数据库"
    finally:
        con.close()
    return None


def draft_count(path: Path) -> int | None:
    """How many drafts (recycle bin included) the database file ``path`` holds, read-only;
    None when it cannot be read or has no drafts table."""
    try:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except (sqlite3.Error, OSError):
        return None
    try:
        return int(con.execute("SELECT count(*) FROM drafts").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        con.close()


def good_backups(data_dir: Path) -> list[tuple[Path, int]]:
    """(backup, its number of drafts) of every sound backup, newest first."""
    found = []
    for backup in list_backups(data_dir):
        if check_database_file(backup) is None:
            count = draft_count(backup)
            if count is not None:
                found.append((backup, count))
    return found


def copy_private(source: Path, target: Path) -> None:
    """Copy ``source`` over ``target`` atomically (temp file beside it, fsync, replace), the
    result readable by its owner only. Raises OSError; ``target`` is untouched on failure."""
    atomic_produce(target, lambda tmp: shutil.copyfile(source, tmp), mode=PRIVATE_FILE)
