"""审核与导出: the score sheet (per 一级, total, grade) and the findings grouped by severity.

A double click (or Enter) on a finding asks the editor to open the page and field it points at.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from core.checks import run_checks
from core.findings import ERROR, HINT, SEVERITY_LABELS, WARNING
from core.rounding import fmt_score
from core.scoring import score_report
from desktop.pages.base import Page

WHERE_ROLE = Qt.UserRole + 1


class ReviewPage(Page):
    title = "审核与导出"
    finding_activated = Signal(str)  # the finding's where

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        layout = QVBoxLayout(self.body)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.sheet = QTreeWidget()
        self.sheet.setHeaderLabels(["表 / 一级指标", "分值", "规则得分", "填报得分", "标注分值 / 报告总分"])
        self.sheet.setColumnWidth(0, 380)
        self.findings = QTreeWidget()
        self.findings.setHeaderLabels(["审核意见（双击跳转到对应位置）", "建议"])
        self.findings.setColumnWidth(0, 620)
        self.findings.itemActivated.connect(self._activated)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("评分表"))
        layout.addWidget(self.sheet, 2)
        layout.addWidget(QLabel("审核意见"))
        layout.addWidget(self.findings, 3)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        where = item.data(0, WHERE_ROLE)
        if where:
            self.finding_activated.emit(where)

    def load(self) -> None:
        report = self.session.report
        score = score_report(report)
        found = run_checks(report, score)
        self.sheet.clear()
        for t in score.tables:
            top = QTreeWidgetItem(self.sheet, [t.name or t.where, fmt_score(t.weight_total),
                                               fmt_score(t.rule_total), fmt_score(t.reported_total),
                                               fmt_score(t.stated_total) + (f"  等级 {t.grade}" if t.grade else "")])
            if t.execution is not None:
                e = t.execution
                QTreeWidgetItem(top, [e.names[0], fmt_score(e.weight), fmt_score(e.rule_score),
                                      fmt_score(e.reported_score), ""])
            for b in t.blocks:
                QTreeWidgetItem(top, [b.name, fmt_score(b.weight), fmt_score(b.rule_score),
                                      fmt_score(b.reported_score), fmt_score(b.stated_weight)])
            top.setExpanded(True)
        self.findings.clear()
        for severity in (ERROR, WARNING, HINT):
            items = [f for f in found if f.severity == severity]
            group = QTreeWidgetItem(self.findings, [f"{SEVERITY_LABELS[severity]}（{len(items)}）", ""])
            for f in items:
                text = f.message + (f"（已说明：{f.explanation}）" if f.answered else "")
                item = QTreeWidgetItem(group, [text, f.fix])
                item.setData(0, WHERE_ROLE, f.where)
                item.setToolTip(0, f"{f.code} @ {f.where}")
            group.setExpanded(True)
        errors = sum(f.severity == ERROR for f in found)
        open_warnings = sum(f.severity == WARNING and not f.answered for f in found)
        main = score.main
        total = f"规则得分 {fmt_score(main.rule_total)} 分，等级 {main.grade}；" if main and main.scored else ""
        self.summary.setText(f"{total}错误 {errors} 项，待说明的警告 {open_warnings} 项。"
                             + ("错误改正、警告说明后即可定稿导出。" if errors or open_warnings else "可以定稿导出。"))
