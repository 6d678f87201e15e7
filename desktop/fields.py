"""Widgets bound to one path of the open draft: every keystroke goes to the session.

``TextField`` (one line or several) and ``NumberField`` read their value from the report when a
page loads and write it back on every edit. A number that cannot be read shows a Chinese
message under the field, naming it and saying what to type, and changes nothing. Both go through
the validation gate (``core.validate``): numbers through ``values.parse_number`` (bounded), text
through ``validate.clean_text`` — invisible control characters in pasted text are dropped (and the
clerk told so) rather than the paste refused; text beyond ``validate.MAX_TEXT_CHARS`` is cut.
"""
from __future__ import annotations

import re
from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QCalendarWidget, QHBoxLayout, QLabel, QLineEdit, QMenu, QPlainTextEdit,
                               QToolButton, QVBoxLayout, QWidget, QWidgetAction)

from core import edit, validate
from core.values import parse_number
from desktop.session import DraftSession

CARRIED_STYLE = "background-color: #e3f2fd;"
CARRIED_TIP = "沿用上年，请核对"


def mark_carried(editor: QWidget, session: DraftSession, path: str, extra_style: str = "") -> None:
    """Light blue with a tooltip while ``path`` holds a value carried from last year."""
    carried = path in session.report.carried
    style = " ".join(s for s in (CARRIED_STYLE if carried else "", extra_style) if s)
    if editor.styleSheet() != style:  # restyling on every keystroke is not free
        editor.setStyleSheet(style)
        editor.setToolTip(CARRIED_TIP if carried else "")


class TextField(QWidget):
    def __init__(self, session: DraftSession, path: str, label: str, multiline: bool = False,
                 placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.path, self.label = session, path, label
        self.editor = QPlainTextEdit() if multiline else QLineEdit()
        self.editor.setPlaceholderText(placeholder)
        self.editor.setAccessibleName(label)
        if multiline:
            self.editor.setTabChangesFocus(True)
            self.editor.setMinimumHeight(90)
            self.editor.textChanged.connect(lambda: self._store(self.editor.toPlainText()))
        else:
            self.editor.textEdited.connect(self._store)
        self.note = QLabel()
        self.note.setStyleSheet("color: #8a6d00;")
        self.note.setWordWrap(True)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.editor)
        layout.addWidget(self.note)

    def _store(self, text: str) -> None:
        if self._loading:
            return
        clean = validate.clean_text(text)[:validate.MAX_TEXT_CHARS]
        if clean != text:
            self._show_clean(text, clean)
        self.session.set(self.path, clean)
        mark_carried(self.editor, self.session, self.path)

    def _show_clean(self, text: str, clean: str) -> None:
        """Put the cleaned text in the editor, keeping the cursor about where it was."""
        cut = len(validate.clean_text(text)) > validate.MAX_TEXT_CHARS
        self.note.setText(f"“{self.label}”：" + (f"文字过长，只保留前 {validate.MAX_TEXT_CHARS} 个字符。" if cut else
                                                 "粘贴的文字中有不可见的控制字符，已删除。"))
        self.note.show()
        self._loading = True
        try:
            if isinstance(self.editor, QPlainTextEdit):
                cursor = self.editor.textCursor()
                pos = min(cursor.position(), len(clean))
                self.editor.setPlainText(clean)
                cursor = self.editor.textCursor()
                cursor.setPosition(pos)
                self.editor.setTextCursor(cursor)
            else:
                pos = min(self.editor.cursorPosition(), len(clean))
                self.editor.setText(clean)
                self.editor.setCursorPosition(pos)
        finally:
            self._loading = False

    _loading = False

    def load(self) -> None:
        mark_carried(self.editor, self.session, self.path)
        value = edit.get_at(self.session.report, self.path) or ""
        current = self.editor.toPlainText() if isinstance(self.editor, QPlainTextEdit) else self.editor.text()
        if current == value:
            return
        self._loading = True
        try:
            if isinstance(self.editor, QPlainTextEdit):
                self.editor.setPlainText(value)
            else:
                self.editor.setText(value)
        finally:
            self._loading = False


