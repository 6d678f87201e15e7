"""绩效目标与指标: the row tools of the indicator tree — add, insert, delete and move rows, add the
一级/二级 groups, paste rows copied from Excel and import a CSV/Excel table."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QGuiApplication

from core.table_import import read_pasted_rows
from desktop.indicator_model import COL_NAME


class IndicatorRows:
    """Part of ``IndicatorsPage``: the actions on ``tree`` / ``model`` behind the buttons and keys of
    the tool row; what they did or why they did nothing goes to ``message``."""

    def _current(self) -> QModelIndex:
        return self.tree.currentIndex().sibling(self.tree.currentIndex().row(), 0)

    def _select(self, index: QModelIndex, column: int = COL_NAME) -> None:
        if index.isValid():
            self.tree.expand(index.parent())
            self.tree.setCurrentIndex(index.sibling(index.row(), column))
            self.tree.scrollTo(index)

    def add_row(self) -> None:
        cur = self._current()
        node = self.model.node(cur)
        if not cur.isValid():
            self.message.setText("请先选中一个二级指标，再添加指标")
            return
        parent = cur if not node.is_leaf else cur.parent()
        if self.model.node(parent) is self.model.root:
            self.message.setText("请先选中一个二级指标（或其下的一行），再添加指标")
            return
        self._select(self.model.insert_leaf(parent, self.model.rowCount(parent)))
        self.tree.edit(self.tree.currentIndex())

    def insert_row(self) -> None:
        cur = self._current()
        if not cur.isValid() or not self.model.node(cur).is_leaf:
            return self.add_row()
        self._select(self.model.insert_leaf(cur.parent(), cur.row()))
        self.tree.edit(self.tree.currentIndex())

    def delete_row(self) -> None:
        cur = self._current()
        if not cur.isValid():
            return
        name = cur.data() or "（空行）"
        row, parent = cur.row(), cur.parent()
        self.model.remove(cur)
        self.message.setText(f"已删除“{name}”（可在“历史版本”中找回）")
        self._select(self.model.index(min(row, self.model.rowCount(parent) - 1), 0, parent))

    def move_row(self, delta: int) -> None:
        col = self.tree.currentIndex().column()
        self._select(self.model.move(self._current(), delta), col)

    def add_level1(self) -> None:
        data = self.level1_box.currentData()
        if data:
            name, weight = data
            self._select(self.model.insert_group(QModelIndex(), self.model.rowCount(), name, weight))

    def add_level2(self) -> None:
        cur = self._current()
        top = cur
        while top.isValid() and top.parent().isValid():
            top = top.parent()
        if not top.isValid():
            self.message.setText("请先选中一个一级指标，再添加二级指标")
            return
        idx = self.model.insert_group(top, self.model.rowCount(top), self.level2_box.currentText())
        self._select(idx)

    def paste(self) -> None:
        text = QGuiApplication.clipboard().text()
        rows, findings = read_pasted_rows(text)
        if rows is None:
            self.message.setText("无法粘贴：" + "；".join(f.message for f in findings) + "。未作任何改动。")
            return
        n = self.model.paste_rows(self._current(), rows)
        self.tree.expandAll()
        self.message.setText(f"已粘贴 {n} 行" if n else "请先选中一个二级指标，再粘贴没有一级/二级名称的行")

    def import_table(self, path: str | None = None) -> None:
        """导入表格（CSV/Excel）…: the file read by the core, then the import step with each
        column's meaning (``desktop.table_mapping``); the rows go in as pasted rows do."""
        from desktop.table_mapping import import_table
        import_table(self, path)
