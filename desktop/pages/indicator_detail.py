"""绩效目标与指标: the 全文 box under the indicator tree — the whole text of the selected cell,
editable there when the cell is."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from desktop.indicator_model import COL_NAME, COL_RULE, COL_TIER, HEADERS

DETAIL_LINES = 2


class IndicatorDetail:
    """Part of ``IndicatorsPage``: ``detail`` (the 全文 box), ``detail_label`` and ``detail_side``,
    kept in step with ``tree``'s current cell and ``model``."""

    def _build_detail(self, layout: QVBoxLayout) -> None:
        # the whole text of the selected cell, editable when the cell is
        self.detail_label = QLabel()
        self.detail_label.setStyleSheet("color: #555;")
        self.detail_label.setWordWrap(True)
        self.detail_label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.detail = QPlainTextEdit()
        self.detail.setAccessibleName("所选格子的全文")
        self.detail.setTabChangesFocus(True)
        self.detail.setPlaceholderText("选中表格中的一格，这里显示它的全文；可编辑的格子可在此直接修改")
        self.detail.textChanged.connect(self._detail_edited)
        self._detail_loading = False
        label = QLabel("全文(&W)：")
        label.setBuddy(self.detail)
        side = QVBoxLayout()
        side.setSpacing(2)
        side.addWidget(label)
        side.addWidget(self.detail_label, 1)
        self.detail_side = QWidget()
        self.detail_side.setLayout(side)
        side.setContentsMargins(0, 0, 0, 0)
        detail_row = QHBoxLayout()
        detail_row.addWidget(self.detail_side)
        detail_row.addWidget(self.detail, 1)
        layout.addLayout(detail_row)
        self._size_detail()
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._show_detail())
        self.model.dataChanged.connect(self._detail_model_changed)
        self.model.modelReset.connect(self._show_detail)
        self.model.rowsRemoved.connect(lambda *_: self._show_detail())
        self.model.rowsMoved.connect(lambda *_: self._show_detail())
        self._show_detail()

    def _size_detail(self) -> None:
        line = self.detail.fontMetrics().lineSpacing()
        self.detail.setFixedHeight(line * DETAIL_LINES + 2 * self.detail.frameWidth() + 10)
        self.detail_side.setFixedWidth(self.detail.fontMetrics().horizontalAdvance("中") * 12)

    def _show_detail(self) -> None:
        """Show the whole text of the current cell; editable when the cell is."""
        index = self.tree.currentIndex()
        self._detail_loading = True
        try:
            if not index.isValid():
                self.detail.setPlainText("")
                self.detail.setReadOnly(True)
                self.detail_label.setText("")
                return
            col = index.column()
            row_name = index.sibling(index.row(), COL_NAME).data() or "（未命名）"
            editable = bool(index.flags() & Qt.ItemIsEditable) and col != COL_TIER
            if editable:
                text = index.data(Qt.EditRole)
                how = "可在此编辑全文"
            else:
                text = index.data(Qt.DisplayRole)
                tip = index.data(Qt.ToolTipRole)
                if col == COL_RULE and tip and tip != text:
                    text = f"{text or ''}\n{tip}"
                how = "请在表格中选择档次" if col == COL_TIER and index.flags() & Qt.ItemIsEditable else "只读"
            text = "" if text is None else str(text)
            if self.detail.toPlainText() != text:
                self.detail.setPlainText(text)
            self.detail.setReadOnly(not editable)
            self.detail_label.setText(f"“{row_name}” · {HEADERS[col]}（{how}）")
        finally:
            self._detail_loading = False

    def _detail_edited(self) -> None:
        """Typing in the detail box: the same ``setData`` a cell edit makes."""
        if self._detail_loading or self.detail.isReadOnly():
            return
        index = self.tree.currentIndex()
        if not index.isValid() or not index.flags() & Qt.ItemIsEditable or index.column() == COL_TIER:
            return
        text = self.detail.toPlainText()
        if text == (index.data(Qt.EditRole) or ""):
            return
        if self.model.setData(index, text):
            self.message.setText("")
        else:
            self.message.setText(self.model.last_error)

    def _detail_model_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_) -> None:
        index = self.tree.currentIndex()
        if self.detail.hasFocus() or not index.isValid() or index.parent() != top_left.parent():
            return  # typing in the box itself, or another row
        if top_left.row() <= index.row() <= bottom_right.row() \
                and top_left.column() <= index.column() <= bottom_right.column():
            self._show_detail()
