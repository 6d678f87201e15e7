"""The modal calls of the 汇总 workspace (file dialogs, the drafts picker), in one place so tests
patch them; and the background export of the summary files."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QLabel,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from core.rounding import fmt_score

PACKAGE_FILTER = "绩效数据包 (*.jxpkg)"
KIND_TEXT = {"department_overall": "部门整体", "project": "项目"}


class DraftPicker(QDialog):
    """Drafts of this computer to add to the 汇总: several may be chosen."""

    def __init__(self, drafts, parent=None):
        super().__init__(parent)
        self.setWindowTitle("添加本机草稿到汇总")
        self.drafts = list(drafts)
        self.table = QTableWidget(len(self.drafts), 5)
        self.table.setHorizontalHeaderLabels(["单位", "年度", "类型", "标题", "规则得分"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        for i, d in enumerate(self.drafts):
            for col, text in enumerate((d.unit, str(d.year or "—"), KIND_TEXT.get(d.kind, d.kind), d.title,
                                        fmt_score(d.total))):
                item = QTableWidgetItem(text)
                if col in (1, 4):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(i, col, item)
        self.table.resizeColumnsToContents()
        self.table.selectAll()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("加入汇总")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("选择要加入汇总的草稿（Ctrl/Shift 多选，默认全选）："))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def chosen_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.drafts[r].id for r in rows]


class Prompts:
    @staticmethod
    def folder(parent, start: str) -> str | None:
        path = QFileDialog.getExistingDirectory(parent, "选择存放数据包的文件夹", start)
        return path or None

    @staticmethod
    def files(parent, start: str) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(parent, "选择数据包（可多选）", start, PACKAGE_FILTER)
        return list(paths)

    @staticmethod
    def drafts(parent, drafts) -> list[int]:
        dialog = DraftPicker(drafts, parent)
        return dialog.chosen_ids() if dialog.exec() == QDialog.Accepted else []

    @staticmethod
    def save_path(parent, title: str, suggested: str, file_filter: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
        return path or None


def with_suffix(path: str, suffix: str) -> Path:
    """The chosen name, with ``suffix`` added when the dialog did not add it."""
    p = Path(path)
    return p if p.suffix.lower() == suffix else p.with_name(p.name + suffix)
