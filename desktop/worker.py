"""Long work off the UI thread: one helper, with a busy indicator the caller shows.

``run_in_background(fn, on_done, on_failed)`` runs ``fn()`` in Qt's global thread pool and
calls ``on_done(result)`` or ``on_failed(message)`` back on the UI thread. ``fn`` must not touch
widgets. Exceptions never escape: an unexpected one becomes a Chinese message (``failure_text``),
its details in the crash log.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from core.crash_log import internal_error_text, write_crash_log
from core.os_errors import os_error_text

_running: set["_Job"] = set()  # keep a Python reference while the job runs


def failure_text(e: Exception) -> str:
    """What the clerk reads when background work fails: the error's own Chinese message (our
    ExportError, StorageError …), an OS error in plain Chinese, or — for a bug of ours — the
    internal-error line with the log the details went to. Never English text of Python's."""
    text = str(e) if e.args and isinstance(e.args[0], str) else ""
    if text and not text.isascii():
        return text
    if isinstance(e, OSError):
        return f"读写文件失败：{os_error_text(e)}"
    return internal_error_text(e, write_crash_log(e, context="后台任务"))


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
            try:
                result = self.fn()
            except Exception as e:  # reported, never raised into Qt
                self.signals.failed.emit(failure_text(e))
            else:
                self.signals.done.emit(result)
        except RuntimeError:  # the program is closing: nobody is left to hear the result
            pass


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
