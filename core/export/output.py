"""Writing an exported file safely: temp file beside the target, then rename into place.

``write_output(path, produce)`` calls ``produce(tmp_path)`` to write the whole file into a
temporary file in the target's folder, fsyncs it and renames it over the target. If anything
fails — the target is open in Word (locked), the drive is full or was pulled out — the old file
is left as it was, the temp file is removed, and ``ExportError`` carries a Chinese message
saying what happened and what to do. No half-written file that looks finished is ever left.

A target marked read-only is refused before anything is written (a rename would silently
replace it). An ``OSError`` about a file outside the target's folder — the producer failing to
*read* something it needs, such as a template file python-docx ships, missing from a broken
installation — is not the target's fault: it is reported as an internal error of the program
(``ExportInternalError``), never as "目标文件夹不存在".
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Callable

from core.atomic import atomic_produce
from core.os_errors import os_error_text


class ExportError(Exception):
    """An export that could not be written; the message is for the clerk (Chinese)."""


class ExportInternalError(ExportError):
    """The program itself failed while producing the file (not the target, not the disk)."""


def read_only_message(path: Path) -> str:
    return (f"文件“{path.name}”是只读的，不能覆盖。原文件未改动。"
            "请另存为其他文件名，或先在文件属性中取消“只读”后重试。")


def _message(e: OSError, path: Path) -> str:
    name = path.name
    if e.errno in (errno.ENOSPC, errno.EDQUOT) or getattr(e, "winerror", None) == 112:
        return f"磁盘空间不足，无法写入“{name}”。原文件未改动。请清理磁盘或换一个位置保存。"
    if isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM, errno.EBUSY) \
            or getattr(e, "winerror", None) in (32, 33):
        return (f"无法写入“{name}”：文件可能正被其他程序（如 Word、WPS 或 PDF 阅读器）打开，或没有写入权限。"
                "请关闭该文件后重试，或另存为其他文件名。原文件未改动。")
    if e.errno in (errno.ENOENT, errno.ENODEV, errno.EIO, errno.ENXIO) or getattr(e, "winerror", None) == 21:
        return f"无法写入“{name}”：目标文件夹不存在或磁盘已拔出。请检查 U 盘是否插好，或换一个位置保存。"
    if e.errno == errno.EROFS:
        return f"无法写入“{name}”：磁盘是只读的。请换一个位置保存。"
    return f"无法写入“{name}”：{os_error_text(e)}。原文件未改动。"


def _is_read_only(path: Path) -> bool:
    """The target exists and is marked read-only: no write bit at all (chmod a-w, the Windows
    read-only attribute), or not writable for this user. Mode bits, not a write attempt:
    root (or an administrator) could write it anyway, and must still not replace it silently."""
    try:
        st = path.stat()
    except OSError:
        return False  # missing (or unreadable): the write itself will say what is wrong
    if not stat.S_ISREG(st.st_mode):
        return False
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    return not os.access(path, os.W_OK) and not _read_only_disk(path)


def _read_only_disk(path: Path) -> bool:
    """On a read-only disk (a write-protected stick) every file fails os.access: the write
    itself then says “磁盘是只读的”, which is the real reason."""
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):  # no statvfs on Windows
        return False


def _about_target(e: OSError, path: Path) -> bool:
    """Does ``e`` concern the target or its temp file (both in the target's folder)? An error
    without a file name (a write that failed: full disk, pulled stick) does too."""
    names = [n for n in (e.filename, getattr(e, "filename2", None)) if n is not None]
    if not names:
        return True
    folder = os.path.normcase(os.path.abspath(path.parent))
    return any(os.path.normcase(os.path.abspath(os.path.dirname(os.fsdecode(n)))) == folder for n in names
               if isinstance(n, (str, bytes, os.PathLike)))


def write_output(path: str | Path, produce: Callable[[Path], None]) -> Path:
    path = Path(path)
    if _is_read_only(path):
        raise ExportError(read_only_message(path))
    try:
        return atomic_produce(path, produce)
    except OSError as e:
        if not _about_target(e, path):
            what = Path(os.fsdecode(e.filename)).name if e.filename else ""
            why = "文件缺失" if isinstance(e, FileNotFoundError) else os_error_text(e)
            raise ExportInternalError(
                f"无法导出“{path.name}”：程序内部出错，读取程序自带的文件“{what}”失败（{why}）。"
                "原文件未改动。请重新安装本软件，或把这条消息告诉技术支持人员。") from e
        raise ExportError(_message(e, path)) from e
