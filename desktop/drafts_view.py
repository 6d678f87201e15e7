"""The drafts list: find, create (from a template or from last year), open, copy, rename,
delete into the recycle bin and restore, and a draft's history."""
from __future__ import annotations

import sys

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget)

from core.storage import Storage, StorageError
from desktop.drafts_model import COL_ORIGIN, COL_TITLE, COL_UNIT, COL_YEAR, HEADERS, RECORD_ROLE, DraftsModel

UNIT_MAX_SHARE = 0.35  # with titles shown, a long unit name takes at most this much of the width
ORIGIN_MAX_WIDTH = 220  # 来源 beyond this is elided; its tooltip has it whole
SIZE_SAMPLE = 100  # rows (beyond those on screen) a column's width is measured on


def __getattr__(name: str):
    """The dialogs load when first used, not before the window's first paint."""
    if name in ("HistoryDialog", "NewDraftDialog", "ask_title"):
        from desktop import dialogs

        return getattr(dialogs, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _dialog(name: str):
    return getattr(sys.modules[__name__], name)  # a test may have replaced it


class DraftsView(QWidget):
    open_requested = Signal(int)  # draft id
    message = Signal(str)

    def __init__(self, storage: Storage, parent: QWidget | None = None):
        super().__init__(parent)
        self.storage = storage
        self.model = DraftsModel(self)
        # The view's model is DraftsModel itself (``proxy`` is kept as its other name). A Python
        # proxy calling ``super().data()`` loses a reference to None on every empty role
        # (PySide6 6.12): with thousands of drafts None is freed and Python aborts.
        self.proxy = self.model
        self.search = QLineEdit()
        self.search.setPlaceholderText("按单位或年度查找")
        self.search.textChanged.connect(self.model.set_filter)
        self.show_bin = QCheckBox("显示回收站")
        self.show_bin.toggled.connect(lambda _: self.refresh())
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)  # Ctrl/Shift: several to export
        self.table.setSortingEnabled(True)  # a header click: DraftsModel.sort
        # column widths from the first SIZE_SAMPLE rows, not from every one of 10,000 drafts
        self.table.horizontalHeader().setResizeContentsPrecision(SIZE_SAMPLE)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideRight)
        self.table.doubleClicked.connect(lambda _: self.open_selected())
        self.table.activated.connect(lambda _: self.open_selected())

        self.buttons = {}
        row = QHBoxLayout()
        for key, text, slot in (("new", "新建…", self.new_draft),
                                ("next_year", "以上年报告为基础", self.next_year),
                                ("open", "打开", self.open_selected),
                                ("copy", "复制", self.duplicate),
                                ("rename", "重命名…", self.rename),
                                ("delete", "删除", self.delete),
                                ("restore", "从回收站恢复", self.restore),
                                ("history", "历史版本…", self.history),
                                ("export_package", "导出数据包（U盘）…", self.export_package),
                                ("import_package", "导入数据包…", self.import_package)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons[key] = b
            row.addWidget(b)
        row.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(QLabel("绩效自评报告"))
        top.addWidget(self.search, 1)
        top.addWidget(self.show_bin)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self._exchange = None
        self._widths: list[int] | None = None  # measured column widths (size_columns)
        self._titled = False
        self.refresh()

    @property
    def exchange(self):
        """Data packages (desktop.exchange), set up on first use."""
        if self._exchange is None:
            from desktop.exchange import Exchange

            self._exchange = Exchange(self.storage, self)
            self._exchange.message.connect(self.message)
            self._exchange.imported.connect(lambda draft_id: self.refresh(draft_id))
        return self._exchange

    # -- helpers ------------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        self.model.set_rows(self.storage.list(include_deleted=self.show_bin.isChecked()))
        self.table.sortByColumn(COL_YEAR, Qt.DescendingOrder) if select is None else None
        if select is not None:
            self.select(select)
        self.size_columns()

    def size_columns(self, measure: bool = True) -> None:
        """Short columns as wide as their contents (最后修改 never cut); the spare width goes to
        标题 when any draft has one, else to 单位 — an empty 标题 takes only its heading's width.
        Widths are measured on the first ``SIZE_SAMPLE`` rows (the short columns have fixed
        formats) when the rows change (``measure``), not on a resize, and never from every row."""
        header = self.table.horizontalHeader()
        if measure or self._widths is None:
            self._widths = [max(self.table.sizeHintForColumn(c), header.sectionSizeHint(c))
                            for c in range(len(HEADERS))]
            self._titled = any(d.title for d in self.model.rows)
        widths = self._widths
        header.setStretchLastSection(False)
        for col in range(len(HEADERS)):
            if col not in (COL_TITLE, COL_UNIT, COL_ORIGIN):
                header.setSectionResizeMode(col, QHeaderView.Interactive)
                header.resizeSection(col, widths[col])
        header.setSectionResizeMode(COL_ORIGIN, QHeaderView.Interactive)
        header.resizeSection(COL_ORIGIN, min(ORIGIN_MAX_WIDTH, widths[COL_ORIGIN]))
        if self._titled:
            header.setSectionResizeMode(COL_TITLE, QHeaderView.Stretch)
            header.setSectionResizeMode(COL_UNIT, QHeaderView.Interactive)
            header.resizeSection(COL_UNIT, min(widths[COL_UNIT], int(self.table.viewport().width() * UNIT_MAX_SHARE)))
        else:
            header.setSectionResizeMode(COL_TITLE, QHeaderView.Interactive)
            header.resizeSection(COL_TITLE, widths[COL_TITLE])
            header.setSectionResizeMode(COL_UNIT, QHeaderView.Stretch)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.size_columns(measure=False)

    def select(self, draft_id: int) -> None:
        row = self.model.row_of(draft_id)
        if row is not None:
            self.table.selectRow(row)

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(RECORD_ROLE) if rows else None

    def selected_all(self) -> list:
        """Every selected draft, in list order."""
        rows = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [i.data(RECORD_ROLE) for i in rows]

    def _need_selection(self):
        d = self.selected()
        if d is None:
            self.message.emit("请先在列表中选中一份报告")
        return d

    def _do(self, action, done: str, select=None) -> None:
        try:
            result = action()
        except StorageError as e:
            self.message.emit(str(e))
            return
        self.refresh(select if select is not None else result if isinstance(result, int) else None)
        self.message.emit(done)

    # -- actions ------------------------------------------------------------------------------
    def new_draft(self) -> None:
        answer = _dialog("NewDraftDialog").ask(self)
        if answer is None:
            return
        tid, unit, year = answer
        try:
            draft_id = self.storage.create_from_template(tid, unit, year)
        except StorageError as e:
            self.message.emit(str(e))
            return
        self.refresh(draft_id)
        self.open_requested.emit(draft_id)

    def next_year(self) -> None:
        d = self._need_selection()
        if d is None:
            return
        try:
            draft_id, review = self.storage.create_next_year(d.id)
        except StorageError as e:
            self.message.emit(str(e))
            return
        self.refresh(draft_id)
        self.open_requested.emit(draft_id)
        self.message.emit(f"已根据 {d.year} 年度报告新建下一年度草稿：沿用了指标与目标值，"
                          f"实际完成值与得分已清空，{len(review)} 处沿用的数字请逐一核对")

    def open_selected(self) -> None:
        d = self._need_selection()
        if d is None:
            return
        if d.deleted_at:
            self.message.emit("这份报告在回收站中，请先“从回收站恢复”")
            return
        self.open_requested.emit(d.id)

    def duplicate(self) -> None:
        d = self._need_selection()
        if d is not None:
            self._do(lambda: self.storage.duplicate(d.id), f"已复制“{d.title}”")

    def rename(self) -> None:
        d = self._need_selection()
        if d is None:
            return
        title = _dialog("ask_title")(self, d.title)
        if title:
            self._do(lambda: self.storage.rename(d.id, title), "已重命名", select=d.id)

    def delete(self) -> None:
        d = self._need_selection()
        if d is not None:
            self._do(lambda: self.storage.delete(d.id),
                     f"已将“{d.title or d.unit}”移到回收站（勾选“显示回收站”可恢复）")

    def restore(self) -> None:
        d = self._need_selection()
        if d is not None:
            self._do(lambda: self.storage.restore(d.id), f"已恢复“{d.title or d.unit}”", select=d.id)

    def history(self) -> None:
        d = self._need_selection()
        if d is None:
            return
        snaps = self.storage.snapshots(d.id)
        if not snaps:
            self.message.emit("这份报告还没有历史版本（离开页面或导出时会自动保存历史版本）")
            return
        chosen = _dialog("HistoryDialog").ask(snaps, self)
        if chosen is not None:
            self._do(lambda: self.storage.restore_snapshot(chosen), "已恢复到所选历史版本（恢复前的内容也已保存为历史版本）",
                     select=d.id)

    def export_package(self) -> None:
        """The selected drafts (one or many) into a data package on a USB stick."""
        self.exchange.export(self.selected_all())

    def import_package(self, path: str | None = None) -> None:
        """A data package: checked, previewed, then applied as the clerk chose."""
        self.exchange.import_package(path)
