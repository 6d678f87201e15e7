"""Atomic file writes: write a temp file beside the target, fsync, then rename into place.

If anything fails (full disk, pulled USB stick, target locked by Word) the old file is left
untouched and the temp file is removed. Every file the program writes goes through here.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def atomic_produce(path: str | Path, produce: Callable[[Path], None]) -> Path:
    """Call ``produce(tmp)`` to write the whole file to a temp path beside ``path``, then
    fsync it and rename it over ``path``. Raises what failed (OSError …), leaving no temp file."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        produce(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; ours are ordinary files
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
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_produce(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
