"""Autosave: keep the open draft saved while the clerk types, without blocking the UI.

The UI calls ``Autosaver.changed(report)`` on every edit. That only records the latest report
under a lock and wakes one background writer thread; it never touches the database.

The writer saves the latest report with ``Storage.save(draft_id, report)`` once ``delay``
seconds have passed without a new edit (debounce: many edits, few writes), but never later
than ``MAX_WAIT`` (1 s) after the first edit not yet saved, so a crash loses at most about a
second of typing. The writer opens its own ``Storage`` through ``storage_factory()`` inside
its thread, because a SQLite connection must not be used from another thread.

``flush()`` blocks until every change made so far has been written (or has failed);
``close()`` flushes, stops the thread and closes its connection. A failed save is never
raised into the caller: its Chinese message is kept in ``last_error`` and the save is
retried with the next change (the connection is reopened then).
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

from core import model

MAX_WAIT = 1.0  # seconds: the longest an unsaved edit waits for its write


class Autosaver:
    def __init__(self, storage_factory: Callable[[], Any], draft_id: int,
                 delay: float = 0.5):
        self._factory = storage_factory
        self.draft_id = draft_id
        self.delay = delay
        self.last_error: str | None = None
        self._cond = threading.Condition()
        self._pending: model.Report | None = None
        self._changes = 0  # edits seen so far
        self._settled = 0  # edits written (or whose write failed)
        self._first_unsaved = 0.0  # monotonic time of the first pending edit
        self._last_change = 0.0
        self._hurry = 0  # flush() calls waiting: skip the debounce
        self._stopping = False
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
                self._first_unsaved = now
            self._pending = report
            self._last_change = now
            self._changes += 1
            self._cond.notify_all()

    def flush(self) -> bool:
        """Wait until every change so far is written; True when none of them failed."""
        with self._cond:
            target = self._changes
            self._hurry += 1
            self._cond.notify_all()
            try:
                while self._settled < target and self._thread.is_alive():
                    self._cond.wait(0.1)
            finally:
                self._hurry -= 1
            return self.last_error is None

    def close(self) -> bool:
        """Write what is left, stop the writer and close its connection."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join()
        return self.last_error is None

    # -- writer thread -----------------------------------------------------------------------
    def _next(self) -> tuple[model.Report, int] | None:
        """Wait until a report is due; None when stopping with nothing left (lock held)."""
        while self._pending is None:
            if self._stopping:
                return None
            self._cond.wait()
        while not (self._stopping or self._hurry):
            due = min(self._last_change + self.delay, self._first_unsaved + MAX_WAIT)
            left = due - time.monotonic()
            if left <= 0:
                break
            self._cond.wait(left)
        report, self._pending = self._pending, None
        return report, self._changes

    def _run(self) -> None:
        storage = None
        try:
            while True:
                with self._cond:
                    item = self._next()
                if item is None:
                    return
                report, upto = item
                error = None
                try:
                    if storage is None:
                        storage = self._factory()
                    storage.save(self.draft_id, report)
                except Exception as e:  # kept for the UI, retried with the next change
                    error = f"自动保存失败：{e}"
                    storage = _close_quietly(storage)
                with self._cond:
                    self.last_error = error
                    self._settled = upto
                    self._cond.notify_all()
        finally:
            _close_quietly(storage)
            with self._cond:
                self._cond.notify_all()


def _close_quietly(storage: Any) -> None:
    if storage is not None:
        try:
            storage.close()
        except Exception:
            pass
    return None
