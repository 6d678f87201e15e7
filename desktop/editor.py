"""The draft editor: a numbered step list on the side (jump to any page), one page per part,
and 上一步 / 下一步 under the step list (Alt+← / Alt+→ too; there they take no height
from the page).

Only the page shown is built; the others on their first visit (``desktop.page_set``).

Each step in the list shows how many errors and warnings still wait on that page — the same
findings the 审核与导出 page lists (``review_findings``), counted a moment after each edit,
off the UI thread (typing never waits for the checks); counts of a report that has changed
meanwhile are dropped — the next pause counts again.
A finding belongs to the step whose page holds its field (``step_of``); the 审核与导出 step
shows the totals.

Every field is saved as it is typed (through the session's autosave). A history point is
kept when the clerk leaves a page after changing something, and every few minutes of editing.

The header says whether everything is saved: "已保存", or while writes fail (full disk, the
database locked by another program …) "未保存（自 HH:MM:SS 起），正在重试…" in red with the
reason below, within a fraction of a second and gone as soon as a retry succeeds. Closing the
draft waits a few seconds for the last write; if it still cannot be done the clerk chooses
between waiting longer and closing with the edits kept in a recovery file.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QMessageBox, QPushButton, QStackedWidget, QVBoxLayout, QWidget)

from desktop.pages.review import Counts, ReviewPage, review_findings
from core.autosave import describe
from desktop.page_set import PageRef, PageSet
from desktop.session import DraftSession
from desktop.worker import run_in_background

# the pages' modules load when a page is first built (审核与导出's is needed for the step counts),
# each by an import statement in a function: PyInstaller puts them in the bundle by it


def _overview():
    from desktop.pages.overview import OverviewPage
    return OverviewPage


def _budget():
    from desktop.pages.budget import BudgetPage
    return BudgetPage


def _indicators():
    from desktop.pages.indicators import IndicatorsPage
    return IndicatorsPage


def _narrative():
    from desktop.pages.narrative import NarrativePage
    return NarrativePage


OverviewPage = PageRef("desktop.pages.overview", "OverviewPage", "部门概况", _overview)
BudgetPage = PageRef("desktop.pages.budget", "BudgetPage", "预算收支", _budget)
IndicatorsPage = PageRef("desktop.pages.indicators", "IndicatorsPage", "绩效目标与指标", _indicators)
NarrativePage = PageRef("desktop.pages.narrative", "NarrativePage", "报告正文", _narrative)
PAGES = (OverviewPage, BudgetPage, IndicatorsPage, NarrativePage, ReviewPage)
SNAPSHOT_EVERY_MS = 5 * 60 * 1000
COUNT_DELAY_MS = 400  # the step counts are recomputed this long after the last edit
# where a finding's field lives: the first part of its path → the page that edits it
STEP_PREFIXES = {OverviewPage: ("overview", "unit", "year", "title", "signatories"),
                 BudgetPage: ("figures", "fund_lines"),
                 IndicatorsPage: ("table", "projects", "framework"),
                 NarrativePage: ("sections",)}
STATUS_EVERY_MS = 250  # how often the header looks at the autosave state
CLOSE_WAIT = 3.0  # seconds closing waits for the last write before asking
SAVED = "已保存"
OK_STYLE = "color: #2e7d32;"
ERROR_STYLE = "color: #b00020; font-weight: bold;"
READ_ONLY = "只读"
READ_ONLY_STYLE = "color: #1a4f8b; font-weight: bold;"
VIEW_ONLY = (("table_box", "activated"), ("head_toggle", "toggled"))  # read-only: these still choose what is shown
BANNER_STYLE = "color: #1a4f8b; background: #e8f0fb; border: 1px solid #b6cbe8; border-radius: 3px; padding: 4px 8px;"
PROBLEM_STYLE = ("color: #b00020; background: #fdecea; border: 1px solid #f5c2c0;"
                 " border-radius: 3px; padding: 4px 8px;")


def unsaved_text(session: DraftSession) -> str:
    since = session.unsaved_since
    doing = "正在重试…" if session.save_error else "正在等待数据库…"
    return f"未保存（自 {since:%H:%M:%S} 起），{doing}" if since else f"未保存，{doing}"


def problem_text(session: DraftSession) -> str:
    """The reason and what happens to the edits, for the line under the header."""
    reason = session.save_error or "数据库暂时没有响应（可能正被其他程序占用）"
    text = f"{reason}。修改仍在本窗口中，问题解决后会自动保存，无需重新输入"
    if session.kept_path is not None:
        text += "；另已保存一份恢复副本，即使程序意外关闭也能找回"
    return text + "。"


def step_of(where: str) -> int:
    """The index in PAGES of the page that holds ``where``; findings of no page go to 审核与导出."""
    head = where.split("/", 1)[0]
    for i, cls in enumerate(PAGES):
        if head in STEP_PREFIXES.get(cls, ()):
            return i
    return PAGES.index(ReviewPage)


def step_counts(found) -> list[Counts]:
    """Counts per step: each page's own findings; the 审核与导出 step counts all of them."""
    found = list(found)
    review = PAGES.index(ReviewPage)
    per = [Counts.of(f for f in found if step_of(f.where) == i) for i in range(len(PAGES))]
    per[review] = Counts.of(found)
    return per


