"""The few dialogs the clerk opens on purpose: a new draft, a new title, a draft's history.

Each has a classmethod ``ask`` returning the answer (or None), so tests can patch it; likewise
``show_internal_error``, the one dialog the clerk did not ask for (``desktop.app.CrashReporter``).
"""
from __future__ import annotations

import datetime

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QInputDialog,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox,
                               QPushButton, QSpinBox, QVBoxLayout)

from core.templates import list_templates


class NewDraftDialog(QDialog):
    def __init__(self, parent=None, unit: str = ""):
        super().__init__(parent)
        self.setWindowTitle("新建报告")
        self.template = QComboBox()
        for tid, name in list_templates():
            self.template.addItem(name, tid)
        self.unit = QLineEdit(unit)
        self.unit.setPlaceholderText("例如：石峰区工商业联合会")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(datetime.date.today().year - 1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        form.addRow("模板", self.template)
        form.addRow("单位名称", self.unit)
        form.addRow("年度", self.year)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.unit.text().strip():
            self.error.setText("请填写单位名称")
            self.unit.setFocus()
            return
        self.accept()

    @classmethod
    def ask(cls, parent=None) -> tuple[str, str, int] | None:
        d = cls(parent)
        if d.exec() != QDialog.Accepted:
            return None
        return d.template.currentData(), d.unit.text().strip(), d.year.value()


def ask_title(parent, current: str) -> str | None:
    text, ok = QInputDialog.getText(parent, "重命名", "新的标题：", QLineEdit.Normal, current)
    return text.strip() if ok and text.strip() else None


class HistoryDialog(QDialog):
    """The draft's history points; the chosen one is restored (itself undoable)."""

    def __init__(self, snapshots, parent=None):
        super().__init__(parent)
        self.setWindowTitle("历史版本")
        self.list = QListWidget()
        for s in reversed(snapshots):
            item = QListWidgetItem(f"{s.created_at.replace('T', ' ')[:19]}　{s.description}")
            item.setData(256, s.id)
            self.list.addItem(item)
        restore = QPushButton("恢复到所选版本")
        restore.clicked.connect(self.accept)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("恢复前会先保存当前内容，恢复也可以撤销。"))
        layout.addWidget(self.list)
        layout.addWidget(restore)
        layout.addWidget(close)
        self.resize(560, 420)

    @classmethod
    def ask(cls, snapshots, parent=None) -> int | None:
        d = cls(snapshots, parent)
        if d.exec() != QDialog.Accepted or d.list.currentItem() is None:
            return None
        return d.list.currentItem().data(256)


def show_internal_error(parent, title: str, text: str) -> None:
    """Tell the clerk about an unexpected error (modal; the app goes on after 确定)."""
    QMessageBox.critical(parent, title, text)
