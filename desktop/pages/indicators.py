"""绩效目标与指标: the goals, the funds block and the indicator tree of each 自评表.

One table at a time (the department's, each project's, the framework score table), chosen
at the top. Rows are added, inserted, deleted and moved with buttons or keys; rows copied
from Excel are pasted with Ctrl+V; the rule score stands beside the clerk's score and a
difference is highlighted; the deviation note is marked where a finding needs it.

This module builds the page and switches tables; its parts live beside it: the name, goal and
funds boxes (``indicator_head``), the 全文 box (``indicator_detail``), the row tools
(``indicator_rows``).
"""
from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QScrollArea,
                               QToolButton, QVBoxLayout, QWidget)

from core import edit
from core.new_report import empty_project
from core.rounding import fmt, fmt_score
from desktop.indicator_model import (COL_ACTUAL, COL_NAME, COL_NOTE, COL_READING, COL_RULE,
                                     COL_SCORE, COL_TARGET, COL_TIER, COL_WEIGHT,
                                     IndicatorModel)
from desktop.indicator_tree import IndicatorTree, MessageLabel, TierDelegate
from desktop.pages.base import Page
from desktop.pages.indicator_detail import IndicatorDetail
from desktop.pages.indicator_head import HEAD_TEXT, IndicatorHead
from desktop.pages.indicator_rows import IndicatorRows

# column widths in characters of the current font (so 大字体 widens them too); 指标 takes the rest
COLUMN_CHARS = ((COL_TARGET, 6), (COL_ACTUAL, 6), (COL_READING, 7), (COL_WEIGHT, 3.5), (COL_SCORE, 3),
                (COL_RULE, 4.5), (COL_TIER, 5), (COL_NOTE, 11))
NAME_MIN_CHARS = 14

FIELD_COLUMN = {"name": COL_NAME, "target": COL_TARGET, "actual": COL_ACTUAL, "weight": COL_WEIGHT,
                "score": COL_SCORE, "deviation_note": COL_NOTE, "tier": COL_TIER}


