"""SQLite and OS errors of the drafts storage in plain Chinese.

``sqlite_error_text(e)`` says what went wrong and what to do ("数据库正被其他程序占用，请稍后
重试") instead of SQLite's English ("database is locked"); OS errors go through
``core.os_errors.os_error_text``. ``translated(doing)`` wraps a ``Storage`` method so that no
``sqlite3.Error`` or ``OSError`` ever leaves it: it becomes a ``StorageError`` whose message
starts with what was being done ("保存草稿失败：…").
"""
from __future__ import annotations

import functools
import sqlite3
from typing import Any, Callable, TypeVar

from core.os_errors import os_error_text
from core.storage.schema import StorageError

F = TypeVar("F", bound=Callable[..., Any])

BUSY = "数据库正被其他程序占用，请稍后重试（若一直如此，请关闭其他打开了草稿数据库的程序，或重新启动电脑）"
FULL = "磁盘空间不足，无法写入数据库；请清理磁盘后重试（已保存的内容不受影响）"
READONLY = ("数据库文件或其所在文件夹是只读的，无法保存；请检查数据目录的权限，"
            "或确认磁盘没有写保护")
IOERR = "读写数据库时磁盘出错（磁盘可能已拔出或损坏）；请检查磁盘后重试"
CANTOPEN = "无法打开数据库文件；请检查数据目录是否存在、是否有读写权限"
CORRUPT = "数据库文件已损坏；请关闭程序后重新打开，程序会自动从最近的备份恢复"
PERM = "没有访问数据库文件的权限；请检查数据目录的权限"
NOMEM = "内存不足；请关闭一些程序后重试"
OTHER = "数据库操作失败；请稍后重试，若仍失败请重新启动程序"

# SQLite result codes (primary name: extended names such as SQLITE_IOERR_WRITE start with it)
_BY_CODE = [
    ("SQLITE_BUSY", BUSY), ("SQLITE_LOCKED", BUSY), ("SQLITE_FULL", FULL),
    ("SQLITE_READONLY", READONLY), ("SQLITE_IOERR", IOERR), ("SQLITE_CANTOPEN", CANTOPEN),
    ("SQLITE_CORRUPT", CORRUPT), ("SQLITE_NOTADB", CORRUPT), ("SQLITE_PERM", PERM),
    ("SQLITE_AUTH", PERM), ("SQLITE_NOMEM", NOMEM),
]
# the same by SQLite's English text, for errors raised without a code
_BY_TEXT = [
    ("database is locked", BUSY), ("database table is locked", BUSY),
    ("database or disk is full", FULL), ("readonly database", READONLY),
    ("disk i/o error", IOERR), ("unable to open database", CANTOPEN),
    ("malformed", CORRUPT), ("not a database", CORRUPT), ("access permission denied", PERM),
    ("out of memory", NOMEM),
]


def sqlite_error_text(e: sqlite3.Error) -> str:
    """What a SQLite error means for the clerk, and what to do, in Chinese."""
    name = getattr(e, "sqlite_errorname", "") or ""
    for code, text in _BY_CODE:
        if name == code or name.startswith(code + "_"):
            return text
    message = str(e).lower()
    for words, text in _BY_TEXT:
        if words in message:
            return text
    return OTHER


def error_text(e: BaseException) -> str:
    """``sqlite_error_text`` or ``os_error_text`` of ``e``."""
    if isinstance(e, sqlite3.Error):
        return sqlite_error_text(e)
    if isinstance(e, OSError):
        return os_error_text(e)
    return OTHER


def storage_error(e: BaseException, doing: str) -> StorageError:
    """A ``StorageError`` "<doing>失败：<why, what to do>" for a SQLite or OS error."""
    err = StorageError(f"{doing}失败：{error_text(e)}")
    err.__cause__ = e
    return err


def translated(doing: str) -> Callable[[F], F]:
    """Decorate a storage method: ``sqlite3.Error`` and ``OSError`` become ``StorageError``."""
    def wrap(func: F) -> F:
        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except (sqlite3.Error, OSError) as e:
                raise storage_error(e, doing) from e
        return guarded  # type: ignore[return-value]
    return wrap
