"""The clean-shutdown mark: when a start may skip the whole-file ``PRAGMA quick_check``.

``quick_check`` reads every page; on 10,000 drafts (hundreds of MB) that is most of a start.
The same protection, without reading the whole file on each start:

* Every open still checks the file's header (``header_problem``: the SQLite magic, a valid page
  size, a size that is a whole number of pages and, when SQLite vouches for it, the page count
  the header records) and everything ``recovery.database_state`` looks at besides
  ``quick_check`` (our tables, drafts or emptied on purpose).
* ``quick_check`` itself runs unless the database was closed cleanly by us, nothing has written
  it since, and the last full check is less than ``FULL_CHECK_EVERY`` seconds old.
* "Closed cleanly": ``Storage.close`` writes ``jixiao-clean.json`` after the connection
  is closed; ``Storage.open`` removes it. A kill, a crash or a power cut leaves no mark, so the
  next start checks the whole file.
* "Nothing has written it since": at close the database's mtime is set to a random
  sub-second value (within the same second) that the mark records with the size and inode.
  Any later write — SQLite's, a copy, a restore, a tool, damage by a test — gives the file a new
  mtime (and often a new size or inode), a rollback journal beside it means an interrupted
  write: either way the mark no longer matches and the whole file is checked.
"""
from __future__ import annotations

import contextlib
import json
import os
import random
import struct
import time
from pathlib import Path

from core.atomic import PRIVATE_FILE

MARK_NAME = "jixiao-clean.json"
FULL_CHECK_EVERY = 24 * 3600.0
_MAGIC = b"SQLite format 3\x00"


def _mark(data_dir: Path) -> Path:
    return Path(data_dir) / MARK_NAME


def last_full_check(data_dir: Path, db: Path, now: float | None = None) -> float | None:
    """When the whole file was last checked, if this start may trust that; else None."""
    now = time.time() if now is None else now
    try:
        mark = json.loads(_mark(data_dir).read_text(encoding="utf-8"))
        st = os.stat(db)
        checked = float(mark["checked"])
        same = (mark["size"], mark["mtime_ns"], mark["ino"]) == (st.st_size, st.st_mtime_ns, st.st_ino)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not same or not 0 <= now - checked < FULL_CHECK_EVERY:
        return None
    if any(Path(str(db) + side).exists() for side in ("-journal", "-wal")):
        return None
    return checked


def forget(data_dir: Path) -> None:
    """At open: from now on the file may change; only a clean close marks it again."""
    mark = _mark(data_dir)
    if mark.exists():
        with contextlib.suppress(OSError):
            mark.unlink()


def remember(data_dir: Path, db: Path, checked: float) -> None:
    """At a clean close (the connection closed): mark the file as it is now."""
    with contextlib.suppress(OSError):
        st = os.stat(db)
        whole = st.st_mtime_ns - st.st_mtime_ns % 1_000_000_000
        os.utime(db, ns=(st.st_atime_ns, whole + random.randrange(1, 1_000_000_000)))
        st = os.stat(db)
        text = json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ino": st.st_ino,
                           "checked": checked})
        # A plain write, not an atomic one: a mark torn by a kill is not JSON, which only
        # means one more full check. Never one that vouches for a file it does not describe.
        fd = os.open(_mark(data_dir), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        try:
            os.write(fd, text.encode("ascii"))
        finally:
            os.close(fd)


def header_problem(db: Path) -> bool:
    """True when the first 100 bytes (or the size) cannot be those of a sound SQLite file."""
    try:
        with open(db, "rb") as f:
            head = f.read(100)
        size = os.stat(db).st_size
    except OSError:
        return False  # cannot even look: the normal open says why
    if len(head) < 100 or head[:16] != _MAGIC:
        return True
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1) or size % page_size:
        return True
    change, pages, valid_for = (struct.unpack(">I", head[i:i + 4])[0] for i in (24, 28, 92))
    return pages != 0 and valid_for == change and pages * page_size > size
