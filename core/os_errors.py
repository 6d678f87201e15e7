"""Operating-system errors in plain Chinese.

``os_error_text(e)`` turns an ``OSError`` into the reason a clerk can act on ("磁盘空间不足",
"文件正被其他程序打开" …) instead of the English ``strerror`` the OS gives ("No space left on
device"). Callers put it behind what they were doing: ``f"无法写入“{name}”：{os_error_text(e)}"``.
Every message the program shows for an ``OSError`` goes through here.
"""
from __future__ import annotations

import errno

# Windows error codes (``OSError.winerror``) that matter on office PCs
_WIN_SHARING_VIOLATION = 32
_WIN_LOCK_VIOLATION = 33
_WIN_DISK_FULL = 112
_WIN_NOT_READY = 21

_BY_ERRNO = {
    errno.ENOSPC: "磁盘空间不足，请清理磁盘或换一个位置",
    errno.EDQUOT: "磁盘配额已用完，请清理磁盘或换一个位置",
    errno.EROFS: "磁盘是只读的（可能是写保护的 U 盘或光盘），请换一个位置",
    errno.ENOENT: "文件或文件夹不存在，请检查路径；若在 U 盘上，请检查 U 盘是否插好",
    errno.ENOTDIR: "路径中有一部分不是文件夹，请检查路径",
    errno.EISDIR: "这是一个文件夹，不是文件，请选择文件",
    errno.EEXIST: "文件已存在",
    errno.ENAMETOOLONG: "文件名或路径过长，请换一个较短的名称或位置",
    errno.EIO: "读写磁盘时出错（U 盘可能已拔出或损坏），请检查磁盘后重试",
    errno.ENODEV: "设备不存在（U 盘可能已拔出），请插好后重试",
    errno.ENXIO: "设备不存在（U 盘可能已拔出），请插好后重试",
    errno.EBUSY: "文件正被其他程序使用，请关闭后重试",
    errno.EMFILE: "打开的文件过多，请关闭一些程序后重试",
    errno.ENFILE: "打开的文件过多，请关闭一些程序后重试",
    errno.EFBIG: "文件过大，该磁盘无法保存（FAT32 格式的 U 盘单个文件不能超过 4GB）",
    errno.EINVAL: "文件名或参数无效，请换一个文件名",
    errno.EXDEV: "不能跨磁盘移动该文件",
    errno.ETIMEDOUT: "操作超时，请检查磁盘或网络后重试",
}


def os_error_text(e: OSError) -> str:
    """The reason for ``e`` in plain Chinese, with what to do (no file name, no English)."""
    winerror = getattr(e, "winerror", None)
    if winerror in (_WIN_SHARING_VIOLATION, _WIN_LOCK_VIOLATION):
        return "文件正被其他程序（如 Word、WPS 或 PDF 阅读器）打开，请关闭该文件后重试"
    if winerror == _WIN_DISK_FULL:
        return _BY_ERRNO[errno.ENOSPC]
    if winerror == _WIN_NOT_READY:
        return "设备未就绪（U 盘可能已拔出），请插好后重试"
    if isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM):
        return ("没有权限，或文件正被其他程序（如 Word、WPS）打开，或文件是只读的；"
                "请关闭该文件、检查权限后重试，或换一个位置")
    if e.errno in _BY_ERRNO:
        return _BY_ERRNO[e.errno]
    if isinstance(e, TimeoutError):
        return _BY_ERRNO[errno.ETIMEDOUT]
    code = f"（错误代码 {e.errno}）" if e.errno else ""
    return f"操作系统报告读写失败{code}，请检查磁盘后重试"
