"""The 汇总 workspace: the page beside the drafts list where the finance bureau (or a 主管部门)
adds its units' packages, checks each report, chooses what goes in and exports the summary
tables and the 审核意见.

Packages are read off the UI thread (``gathering.Gathering``) with a progress bar and 取消;
the rows appear when the reading ends (or is cancelled: what was read so far is kept). The
numbers come from ``core.summary`` (``group_versions``, ``build_summary``); this page only
keeps the officer's choices — the year, the kind, a check box per unit and the version that
counts — and shows the result."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QProgressBar, QPushButton, QSplitter, QTableView, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from core import model
from core.summary import Selection, Source, build_summary, group_versions, sources_from
from desktop.summary.findings_view import FindingsView
from desktop.summary.gathering import Gathering
from desktop.summary.models import (COL_TITLE, COL_UNIT, COL_VERSIONS, ENTRY_ROLE, HEADERS, EntriesModel,
                                    EntryRow, VersionDelegate, totals_text)
from desktop.summary.prompts import Prompts
from desktop.summary import exports

ALL = None
KIND_CHOICES = (("全部", None), ("部门整体", frozenset({model.DEPARTMENT})), ("项目", frozenset({model.PROJECT})))
# the widest text each column must show (besides its header), so 大字体 cuts nothing; None: 标题 stretches
COLUMN_SAMPLES = ("", "某某街道人力资源和社会", "2022", "部门整体", None, "100.00", "100.00", "暂不评级",
                  "100", "100", "不一致", "第1份 / 共2份")


class SummaryWorkspace(QWidget):
    back_requested = Signal()
    open_requested = Signal(object, object)  # UnitReport, where (or None)
    message = Signal(str)

    def __init__(self, storage=None, data_dir: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.storage, self.data_dir = storage, data_dir
        self.reports: list = []  # every report read, all versions
        self.refused: list = []
        self.seen: set = set()  # sources already added (a package added twice is read once)
        self.rows: dict = {}  # entry key → EntryRow (the officer's choices kept across additions)
        self.entries: list = []
        self.summary = None
        self.gathering = Gathering(self)
        self.gathering.on_progress = self._progress
        self.gathering.on_finished = self._gathered
        self.gathering.on_failed = self._failed
        self.last_export_message = ""
        self._build()
        self.fit_columns()
        self._regroup()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.back = QPushButton("← 草稿列表")
        self.back.clicked.connect(self.back_requested)
        title = QLabel("汇总（财政局/主管部门）")
        title.setStyleSheet("font-weight: bold;")
        self.buttons = {}
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addWidget(title)
        top.addStretch(1)
        for key, text, slot in (("folder", "添加数据包文件夹…", self.add_folder),
                                ("files", "添加数据包…", self.add_files),
                                ("drafts", "添加本机草稿…", self.add_drafts),
                                ("clear", "清空", self.clear)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons[key] = b
            top.addWidget(b)
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m")
        self.progress_label = QLabel()
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        busy = QHBoxLayout()
        busy.addWidget(self.progress_label)
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        self.busy = QWidget()
        self.busy.setLayout(busy)
        busy.setContentsMargins(0, 0, 0, 0)
        self.busy.hide()

        self.year_box = QComboBox()
        self.year_box.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.year_box.setAccessibleName("年度")
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName("类型")
        for text, kinds in KIND_CHOICES:
            self.kind_box.addItem(text, kinds)
        self.year_box.currentIndexChanged.connect(lambda _: self.refresh())
        self.kind_box.currentIndexChanged.connect(lambda _: self.refresh())
        check_all = QPushButton("全选")
        check_all.clicked.connect(lambda: self.check_all(True))
        check_none = QPushButton("全不选")
        check_none.clicked.connect(lambda: self.check_all(False))
        filters = QHBoxLayout()
        filters.addWidget(QLabel("年度："))
        filters.addWidget(self.year_box)
        filters.addWidget(QLabel("类型："))
        filters.addWidget(self.kind_box)
        filters.addWidget(check_all)
        filters.addWidget(check_none)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)  # a long count wraps rather than widening the window
        filters.addWidget(self.count_label, 1)

        self.model = EntriesModel(self)
        self.model.on_change = self._recompute
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(COL_VERSIONS, VersionDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.SelectedClicked)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_UNIT, Qt.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.Stretch)
        self.table.doubleClicked.connect(self._row_activated)
        self.refused_title = QLabel()
        self.refused_title.setStyleSheet("color: #b00020; font-weight: bold;")
        self.refused_table = QTableWidget(0, 2)
        self.refused_table.setHorizontalHeaderLabels(["数据包", "未能读取的原因"])
        self.refused_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.refused_table.verticalHeader().hide()
        self.refused_table.horizontalHeader().setStretchLastSection(True)
        self.refused_table.setColumnWidth(0, 260)
        refused = QWidget()
        rl = QVBoxLayout(refused)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.refused_title)
        rl.addWidget(self.refused_table)
        self.refused_box = refused
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(refused)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextInteractionFlags(Qt.TextSelectableByMouse)
        reports = QWidget()
        rep = QVBoxLayout(reports)
        rep.setContentsMargins(0, 0, 0, 0)
        rep.addLayout(filters)
        rep.addWidget(split, 1)
        rep.addWidget(self.totals)

        self.findings = FindingsView()
        self.findings.open_requested.connect(self._finding_activated)
        self.findings.save_requested.connect(self.save_opinion)
        self.tabs = QTabWidget()
        self.tabs.addTab(reports, "报告")
        self.tabs.addTab(self.findings, "审核意见")

        out = QHBoxLayout()
        self.export_buttons = {}
        for key, text, slot in (("docx", "导出汇总表（Word）…", self.export_docx),
                                ("xlsx", "导出汇总表（Excel）…", self.export_xlsx),
                                ("findings", "导出审核意见（Excel）…", self.export_findings)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.export_buttons[key] = b
            out.addWidget(b)
        self.export_state = QLabel()
        self.export_state.setWordWrap(True)
        self.export_state.setTextInteractionFlags(Qt.TextSelectableByMouse)
        out.addWidget(self.export_state, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.busy)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(out)

    def fit_columns(self) -> None:
        """Each column as wide as its header or its widest value in the current font."""
        fm = self.table.fontMetrics()
        for col, sample in enumerate(COLUMN_SAMPLES):
            if sample is not None:
                self.table.setColumnWidth(col, max(fm.horizontalAdvance(HEADERS[col]) + 28,
                                                   fm.horizontalAdvance(sample) + 16))
        self.table.verticalHeader().setDefaultSectionSize(fm.height() + 8)
        self.findings.fit_columns()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:  # 大字体
            QTimer.singleShot(0, self, self.fit_columns)

    # -- adding ---------------------------------------------------------------------------------
    def _start_folder(self) -> str:
        return QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())

    def add_folder(self) -> None:
        folder = Prompts.folder(self, self._start_folder())
        if folder:
            self.add_paths([folder])

    def add_files(self) -> None:
        files = Prompts.files(self, self._start_folder())
        if files:
            self.add_paths(files)

    def add_drafts(self) -> None:
        if self.storage is None:
            return
        try:
            drafts = self.storage.list()
        except Exception as e:
            self.say(f"无法读取草稿列表：{e}")
            return
        if not drafts:
            self.say("本机还没有草稿")
            return
        ids = Prompts.drafts(self, drafts)
        if ids:
            self.add_sources([Source(draft_id=i) for i in ids])

    def add_paths(self, paths) -> bool:
        """Packages, and the ``.jxpkg`` of folders; False when there is nothing new to read."""
        sources = sources_from([Path(p) for p in paths])
        if not sources:
            self.say("所选文件夹中没有数据包（.jxpkg）")
            return False
        return self.add_sources(sources)

    def add_sources(self, sources) -> bool:
        """Read the sources not read yet, off the UI thread; False while a reading runs."""
        if self.gathering.running:
            self.say("正在读取数据包，请等读取结束或点“取消”")
            return False
        new = [s for s in sources if self._source_key(s) not in self.seen]
        if not new:
            self.say("所选的数据包都已加入汇总")
            return False
        self.progress.setRange(0, len(new))
        self.progress.setValue(0)
        self.progress_label.setText(f"正在读取 {len(new)} 个…")
        self.busy.show()
        self._set_adding(False)
        self._pending = new
        self.gathering.start(new, self.data_dir)
        return True

    @staticmethod
    def _source_key(s):
        return ("draft", s.draft_id) if s.path is None else ("path", str(Path(s.path).resolve()))

    def cancel(self) -> None:
        self.gathering.cancel()
        self.progress_label.setText("正在取消…")

    def _set_adding(self, on: bool) -> None:
        for b in self.buttons.values():
            b.setEnabled(on)
        for b in self.export_buttons.values():
            b.setEnabled(on)

    def _progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress_label.setText(f"正在读取：{label}")

    def _gathered(self, result) -> None:
        self.busy.hide()
        self._set_adding(True)
        read = {self._source_key(r.source) for r in result.reports} | {self._source_key(r.source) for r in result.refused}
        self.seen |= read
        self.reports.extend(result.reports)
        self.refused.extend(result.refused)
        self._regroup()
        note = f"，另有 {len(result.refused)} 个未能读取（原因见下方）" if result.refused else ""
        head = "已取消：" if result.cancelled else ""
        self.say(f"{head}读入 {len(result.reports)} 份报告{note}")

    def _failed(self, message: str) -> None:
        self.busy.hide()
        self._set_adding(True)
        self.say(message)

    def clear(self) -> None:
        self.reports, self.refused, self.seen, self.rows = [], [], set(), {}
        self._regroup()
        self.say("已清空汇总")

    # -- choosing -------------------------------------------------------------------------------
    def _regroup(self) -> None:
        """Entries from every report read; the officer's choices kept for the units seen before."""
        self.entries = group_versions(self.reports)
        rows = {}
        for e in self.entries:
            old = self.rows.get(e.key)
            row = EntryRow(e.key, list(e.versions))
            if old is not None:
                was = old.report
                row.checked = old.checked
                row.chosen = next((i for i, v in enumerate(e.versions) if v is was), 0)
            rows[e.key] = row
        self.rows = rows
        years = sorted({r.year for r in self.reports if r.year}, reverse=True)
        current = self.year_box.currentData()
        self.year_box.blockSignals(True)
        self.year_box.clear()
        self.year_box.addItem("全部年度", ALL)
        for y in years:
            self.year_box.addItem(f"{y}年度", y)
        i = self.year_box.findData(current if current is not None else self._usual_year())
        self.year_box.setCurrentIndex(max(i, 0))  # first time: the year most reports are of
        self.year_box.blockSignals(False)
        self.refused_title.setText(f"未能读取的数据包 {len(self.refused)} 个（请让单位重新导出）")
        self.refused_table.setRowCount(len(self.refused))
        for i, r in enumerate(self.refused):
            self.refused_table.setItem(i, 0, QTableWidgetItem(r.label))
            item = QTableWidgetItem(r.reason)
            item.setToolTip(r.reason)
            self.refused_table.setItem(i, 1, item)
        self.refused_box.setVisible(bool(self.refused))
        self.refresh()

    def _usual_year(self):
        """The year most units reported for (the latest of equals); None when there is none."""
        counts: dict = {}
        for row in self.rows.values():
            if row.report.year:
                counts[row.report.year] = counts.get(row.report.year, 0) + 1
        return max(counts, key=lambda y: (counts[y], y)) if counts else None

    def shown_rows(self) -> list[EntryRow]:
        year, kinds = self.year_box.currentData(), self.kind_box.currentData()
        return [row for row in self.rows.values()
                if (year is None or row.report.year == year) and (kinds is None or row.report.kind in kinds)]

    def refresh(self) -> None:
        """The rows the year and kind take, then the totals."""
        self.model.set_rows(self.shown_rows())
        self._recompute()

    def selection(self) -> Selection:
        shown = self.model.rows
        return Selection(year=self.year_box.currentData(), kinds=self.kind_box.currentData(),
                         keys=frozenset(r.key for r in shown if r.checked),
                         chosen={r.key: r.chosen for r in shown})

    def _recompute(self) -> None:
        self.summary = build_summary(self.entries, self.selection())
        shown = self.model.rows
        checked = sum(1 for r in shown if r.checked)
        twice = sum(1 for r in shown if len(r.versions) > 1)
        hidden = len(self.rows) - len(shown)
        self.count_label.setText(f"显示 {len(shown)} 个，计入 {checked} 个" +
                                 (f"（另有 {hidden} 个不在所选年度/类型中）" if hidden else "") +
                                 (f"；{twice} 个单位有多份，双击“版本”选择" if twice else ""))
        self.totals.setText(totals_text(self.summary))
        self.findings.set_findings(self.summary.findings)
        self.tabs.setTabText(1, f"审核意见（{len(self.summary.findings)}）")

    def check_all(self, on: bool) -> None:
        for row in self.model.rows:
            row.checked = on
        self.model.set_rows(self.model.rows)
        self._recompute()

    def choose_version(self, key, index: int) -> bool:
        """The version of unit ``key`` that counts (what the 版本 drop-down does)."""
        for i, row in enumerate(self.model.rows):
            if row.key == key:
                return self.model.setData(self.model.index(i, COL_VERSIONS), index)
        return False

    # -- opening a report read-only -------------------------------------------------------------
    def _row_activated(self, index) -> None:
        if index.column() in (0, COL_VERSIONS):
            return  # the check box and the version drop-down
        row = index.data(ENTRY_ROLE)
        if row is not None:
            self.open_requested.emit(row.report, None)

    def _finding_activated(self, finding) -> None:
        report = next((r for r in (self.summary.reports if self.summary else ()) if r.key == finding.key), None)
        if report is None:
            report = next((row.report for row in self.rows.values() if row.key == finding.key), None)
        if report is not None:
            self.open_requested.emit(report, exports.where_of(finding, report))

    # -- exports --------------------------------------------------------------------------------
    def export_docx(self) -> None:
        exports.export(self, "docx")

    def export_xlsx(self) -> None:
        exports.export(self, "xlsx")

    def export_findings(self) -> None:
        exports.export(self, "findings")

    def save_opinion(self, unit: str, text: str) -> None:
        exports.save_opinion(self, unit, text)

    def suggested(self, name: str, suffix: str) -> str:
        year = self.summary.year if self.summary and self.summary.year else ""
        return str(Path(self._start_folder()) / f"{year}{'年度' if year else ''}{name}{suffix}")

    def say(self, text: str) -> None:
        self.message.emit(text)

    def export_done(self, text: str, failed: bool = False) -> None:
        self._set_adding(True)
        self.export_state.setText(text)
        self.export_state.setStyleSheet("color: #b00020;" if failed else "color: #2e7d32;")
        self.last_export_message = text
        self.say(text)
