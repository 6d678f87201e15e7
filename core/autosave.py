"""Autosave: keep the open draft saved while the clerk types, without blocking the UI.

The UI calls ``Autosaver.changed(report)`` on every edit. That only records the latest report
under a lock and wakes one background writer thread; it never touches the database.

The writer saves the latest report with ``Storage.save(draft_id, report)`` once ``delay``
seconds have passed without a new edit (debounce: many edits, few writes), but never later
than ``MAX_WAIT`` (1 s) after the first edit not yet saved, so a crash loses at most about a
second of typing. The writer opens its own ``Storage`` through ``storage_factory()`` inside
its thread, because a SQLite connection must not be used from another thread.

A failed write is retried by itself, without the clerk typing: after 0.5 s, 1 s, 2 s, 4 s,
then every 5 s (``backoff``), each time on a freshly opened connection, until it succeeds.
While it fails, ``last_error`` holds the reason in Chinese and ``unsaved_since`` the time of
the first edit not yet in the database; both clear when a retry succeeds. With ``keep_dir``
(the data directory) the latest unsaved report is also kept in a recovery file
(``core.unsaved``) as soon as a write fails and again as the clerk goes on typing, so even a
crash while the disk is full or the database locked keeps the edit if the file can be written;
the file goes once the draft is saved.

``flush()`` blocks until every change so far has been written or has failed once;
``wait_saved(timeout)`` until it is written (retrying); ``close(timeout)`` keeps retrying for
at most ``timeout`` seconds, then stops the thread — an edit still unsaved stays in the
recovery file. Nothing here raises a save error into the caller.
"""
from __future__ import annotations

import datetime
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable

from core import model, unsaved
from core.os_errors import os_error_text

MAX_WAIT = 1.0  # seconds: the longest an unsaved edit waits for its write
HURRY_RETRY = 0.25  # seconds between retries while someone waits (flush, close)
OVERDUE = MAX_WAIT + 1.0  # an edit older than this and still unsaved: the write is stuck


def backoff(failures: int) -> float:
    """Seconds before the next try after ``failures`` failed writes in a row: 0.5, 1, 2, 4, 5, 5 …"""
    return min(0.5 * 2 ** max(failures - 1, 0), 5.0)


def describe(e: BaseException) -> str:
    """Why a save failed, in Chinese the clerk can act on (never the English SQLite/OS text)."""
    if isinstance(e, OSError):
        return os_error_text(e)
    if isinstance(e, sqlite3.Error):
        text = str(e).lower()
        if "locked" in text or "busy" in text:
            return "数据库正被其他程序占用（写入被锁定），请关闭其他打开本软件数据的程序"
        if "full" in text:
            return "磁盘空间不足，请清理磁盘"
        if "readonly" in text or "read-only" in text:
            return "数据库文件是只读的，请检查文件属性或文件夹权限"
        if "i/o" in text or "disk" in text:
            return "读写磁盘时出错，请检查磁盘"
        if "unable to open" in text:
            return "无法打开数据库文件，请检查数据目录是否还在"
        return "数据库写入失败"
    text = str(e)
    if text and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text  # StorageError and friends already speak Chinese
    return "保存时发生意外错误"