def step_text(number: int, title: str, counts: Counts | None) -> str:
    """``1 部门概况`` and, under it, what still waits there, a short line each: ``错误 2`` and
    ``待说明 1`` (warnings not yet explained — the tree's 警告 group counts the explained too)."""
    text = f"{number} {title}"
    if counts is None:
        return text
    parts = ([f"错误 {counts.errors}"] if counts.errors else []) + \
        ([f"待说明 {counts.open_warnings}"] if counts.open_warnings else [])
    return text + "".join(f"\n    {p}" for p in (parts or ["无待办"]))  # one short line each: never cut


class ClosePrompt:
    """Asked when closing a draft whose last edits still cannot be written."""
    WAIT, CLOSE = "wait", "close"

    @staticmethod
    def ask(parent: QWidget | None, session: DraftSession) -> str:
        kept = session.kept_path
        since = session.unsaved_since
        when = f"自 {since:%H:%M:%S} 起的修改" if since else "最后的修改"
        reason = (session.save_error or "").removeprefix("自动保存失败：") or "数据库暂时没有响应"
        text = f"{when}还没能写入数据库。\n原因：{reason}"
        if kept is not None:
            info = (f"这些修改已另存为恢复文件：\n{kept}\n下次启动时会提示恢复。"
                    "也可以继续等待，问题解决后会自动保存。")
            close_text = "关闭（保留恢复副本）"
        else:
            info = (f"恢复副本也无法写入（{session.keep_error or '原因不明'}），现在关闭会丢失这些修改。"
                    "请先腾出磁盘空间或关闭占用数据库的程序，再继续等待。")
            close_text = "仍然关闭（丢失修改）"
        box = QMessageBox(QMessageBox.Warning, "修改尚未保存", text, parent=parent)
        box.setInformativeText(info)
        wait = box.addButton("继续等待", QMessageBox.AcceptRole)
        close = box.addButton(close_text, QMessageBox.DestructiveRole)
        box.setDefaultButton(wait)
        box.setEscapeButton(wait)
        box.exec()
        return ClosePrompt.CLOSE if box.clickedButton() is close else ClosePrompt.WAIT


