"""审核与导出: the score sheet (per 一级, total, grade) and the findings grouped by severity.

A double click (or Enter) on a finding asks the editor to open the page and field it points at.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from core import model

from core.checks import run_checks
from core.findings import ERROR, HINT, SEVERITY_LABELS, WARNING
from core.rounding import fmt_score
from core.scoring import score_report
from desktop.pages.base import Page

WHERE_ROLE = Qt.UserRole + 1
FINDING_ROLE = Qt.UserRole + 2
NOTE_ANSWERS = ("DEVIATION_NOTE_MISSING", "SCORE_ABOVE_RULE", "SCORE_BELOW_RULE")


class ReviewPage(Page):
    title = "审核与导出"
    finding_activated = Signal(str)  # where to go: the finding's where (+ "/deviation_note" when the answer goes there)

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
        answer = QHBoxLayout()
        self.answer_label = QLabel("选中一条警告，在此写明理由：")
        self.answer = QLineEdit()
        self.answer.setAccessibleName("警告的说明")
        self.answer.setEnabled(False)
        self.answer_button = QPushButton("保存说明")
        self.answer_button.setEnabled(False)
        self.answer_button.clicked.connect(self.save_answer)
        self.answer.returnPressed.connect(self.save_answer)
        answer.addWidget(self.answer_label)
        answer.addWidget(self.answer, 1)
        answer.addWidget(self.answer_button)
        layout.addLayout(answer)
        self.findings.currentItemChanged.connect(self._selected)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        where = item.data(0, WHERE_ROLE)
        if where:
            self.finding_activated.emit(where)

    def _selected(self, item, _previous=None) -> None:
        finding = item.data(0, FINDING_ROLE) if item is not None else None
        can = finding is not None and finding.severity == WARNING
        self.answer.setEnabled(can)
        self.answer_button.setEnabled(can)
        self.answer.setText(finding.explanation if can else "")

    def save_answer(self) -> None:
        item = self.findings.currentItem()
        finding = item.data(0, FINDING_ROLE) if item is not None else None
        text = self.answer.text().strip()
        if finding is None or finding.severity != WARNING or not text:
            return
        kept = tuple(e for e in self.session.report.explanations
                     if (e.code, e.where) != (finding.code, finding.where))
        answered = kept + (model.Explanation(finding.code, finding.where, text),)
        self.session.set("explanations", answered)
        self.load()

    @staticmethod
    def target_of(code: str, where: str) -> str:
        """Where the clerk acts on a finding: a row's note for the findings a note answers."""
        if code in NOTE_ANSWERS and "/groups/" in where and not where.endswith("_note"):
            return f"{where}/deviation_note"
        return where

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
                item.setData(0, WHERE_ROLE, self.target_of(f.code, f.where))
                item.setData(0, FINDING_ROLE, f)
                item.setToolTip(0, f"{f.code} @ {f.where}")
            group.setExpanded(True)
        errors = sum(f.severity == ERROR for f in found)
        open_warnings = sum(f.severity == WARNING and not f.answered for f in found)
        main = score.main
        total = f"规则得分 {fmt_score(main.rule_total)} 分，等级 {main.grade}；" if main and main.scored else ""
        self.summary.setText(f"{total}错误 {errors} 项，待说明的警告 {open_warnings} 项。"
                             + ("错误改正、警告说明后即可定稿导出。" if errors or open_warnings else "可以定稿导出。"))