class IndicatorsPage(IndicatorHead, IndicatorDetail, IndicatorRows, Page):
    title = "绩效目标与指标"

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self._unscroll()
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.table_box = QComboBox()
        self.table_box.setAccessibleName("选择自评表")
        self.table_box.activated.connect(lambda _: self.show_table(self.table_box.currentData()))
        add_project = QPushButton("添加项目自评表")
        add_project.clicked.connect(self.add_project)
        label = QLabel("自评表(&B)：")
        label.setBuddy(self.table_box)
        top.addWidget(label)
        top.addWidget(self.table_box, 1)
        top.addWidget(add_project)
        # the goal and funds boxes fold away, so the indicator rows get the page
        self.head_toggle = QToolButton()
        self.head_toggle.setText(HEAD_TEXT)
        self.head_toggle.setCheckable(True)
        self.head_toggle.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.head_toggle.setAccessibleName("展开或收起名称、目标与资金")
        self.head_toggle.toggled.connect(self.set_head_open)
        top.addWidget(self.head_toggle)
        layout.addLayout(top)
        self.head_summary = QLabel()  # one line while the boxes are folded: the name and the 执行率
        self.head_summary.setStyleSheet("color: #555; margin-left: 12px;")
        self.head_summary.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.head = QWidget()  # goal + funds of the table shown: rebuilt per table
        self.head_layout = QHBoxLayout(self.head)
        self.head_layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.head)

        # one row of tools: rows, then the 一级/二级 groups (hidden for a framework score table)
        buttons = QHBoxLayout()
        self.level1_box = QComboBox()
        self.level2_box = QComboBox()
        self.level1_box.setAccessibleName("一级指标")
        self.level2_box.setAccessibleName("二级指标")
        for text, slot, key in (("添加指标", self.add_row, "Ctrl+Return"), ("插入", self.insert_row, "Ctrl+I"),
                                ("删除", self.delete_row, "Ctrl+Delete"), ("上移", lambda: self.move_row(-1), "Ctrl+Up"),
                                ("下移", lambda: self.move_row(1), "Ctrl+Down"), ("粘贴 Excel 行", self.paste, "Ctrl+V")):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(f"{text}（{key}）")
            b.clicked.connect(slot)
            buttons.addWidget(b)
            if key != "Ctrl+V":  # Ctrl+V is handled by the table itself
                QShortcut(QKeySequence(key), self, slot)
        import_button = QToolButton()
        import_button.setText("导入表格（CSV/Excel）…")
        import_button.setToolTip("从 CSV 或 Excel 指标表导入指标行：先核对各列的含义，再导入到本表")
        import_button.clicked.connect(lambda: self.import_table())
        buttons.addWidget(import_button)
        self.import_dialog = None  # the last import step opened (desktop.table_mapping)
        self.import_reading = False  # a file is being read for it
        self.group_row = QWidget()
        groups = QHBoxLayout(self.group_row)
        groups.setContentsMargins(16, 0, 0, 0)
        groups.addWidget(QLabel("一级："))
        groups.addWidget(self.level1_box)
        add1 = QToolButton()
        add1.setText("添加一级")
        add1.setToolTip("在表末添加所选的一级指标")
        add1.clicked.connect(self.add_level1)
        groups.addWidget(add1)
        groups.addSpacing(12)
        groups.addWidget(QLabel("二级："))
        groups.addWidget(self.level2_box)
        add2 = QToolButton()
        add2.setText("添加二级")
        add2.setToolTip("在选中的一级指标下添加所选的二级指标")
        add2.clicked.connect(self.add_level2)
        groups.addWidget(add2)
        buttons.addWidget(self.group_row)
        buttons.addStretch(1)
        self.confirm_button = QPushButton("确认本表沿用的数字")
        self.confirm_button.setToolTip("浅蓝色的格子是从上年报告沿用的数字：核对无误后点此确认本表全部")
        self.confirm_button.clicked.connect(self.confirm_carried)
        buttons.addWidget(self.confirm_button)
        layout.addLayout(buttons)

        self.model = IndicatorModel(session, self._first_table() or "table")
        self.tree = IndicatorTree(self)
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(TierDelegate(self))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(COL_NAME, QHeaderView.Stretch)  # 指标 takes the spare width
        self._size_columns()
        header.sectionResized.connect(self._name_width_changed)
        self.tree.setMinimumHeight(100)  # with the boxes open under 大字体 the page still fits 768 px
        layout.addWidget(self.tree, 1)

        self._build_detail(layout)  # the 全文 box (desktop.pages.indicator_detail)

        bottom = QHBoxLayout()
        self.totals = QLabel()
        self.totals.setAccessibleName("本表合计")
        self.totals.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.totals.setWordWrap(True)
        bottom.addWidget(self.totals, 1)
        bottom.addWidget(self.head_summary)
        self.message = MessageLabel()
        self.message.setWordWrap(True)
        self.message.setText("")
        bottom.addWidget(self.message, 1)
        layout.addLayout(bottom)
        self.model.rescored.connect(self._update_totals)
        self._update_totals()
        session.changed.connect(self._external_change)
        self.set_head_open(False)

    # -- layout ----------------------------------------------------------------------------------
    def _unscroll(self) -> None:
        """The page's own scroll area out: the tree scrolls its rows, nothing scrolls around it."""
        scroll = self.findChild(QScrollArea)
        if scroll is None:
            return
        outer = self.layout()
        body = scroll.takeWidget()
        index = outer.indexOf(scroll)
        outer.removeWidget(scroll)
        scroll.hide()
        scroll.setParent(None)
        scroll.deleteLater()
        outer.insertWidget(index, body, 1)

    def _size_columns(self) -> None:
        em = self.tree.fontMetrics().horizontalAdvance("中")
        header = self.tree.header()
        for col, chars in COLUMN_CHARS:
            header.resizeSection(col, int(em * chars) + 8)
        header.setMinimumSectionSize(em * 2)
        self.tree.setMinimumWidth(int(em * (NAME_MIN_CHARS + sum(c for _, c in COLUMN_CHARS))))

    def _name_width_changed(self, column: int, _old: int, _new: int) -> None:
        if column == COL_NAME:  # the rows re-measure how many lines their names take
            self.tree.scheduleDelayedItemsLayout()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.FontChange:  # 大字体: the widths and the detail box follow the font
            self._size_columns()
            self._size_detail()
        super().changeEvent(event)

    # -- tables ----------------------------------------------------------------------------------
    def _tables(self) -> list[tuple[str, str]]:
        out = []
        for where, t in self.session.report.tables():
            kind = self.session.report.table_kind(where)
            out.append((where, f"{kind}：{t.name or '（未命名）'}"))
        return out

    def _first_table(self) -> str | None:
        tables = self._tables()
        return tables[0][0] if tables else None

    def load(self) -> None:
        current = self.model.table_path
        self.table_box.clear()
        for where, label in self._tables():
            self.table_box.addItem(label, where)
        i = self.table_box.findData(current)
        self.show_table(current if i >= 0 else self._first_table())

    def show_table(self, where: str | None) -> None:
        if where is None:
            self.message.setText("这份报告还没有自评表：请点“添加项目自评表”。")
            return
        self.table_box.setCurrentIndex(max(self.table_box.findData(where), 0))
        self.model.reset(where)
        self.tree.expandAll()
        self._build_head(where)
        self._update_summary()
        tpl = self.model.template
        self.level1_box.clear()
        self.level2_box.clear()
        for b in (tpl.blocks if tpl else ()):
            self.level1_box.addItem(f"{b.name}（{fmt(b.weight).rstrip('0').rstrip('.')}分）", (b.name, b.weight))
            for n in b.level2:
                if self.level2_box.findText(n) < 0:
                    self.level2_box.addItem(n)

    def _update_totals(self) -> None:
        """本表合计 under the tree, from the model's last score of the table (no second scoring)."""
        where = self.model.table_path
        self.confirm_button.setVisible(any(p.startswith(where + "/") for p in self.session.report.carried))
        t, tpl = self.model.result, self.model.template
        if t is None or tpl is None:
            self.totals.setText("")
            return
        self.totals.setText(f"本表合计：分值 {fmt_score(t.weight_total)}，填报得分 {fmt_score(t.reported_total)}，"
                            f"规则得分 {fmt_score(t.rule_total)}，"
                            + (f"等级 {t.grade if t.has_scores else '—'}" if t.weights_ok else "暂不评级")
                            + ("" if t.weight_total == tpl.total else f"（分值合计应为 {fmt_score(tpl.total)}）"))
        self.totals.setStyleSheet("" if t.weight_total == tpl.total else "color: #b00020;")

    def confirm_carried(self) -> None:
        n = self.session.confirm_carried(self.model.table_path)
        self.model.refresh_all()
        for f in self.fields:
            f.load()
        self._update_totals()
        self.message.setText(f"已确认本表沿用上年的 {n} 个数字" if n else "本表没有待核对的沿用数字")

    def add_project(self) -> None:
        table = empty_project(self.session.report)
        n = len(self.session.report.projects)
        self.session.apply(lambda r: edit.insert_at(r, "projects", n, table), "projects")
        self.load()
        self.show_table(f"projects/{n}")
        self.set_head_open(True)
        self.message.setText("已添加项目自评表：请在上方“项目（部门）名称”中填写项目名称。")

    # -- keeping in step -------------------------------------------------------------------------
    def _external_change(self, path: str) -> None:
        if path == f"{self.model.table_path}/name":
            i = self.table_box.findData(self.model.table_path)
            label = dict(self._tables()).get(self.model.table_path, "")
            if i >= 0:
                self.table_box.setItemText(i, label)
            self._update_summary()
        if path.startswith(f"{self.model.table_path}/funds"):
            self.model.rescore_later()  # the execution row and the totals, off the UI thread
            self._update_rate()
        if self.model.last_error:
            self.message.setText(self.model.last_error)

    def focus_path(self, path: str) -> bool:
        m = re.match(r"^(table|framework|projects/\d+)(/.*)?$", path)
        if not m:
            return False
        where, rest = m.group(1), m.group(2) or ""
        if self.table_box.findData(where) < 0:
            self.load()
        if self.table_box.findData(where) < 0:
            return False
        if self.model.table_path != where:
            self.show_table(where)
        if rest.startswith("/funds") or rest.startswith("/goal") or rest == "/name":
            self.set_head_open(True)
            for f in self.fields:
                if f.path.startswith(f"{where}{rest}") or (rest == "/funds" and f.path.endswith("/executed")):
                    f.editor.setFocus()
                    return True
        index = self.model.index_of_path(path)
        if not index.isValid():
            self.tree.setFocus()
            return True
        field = rest.rsplit("/", 1)[-1]
        node = self.model.node(index)
        column = FIELD_COLUMN.get(field, COL_ACTUAL if node.is_leaf else COL_WEIGHT)
        self._select(index, column)
        self.tree.setFocus()
        return True
