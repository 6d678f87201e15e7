"""Where the app keeps its data: the data directory and the drafts database inside it.

The live database must sit on a local disk (docs: tech-notes §4), so the default is the
per-user *local* (not roaming) data directory, e.g. ``%LOCALAPPDATA%\\jixiao`` on Windows.
Tests and portable setups point elsewhere with ``JIXIAO_DATA_DIR`` or an explicit override.

Privacy: the drafts are the clerk's own. On POSIX a data directory the program creates is
0700, and the default directory is tightened to 0700 on every start (older versions left it
0755); a directory the user names that already exists keeps its mode (it may be a folder of
theirs), but the database, its backups and copies inside are 0600 (``core.storage``). On
Windows ``%LOCALAPPDATA%`` is private to the user by its default ACL (only the user, SYSTEM
and Administrators), and the data directory inherits that; nothing is changed there.
"""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

import platformdirs

APP_NAME = "jixiao"
ENV_VAR = "JIXIAO_DATA_DIR"
DATABASE_NAME = "jixiao.db"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private(path: str | Path, mode: int = PRIVATE_FILE) -> None:
    """Set ``path``'s permission bits to ``mode`` (POSIX; a no-op on Windows, where the
    per-user folder's ACL keeps it private). Never raises: a file we may not chmod (another
    owner, a read-only disk) is left as it is."""
    if os.name != "posix":
        return
    try:
        if (os.stat(path).st_mode & 0o7777) != mode:
            os.chmod(path, mode)
    except OSError:
        pass


def make_data_dir(path: str | Path) -> Path:
    """Create the data directory ``path`` (0700 when created here); returns it."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        make_private(path, PRIVATE_DIR)  # mkdir's mode is masked by the umask
    return path


def default_data_dir() -> Path:
    """The platform's per-user local data directory (not created here)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False, roaming=False)


def data_dir(override: str | Path | None = None) -> Path:
    """The data directory, created if missing.

    Order: ``override`` if given, else the ``JIXIAO_DATA_DIR`` environment variable (when
    set and not blank), else the platform's per-user local data directory.
    """
    if override is not None and str(override).strip():
        path = Path(override).expanduser()
    elif os.environ.get(ENV_VAR, "").strip():
        path = Path(os.environ[ENV_VAR].strip()).expanduser()
    else:
        path = default_data_dir()
        make_data_dir(path)
        make_private(path, PRIVATE_DIR)  # ours alone: tighten what an older version left
        return path
    return make_data_dir(path)


def database_path(data_dir: str | Path) -> Path:
    """The drafts database inside ``data_dir``."""
    return Path(data_dir) / DATABASE_NAME


# --- Removable and network drives -------------------------------------------------------

DRIVE_REMOVABLE = 2  # GetDriveTypeW results
DRIVE_REMOTE = 4
NETWORK_FSTYPES = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p", "afs", "davfs"}
)
REMOVABLE_MOUNT_ROOTS = ("/media/", "/run/media/")


def _message(kind: str, path: object) -> str:
    if kind == "network":
        what = f"数据目录位于网络驱动器上（{path}）。网络断开或多人同时打开都可能损坏数据库。"
    else:
        what = f"数据目录位于可移动磁盘（U 盘）上（{path}）。拔出 U 盘或写入中断都可能损坏数据库。"
    return what + f"请使用本机磁盘上的默认目录：{default_data_dir()}"


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]


def _windows_kind(path: str, drive_type: Callable[[str], int]) -> str | None:
    p = PureWindowsPath(os.path.abspath(path) if sys.platform == "win32" else path)
    if p.drive.startswith(("\\\\", "//")):  # UNC: \\server\share
        return "network"
    if not p.anchor:
        return None
    kind = drive_type(p.anchor)
    return {DRIVE_REMOVABLE: "removable", DRIVE_REMOTE: "network"}.get(kind)


def read_mounts() -> str:
    """The mount table as text ("source mountpoint fstype options 0 0" per line)."""
    with open("/proc/self/mounts", encoding="utf-8", errors="replace") as f:
        return f.read()


def sys_removable(disk: str) -> bool | None:
    """``/sys/block/<disk>/removable`` as a bool; None when unreadable."""
    try:
        return Path("/sys/block", disk, "removable").read_text().strip() == "1"
    except OSError:
        return None


def _unescape(field: str) -> str:  # /proc/mounts writes space as \040, tab as \011 ...
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def find_mount(path: str, mounts_text: str) -> tuple[str, str, str] | None:
    """(source, mount point, fstype) of the mount holding ``path``: longest prefix, last wins."""
    best: tuple[str, str, str] | None = None
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        source, point, fstype = _unescape(fields[0]), _unescape(fields[1]), fields[2]
        inside = point == "/" or path == point or path.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= len(best[1])):
            best = (source, point, fstype)
    return best


def block_disk(source: str) -> str | None:
    """The whole-disk name for a partition device: /dev/sdb1 -> sdb, nvme0n1p2 -> nvme0n1."""
    if not source.startswith("/dev/"):
        return None
    name = source[len("/dev/"):]
    m = re.fullmatch(r"((?:nvme\d+n\d+)|(?:mmcblk\d+))(?:p\d+)?", name)
    if m:
        return m.group(1)
    m = re.fullmatch(r"((?:sd|vd|hd|xvd)[a-z]+)\d*", name)
    return m.group(1) if m else None


def _linux_kind(path: str, mounts_text: str, removable: Callable[[str], bool | None]) -> str | None:
    mount = find_mount(path, mounts_text)
    if mount is None:
        return None
    source, point, fstype = mount
    if fstype.lower() in NETWORK_FSTYPES or source.startswith("//"):
        return "network"
    if (point + "/").startswith(REMOVABLE_MOUNT_ROOTS):
        return "removable"
    if source.startswith("/dev/") and os.path.islink(source):  # /dev/disk/by-uuid/...
        source = os.path.realpath(source)
    disk = block_disk(source)
    if disk and removable(disk):
        return "removable"
    return None


def drive_problem(
    path: str | Path,
    *,
    mounts_text: str | None = None,
    removable: Callable[[str], bool | None] | None = None,
    drive_type: Callable[[str], int] | None = None,
    windows: bool | None = None,
) -> str | None:
    """A Chinese warning when ``path`` is on a removable (USB) or network drive, else None.

    Windows: ``GetDriveTypeW`` of the path's root (UNC paths count as network).
    Linux: the longest-prefix mount in ``/proc/self/mounts``; network by fstype, removable
    when mounted under /media or /run/media or the disk's ``/sys/block/<disk>/removable``
    is 1. The keyword arguments replace those lookups in tests. Never raises: unknown -> None.
    """
    try:
        if windows if windows is not None else sys.platform == "win32":
            kind = _windows_kind(str(path), drive_type or _windows_drive_type)
        else:
            real = os.path.realpath(os.path.abspath(str(path)))
            text = mounts_text if mounts_text is not None else read_mounts()
            kind = _linux_kind(real, text, removable or sys_removable)
        return _message(kind, path) if kind else None
    except Exception:  # a warning helper must never stop the app from starting
        return None


DEFAULT_BACKUP_KEEP = 10


def backup_keep() -> int:
    """How many rolling backups to keep: ``JIXIAO_BACKUP_KEEP`` (1–365), else 10."""
    try:
        n = int(os.environ.get("JIXIAO_BACKUP_KEEP", DEFAULT_BACKUP_KEEP))
    except ValueError:
        return DEFAULT_BACKUP_KEEP
    return min(max(n, 1), 365)
