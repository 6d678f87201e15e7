"""审核与导出: the score sheet (per 一级, total, grade) and the findings grouped by severity.

A double click (or Enter) on a finding asks the editor to open the page and field it points at.
The selected finding's whole message and fix are shown, wrapped, in a pane under the list.
The headline's counts are the tree's counts (``Counts``), and it names the table whose total
it shows; a table whose weights do not add up gets no grade (``core.scoring_records.NO_GRADE``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from core import model

from core.checks import run_checks
from core.findings import ERROR, HINT, SEVERITY_LABELS, WARNING
from core.rounding import fmt_score
from core.scoring import score_report
from core.scoring_records import ReportScore
from desktop.pages.base import Page

DETAIL_EMPTY = "选中一条审核意见，这里显示它的全文和改正方法。"
WHERE_ROLE = Qt.UserRole + 1
FINDING_ROLE = Qt.UserRole + 2
NOTE_ANSWERS = ("DEVIATION_NOTE_MISSING", "SCORE_ABOVE_RULE", "SCORE_BELOW_RULE")


class _Tree(QTreeWidget):
    """A tree that asks for little height: the page's word-wrapped labels make its layout
    height-for-width, which adds up the trees' size hints; with the default hint (192 px
    each) the export buttons fell below a 768-pixel screen. The layout's stretch still
    gives the trees all spare height."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.fontMetrics().lineSpacing() * 5)


def review_findings(report: model.Report) -> tuple[ReportScore, list]:
    """The scores and findings the 审核 page shows; the step list counts the same ones."""
    score = score_report(report)
    return score, list(run_checks(report, score))


@dataclass(frozen=True)
class Counts:
    """How many findings of each kind: the headline and the tree's group titles both say these."""
    errors: int = 0
    warnings: int = 0
    open_warnings: int = 0  # warnings not yet explained
    hints: int = 0

    @classmethod
    def of(cls, found) -> "Counts":
        found = list(found)
        return cls(sum(f.severity == ERROR for f in found), sum(f.severity == WARNING for f in found),
                   sum(f.severity == WARNING and not f.answered for f in found),
                   sum(f.severity == HINT for f in found))

    def group_title(self, severity: str) -> str:
        if severity == ERROR:
            return f"错误（{self.errors}）"
        if severity == WARNING:
            explained = self.warnings - self.open_warnings
            return f"警告（{self.warnings}）" + (f"，其中 {explained} 项已说明" if explained else "")
        return f"提示（{self.hints}）"

    def sentence(self) -> str:
        explained = self.warnings - self.open_warnings
        warn = f"警告 {self.warnings} 项" + (f"（{explained} 项已说明）" if explained else "")
        return f"错误 {self.errors} 项，{warn}，提示 {self.hints} 项。"


def headline(report: model.Report, score: ReportScore, counts: Counts) -> str:
    """The line at the top of the 审核 page: which table's total, its grade, the counts."""
    main = score.main
    total = ""
    if main is not None and main.has_scores:
        name = main.name or report.table_kind(main.where)
        which = f"{report.table_kind(main.where)}“{name}”"
        if len(score.tables) > 1:
            which += f"（共 {len(score.tables)} 张表，各表得分见下方评分表）"
        grade = f"等级 {main.grade}" if main.grade else main.grade_text
        total = f"{which}：规则得分 {fmt_score(main.rule_total)} 分" + (f"，{grade}" if grade else "") + "。"
    if counts.errors or counts.open_warnings:
        tail = "错误改正、警告说明后即可定稿导出。"
    else:
        tail = "可以定稿导出。"
    return total + counts.sentence() + tail


def detail_text(f) -> str:
    """The whole of one finding for the pane under the list: message, fix, the clerk's answer."""
    text = f"【{SEVERITY_LABELS.get(f.severity, f.severity)}】{f.message}"
    if f.fix:
        text += f"\n改正方法：{f.fix}"
    if f.answered:
        text += f"\n已说明：{f.explanation}"
    return text


