"""The indicator tree's widgets: the tree view with spreadsheet keys (Enter, Tab, Ctrl+V), the
tier picker delegate (and its two-line 指标 rows) and the message label under the tree.

The 绩效目标与指标 page (``desktop.pages.indicators``) builds them; they know the page only
through the few methods they call back (``paste``, ``add_row``, the session's templates).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLabel, QStyledItemDelegate, QTreeView

from core.rounding import fmt
from desktop.indicator_model import COL_NAME, COL_TIER

if TYPE_CHECKING:
    from desktop.pages.indicators import IndicatorsPage

NAME_MAX_LINES = 2  # a longer name is cut with … and read whole in the 全文 box


class TierDelegate(QStyledItemDelegate):
    """A combo box of the template's qualitative tiers for the 定性档次 column."""

    def __init__(self, page: "IndicatorsPage"):
        super().__init__(page)
        self.page = page

    def createEditor(self, parent, option, index):
        if index.column() != COL_TIER:
            return super().createEditor(parent, option, index)
        box = QComboBox(parent)
        box.addItem("（自动判断）", "")
        tpl = self.page.model.template
        for t in (tpl.tiers if tpl else ()):
            box.addItem(f"{t.label}（{fmt(t.low * 100)}%–{fmt(t.high * 100)}%）", t.key)
        return box

    def sizeHint(self, option, index):
        """A long 指标 name wraps onto a second line instead of being cut (more: the 全文 box)."""
        size = super().sizeHint(option, index)
        if index.column() != COL_NAME:
            return size
        tree = self.page.tree
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = tree.columnWidth(COL_NAME) - tree.indentation() * (depth + 1) - 8
        text = index.data() or ""
        fm = option.fontMetrics
        if width <= 0 or fm.horizontalAdvance(text) <= width:
            return size
        lines = min(NAME_MAX_LINES, -(-fm.horizontalAdvance(text) // width))
        size.setHeight(max(size.height(), fm.lineSpacing() * lines + 4))
        return size

    def setEditorData(self, editor, index):
        if isinstance(editor, QComboBox):
            i = editor.findData(index.data(Qt.EditRole) or "")
            editor.setCurrentIndex(max(i, 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model_, index):
        if isinstance(editor, QComboBox):
            model_.setData(index, editor.currentData())
        else:
            super().setModelData(editor, model_, index)

    def eventFilter(self, editor, event):
        if event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self.page.tree.enter_pressed = True  # the editor closes on Enter: move down after
        return super().eventFilter(editor, event)


class IndicatorTree(QTreeView):
    """Spreadsheet-like keys: Enter/F2 edit, Tab moves on, Delete clears, Ctrl+V pastes."""

    def __init__(self, page: "IndicatorsPage"):
        super().__init__()
        self.page = page
        self.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                             | QAbstractItemView.AnyKeyPressed | QAbstractItemView.SelectedClicked)
        self.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.setTabKeyNavigation(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)

    def moveCursor(self, action, modifiers):
        """Tab / Shift+Tab go along the row to the next editable cell (then on to the next row),
        as in a spreadsheet; the other moves are the tree's own."""
        if action not in (QAbstractItemView.MoveNext, QAbstractItemView.MovePrevious):
            return super().moveCursor(action, modifiers)
        index = self.currentIndex()
        if not index.isValid():
            return super().moveCursor(action, modifiers)
        step = 1 if action == QAbstractItemView.MoveNext else -1
        columns = self.model().columnCount()
        row = index
        col = index.column() + step
        while row.isValid():
            while 0 <= col < columns:
                cell = row.sibling(row.row(), col)
                if cell.flags() & Qt.ItemIsEditable and not self.isColumnHidden(col):
                    return cell
                col += step
            row = self.indexBelow(row) if step > 0 else self.indexAbove(row)
            col = 0 if step > 0 else columns - 1
        return QModelIndex()

    enter_pressed = False

    def closeEditor(self, editor, hint):
        """Enter commits and moves down a row (not editing: typing there overwrites)."""
        enter, self.enter_pressed = self.enter_pressed, False
        super().closeEditor(editor, hint)
        if enter and hint == QStyledItemDelegate.SubmitModelCache:
            below = self.indexBelow(self.currentIndex())
            if below.isValid():
                self.setCurrentIndex(below.sibling(below.row(), self.currentIndex().column()))

    def keyPressEvent(self, event):
        index = self.currentIndex()
        if event.matches(QKeySequence.Paste):
            self.page.paste()
            return
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.state() != QAbstractItemView.EditingState \
                and index.isValid() and index.flags() & Qt.ItemIsEditable:
            self.edit(index)
            return
        if event.key() == Qt.Key_Delete and index.isValid() and index.flags() & Qt.ItemIsEditable:
            self.model().setData(index, "")
            return
        super().keyPressEvent(event)


class MessageLabel(QLabel):
    """The page's last message: takes no room on the totals line while it is empty."""

    def setText(self, text: str) -> None:  # noqa: N802 - Qt name
        super().setText(text)
        self.setVisible(bool(text))
