"""审核意见 of the 汇总: every error and unanswered warning of the reports that go in, with the
unit, the table and the row; filtered by severity and by unit. The 审核意见 text for one unit
(``core.summary.findings.review_opinion``) can be copied or saved, to send back to the unit.
Double-clicking a finding asks the workspace to open that unit's report read-only at it."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QHBoxLayout, QHeaderView,
                               QLabel, QPlainTextEdit, QPushButton, QSplitter, QTableView,
                               QVBoxLayout, QWidget)

from core.findings import ERROR, WARNING
from core.summary.findings import filter_findings
from desktop.summary.models import RowsModel

HEADERS = ("单位", "表", "行", "类别", "审核意见", "改正方法")
ALL = ""
SEVERITY_CHOICES = (("全部", ALL), ("错误", ERROR), ("待说明的警告", WARNING))
SEVERITY_TEXT = {ERROR: "错误", WARNING: "待说明"}
FINDING_ROLE = Qt.UserRole + 1
COLUMN_CHARS = {0: 10, 1: 12, 2: 10, 3: 3, 5: 14}  # 审核意见 (4) takes the rest


class FindingsModel(RowsModel):
    headers = HEADERS

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        f = self.rows[index.row()]
        if role == FINDING_ROLE:
            return f
        if role == Qt.ForegroundRole and index.column() == 3:
            return QBrush(QColor("#b00020" if f.severity == ERROR else "#8a5a00"))
        if role == Qt.ToolTipRole:
            return f"{f.unit}｜{f.table}｜{f.row}\n【{SEVERITY_TEXT.get(f.severity, f.severity)}】{f.message}" + (
                f"\n改正方法：{f.fix}" if f.fix else "") + "\n双击打开这份报告（只读）并定位到此处"
        if role != Qt.DisplayRole:
            return None
        return (f.unit, f.table, f.row, SEVERITY_TEXT.get(f.severity, f.severity), f.message, f.fix)[index.column()]


class FindingsView(QWidget):
    open_requested = Signal(object)  # the SummaryFinding double-clicked
    save_requested = Signal(str, str)  # unit, its 审核意见 text

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.all: list = []
        self.severity = QComboBox()
        self.severity.setAccessibleName("按类别筛选")
        for text, value in SEVERITY_CHOICES:
            self.severity.addItem(text, value)
        self.unit = QComboBox()
        self.unit.setAccessibleName("按单位筛选")
        self.unit.setMinimumContentsLength(16)
        self.unit.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.severity.currentIndexChanged.connect(lambda _: self.refilter())
        self.unit.currentIndexChanged.connect(lambda _: self.refilter())
        self.count = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("类别："))
        top.addWidget(self.severity)
        top.addWidget(QLabel("单位："))
        top.addWidget(self.unit, 1)
        top.addWidget(self.count)
        self.model = FindingsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(4, QHeaderView.Stretch)
        self.table.doubleClicked.connect(self._activated)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_opinion())
        self.opinion = QPlainTextEdit()
        self.opinion.setReadOnly(True)
        self.opinion.setAccessibleName("审核意见全文")
        self.opinion.setPlaceholderText("选中一条审核意见，这里显示该单位的审核意见全文，可复制后发回单位")
        self.copy_button = QPushButton("复制审核意见")
        self.copy_button.clicked.connect(self.copy_opinion)
        self.save_button = QPushButton("保存审核意见（Word）…")
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.opinion_unit, self.opinion.toPlainText()))
        buttons = QHBoxLayout()
        self.opinion_title = QLabel("审核意见")
        buttons.addWidget(self.opinion_title, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        lower = QWidget()
        low = QVBoxLayout(lower)
        low.setContentsMargins(0, 0, 0, 0)
        low.addLayout(buttons)
        low.addWidget(self.opinion)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.opinion_unit = ""
        self._set_opinion_enabled(False)

    def fit_columns(self) -> None:
        """Column widths in characters of the current font (大字体 widens them)."""
        em = self.table.fontMetrics().horizontalAdvance("中")
        for col, chars in COLUMN_CHARS.items():
            self.table.setColumnWidth(col, em * chars + 16)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)

    def set_findings(self, findings) -> None:
        """All findings of the reports that go in; the filters are kept where they can be."""
        self.all = list(findings)
        unit = self.unit.currentData()
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem("全部单位", ALL)
        for name in sorted({f.unit for f in self.all}):
            self.unit.addItem(name, name)
        i = self.unit.findData(unit) if unit else 0
        self.unit.setCurrentIndex(max(i, 0))
        self.unit.blockSignals(False)
        self.refilter()

    def refilter(self) -> None:
        severity, unit = self.severity.currentData(), self.unit.currentData()
        rows = filter_findings(self.all, severity=severity or None, unit=unit or None)
        self.model.set_rows(rows)
        errors = sum(1 for f in rows if f.severity == ERROR)
        self.count.setText(f"共 {len(rows)} 条（错误 {errors} 条，待说明 {len(rows) - errors} 条）")
        self.show_opinion()

    def current(self):
        index = self.table.currentIndex()
        return index.data(FINDING_ROLE) if index.isValid() else None

    def _activated(self, index) -> None:
        f = index.data(FINDING_ROLE)
        if f is not None:
            self.open_requested.emit(f)

    def show_opinion(self) -> None:
        """The 审核意见 of the selected finding's unit (or of the unit filtered on)."""
        from core.summary.findings import review_opinion

        f = self.current()
        unit = f.unit if f is not None else self.unit.currentData()
        key = f.key if f is not None else None
        mine = [g for g in self.all if (g.key == key if key is not None else g.unit == unit)] if unit else []
        self.opinion_unit = unit or ""
        self.opinion.setPlainText(review_opinion(mine) if mine else "")
        self.opinion_title.setText(f"审核意见：{unit}" if mine else "审核意见")
        self._set_opinion_enabled(bool(mine))

    def _set_opinion_enabled(self, on: bool) -> None:
        self.copy_button.setEnabled(on)
        self.save_button.setEnabled(on)

    def copy_opinion(self) -> None:
        QApplication.clipboard().setText(self.opinion.toPlainText())