DATE_FORMAT = "yyyy-MM-dd"  # what the picker writes: the text the field has always stored (2019-05-30)
_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def read_date(text: str) -> QDate | None:
    """2019-05-30, 2019/5/30, 2019.5.30 or 2019年5月30日 as a date; None otherwise."""
    m = _DATE_TEXT.match(text or "")
    if not m:
        return None
    d = QDate(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return d if d.isValid() else None


class DateField(TextField):
    """A date typed as text (kept as typed) or chosen from a calendar, which writes 2019-05-30."""

    def __init__(self, session: DraftSession, path: str, label: str, placeholder: str = "", parent=None):
        super().__init__(session, path, label, placeholder=placeholder, parent=parent)
        self.button = QToolButton()
        self.button.setText("日历…")
        self.button.setToolTip(f"从日历中选择{label}")
        self.button.setAccessibleName(f"选择{label}")
        self.button.clicked.connect(self.show_calendar)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.NoVerticalHeader)
        self.calendar.clicked.connect(self.pick)
        self.calendar.activated.connect(self.pick)
        self.popup = QMenu(self)
        action = QWidgetAction(self.popup)
        action.setDefaultWidget(self.calendar)
        self.popup.addAction(action)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        layout = self.layout()
        layout.removeWidget(self.editor)
        row.addWidget(self.editor, 1)
        row.addWidget(self.button)
        layout.insertLayout(0, row)

    def show_calendar(self) -> None:
        current = read_date(self.editor.text())
        self.calendar.setSelectedDate(current or QDate.currentDate())
        self.popup.popup(self.button.mapToGlobal(self.button.rect().bottomLeft()))
        self.calendar.setFocus()

    def pick(self, date: QDate) -> None:
        text = date.toString(DATE_FORMAT)
        self.popup.hide()
        self.editor.setText(text)
        self._store(text)
        self.editor.setFocus()


def amount_text(value: Decimal) -> str:
    """An amount in 万元 as every sum and total beside it prints it: two decimals (161.40), more
    only when the clerk typed more (96.741 stays 96.741 — nothing typed is hidden)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return format(value, "f")
    return f"{value:.2f}"


class NumberField(QWidget):
    """A number (万元, 人 …): accepts “1,234.56”, full-width digits and a trailing 万元."""

    def __init__(self, session: DraftSession, path: str, label: str, unit: str = "万元",
                 integer: bool = False, as_int: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.path, self.label, self.unit = session, path, label, unit
        self.integer = integer or as_int
        self.as_int = as_int  # stored as a Python int (the year), not a Decimal count
        self.editor = QLineEdit()
        self.editor.setAccessibleName(label)
        self.editor.setPlaceholderText(unit)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.editor.textEdited.connect(self._store)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.editor)
        layout.addWidget(self.error)

    def _store(self, text: str) -> None:
        try:
            value = parse_number(text)
            if value is not None and self.integer:
                if value != value.to_integral_value():
                    raise ValueError(f"“{text}”不是整数")
                value = int(value) if self.as_int else Decimal(int(value))
        except ValueError as e:
            self.error.setText(f"“{self.label}”：{e}。请填写数字，例如 {'5' if self.integer else '107.49'}。")
            self.error.show()
            self.editor.setProperty("invalid", True)
            mark_carried(self.editor, self.session, self.path, "border: 1px solid #b00020;")
            return
        self.error.hide()
        self.session.set(self.path, value)
        mark_carried(self.editor, self.session, self.path)

    @property
    def has_error(self) -> bool:
        return not self.error.isHidden()

    def load(self) -> None:
        value = edit.get_at(self.session.report, self.path)
        text = "" if value is None else (str(value) if isinstance(value, int) else
                                         amount_text(value) if self.unit == "万元" else format(value, "f"))
        if self.has_error:
            return  # keep what the clerk is fixing
        mark_carried(self.editor, self.session, self.path)
        try:
            same = parse_number(self.editor.text()) == (Decimal(value) if value is not None else None)
        except ValueError:
            same = False
        if not same:
            self.editor.setText(text)
