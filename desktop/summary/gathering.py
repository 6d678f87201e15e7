"""Reading packages off the UI thread, with progress and 取消.

``Gathering.start(sources)`` runs ``core.summary.gather.gather`` in a Python thread. The
thread only writes plain values (how far it is, then the result) under a lock; a ``QTimer``
on the UI thread looks at them every ``POLL_MS`` and calls the ``on_progress`` /
``on_finished`` / ``on_failed`` callbacks from there. No signal crosses threads, and none is
emitted from Python at all: PySide6 6.12.0 loses a reference to ``True`` on every
``Signal.emit()`` from Python, and a few thousand emits abort the process. ``cancel()`` sets
a flag the core looks at between packages; ``on_finished`` then gets the reports read so far
with ``cancelled`` set.

Drafts already in the database are read through a ``Storage`` opened in the worker thread
(an SQLite connection belongs to the thread that opened it).
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from desktop.worker import failure_text

POLL_MS = 100


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.progress: tuple[int, int, str] | None = None
        self.result = None
        self.error: str | None = None
        self.done = False


def _run(sources, data_dir: Path | None, stop: threading.Event, state: _State) -> None:
    from core.summary.gather import gather

    def progress(done: int, total: int, label: str) -> None:
        with state.lock:
            state.progress = (done, total, label)

    storage = None
    result, error = None, None
    try:
        if data_dir is not None and any(s.draft_id is not None for s in sources):
            from core.storage import Storage
            storage = Storage.open(data_dir)
        result = gather(sources, storage, progress=progress, cancelled=stop.is_set)
    except Exception as e:  # reported, never raised
        error = failure_text(e)
    finally:
        if storage is not None:
            try:
                storage.close()
            except Exception:
                pass
    with state.lock:
        state.result, state.error, state.done = result, error, True


class Gathering(QObject):
    """Callbacks (set by the owner): ``on_progress(done, total, label)``, ``on_finished(result)``
    (a ``GatherResult``), ``on_failed(message)``."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.on_progress = lambda done, total, label: None
        self.on_finished = lambda result: None
        self.on_failed = lambda message: None
        self._stop = threading.Event()
        self._state: _State | None = None
        self._thread: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def running(self) -> bool:
        return self._state is not None

    def start(self, sources, data_dir: Path | None = None) -> None:
        if self._state is not None:
            return
        self._stop = threading.Event()
        self._state = _State()
        self._thread = threading.Thread(target=_run, args=(list(sources), data_dir, self._stop, self._state),
                                        name="汇总读取", daemon=True)
        self._thread.start()
        self._timer.start()

    def cancel(self) -> None:
        self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the thread ends (closing the app); the result is then delivered by ``_poll``."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _poll(self) -> None:
        state = self._state
        if state is None:
            return
        with state.lock:
            shown, done = state.progress, state.done
            state.progress = None
        if shown is not None:
            self.on_progress(*shown)
        if not done:
            return
        self._timer.stop()
        self._state, self._thread = None, None
        if state.error is not None:
            self.on_failed(state.error)
        else:
            self.on_finished(state.result)
