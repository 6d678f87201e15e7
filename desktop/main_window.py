"""The main window: the drafts list, and the editor of the open draft in its place."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QStackedWidget

from core.atomic import atomic_write_text
from core.findings import ERROR
from core.report_io import load_report
from core.storage import Storage, StorageError
from desktop.drafts_view import DraftsView

if TYPE_CHECKING:
    from desktop.editor import DraftEditor

UI_STATE = "ui.json"
NORMAL_PT, LARGE_PT = 11, 14


class MainWindow(QMainWindow):
    def __init__(self, storage: Storage, data_dir: Path):
        super().__init__()
        self.storage = storage
        self.data_dir = Path(data_dir)
        self.editor: DraftEditor | None = None
        self.setWindowTitle("绩效自评助手")
        self.resize(1366, 768)
        self.drafts = DraftsView(storage)
        self.drafts.open_requested.connect(self.open_draft)
        self.drafts.message.connect(self.say)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.drafts)
        self.setCentralWidget(self.stack)
        menu = self.menuBar().addMenu("文件(&F)")
        imp = QAction("导入报告文件（.json）…", self)
        imp.setShortcut(QKeySequence.Open)
        imp.triggered.connect(self.import_file)
        menu.addAction(imp)
        back = QAction("返回草稿列表", self)
        back.setShortcut("Ctrl+L")
        back.triggered.connect(self.show_list)
        menu.addAction(back)
        view = self.menuBar().addMenu("视图(&V)")
        self.large_text = QAction("大字体", self, checkable=True)
        self.large_text.setShortcut("Ctrl+=")
        self.large_text.toggled.connect(self.set_large_text)
        view.addAction(self.large_text)
        if self._state().get("large_text"):
            self.large_text.setChecked(True)
        self.say("就绪")

    def set_large_text(self, on: bool) -> None:
        font = QFont(QApplication.font())
        font.setPointSize(LARGE_PT if on else NORMAL_PT)
        QApplication.setFont(font)  # reaches every widget that has no font of its own …
        for cls in ("QAbstractItemView", "QHeaderView", "QMenu", "QMenuBar", "QLineEdit", "QPlainTextEdit",
                    "QComboBox", "QPushButton", "QLabel", "QGroupBox", "QCheckBox", "QStatusBar"):
            QApplication.setFont(font, cls)  # … and the classes a platform theme gives fonts of their own
        self._save_state(large_text=on)

    def say(self, text: str) -> None:
        self.statusBar().showMessage(text)

    # -- drafts ------------------------------------------------------------------------------
    def open_draft(self, draft_id: int) -> bool:
        from desktop.editor import DraftEditor  # the wizard loads when a draft opens, not at start-up
        from desktop.session import DraftSession

        self.close_draft()
        try:
            session = DraftSession(self.storage, self.data_dir, draft_id)
        except StorageError as e:
            self.say(str(e))
            return False
        self.editor = DraftEditor(session)
        self.editor.back_requested.connect(self.show_list)
        self.stack.addWidget(self.editor)
        self.stack.setCurrentWidget(self.editor)
        self._remember(draft_id)
        self.say(f"已打开：{session.report.title or session.report.unit.name}")
        return True

    def close_draft(self) -> None:
        if self.editor is None:
            return
        ok = self.editor.close_session()
        self.stack.removeWidget(self.editor)
        self.editor.deleteLater()
        self.editor = None
        if not ok:
            self.say("最后的修改未能保存，请检查磁盘空间后重试")

    def show_list(self) -> None:
        draft_id = self.editor.session.draft_id if self.editor else None
        self.close_draft()
        self.drafts.refresh(draft_id)
        self.stack.setCurrentWidget(self.drafts)

    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入报告文件", str(Path.home()), "报告文件 (*.json)")
        if path:
            self.import_report(path)

    def import_report(self, path: str) -> int | None:
        report, findings = load_report(path)
        if report is None:
            first = next((f for f in findings if f.severity == ERROR), findings[0])
            self.say(f"无法导入 {Path(path).name}：{first.message}（{first.where}）。未作任何改动。")
            return None
        draft_id = self.storage.create(report)
        self.drafts.refresh(draft_id)
        self.say(f"已导入 {Path(path).name}")
        return draft_id

    # -- remembering the last draft ----------------------------------------------------------
    def _state(self) -> dict:
        try:
            state = json.loads((self.data_dir / UI_STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    def _save_state(self, **changes) -> None:
        try:
            atomic_write_text(self.data_dir / UI_STATE, json.dumps({**self._state(), **changes}))
        except OSError:
            pass  # not worth bothering the clerk

    def _remember(self, draft_id: int) -> None:
        self._save_state(last_draft=draft_id)

    def reopen_last(self) -> bool:
        last = self._state().get("last_draft")
        alive = {d.id for d in self.storage.list()}
        return isinstance(last, int) and last in alive and self.open_draft(last)

    def closeEvent(self, event) -> None:
        self.close_draft()
        super().closeEvent(event)