class ReviewPage(Page):
    title = "审核与导出"
    finding_activated = Signal(str)  # where to go: the finding's where (+ "/deviation_note" when the answer goes there)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        layout = QVBoxLayout(self.body)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.sheet = _Tree()
        self.sheet.setHeaderLabels(["表 / 一级指标", "分值", "规则得分", "填报得分", "标注分值 / 报告总分"])
        self.sheet.setColumnWidth(0, 380)
        self.findings = _Tree()
        self.findings.setHeaderLabels(["审核意见（双击跳转到对应位置）", "建议"])
        self.findings.setColumnWidth(0, 620)
        self.findings.setWordWrap(True)
        self.findings.itemActivated.connect(self._activated)
        self.detail = QLabel(DETAIL_EMPTY)  # the selected finding in full, never cut off
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.detail.setAccessibleName("所选审核意见的全文")
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 3)
        self.detail.setStyleSheet("background: #f6f8fa; border: 1px solid #d0d7de; padding: 6px;")
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("评分表"))
        layout.addWidget(self.sheet, 2)
        layout.addWidget(QLabel("审核意见"))
        layout.addWidget(self.findings, 3)
        layout.addWidget(self.detail)
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
        self.detail.setText(detail_text(finding) if finding is not None else DETAIL_EMPTY)
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
        score, found = review_findings(report)
        self.sheet.clear()
        for t in score.tables:
            grade = f"  等级 {t.grade}" if t.grade and t.has_scores else (
                f"  {t.grade_text}" if t.grade_text else "")
            top = QTreeWidgetItem(self.sheet, [t.name or t.where, fmt_score(t.weight_total),
                                               fmt_score(t.rule_total), fmt_score(t.reported_total),
                                               fmt_score(t.stated_total) + grade])
            if t.has_scores and not t.weights_ok:
                top.setToolTip(4, f"各行分值合计 {fmt_score(t.weight_total)} 分，应为 "
                                  f"{fmt_score(t.full_weight)} 分：改正分值后才评定等级")
            if t.execution is not None:
                e = t.execution
                QTreeWidgetItem(top, [e.names[0], fmt_score(e.weight), fmt_score(e.rule_score),
                                      fmt_score(e.reported_score), ""])
            for b in t.blocks:
                QTreeWidgetItem(top, [b.name, fmt_score(b.weight), fmt_score(b.rule_score),
                                      fmt_score(b.reported_score), fmt_score(b.stated_weight)])
            top.setExpanded(True)
        counts = Counts.of(found)
        current = self.findings.currentItem()
        was = current.data(0, FINDING_ROLE) if current is not None else None
        self.findings.clear()
        self.group_items = {}
        reselect = None
        for severity in (ERROR, WARNING, HINT):
            items = [f for f in found if f.severity == severity]
            group = QTreeWidgetItem(self.findings, [counts.group_title(severity), ""])
            self.group_items[severity] = group
            for f in items:
                text = f.message + (f"（已说明：{f.explanation}）" if f.answered else "")
                item = QTreeWidgetItem(group, [text, f.fix])
                item.setData(0, WHERE_ROLE, self.target_of(f.code, f.where))
                item.setData(0, FINDING_ROLE, f)
                item.setToolTip(0, detail_text(f))
                item.setToolTip(1, detail_text(f))
                if was is not None and (f.code, f.where, f.message) == (was.code, was.where, was.message):
                    reselect = item
            group.setExpanded(True)
        if reselect is not None:
            self.findings.setCurrentItem(reselect)
        else:
            self._selected(None)
        from core.export.layout import export_status  # here: the editor opens without the export modules

        final, reasons = export_status(found)
        self.export_state.setText("可以定稿导出。" if final else
                                  "现在导出的是草稿（每页标有“草稿”）：" + "；".join(reasons) + "。")
        self.counts = counts
        self.summary.setText(headline(report, score, counts))

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
