"""预算收支: the budget figures by group, what they compute to, and the 专项/明细 lines.

Every figure is a ``NumberField`` on ``figures/<key>`` (``_budget`` / ``_last`` columns where the
group offers them, see ``core.budget_view.figure_groups``). The 自动计算 panel on the right and
the inline messages under parent rows (parts that do not add up) refresh 200 ms after the last
edit; what they say comes from ``core.budget_view`` — nothing is computed here.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QScrollArea, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from core import budget_view as bv
from core import edit
from core import figures as fig
from core.model import FundLine
from core.templates import load_template
from core.values import parse_number
from desktop.fields import NumberField, amount_text
from desktop.pages.base import Page

REFRESH_MS = 200
INDENT_PX = 16
FIELD_PX = 80
LABEL_MAX_PX = 160  # longer labels wrap: the two columns then fit 1280×720 (1920×1080 at 150 %)
ROW_PX = 26
HINT_STYLE = "color: #555;"
SMALL = "font-size: small"  # a step below the page's font, so it grows with 大字体 (a fixed 9pt did not)
UNUSUAL_COLOUR = "#b00020"
ERROR_STYLE = "color: #b00020;"
FUND_COLUMNS = (("name", "名称"), ("last_final", "上年决算数"), ("budget", "本年预算数"), ("final", "本年决算数"))
LEFT_GROUPS = ("预算", "支出", "三公经费", "结转结余")  # the rest go in the right column


class BudgetPage(Page):
    title = "预算收支"

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        tpl, _ = load_template(session.report.template)
        self.groups = bv.figure_groups(tpl, session.report)
        self.hints: dict[str, QLabel] = {}  # figure key with suffix -> "合计 99.20" under the field
        self.problems: dict[str, QLabel] = {}  # unsuffixed parent key -> red message
        self.derived_labels: dict[str, QLabel] = {}  # Derived.key -> its line in 自动计算

        left, right = QVBoxLayout(), QVBoxLayout()
        # built column by column, so Tab runs down the left column and then the right one
        for group in sorted(self.groups, key=lambda g: g.name not in LEFT_GROUPS):
            (left if group.name in LEFT_GROUPS else right).addWidget(self._group_box(group))
        left.addStretch(1)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 4)
        columns.addLayout(right, 3)
        body = QVBoxLayout(self.body)
        body.addLayout(columns)
        body.addWidget(self._fund_lines_box())
        body.addStretch(1)
        self._install_side_panel()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        session.changed.connect(self._schedule_refresh)

    def _schedule_refresh(self, _path: str) -> None:
        self._timer.start()  # debounced: typing a number refreshes once, 200 ms after the last key

    # -- building ---------------------------------------------------------------------------
    def _group_box(self, group: bv.FigureGroup) -> QGroupBox:
        box = QGroupBox(f"{group.name}（{group.unit}）")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 1)
        multi = len(group.columns) > 1
        width = len(group.columns) + 1
        if multi:
            for c, title in enumerate(group.column_titles, start=1):
                head = QLabel(title)
                head.setStyleSheet("font-weight: bold;")
                head.setAlignment(Qt.AlignCenter)
                grid.addWidget(head, 0, c)
        r = 1
        for row in group.rows:
            label = QLabel(row.label)
            label.setWordWrap(True)
            label.setContentsMargins(row.depth * INDENT_PX, 0, 0, 0)
            if row.depth == 0 and row.has_parts:
                label.setStyleSheet("font-weight: bold;")
            # one line when it fits at 1366×768; very long labels wrap instead
            text_px = label.fontMetrics().horizontalAdvance(row.label) + 6 + row.depth * INDENT_PX
            label.setMinimumWidth(min(text_px, LABEL_MAX_PX))
            grid.addWidget(label, r, 0)
            for c, suffix in enumerate(group.columns, start=1):
                key = row.key + suffix
                field = NumberField(self.session, f"figures/{key}", fig.label(key) if multi else row.label,
                                    unit=row.unit)
                field.editor.setFixedWidth(FIELD_PX)
                field.editor.setAlignment(Qt.AlignRight)
                field.editor.setToolTip(fig.label(key))
                # the field's own error message gets a full-width row under the figure
                field.layout().removeWidget(field.error)
                field.error.setContentsMargins(row.depth * INDENT_PX, 0, 0, 0)
                grid.addWidget(field.error, r + 1 + c, 0, 1, width)
                self.fields.append(field)
                grid.addWidget(field, r, c)
                if c == 1:
                    label.setBuddy(field.editor)
                hint = QLabel()
                hint.setStyleSheet(HINT_STYLE)
                hint.setTextFormat(Qt.RichText)
                hint.setAlignment(Qt.AlignRight)
                hint.hide()
                self.hints[key] = hint
                grid.addWidget(hint, r + 1, c)
            problem = QLabel()
            problem.setStyleSheet(ERROR_STYLE)
            problem.setWordWrap(True)
            problem.setContentsMargins(row.depth * INDENT_PX, 0, 0, 0)
            problem.hide()
            self.problems[row.key] = problem
            grid.addWidget(problem, r + 2 + len(group.columns), 0, 1, width)
            r += 3 + len(group.columns)
        return box

    def _fund_lines_box(self) -> QGroupBox:
        box = QGroupBox("专项/明细资金（万元）")
        layout = QVBoxLayout(box)
        self.table = QTableWidget(0, len(FUND_COLUMNS))
        self.table.setHorizontalHeaderLabels([t for _, t in FUND_COLUMNS])
        self.table.setAccessibleName("专项/明细资金")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for c in range(1, len(FUND_COLUMNS)):
            header.setSectionResizeMode(c, QHeaderView.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(ROW_PX)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.table.itemChanged.connect(self._fund_item_changed)
        self.fund_error = QLabel()
        self.fund_error.setStyleSheet(ERROR_STYLE)
        self.fund_error.setWordWrap(True)
        self.fund_error.hide()
        self.fund_problem = QLabel()
        self.fund_problem.setStyleSheet(ERROR_STYLE)
        self.fund_problem.setWordWrap(True)
        self.fund_problem.hide()
        self.add_line = QPushButton("添加一行")
        self.delete_line = QPushButton("删除选中行")
        self.add_line.clicked.connect(self._add_fund_line)
        self.delete_line.clicked.connect(self._delete_fund_line)
        self.delete_line.setEnabled(False)
        self.table.itemSelectionChanged.connect(
            lambda: self.delete_line.setEnabled(bool(self.table.selectionModel().selectedRows())))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_line)
        buttons.addWidget(self.delete_line)
        buttons.addStretch(1)
        layout.addWidget(self.table)
        layout.addWidget(self.fund_error)
        layout.addWidget(self.fund_problem)
        layout.addLayout(buttons)
        return box

    def _install_side_panel(self) -> None:
        """Put the 自动计算 panel beside the scrolling figures, so it stays in view."""
        outer = self.layout()
        scroll = self.findChild(QScrollArea)
        self.scroll = scroll
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)  # narrower than 1366: scroll, never clip
        index = outer.indexOf(scroll)
        outer.removeWidget(scroll)
        panel = QGroupBox("自动计算")
        panel.setAccessibleName("自动计算")
        panel_layout = QVBoxLayout(panel)
        inner = QWidget()
        self.derived_layout = QVBoxLayout(inner)
        self.derived_layout.setContentsMargins(0, 0, 4, 0)
        self.derived_layout.addStretch(1)
        side = QScrollArea()
        side.setWidgetResizable(True)
        side.setFrameShape(QScrollArea.NoFrame)
        side.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        side.setWidget(inner)
        panel_layout.addWidget(side)
        panel.setFixedWidth(250)
        row = QHBoxLayout()
        row.addWidget(scroll, 1)
        row.addWidget(panel)
        outer.insertLayout(index, row, 1)

    # -- showing ----------------------------------------------------------------------------
    def load(self) -> None:
        super().load()
        self._load_fund_lines()
        self.refresh()

    def refresh(self) -> None:
        """Recompute the 自动计算 panel, the 分项合计 hints and the identity messages."""
        report = self.session.report
        tpl, _ = load_template(report.template)
        items = bv.derived(report, tpl)
        shown = set()
        for i, d in enumerate(items):
            label = self.derived_labels.get(d.key)
            if label is None:
                label = QLabel()
                label.setWordWrap(True)
                label.setTextFormat(Qt.RichText)
                self.derived_labels[d.key] = label
            unusual = getattr(d, "unusual", "")
            colour = UNUSUAL_COLOUR if unusual else "#000" if d.ok else "#8a6d00"
            note = f"<br><span style='color:{UNUSUAL_COLOUR}; {SMALL}'>{escape(unusual)}</span>" if unusual else ""
            label.setText(f"<b>{escape(d.label)}</b>：<span style='color:{colour}'>{escape(d.value)}</span>{note}"
                          f"<br><span style='color:#666; {SMALL}'>{escape(d.formula)}</span>")
            label.setToolTip(d.text + (f"\n{unusual}" if unusual else ""))
            self.derived_layout.insertWidget(i, label)
            label.show()
            shown.add(d.key)
        for key, label in self.derived_labels.items():
            if key not in shown:
                label.hide()
        sums = {d.figure: d for d in items if d.figure}
        for key, hint in self.hints.items():
            d = sums.get(key)
            hint.setVisible(d is not None)
            if d is not None:
                word = "明细合计" if d.key.startswith("fund_lines:") else "合计"
                hint.setText(f"<span style='{SMALL}'>{escape(word)} {escape(d.value)}</span>")
                hint.setToolTip(d.text)
        problems = bv.identity_problems(report)
        for key, label in self.problems.items():
            text = "\n".join(problems[k] for k in (key, key + "_budget", key + "_last") if k in problems)
            label.setText(text)
            label.setVisible(bool(text))
        fund_text = "\n".join(v for k, v in problems.items() if k.startswith("fund_lines/"))
        self.fund_problem.setText(fund_text)
        self.fund_problem.setVisible(bool(fund_text))

    def focus_path(self, path: str) -> bool:
        if path == "figures":  # a finding about the figures as a whole: the first carried one, else the first
            carried = [f for f in self.fields if f.path in self.session.report.carried]
            path = (carried or self.fields)[0].path if self.fields else path
        for f in self.fields:
            if f.path == path:
                self.scroll.ensureWidgetVisible(f)
                f.editor.setFocus()
                return True
        if path.startswith("fund_lines"):
            parts = path.split("/")
            row = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            self.scroll.ensureWidgetVisible(self.table)
            self.table.setFocus()
            if self.table.rowCount():
                self.table.setCurrentCell(min(row, self.table.rowCount() - 1), 0)
            return True
        return False

    # -- 专项/明细 lines --------------------------------------------------------------------------
    def _load_fund_lines(self) -> None:
        lines = self.session.report.fund_lines
        self.table.blockSignals(True)
        try:
            self.table.setRowCount(len(lines))
            for r, line in enumerate(lines):
                for c, (attr, _) in enumerate(FUND_COLUMNS):
                    value = getattr(line, attr)
                    text = value if attr == "name" else ("" if value is None else amount_text(value))
                    item = QTableWidgetItem(text)
                    if attr != "name":
                        item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                    self.table.setItem(r, c, item)
        finally:
            self.table.blockSignals(False)
        rows = max(len(lines), 3)  # the whole list shows; the page scrolls, not the table
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows * ROW_PX
                                  + 2 * self.table.frameWidth() + 2)
        self.fund_error.hide()

    def _fund_item_changed(self, item: QTableWidgetItem) -> None:
        r, c = item.row(), item.column()
        attr, title = FUND_COLUMNS[c]
        path = f"fund_lines/{r}/{attr}"
        if attr == "name":
            value = item.text().strip()
        else:
            try:
                value = parse_number(item.text())
            except ValueError as e:
                self.fund_error.setText(f"第 {r + 1} 行“{title}”：{e}。请填写数字，例如 8.29。")
                self.fund_error.show()
                item.setBackground(QColor("#fde7ea"))
                return
            self.table.blockSignals(True)
            item.setText("" if value is None else amount_text(value))
            item.setBackground(QColor(0, 0, 0, 0))
            self.table.blockSignals(False)
            self.fund_error.hide()
        if edit.get_at(self.session.report, path) != value:
            self.session.apply(lambda rep: edit.set_at(rep, path, value), path)

    def _add_fund_line(self) -> None:
        n = len(self.session.report.fund_lines)
        self.session.apply(lambda rep: edit.insert_at(rep, "fund_lines", n, FundLine(name="")), "fund_lines")
        self._load_fund_lines()
        self.table.setCurrentCell(n, 0)
        self.table.editItem(self.table.item(n, 0))

    def _delete_fund_line(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}, reverse=True)
        if not rows:
            return
        self.session.apply(lambda rep: _delete_rows(rep, rows), "fund_lines")
        self._load_fund_lines()


def _delete_rows(report, rows: list[int]):
    for r in rows:  # highest first, so the lower indices stay valid
        report = edit.delete_at(report, "fund_lines", r)
    return report
