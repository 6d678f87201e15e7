"""A report from a package, shown in the editor read-only: the session has the report and
nothing else — no database, no autosave, no history; every way to change it does nothing.

``lock(widget)`` makes a page's inputs read-only (text) or disabled (buttons, boxes) and its
tables not editable; the editor calls it after each page (re)builds its widgets."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox,
                               QLineEdit, QPlainTextEdit, QTextEdit, QWidget)

from core import model


class ReadOnlySession(QObject):
    """What the wizard pages read from a session, for a report that is never saved."""
    changed = Signal(str)  # never emitted: nothing changes
    read_only = True

    def __init__(self, report: model.Report, source: str, data_dir: Path | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.report = report
        self.source = source  # the package file (or draft) it came from, for the banner
        self.data_dir = Path(data_dir) if data_dir else None
        self.storage = None
        self.draft_id = None
        self.edits_refused = 0  # how many times a page tried to change it (tests look)

    @property
    def banner(self) -> str:
        """The line over the read-only report: where it is from and that nothing is saved."""
        if str(self.source).lower().endswith(".jxpkg"):
            return f"只读：来自数据包 {self.source}，不会保存"
        return f"只读：{self.source}（在汇总中查看，不会保存；要修改请在草稿列表中打开）"

    # every edit is refused -------------------------------------------------------------------
    def set(self, path: str, value: Any) -> None:
        self.edits_refused += 1

    def apply(self, change: Callable[[model.Report], model.Report], path: str = "") -> None:
        self.edits_refused += 1

    def replace(self, report: model.Report, path: str = "") -> None:
        self.edits_refused += 1

    def confirm_carried(self, prefix: str) -> int:
        self.edits_refused += 1
        return 0

    # always "saved": there is nothing to save ------------------------------------------------
    save_error = None
    overdue = False
    unsaved_since = None
    saved = True
    kept_path = None
    keep_error = None

    def flush(self) -> bool:
        return True

    def wait_saved(self, timeout: float) -> bool:
        return True

    def keep_unsaved(self) -> None:
        return None

    def snapshot(self, description: str) -> None:
        return None

    def reload(self) -> None:
        pass

    def close(self, timeout: float | None = 5.0) -> bool:
        return True


def lock(widget: QWidget, keep: tuple = ()) -> None:
    """Nothing under ``widget`` takes input any more, except the widgets in ``keep`` (viewing
    aids such as the choice of table). Text stays selectable and copyable."""
    for w in widget.findChildren(QWidget):
        if w in keep:
            continue
        if isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)):
            w.setReadOnly(True)
            hint = w.placeholderText() if not isinstance(w, QAbstractSpinBox) else ""
            if "修改" in hint:  # "…；可编辑的格子可在此直接修改" would promise what read-only refuses
                w.setPlaceholderText("；".join(p for p in hint.split("；") if "修改" not in p) + "（只读）")
        elif isinstance(w, QAbstractItemView):
            w.setEditTriggers(QAbstractItemView.NoEditTriggers)
        elif isinstance(w, (QAbstractButton, QComboBox)):
            w.setEnabled(False)