class DraftEditor(QWidget):
    back_requested = Signal()

    def __init__(self, session: DraftSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.read_only = getattr(session, "read_only", False)  # a report from a package (汇总)
        self._dirty_since_snapshot = False
        self.back = QPushButton("← 草稿列表")
        self.back.clicked.connect(self.back_requested)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.status = QLabel()
        self.problem = QLabel()  # why the autosave fails, while it does
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addWidget(self.heading, 1)
        top.addWidget(self.status)
        self.history_button = QPushButton("历史版本…")
        self.history_button.clicked.connect(self.show_history)
        top.addWidget(self.history_button)

        self.steps = QListWidget()
        self.steps.setAccessibleName("步骤")
        self.steps.setSpacing(2)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()  # holds the pages built so far (the shown one first)
        for i, cls in enumerate(PAGES, start=1):
            self.steps.addItem(QListWidgetItem(step_text(i, cls.title, None)))
        self.pages = PageSet(len(PAGES), self._build_page)  # each page built on its first visit
        self.step_counts: list[Counts] = []
        self.steps.currentRowChanged.connect(self._show_page)
        # 上一步 / 下一步 under the step list: the page keeps every pixel of the 768-pixel height
        self.prev_button = QPushButton("上一步")
        self.prev_button.setShortcut(QKeySequence("Alt+Left"))
        self.prev_button.clicked.connect(lambda: self.step_by(-1))
        self.next_button = QPushButton("下一步")
        self.next_button.setShortcut(QKeySequence("Alt+Right"))
        self.next_button.clicked.connect(lambda: self.step_by(1))
        self.step_label = QLabel()
        self.step_label.setWordWrap(True)
        self.step_label.setStyleSheet("color: #555;")
        nav = QHBoxLayout()
        nav.setContentsMargins(0, 0, 0, 0)
        nav.addWidget(self.prev_button)
        nav.addWidget(self.next_button)
        left = QVBoxLayout()
        left.addWidget(self.steps, 1)
        left.addWidget(self.step_label)
        left.addLayout(nav)
        self.left = QWidget()
        self.left.setLayout(left)
        left.setContentsMargins(0, 0, 0, 0)
        body = QHBoxLayout()
        body.addWidget(self.left)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        if self.read_only:
            self._read_only_banner(layout)
        layout.addLayout(body, 1)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.count_later)
        self.counting = False  # step counts are being made off the UI thread
        self._counted_report = None  # the report the counts being made are for

        self._timer = QTimer(self)
        self._timer.setInterval(SNAPSHOT_EVERY_MS)
        self._timer.timeout.connect(lambda: self._snapshot("编辑中定时保存"))
        if not self.read_only:
            self._timer.start()
        self._status_timer = QTimer(self)  # a failed autosave shows up within a second, typing or not
        self._status_timer.setInterval(STATUS_EVERY_MS)
        self._status_timer.timeout.connect(self._update_heading)
        self._status_timer.start()
        session.changed.connect(self._on_changed)
        self._current = 0
        self.steps.setCurrentRow(0)  # builds, loads and shows the first page only
        if self.pages.built(0) is None:  # the list had made row 0 current already: no signal
            self._show_page(0)
        self._update_nav()
        self.update_step_counts()
        self._update_heading()

    @property
    def review(self) -> ReviewPage:
        return self.pages[PAGES.index(ReviewPage)]

    def _build_page(self, i: int):
        """Build the page of step ``i`` (the first time it is needed) and put it in the stack."""
        page = PAGES[i](self.session)
        self.stack.addWidget(page)
        if isinstance(page, ReviewPage):
            page.finding_activated.connect(self.go_to)
        if self.read_only:
            self._wire_read_only(page)
        self._lock(page)
        return page

    def _on_changed(self, path: str) -> None:
        self._dirty_since_snapshot = True
        self._update_heading()
        self._count_timer.start()  # the step counts, once the clerk pauses
        if path == "":
            self.stack.currentWidget().load()

    def _update_heading(self) -> None:
        r = self.session.report
        self.heading.setText(r.title or f"{r.year or ''}年度 {r.unit.name}")
        stuck = self.session.overdue  # writes fail, or one is taking far too long
        if stuck:
            if not self.session.save_error:
                self.session.keep_unsaved()  # the writer is waiting: keep the edit from here
            self.problem.setText(problem_text(self.session))
        self.problem.setVisible(stuck)
        if not stuck and time.monotonic() < self._notice_until:
            return  # a notice the clerk should get to read first
        if self.read_only:
            self.status.setText(READ_ONLY)
            self.status.setStyleSheet(READ_ONLY_STYLE)
            return
        self.status.setText(unsaved_text(self.session) if stuck else SAVED)
        self.status.setStyleSheet(ERROR_STYLE if stuck else OK_STYLE)
        self.status.setToolTip(self.problem.text() if stuck else "每次修改都会自动保存")

    def notice(self, text: str) -> None:
        """A short message in the header, kept for a few seconds."""
        self._notice_until = time.monotonic() + 8
        self.status.setText(text)
        self.status.setStyleSheet("color: #1a4f8b;")

    _notice_until = 0.0

    def _snapshot(self, description: str) -> None:
        if not self._dirty_since_snapshot:
            return
        try:
            kept = self.session.snapshot(description)
        except Exception:  # the database refuses now; the next occasion tries again
            return
        if kept is not None:
            self._dirty_since_snapshot = False

    def update_step_counts(self) -> None:
        """Each step's errors and unexplained warnings, from the findings 审核与导出 lists (now,
        on this thread: when the editor opens)."""
        try:
            _score, found = review_findings(self.session.report)
        except Exception:  # noqa: BLE001 - a check that crashes must not stop the editing
            return
        self._show_counts(step_counts(found))

    def count_later(self) -> None:
        """The step counts made off the UI thread (after the clerk pauses) and shown when they
        arrive — unless the report changed meanwhile: then they are dropped (another pause
        comes, or they are made again for the newest report at once)."""
        report = self._counted_report = self.session.report
        if self.counting:
            return  # the running count sees the report is stale and starts the next one
        self.counting = True
        run_in_background(lambda: step_counts(review_findings(report)[1]),
                          lambda counts: self._counted(report, counts), lambda _m: self._counted(report, None))

    def _counted(self, report, counts: list[Counts] | None) -> None:
        try:
            self.counting = False
            latest = self.session.report
            if report is not latest:  # stale: dropped
                if self._counted_report is latest:
                    self.count_later()  # asked for the newest report while this one ran
                return
            if counts is not None:  # a check that crashes must not stop the editing
                self._show_counts(counts)
        except RuntimeError:  # the editor closed while the checks ran
            pass

    def _show_counts(self, counts: list[Counts]) -> None:
        self.step_counts = counts
        for i, (cls, counts) in enumerate(zip(PAGES, self.step_counts)):
            item = self.steps.item(i)
            item.setText(step_text(i + 1, cls.title, counts))
            item.setForeground(QBrush(QColor("#b00020")) if counts.errors else QBrush())
            item.setToolTip(f"第 {i + 1} 步“{cls.title}”：" + counts.sentence()
                            + ("（全部审核意见）" if cls == ReviewPage else "（本页字段的审核意见）"))
        self._fit_steps()

    def step_by(self, delta: int) -> None:
        """上一步 / 下一步."""
        row = self.steps.currentRow() + delta
        if 0 <= row < len(self.pages):
            self.steps.setCurrentRow(row)

    def _update_nav(self) -> None:
        row = self.steps.currentRow()
        n = len(self.pages)
        self.prev_button.setEnabled(row > 0)
        self.next_button.setEnabled(row < n - 1)
        self.prev_button.setToolTip(f"上一步：{PAGES[row - 1].title}（Alt+←）" if row > 0 else "已是第一步")
        self.next_button.setToolTip(f"下一步：{PAGES[row + 1].title}（Alt+→）" if row < n - 1 else "已是最后一步")
        self.step_label.setText(f"第 {row + 1} 步，共 {n} 步" +
                                (f"\n下一步：{PAGES[row + 1].title}" if row < n - 1 else ""))

    def _fit_steps(self) -> None:
        """The step column as wide as its longest line (it grows with 大字体), within limits."""
        fm = self.steps.fontMetrics()
        lines = [line for i in range(self.steps.count()) for line in self.steps.item(i).text().split("\n")]
        lines += [self.prev_button.text() + self.next_button.text() + "　　"]
        width = max(fm.horizontalAdvance(line) for line in lines) + 40
        self.left.setMaximumWidth(min(width, 260))  # may shrink (the items wrap) when a page needs the width

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:  # 大字体: after the list has its new font
            QTimer.singleShot(0, self, self._fit_steps)  # not after the editor is gone (back to the list)

    def _show_page(self, row: int) -> None:
        if row < 0:
            return
        if row != self._current:
            self._snapshot(f"离开“{PAGES[self._current].title}”页")
        self._current = row
        page = self.pages[row]  # built on its first visit
        self.stack.setCurrentWidget(page)
        page.load()
        self._lock(page)
        self._update_nav()

    def go_to(self, where: str) -> bool:
        """Open the page holding ``where`` and focus its field (the page is built if it is not yet:
        the one ``step_of`` names is tried first, so only that one is built in the usual case)."""
        first = step_of(where)
        for i in [first] + [j for j in range(len(PAGES)) if j != first]:
            page = self.pages[i]
            page.load()
            self._lock(page)
            if page.focus_path(where):
                self.steps.setCurrentRow(i)
                page.focus_path(where)
                return True
        self.notice(f"“{where}”所在的页面还未开放")
        return False

    # -- read-only (a report from a package, opened from the 汇总 workspace) ---------------
    def _read_only_banner(self, layout) -> None:
        self.back.setText("← 返回汇总")
        self.history_button.hide()
        self.banner = QLabel(self.session.banner)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        layout.addWidget(self.banner)

    def _wire_read_only(self, page) -> None:
        """Read-only: keep ``page`` locked after what rebuilds or re-enables its widgets."""
        if isinstance(page, ReviewPage):  # choosing a finding re-enables the answer box: locked again
            page.findings.currentItemChanged.connect(lambda *_: self._lock(page))
        # another table shown: its goal and funds boxes are new widgets
        for signal in (getattr(getattr(page, name, None), sig, None) for name, sig in VIEW_ONLY):
            if signal is not None:
                signal.connect(lambda *_, p=page: self._lock(p))

    def _lock(self, page) -> None:
        """In read-only mode nothing on ``page`` takes input (after each rebuild of its widgets)."""
        if self.read_only:
            from desktop.summary.readonly import lock

            lock(page, keep=tuple(w for w in (getattr(page, name, None) for name, _ in VIEW_ONLY) if w is not None))

    def show_history(self) -> None:
        """Pick a history point of this draft and go back to it (the current state is kept too)."""
        from desktop.dialogs import HistoryDialog

        if not self.session.flush():
            self.notice("最近的修改还没能保存，请等“已保存”出现后再恢复历史版本")
            return
        self._snapshot("查看历史版本前")
        try:
            snaps = self.session.storage.snapshots(self.session.draft_id)
        except Exception as e:
            self.notice(f"无法读取历史版本：{describe(e)}")
            return
        if not snaps:
            self.notice("这份报告还没有历史版本")
            return
        chosen = HistoryDialog.ask(snaps, self)
        if chosen is None:
            return
        try:
            self.session.flush()
            self.session.storage.restore_snapshot(chosen)
            self.session.reload()
        except Exception as e:
            self.notice(f"未能恢复历史版本：{describe(e)}")
            return
        self._dirty_since_snapshot = False
        for page in self.pages.built_pages():  # the others load when first shown
            page.load()
        self.notice("已恢复到所选历史版本（恢复前的内容也已保存为历史版本）")

    def close_session(self) -> bool:
        """Stop editing: wait (a few seconds) for the last write; if it still fails, ask whether
        to wait longer or close with the edits kept in the recovery file. True when all saved."""
        self._timer.stop()
        self._snapshot("关闭草稿")
        while not self._wait_saved(CLOSE_WAIT):
            self.session.keep_unsaved()  # the newest edit on disk before asking
            if ClosePrompt.ask(self, self.session) == ClosePrompt.CLOSE:
                break
        self._status_timer.stop()
        return self.session.close(timeout=0.5)

    def _wait_saved(self, seconds: float) -> bool:
        """Wait for every edit to be written, keeping the window painted (no input taken)."""
        if self.session.wait_saved(0.2):
            return True
        deadline = time.monotonic() + seconds
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            while time.monotonic() < deadline:
                self._update_heading()
                QApplication.processEvents(QEventLoop.ExcludeUserInputEvents)
                if self.session.wait_saved(0.1):
                    return True
            return False
        finally:
            QApplication.restoreOverrideCursor()
