"""What the program does with an error it did not expect: a log for support, one line for the clerk.

``write_crash_log(exc)`` appends the details (time, program and Python versions, platform, the
command line, the traceback) to ``DATA/logs/jixiao-YYYYMMDD.log`` and returns the file's path;
when the data directory cannot be used it writes to ``<temp>/jixiao-logs/`` instead, and when
nothing can be written it returns None. It never raises — not for a full disk, not for a
``MemoryError`` or a ``RecursionError`` being reported, not for an exception whose ``str()``
raises itself. ``internal_error_text(exc, path)`` is the one Chinese line the clerk reads.

The logs stay small: one entry is cut to ``MAX_ENTRY_CHARS``; a day's file that reaches
``MAX_FILE_BYTES`` is renamed to ``….1.log`` (replacing the previous one) and started afresh; only
the newest ``KEEP_FILES`` log files are kept.

Used by the command line (``core.cli.main``) and by the app's exception hooks (``desktop.app``).
"""
from __future__ import annotations

import datetime
import os
import platform
import sys
import tempfile
import traceback
from pathlib import Path

LOG_FOLDER = "logs"
FALLBACK_FOLDER = "jixiao-logs"
MAX_FILE_BYTES = 1_000_000
MAX_ENTRY_CHARS = 64_000
MAX_ARG_CHARS = 500
KEEP_FILES = 20


def log_dirs(data_override: str | os.PathLike | None = None) -> list[Path]:
    """Where a log may go, in order: the data directory's logs folder, then the temp directory."""
    dirs: list[Path] = []
    try:
        from core.paths import data_dir

        dirs.append(data_dir(data_override) / LOG_FOLDER)
    except BaseException:  # noqa: BLE001 — an unusable data directory is why we have a fallback
        pass
    try:
        dirs.append(Path(tempfile.gettempdir()) / FALLBACK_FOLDER)
    except BaseException:  # noqa: BLE001
        pass
    return dirs


def _safe(fn, default: str = "") -> str:
    try:
        return str(fn())
    except BaseException:  # noqa: BLE001
        return default


def _version() -> str:
    from core.version import version  # pyproject.toml, the bundle's VERSION or the wheel's metadata

    return version()


def _traceback_text(exc: BaseException) -> str:
    try:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    except BaseException:  # noqa: BLE001 — formatting can fail (MemoryError, a str() that raises)
        try:
            frames = traceback.extract_tb(exc.__traceback__)[-20:]
            text = "".join(traceback.format_list(frames)) + type(exc).__name__ + "\n"
        except BaseException:  # noqa: BLE001
            text = _safe(lambda: type(exc).__name__, "unknown exception") + "\n"
    if len(text) > MAX_ENTRY_CHARS:  # keep the start (where it came from) and the end (what failed)
        half = MAX_ENTRY_CHARS // 2
        text = text[:half] + f"\n… ({len(text) - MAX_ENTRY_CHARS} characters cut) …\n" + text[-half:]
    return text


def _argv(argv: list[str] | None) -> str:
    args = sys.argv if argv is None else argv
    return " ".join(repr(a if len(a) <= MAX_ARG_CHARS else a[:MAX_ARG_CHARS] + "…") for a in list(args)[:50])


def entry_text(exc: BaseException, argv: list[str] | None = None, context: str = "") -> str:
    """The log entry for ``exc``: never raises; plain ASCII-safe text with the traceback."""
    now = _safe(lambda: datetime.datetime.now().isoformat(timespec="seconds"), "?")
    lines = [
        "=" * 72,
        f"time: {now}",
        f"jixiao: {_safe(_version, '?')}  python: {_safe(lambda: sys.version.split()[0], '?')}"
        f"  platform: {_safe(platform.platform, '?')}",
        f"argv: {_safe(lambda: _argv(argv), '?')}",
    ]
    if context:
        lines.append(f"context: {context}")
    lines.append(_traceback_text(exc))
    return "\n".join(lines) + "\n"


def _rotate(folder: Path, path: Path) -> None:
    try:
        if path.exists() and path.stat().st_size >= MAX_FILE_BYTES:
            os.replace(path, path.with_suffix(".1.log"))
    except OSError:
        pass
    try:
        logs = sorted(folder.glob("jixiao-*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in logs[KEEP_FILES:]:
            old.unlink()
    except OSError:
        pass


def write_crash_log(exc: BaseException, *, argv: list[str] | None = None, context: str = "",
                    data_override: str | os.PathLike | None = None) -> Path | None:
    """Append the details of ``exc`` to today's log; its path, or None if no log could be written."""
    try:
        text = entry_text(exc, argv, context)
        name = f"jixiao-{datetime.date.today():%Y%m%d}.log"
        for folder in log_dirs(data_override):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / name
                _rotate(folder, path)
                with open(path, "a", encoding="utf-8", errors="backslashreplace") as f:
                    f.write(text)
                return path
            except BaseException:  # noqa: BLE001 — try the next place
                continue
    except BaseException:  # noqa: BLE001 — even MemoryError while building the text
        pass
    return None


def error_kind_text(exc: BaseException) -> str:
    """A few Chinese words for what went wrong (no English, no file names)."""
    if isinstance(exc, MemoryError):
        return "内存不足，输入的文件可能过大"
    if isinstance(exc, RecursionError):
        return "数据层次过深，超出了程序的处理能力"
    if isinstance(exc, OSError):
        try:
            from core.os_errors import os_error_text

            return "读写文件时出错：" + os_error_text(exc)
        except BaseException:  # noqa: BLE001
            return "读写文件时出错"
    return "遇到了未预料的情况，操作没有完成"


def internal_error_text(exc: BaseException, log_path: Path | None) -> str:
    """The one line the clerk reads about an unexpected error."""
    kind = _safe(lambda: error_kind_text(exc), "遇到了未预料的情况，操作没有完成")
    if log_path is None:
        return f"程序内部错误：{kind}。详细信息无法写入日志，请记下出错前的操作并告知技术支持。"
    return f"程序内部错误：{kind}。详细信息已写入 {log_path}，请将该文件发给技术支持。"
