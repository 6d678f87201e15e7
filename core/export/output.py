"""Writing an exported file safely: temp file beside the target, then rename into place.

``write_output(path, produce)`` calls ``produce(tmp_path)`` to write the whole file into a
temporary file in the target's folder, fsyncs it and renames it over the target. If anything
fails — the target is open in Word (locked), the drive is full or was pulled out — the old file
is left as it was, the temp file is removed, and ``ExportError`` carries a Chinese message
saying what happened and what to do. No half-written file that looks finished is ever left.
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Callable


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
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    except OSError as e:
        raise ExportError(_message(e, path)) from e
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        produce(tmp_path)
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes it private; an export is an ordinary file
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, path)
    except OSError as e:
        _remove(tmp_path)
        raise ExportError(_message(e, path)) from e
    except BaseException:
        _remove(tmp_path)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(p: Path) -> None:
    try:
        p.unlink()
    except OSError:
        pass
