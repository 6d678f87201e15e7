"""One running copy per data directory: an OS lock on ``<data_dir>/jixiao.lock``.

Two copies of the app writing the same drafts database would overwrite each other's work,
so the app takes an exclusive, non-blocking OS lock at start-up and keeps the file open for
the life of the process. The OS drops the lock when the process ends, however it ends
(crash, kill, power cut on restart), so a stale ``jixiao.lock`` left on disk never blocks:
only a live lock does. The file's *contents* (pid and start time) are only a hint for the
"already running" message.

* Linux/macOS: ``fcntl.flock(LOCK_EX | LOCK_NB)``. flock locks belong to the open file
  description, so a second ``acquire`` in the *same* process also fails while the first
  lock is held.
* Windows: ``msvcrt.locking(fd, LK_NBLCK, 1)`` on one byte at ``_LOCK_OFFSET``, beyond the
  text, so other processes can still read the holder info (a locked byte cannot be read).
  Locks are per handle, so the same-process rule holds there too.

No Qt here: the desktop layer turns ``None`` + ``holder()`` into a dialog.
"""
from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

LOCK_NAME = "jixiao.lock"
_LOCK_OFFSET = 4096  # Windows: the locked byte lies past the pid/time text
_MAX_INFO = 1024

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(data_dir: str | Path) -> Path:
    """The lock file inside ``data_dir``."""
    return Path(data_dir) / LOCK_NAME


class InstanceLock:
    """A held lock. Get one with :meth:`acquire`; keep it until the app exits.

    Dropping the object without ``release()`` keeps the descriptor, and so the lock, open
    until the process ends: the safe direction for a single-instance guard.
    """

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, data_dir: str | Path) -> InstanceLock | None:
        """Lock ``data_dir/jixiao.lock``; ``None`` if another holder has it.

        The file is opened without truncation, so a losing attempt leaves the holder's info
        intact; the winner then overwrites it with its own pid and start time.
        """
        path = lock_path(data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        if not _try_lock(fd):
            os.close(fd)
            return None
        info = {"pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds")}
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(info).encode("utf-8"))
            os.fsync(fd)
        except OSError:
            pass  # the info is only a hint; the lock itself is what counts
        return cls(path, fd)

    @staticmethod
    def holder(data_dir: str | Path) -> str:
        """Who holds the lock, e.g. "进程 1234，自 2026-11-23 09:30 起"; "" if unknown.

        Reads the hint written by the holder; meaningful after ``acquire`` returned None
        (a file left by a killed process still names the dead pid).
        """
        try:
            with open(lock_path(data_dir), "rb") as f:
                info = json.loads(f.read(_MAX_INFO).decode("utf-8"))
            pid = int(info["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return ""
        try:
            since = datetime.fromisoformat(str(info["started"])).strftime("%Y-%m-%d %H:%M")
        except (KeyError, ValueError):
            return f"进程 {pid}"
        return f"进程 {pid}，自 {since} 起"

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Drop the lock and clear the holder info; safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
            _unlock(fd)
        except OSError:
            pass  # closing the descriptor releases the lock anyway
        finally:
            os.close(fd)

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
