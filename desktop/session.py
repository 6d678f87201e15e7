"""One open draft: the current report, its autosave and its history.

Pages never hold their own copy of the report: they read ``session.report`` and change it with
``session.set(path, value)`` (paths as in ``core.edit``). Every change is handed to the
autosaver at once (it writes within about a second, off the UI thread, and retries by itself
when a write fails) and announced with the ``changed`` signal so derived values (totals,
findings) refresh. An edit that cannot be written is kept in ``DATA/unsaved/`` (``core.unsaved``).
"""
from __future__ import annotations

from dataclasses import replace
import datetime
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from core import edit, model
from core.autosave import Autosaver
from core.storage import Storage


class DraftSession(QObject):
    changed = Signal(str)  # the path that changed ("" = the whole report)

    def __init__(self, storage: Storage, data_dir: Path, draft_id: int, parent: QObject | None = None):
        super().__init__(parent)
        self.storage = storage
        self.data_dir = Path(data_dir)
        self.draft_id = draft_id
        self.report: model.Report = storage.get(draft_id)
        self._autosaver = Autosaver(lambda: Storage.open(self.data_dir), draft_id,
                                    keep_dir=self.data_dir)

    # -- edits ------------------------------------------------------------------------------
    def set(self, path: str, value: Any) -> None:
        """Change one value. A value carried from last year counts as confirmed once touched."""
        carried = self.report.carried
        confirmed = path in carried
        if edit.get_at(self.report, path) == value and not confirmed:
            return
        report = edit.set_at(self.report, path, value)
        if confirmed:
            report = replace(report, carried=tuple(p for p in carried if p != path))
        self.replace(report, path)

    def confirm_carried(self, prefix: str) -> int:
        """Confirm every carried value under ``prefix`` (a table, "figures" …); returns how many."""
        base = prefix.rstrip("/")
        keep = tuple(p for p in self.report.carried if not (p == base or p.startswith(base + "/")))
        dropped = len(self.report.carried) - len(keep)
        if dropped:
            self.replace(replace(self.report, carried=keep), base)
        return dropped

    def apply(self, change: Callable[[model.Report], model.Report], path: str = "") -> None:
        """Apply a function of the report (insert/delete/move rows …)."""
        self.replace(change(self.report), path)

    def replace(self, report: model.Report, path: str = "") -> None:
        self.report = report
        self._autosaver.changed(report)
        self.changed.emit(path)

    # -- saving and history -----------------------------------------------------------------
    @property
    def save_error(self) -> str | None:
        """Why the last write failed ("自动保存失败：…"); None once a write succeeded."""
        return self._autosaver.last_error

    @property
    def overdue(self) -> bool:
        """Writes fail, or the oldest unsaved edit waited longer than a write should take."""
        return bool(self._autosaver.last_error) or self._autosaver.overdue()

    @property
    def unsaved_since(self) -> datetime.datetime | None:
        """The first edit not yet in the database, while writes fail or are stuck (else None)."""
        return self._autosaver.unsaved_since if self.overdue else None

    @property
    def saved(self) -> bool:
        return self._autosaver.saved

    @property
    def kept_path(self) -> Path | None:
        """The recovery file holding the unsaved edits, while there is one."""
        return self._autosaver.kept_path

    @property
    def keep_error(self) -> str | None:
        return self._autosaver.keep_error

    def flush(self) -> bool:
        """Wait until the edits so far are written or a write failed; True when written."""
        return self._autosaver.flush()

    def wait_saved(self, timeout: float) -> bool:
        """Wait (retrying) at most ``timeout`` seconds until every edit is written."""
        return self._autosaver.wait_saved(timeout)

    def keep_unsaved(self) -> Path | None:
        """Write the unsaved edits to the recovery file now; its path or None."""
        return self._autosaver.keep()

    def snapshot(self, description: str) -> int | None:
        """Keep a history point (after the pending edits are written). None while writes fail:
        the database holds an older state then, not worth a history point."""
        if self._autosaver.last_error or not self.flush():
            return None
        return self.storage.snapshot(self.draft_id, description)

    def reload(self) -> None:
        """Take the stored report (after a history restore) as the current one."""
        self.flush()
        self.report = self.storage.get(self.draft_id)
        self.changed.emit("")

    def close(self, timeout: float | None = 5.0) -> bool:
        """Stop autosaving after writing what is left (retrying at most ``timeout`` seconds);
        False when an edit could not be written — it stays in the recovery file."""
        return self._autosaver.close(timeout)
