"""Long work off the UI thread: one helper, with a busy indicator the caller shows.

``run_in_background(fn, on_done, on_failed)`` runs ``fn()`` in Qt's global thread pool and
calls ``on_done(result)`` or ``on_failed(message)`` back on the UI thread. ``fn`` must not touch
widgets. Exceptions never escape: an unexpected one becomes a Chinese message.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_running: set["_Job"] = set()  # keep a Python reference while the job runs


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any]):
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as e:  # reported, never raised into Qt
            message = str(e) if e.args and isinstance(e.args[0], str) and not str(e).isascii() else \
                f"意外错误：{type(e).__name__}: {e}"
            self.signals.failed.emit(message)
        else:
            self.signals.done.emit(result)


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[str], None]) -> None:
    job = _Job(fn)

    def finish(callback, value):
        _running.discard(job)
        callback(value)
    job.signals.done.connect(lambda r: finish(on_done, r))
    job.signals.failed.connect(lambda m: finish(on_failed, m))
    _running.add(job)
    QThreadPool.globalInstance().start(job)