class Autosaver:
    def __init__(self, storage_factory: Callable[[], Any], draft_id: int,
                 delay: float = 0.5, *, keep_dir: Path | None = None,
                 backoff: Callable[[int], float] = backoff):
        self._factory = storage_factory
        self.draft_id = draft_id
        self.delay = delay
        self.backoff = backoff
        self.keep_dir = Path(keep_dir) if keep_dir is not None else None
        self.last_error: str | None = None  # why the last write failed ("自动保存失败：…")
        self.failures = 0  # failed writes in a row
        self.unsaved_since: datetime.datetime | None = None  # first edit not yet written
        self.kept_path: Path | None = None  # the recovery file, while there is one
        self.keep_error: str | None = None  # why the recovery file could not be written
        self._cond = threading.Condition()
        self._file_lock = threading.Lock()  # recovery-file writes and removals, in order
        self._latest: model.Report | None = None
        self._pending: model.Report | None = None  # not yet handed to the writer
        self._pending_since: datetime.datetime | None = None
        self._pending_mono = 0.0  # the same moment, monotonic
        self._unsaved_mono = 0.0  # monotonic time of the first edit not yet written
        self._changes = 0  # edits seen so far
        self._attempted = 0  # edits whose write was tried (written or failed)
        self._saved = 0  # edits written
        self._kept = 0  # edits kept in the recovery file
        self._keep_tried = 0  # edits the recovery file was tried for (kept or failed)
        self._first_unsaved = 0.0  # monotonic time of the first pending edit
        self._first_unkept = 0.0  # monotonic time of the first edit not in the recovery file
        self._last_change = 0.0
        self._retry_at = 0.0
        self._last_failure = 0.0
        self._hurry = 0  # flush()/wait_saved() calls waiting: skip the debounce, retry soon
        self._stopping = False
        self._abandon = False  # close() gave up retrying
        self._set_aside_old_file()
        self._thread = threading.Thread(target=self._run, name="jixiao-autosave", daemon=True)
        self._thread.start()

    # -- UI thread ---------------------------------------------------------------------------
    def changed(self, report: model.Report) -> None:
        """Note the report as it is now; returns at once (the write happens later)."""
        with self._cond:
            if self._stopping:
                raise RuntimeError("Autosaver is closed")
            now = time.monotonic()
            if self._pending is None:
                self._first_unsaved = self._pending_mono = now
                self._pending_since = datetime.datetime.now()
            if self._saved == self._changes:
                self.unsaved_since, self._unsaved_mono = self._pending_since, self._pending_mono
            if self._keep_tried >= self._changes:
                self._first_unkept = now
            self._pending = self._latest = report
            self._last_change = now
            self._changes += 1
            self._cond.notify_all()

    @property
    def saved(self) -> bool:
        """Every change so far is in the database."""
        with self._cond:
            return self._saved >= self._changes

    def overdue(self, now: float | None = None) -> bool:
        """An edit has waited longer than a write should take (``OVERDUE``): the database is
        slow to answer (a held lock is waited for before it fails) or writes fail."""
        now = time.monotonic() if now is None else now
        with self._cond:
            return self._saved < self._changes and now - self._unsaved_mono > OVERDUE

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every change so far is written or its write has failed; True when written."""
        return self._wait(lambda target: self._attempted >= target, timeout)

    def wait_saved(self, timeout: float | None = None) -> bool:
        """Wait (retrying) until every change so far is written; False when ``timeout`` ran out."""
        return self._wait(lambda target: self._saved >= target, timeout)

    def _wait(self, done: Callable[[int], bool], timeout: float | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            target = self._changes
            self._hurry += 1
            self._cond.notify_all()
            try:
                while not done(target) and self._thread.is_alive():
                    left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
                    if left <= 0:
                        break
                    self._cond.wait(left)
            finally:
                self._hurry -= 1
            return self._saved >= target

    def close(self, timeout: float | None = 5.0) -> bool:
        """Write what is left (retrying for at most ``timeout`` seconds; None: until written),
        stop the writer and close its connection. An edit still unsaved then stays in the
        recovery file. True when everything was written."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is threading.current_thread():
            return self.saved
        self._thread.join(timeout)
        if self._thread.is_alive():
            with self._cond:
                self._abandon = True
                self._cond.notify_all()
            if not self.saved:
                self.keep()
            self._thread.join(0.5)  # it may be stuck in a slow write; it is a daemon thread
        return self.saved

    def keep(self) -> Path | None:
        """Write the latest unsaved report to the recovery file now; its path, or None when
        there is nothing unsaved, no ``keep_dir`` or the file cannot be written (``keep_error``)."""
        if self.keep_dir is None:
            return None
        with self._file_lock:
            with self._cond:
                if self._saved >= self._changes or self._latest is None:
                    return None
                if self._kept >= self._changes and self.kept_path is not None:
                    return self.kept_path
                report, upto = self._latest, self._changes
                since, reason = self.unsaved_since, self.last_error or ""
                self._keep_tried = max(self._keep_tried, upto)
            try:
                path = unsaved.write(self.keep_dir, self.draft_id, report, since, reason)
            except Exception as e:  # a full disk may refuse this too
                with self._cond:
                    self.keep_error = describe(e)
                return None
            with self._cond:
                self._kept = max(self._kept, upto)
                self.kept_path, self.keep_error = path, None
            return path

    # -- writer thread -----------------------------------------------------------------------
    def _set_aside_old_file(self) -> None:
        """A recovery file left from before is never overwritten or deleted: moved aside."""
        if self.keep_dir is None:
            return
        try:
            old = unsaved.find(self.keep_dir, self.draft_id)
            if old is not None:
                unsaved.set_aside(self.keep_dir, old)
        except Exception:
            pass

    def _next(self) -> tuple[str, model.Report, int] | None:
        """Wait for the next job: ("save" | "keep", report, change number); None when stopping
        with nothing left or abandoned (lock held)."""
        while True:
            if self._pending is None or self._abandon:
                if self._stopping or self._abandon:
                    return None
                self._cond.wait()
                continue
            now = time.monotonic()
            if self.failures:
                due = self._retry_at
                if self._stopping or self._hurry:
                    due = min(due, self._last_failure + HURRY_RETRY)
                keep_due = float("inf")
                if self.keep_dir is not None and self._keep_tried < self._changes:
                    keep_due = min(self._last_change + self.delay, self._first_unkept + MAX_WAIT)
                if due <= now:
                    break
                if keep_due <= now:
                    return "keep", self._latest, self._changes
                self._cond.wait(min(due, keep_due) - now)
            else:
                if self._stopping or self._hurry:
                    break
                due = min(self._last_change + self.delay, self._first_unsaved + MAX_WAIT)
                if due <= now:
                    break
                self._cond.wait(due - now)
        report, self._pending = self._pending, None
        return "save", report, self._changes

    def _run(self) -> None:
        storage = None
        try:
            while True:
                with self._cond:
                    job = self._next()
                    since = self._pending_since, self._pending_mono
                if job is None:
                    return
                kind, report, upto = job
                if kind == "keep":
                    self.keep()
                    continue
                try:
                    if storage is None:
                        storage = self._factory()
                    storage.save(self.draft_id, report)
                except Exception as e:  # retried after a pause, on a new connection
                    storage = _close_quietly(storage)
                    self._failed(report, since, e)
                    self.keep()  # before flush() returns: the edit is on disk if it can be
                    with self._cond:
                        self._attempted = max(self._attempted, upto)
                        self._cond.notify_all()
                else:
                    self._written(upto)
        finally:
            _close_quietly(storage)
            with self._cond:
                self._cond.notify_all()

    def _failed(self, report: model.Report, since, e: Exception) -> None:
        with self._cond:
            self.failures += 1
            self.last_error = f"自动保存失败：{describe(e)}"
            now = time.monotonic()
            self._last_failure = now
            self._retry_at = now + max(0.0, float(self.backoff(self.failures)))
            if self._pending is None:  # nothing newer came in: this one is tried again
                self._pending = report
            self._pending_since, self._pending_mono = since

    def _written(self, upto: int) -> None:
        # the recovery file goes before anyone waiting hears "saved" (same lock order as keep())
        with self._file_lock:
            with self._cond:
                saved = max(self._saved, upto)
                stale = self.kept_path if self.kept_path is not None and self._kept <= saved else None
            if stale is not None:
                try:
                    stale.unlink()
                except FileNotFoundError:
                    pass
                except OSError:
                    stale = None  # tried again after the next save
            with self._cond:
                self.failures = 0
                self.last_error = None
                self._saved = saved
                self._attempted = max(self._attempted, upto)
                if stale is not None:
                    self.kept_path = None
                if self._saved < self._changes:
                    self.unsaved_since, self._unsaved_mono = self._pending_since, self._pending_mono
                else:
                    self.unsaved_since = None
                self._cond.notify_all()


def _close_quietly(storage: Any) -> None:
    if storage is not None:
        try:
            storage.close()
        except Exception:
            pass
    return None
