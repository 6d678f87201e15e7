"""The draft editor: a step list on the side (jump to any page) and one page per part.

Every field is saved as it is typed (through the session's autosave). A history point is
kept when the clerk leaves a page after changing something, and every few minutes of editing.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QPushButton, QStackedWidget,
                               QVBoxLayout, QWidget)

from desktop.pages.budget import BudgetPage
from desktop.pages.indicators import IndicatorsPage
from desktop.pages.narrative import NarrativePage
from desktop.pages.overview import OverviewPage
from desktop.pages.review import ReviewPage
from desktop.session import DraftSession

PAGES = (OverviewPage, BudgetPage, IndicatorsPage, NarrativePage, ReviewPage)
SNAPSHOT_EVERY_MS = 5 * 60 * 1000


class DraftEditor(QWidget):
    back_requested = Signal()

    def __init__(self, session: DraftSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._dirty_since_snapshot = False
        self.back = QPushButton("← 草稿列表")
        self.back.clicked.connect(self.back_requested)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.status = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addWidget(self.heading, 1)
        top.addWidget(self.status)
        self.history_button = QPushButton("历史版本…")
        self.history_button.clicked.connect(self.show_history)
        top.addWidget(self.history_button)

        self.steps = QListWidget()
        self.steps.setMaximumWidth(200)
        self.stack = QStackedWidget()
        self.pages = [cls(session) for cls in PAGES]
        for page in self.pages:
            self.steps.addItem(page.title)
            self.stack.addWidget(page)
        self.review.finding_activated.connect(self.go_to)
        self.steps.currentRowChanged.connect(self._show_page)
        body = QHBoxLayout()
        body.addWidget(self.steps)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(SNAPSHOT_EVERY_MS)
        self._timer.timeout.connect(lambda: self._snapshot("编辑中定时保存"))
        self._timer.start()
        self._status_timer = QTimer(self)  # a failed autosave shows up within a second, typing or not
        self._status_timer.setInterval(1000)
        self._status_timer.timeout.connect(self._update_heading)
        self._status_timer.start()
        session.changed.connect(self._on_changed)
        self._current = 0
        self.steps.setCurrentRow(0)
        self.pages[0].load()
        self._update_heading()

    @property
    def review(self) -> ReviewPage:
        return next(p for p in self.pages if isinstance(p, ReviewPage))

    def _on_changed(self, path: str) -> None:
        self._dirty_since_snapshot = True
        self._update_heading()
        if path == "":
            self.stack.currentWidget().load()

    def _update_heading(self) -> None:
        r = self.session.report
        self.heading.setText(r.title or f"{r.year or ''}年度 {r.unit.name}")
        error = self.session.save_error
        if not error and time.monotonic() < self._notice_until:
            return  # a notice the clerk should get to read first
        self.status.setText(error or "每次修改都会自动保存")
        self.status.setStyleSheet("color: #b00020;" if error else "color: #2e7d32;")

    def notice(self, text: str) -> None:
        """A short message in the header, kept for a few seconds."""
        self._notice_until = time.monotonic() + 8
        self.status.setText(text)
        self.status.setStyleSheet("color: #1a4f8b;")

    _notice_until = 0.0

    def _snapshot(self, description: str) -> None:
        if self._dirty_since_snapshot:
            self.session.snapshot(description)
            self._dirty_since_snapshot = False

    def _show_page(self, row: int) -> None:
        if row < 0:
            return
        if row != self._current:
            self._snapshot(f"离开“{self.pages[self._current].title}”页")
        self._current = row
        self.stack.setCurrentIndex(row)
        self.pages[row].load()

    def go_to(self, where: str) -> bool:
        """Open the page holding ``where`` and focus its field."""
        for i, page in enumerate(self.pages):
            page.load()
            if page.focus_path(where):
                self.steps.setCurrentRow(i)
                page.focus_path(where)
                return True
        self.notice(f"“{where}”所在的页面还未开放")
        return False

    def show_history(self) -> None:
        """Pick a history point of this draft and go back to it (the current state is kept too)."""
        from desktop.dialogs import HistoryDialog

        self._snapshot("查看历史版本前")
        snaps = self.session.storage.snapshots(self.session.draft_id)
        if not snaps:
            self.notice("这份报告还没有历史版本")
            return
        chosen = HistoryDialog.ask(snaps, self)
        if chosen is None:
            return
        self.session.flush()
        self.session.storage.restore_snapshot(chosen)
        self.session.reload()
        self._dirty_since_snapshot = False
        for page in self.pages:
            page.load()
        self.notice("已恢复到所选历史版本（恢复前的内容也已保存为历史版本）")

    def close_session(self) -> bool:
        self._timer.stop()
        self._status_timer.stop()
        self._snapshot("关闭草稿")
        return self.session.close()
