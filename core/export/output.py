"""Writing an exported file safely: temp file beside the target, then rename into place.

``write_output(path, produce)`` calls ``produce(tmp_path)`` to write the whole file into a
temporary file in the target's folder, fsyncs it and renames it over the target. If anything
fails — the target is open in Word (locked), the drive is full or was pulled out — the old file
is left as it was, the temp file is removed, and ``ExportError`` carries a Chinese message
saying what happened and what to do. No half-written file that looks finished is ever left.
"""
from __future__ import annotations

import errno
from pathlib import Path
from typing import Callable

from core.atomic import atomic_produce


class ExportError(Exception):
    """An export that could not be written; the message is for the clerk (Chinese)."""


def _message(e: OSError, path: Path) -> str:
    name = path.name
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"磁盘空间不足，无法写入“{name}”。原文件未改动。请清理磁盘或换一个位置保存。"
    if isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM, errno.EBUSY) \
            or getattr(e, "winerror", None) in (32, 33):
        return (f"无法写入“{name}”：文件可能正被其他程序（如 Word、WPS 或 PDF 阅读器）打开，或没有写入权限。"
                "请关闭该文件后重试，或另存为其他文件名。原文件未改动。")
    if e.errno in (errno.ENOENT, errno.ENODEV, errno.EIO, errno.ENXIO):
        return f"无法写入“{name}”：目标文件夹不存在或磁盘已拔出。请检查 U 盘是否插好，或换一个位置保存。"
    if e.errno == errno.EROFS:
        return f"无法写入“{name}”：磁盘是只读的。请换一个位置保存。"
    return f"无法写入“{name}”：{e.strerror or e}。原文件未改动。"


def write_output(path: str | Path, produce: Callable[[Path], None]) -> Path:
    path = Path(path)
    try:
        return atomic_produce(path, produce)
    except OSError as e:
        raise ExportError(_message(e, path)) from e
