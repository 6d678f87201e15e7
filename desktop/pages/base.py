"""What every wizard page has: a title, a scrollable body, and ``load()`` from the session."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.session import DraftSession


class Page(QWidget):
    title = ""

    def __init__(self, session: DraftSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.fields: list = []
        outer = QVBoxLayout(self)
        heading = QLabel(self.title)
        heading.setStyleSheet("font-size: 18pt; font-weight: bold; margin: 4px 0 8px 0;")
        outer.addWidget(heading)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        self.body = QWidget()
        scroll.setWidget(self.body)
        outer.addWidget(scroll)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)

    def load(self) -> None:
        for f in self.fields:
            f.load()

    def focus_path(self, path: str) -> bool:
        """Put the keyboard focus on the field for ``path``; False when this page has none."""
        for f in self.fields:
            if getattr(f, "path", None) == path:
                f.editor.setFocus()
                return True
        return False
