"""Atomic file writes: write a temp file beside the target, fsync, then rename into place.

If anything fails (full disk, pulled USB stick, target locked by Word) the old file is left
untouched and the temp file is removed. Every file the program writes goes through here.

The temp file is named ``.<stem>.<random><suffix>.tmp`` (``tempfile.mkstemp``) in the target's
folder; ``core.storage.recovery`` removes such files of the drafts database left by a killed
process. Permissions: an exported report or a settings file is an ordinary file (0666 less the
umask); the drafts database and its copies pass ``mode=0o600`` (``PRIVATE_FILE``) so that no
other local user can read them (POSIX; on Windows ``mode`` only affects the read-only flag and
the per-user data folder is private by its ACL).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

#: Permission bits of a file only its owner may read and write (the database and its copies).
PRIVATE_FILE = 0o600


def atomic_produce(path: str | Path, produce: Callable[[Path], None], *,
                   mode: int | None = None) -> Path:
    """Call ``produce(tmp)`` to write the whole file to a temp path beside ``path``, then
    fsync it and rename it over ``path``. Raises what failed (OSError …), leaving no temp file.

    ``mode``: the finished file's permission bits; None (the default) gives an ordinary file,
    0666 less the umask, as exports and settings need; ``PRIVATE_FILE`` keeps it private.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        produce(tmp)
        # mkstemp makes it private (0600); exports and settings are ordinary files
        os.chmod(tmp, (0o666 & ~_umask()) if mode is None else mode)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    return path


def _umask() -> int:
    """The process umask. Read from /proc on Linux: setting it to learn it (the fallback)
    briefly leaves it 0 for every other thread that creates a file meanwhile."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    atomic_produce(path, lambda tmp: tmp.write_bytes(data), mode=mode)


def atomic_write_text(path: Path, text: str, *, mode: int | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)
