"""绩效目标与指标: the boxes above the indicator tree — the table's name, its 年度总体目标 and its
funds block with the 预算执行率 — which fold away to a one-line summary."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout

from core import edit
from core.new_report import empty_funds
from core.rounding import fmt
from desktop.fields import NumberField, TextField

HEAD_TEXT = "名称、目标与资金"


class IndicatorHead:
    """Part of ``IndicatorsPage``: fills ``head`` with the name, goal and funds boxes of the table
    shown, folds it with ``head_toggle`` (then ``head_summary`` stands for it) and keeps ``rate``."""

    def set_head_open(self, open_: bool) -> None:
        if self.head_toggle.isChecked() != open_:
            self.head_toggle.setChecked(open_)  # comes back here through toggled
            return
        self.head_toggle.setArrowType(Qt.DownArrow if open_ else Qt.RightArrow)
        self.head_toggle.setToolTip("收起名称、目标与资金，让指标表占满页面" if open_
                                    else "展开项目名称、年度总体目标和资金情况")
        self.head.setVisible(open_)
        self.head_summary.setVisible(not open_)

    def _update_summary(self) -> None:
        where = self.model.table_path
        try:
            name = edit.get_at(self.session.report, f"{where}/name") or "（未填名称）"
        except (KeyError, IndexError, AttributeError, TypeError):
            return
        rate = getattr(self, "rate", None)
        rate_text = ""
        try:
            rate_text = rate.text() if rate is not None else ""
        except RuntimeError:
            pass
        self.head_summary.setText(rate_text)
        self.head_summary.setToolTip(f"名称：{name}")

    def _build_head(self, where: str) -> None:
        while self.head_layout.count():
            w = self.head_layout.takeAt(0).widget()
            if w is not None:
                w.hide()  # gone from the screen now, not only when Qt gets round to deleting it
                w.setParent(None)
                w.deleteLater()
        self.fields = []
        framework = where == "framework"  # a score table: no goal, no funds block of its own
        self.group_row.setVisible(not framework)
        goal = QGroupBox("评分表名称" if framework else "名称与年度总体目标")
        g = QVBoxLayout(goal)
        name = TextField(self.session, f"{where}/name", "项目或部门名称")
        g.addWidget(QLabel("名称" if framework else "项目（部门）名称"))
        g.addWidget(name)
        self.fields.append(name)
        if framework:
            g.addWidget(QLabel("评分表按模板的评分标准逐项打分；公式指标（如预算执行率）由预算收支数据计算，"
                               "规则得分列显示计算结果。"))
            self.head_layout.addWidget(goal, 1)
            for f in self.fields:
                f.load()
            self.rate = None
            return
        for label, path in (("预期目标", f"{where}/goal/expected"), ("实际完成情况", f"{where}/goal/achieved")):
            f = TextField(self.session, path, label, multiline=True)
            f.editor.setMinimumHeight(48)
            f.editor.setMaximumHeight(70)
            g.addWidget(QLabel(label))
            g.addWidget(f)
            self.fields.append(f)
        self.head_layout.addWidget(goal, 1)
        table = edit.get_at(self.session.report, where)
        funds = QGroupBox("资金情况（万元）与预算执行率")
        grid = QGridLayout(funds)
        if table.funds is None:
            add = QPushButton("添加资金情况（预算执行率一行）")
            add.clicked.connect(lambda: self._add_funds(where))
            grid.addWidget(add, 0, 0)
        else:
            for c, text in enumerate(("", "年初预算数", "全年预算数", "全年执行数")):
                grid.addWidget(QLabel(text), 0, c)
            for r, row in enumerate(table.funds.rows):
                grid.addWidget(QLabel(row.label), r + 1, 0)
                for c, key in enumerate(("initial", "annual", "executed")):
                    f = NumberField(self.session, f"{where}/funds/rows/{r}/{key}", f"{row.label}{('年初预算数', '全年预算数', '全年执行数')[c]}")
                    f.editor.setMaximumWidth(110)
                    grid.addWidget(f, r + 1, c + 1)
                    self.fields.append(f)
            n = len(table.funds.rows) + 1
            for c, (label, key) in enumerate((("分值", "weight"), ("得分", "score"))):
                grid.addWidget(QLabel(f"执行率{label}"), n, c * 2)
                f = NumberField(self.session, f"{where}/funds/{key}", f"执行率{label}", unit="分")
                f.editor.setMaximumWidth(110)
                grid.addWidget(f, n, c * 2 + 1)
                self.fields.append(f)
            self.rate = QLabel()
            grid.addWidget(self.rate, n + 1, 0, 1, 4)
        self.head_layout.addWidget(funds, 1)
        for f in self.fields:
            f.load()
        self._update_rate()

    def _add_funds(self, where: str) -> None:
        self.session.set(f"{where}/funds", empty_funds(self.model.template))
        self._build_head(where)

    def _update_rate(self) -> None:
        rate = getattr(self, "rate", None)
        if rate is None:
            return
        try:
            rate.text()
        except RuntimeError:  # deleted with an old head
            return
        table = edit.get_at(self.session.report, self.model.table_path)
        from core.scoring_rows import score_execution  # the one place that scores the row
        if table.funds is None or self.model.template is None:
            return
        r = score_execution(table.funds, self.model.template, f"{self.model.table_path}/funds")
        if r.value is None:
            rate.setText(f"执行率：{r.note}")
        else:
            rate.setText(f"执行率 {fmt(r.value)}%，规则得分 {fmt(r.rule_score) if r.rule_score is not None else '—'}")
        self._update_summary()
