"""审核与导出: the score sheet (per 一级, total, grade) and the findings grouped by severity.

A double click (or Enter) on a finding asks the editor to open the page and field it points at.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from core import model

from core.checks import run_checks
from core.export.layout import export_status
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
        exports = QHBoxLayout()
        self.export_state = QLabel()
        self.export_state.setWordWrap(True)
        self.export_buttons = []
        for text, slot in (("导出 Word…", self.export_docx), ("导出 PDF…", self.export_pdf), ("打印…", self.print_pdf)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            exports.addWidget(b)
            self.export_buttons.append(b)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # busy: the export runs off the UI thread
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        exports.addWidget(self.busy)
        exports.addWidget(self.export_state, 1)
        layout.addLayout(exports)

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
                                               fmt_score(t.stated_total) + (f"  等级 {t.grade}" if t.grade and t.has_scores else "")])
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
        final, reasons = export_status(found)
        self.export_state.setText("可以定稿导出。" if final else
                                  "现在导出的是草稿（每页标有“草稿”）：" + "；".join(reasons) + "。")
        errors = sum(f.severity == ERROR for f in found)
        open_warnings = sum(f.severity == WARNING and not f.answered for f in found)
        main = score.main
        total = (f"规则得分 {fmt_score(main.rule_total)} 分，等级 {main.grade}；"
                 if main and main.has_scores else "")
        self.summary.setText(f"{total}错误 {errors} 项，待说明的警告 {open_warnings} 项。"
                             + ("错误改正、警告说明后即可定稿导出。" if errors or open_warnings else "可以定稿导出。"))

    # -- export ----------------------------------------------------------------------------
    def _default_path(self, suffix: str) -> str:
        r = self.session.report
        name = (r.title or f"{r.year or ''}年度{r.unit.name}绩效自评报告").replace("/", "-")
        folder = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())
        return str(Path(folder) / f"{name}{suffix}")

    def export_docx(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出 Word 报告", self._default_path(".docx"), "Word 文档 (*.docx)")
        if path:
            self.export(path, "docx")

    def export_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出 PDF 报告", self._default_path(".pdf"), "PDF 文件 (*.pdf)")
        if path:
            self.export(path, "pdf")

    def print_pdf(self) -> None:
        """Write the PDF beside the drafts and open it in the system viewer to print."""
        folder = self.session.storage.data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"打印-{self.session.draft_id}.pdf"
        self.export(str(path), "pdf", open_after=True)

    def export(self, path: str, kind: str, open_after: bool = False) -> None:
        from desktop.worker import run_in_background

        report = self.session.report
        self.session.snapshot(f"导出 {'Word' if kind == 'docx' else 'PDF'}")
        for b in self.export_buttons:
            b.setEnabled(False)
        self.busy.show()
        self.export_state.setText(f"正在导出 {Path(path).name} …")

        def work():
            if kind == "docx":
                from core.export.docx import write_docx
                return write_docx(report, Path(path))
            from core.export.pdf import write_pdf
            return write_pdf(report, Path(path))

        def done(written):
            self._finish(f"已导出 {written}")
            if open_after:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))

        run_in_background(work, done, lambda message: self._finish(message, failed=True))

    def _finish(self, message: str, failed: bool = False) -> None:
        self.busy.hide()
        for b in self.export_buttons:
            b.setEnabled(True)
        self.export_state.setText(message)
        self.export_state.setStyleSheet("color: #b00020;" if failed else "color: #2e7d32;")
        self.last_export_message = message
