"""The desktop window (for now): open a report file and see its score sheet and 审核 findings.

The full wizard (drafts, pages, export) comes with later issues; this window already shows
the clerk what the core computes: per table the blocks with weight, rule score and reported
score, the total and grade, and every finding grouped by severity.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (QApplication, QFileDialog, QLabel, QMainWindow, QSplitter,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from core.checks import run_checks
from core.findings import ERROR, HINT, SEVERITY_LABELS, WARNING
from core.report_io import load_report
from core.rounding import fmt_score
from core.scoring import score_report

FILE_FILTER = "报告文件 (*.json);;所有文件 (*)"


class MainWindow(QMainWindow):
    def __init__(self):
        super().__init__()
        self.setWindowTitle("绩效自评助手")
        self.resize(1366, 768)
        open_action = QAction("打开报告文件…", self)
        open_action.setShortcut(QKeySequence.Open)
        open_action.triggered.connect(self.choose_file)
        self.addToolBar("文件").addAction(open_action)

        self.title = QLabel("请打开一份报告文件（.json）：评分表和审核意见会显示在这里。")
        self.title.setWordWrap(True)
        self.sheet = QTreeWidget()
        self.sheet.setHeaderLabels(["表 / 一级指标", "分值", "规则得分", "填报得分", "标注分值 / 报告总分"])
        self.sheet.setColumnWidth(0, 420)
        self.findings = QTreeWidget()
        self.findings.setHeaderLabels(["审核意见", "位置", "建议"])
        self.findings.setColumnWidth(0, 640)
        self.findings.setColumnWidth(1, 260)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.sheet)
        splitter.addWidget(self.findings)
        splitter.setSizes([330, 370])
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(splitter)
        self.setCentralWidget(body)
        self.statusBar().showMessage("就绪")

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "打开报告文件", str(Path.home()), FILE_FILTER)
        if path:
            self.open_report(path)

    def open_report(self, path: str) -> bool:
        self.sheet.clear()
        self.findings.clear()
        report, load_findings = load_report(path)
        if report is None:
            self.title.setText(f"无法打开 {Path(path).name}")
            for f in load_findings:
                QTreeWidgetItem(self.findings, [f.message, f.where, f.fix])
            self.statusBar().showMessage("文件有问题，未作任何改动")
            return False
        score = score_report(report)
        found = load_findings + run_checks(report, score)
        self.title.setText(f"{report.title or report.unit.name}（{report.year or ''}年度）")
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
        for severity in (ERROR, WARNING, HINT):
            items = [f for f in found if f.severity == severity]
            group = QTreeWidgetItem(self.findings, [f"{SEVERITY_LABELS[severity]}（{len(items)}）", "", ""])
            for f in items:
                text = f.message + (f"（已说明：{f.explanation}）" if f.answered else "")
                QTreeWidgetItem(group, [text, f.where, f.fix])
            group.setExpanded(True)
        errors = sum(f.severity == ERROR for f in found)
        self.statusBar().showMessage(f"已打开 {Path(path).name}：错误 {errors} 项")
        return True


def install_translator(app: QApplication) -> None:
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Chinese, QLocale.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        app.installTranslator(translator)


def run(argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    install_translator(app)
    font = QFont(app.font())
    font.setPointSize(max(font.pointSize(), 11))
    app.setFont(font)
    window = MainWindow()
    window.show()
    if os.environ.get("JIXIAO_OPEN"):
        window.open_report(os.environ["JIXIAO_OPEN"])
    return app.exec()
