"""Entering a row from the keyboard only, as a clerk does in a spreadsheet: add, type, Tab, type …"""
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from desktop.indicator_model import COL_ACTUAL, COL_NAME, COL_SCORE, COL_TARGET, COL_WEIGHT
from desktop.pages.indicators import IndicatorsPage
from core.new_report import empty_report
from core.templates import load_template


@pytest.fixture
def page(open_draft, show_page, qtbot):
    tpl, _ = load_template("national-10hao-project")
    p = show_page(IndicatorsPage, open_draft(empty_report(tpl, "石峰区工商业联合会", 2024)))
    qtbot.waitExposed(p)
    p.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is p)
    return p


def editor_of(tree) -> QLineEdit:
    assert tree.state() == QAbstractItemView.EditingState
    editor = tree.indexWidget(tree.currentIndex())
    assert isinstance(editor, QLineEdit)
    return editor


def test_add_a_row_with_the_keyboard_only(page, qtbot):
    tree, m = page.tree, page.model
    quantity = m.index_of_path("table/groups/0/children/0")
    assert quantity.data() == "数量指标"
    sums = (quantity.sibling(quantity.row(), COL_WEIGHT).data(), quantity.sibling(quantity.row(), COL_SCORE).data())
    tree.setFocus()
    tree.setCurrentIndex(quantity)

    qtbot.keyClick(tree, Qt.Key_Return, Qt.ControlModifier)  # 添加指标: a new row, its name open for typing
    assert tree.currentIndex().column() == COL_NAME
    name = editor_of(tree)
    commit = QInputMethodEvent()
    commit.setCommitString("培训会员企业")  # Chinese arrives from the input method, not as key presses
    QApplication.sendEvent(name, commit)
    qtbot.keyClick(name, Qt.Key_Tab)

    for column, text in ((COL_TARGET, "100"), (COL_ACTUAL, "100"), (COL_WEIGHT, "10"), (COL_SCORE, "10")):
        assert tree.currentIndex().column() == column  # Tab moved on (past 解读) and opened the cell
        editor = editor_of(tree)
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, Qt.Key_Tab)

    row = page.session.report.table.groups[0].children[0].children[-1]
    assert (row.name, row.target, row.actual, row.weight, row.score) == ("培训会员企业", "100", "100", D(10), D(10))
    quantity = m.index_of_path("table/groups/0/children/0")
    assert (quantity.sibling(quantity.row(), COL_WEIGHT).data(),
            quantity.sibling(quantity.row(), COL_SCORE).data()) != sums
    assert quantity.sibling(quantity.row(), COL_WEIGHT).data() == "10"
    assert quantity.sibling(quantity.row(), COL_SCORE).data() == "10"


def test_enter_commits_and_moves_down(page, qtbot):
    tree, m = page.tree, page.model
    tree.setFocus()
    tree.setCurrentIndex(m.index_of_path("table/groups/0/children/0"))
    qtbot.keyClick(tree, Qt.Key_Return, Qt.ControlModifier)
    qtbot.keyClick(editor_of(tree), Qt.Key_Escape)
    first = tree.currentIndex()
    qtbot.keyClick(tree, Qt.Key_Return, Qt.ControlModifier)  # a second row below the first
    qtbot.keyClick(editor_of(tree), Qt.Key_Escape)
    tree.setCurrentIndex(first.sibling(first.row(), COL_TARGET))
    qtbot.keyClicks(tree, "5")  # typing on a cell opens it and overwrites
    editor = editor_of(tree)
    qtbot.keyClick(editor, Qt.Key_Return)  # Qt commits on Enter from the event loop
    qtbot.waitUntil(lambda: tree.state() != QAbstractItemView.EditingState)
    assert page.session.report.table.groups[0].children[0].children[first.row()].target == "5"
    assert tree.state() != QAbstractItemView.EditingState
    assert tree.currentIndex().row() == first.row() + 1 and tree.currentIndex().column() == COL_TARGET


def test_date_picker_writes_the_same_text_as_typing(open_draft, seeds, show_page, qtbot):
    """填报日期: the calendar writes 2019-05-31, the format the field has always stored; typed
    text still works and is kept as typed."""
    from PySide6.QtCore import QDate

    from desktop.fields import DateField
    from desktop.pages.overview import OverviewPage

    session = open_draft(seeds["003"])
    page = show_page(OverviewPage, session)
    field = next(f for f in page.fields if f.path == "signatories/date")
    assert isinstance(field, DateField)
    assert session.report.signatories.date == "2019-05-30"
    field.button.click()
    qtbot.waitUntil(field.calendar.isVisible)
    assert field.calendar.selectedDate() == QDate(2019, 5, 30)  # opens on the date in the field
    field.calendar.clicked.emit(QDate(2019, 5, 31))
    qtbot.waitUntil(lambda: not field.popup.isVisible())
    assert field.editor.text() == "2019-05-31"
    assert session.report.signatories.date == "2019-05-31"
    field.editor.setText("")
    qtbot.keyClicks(field.editor, "2020-1-5")
    assert session.report.signatories.date == "2020-1-5"
    field.button.click()
    qtbot.waitUntil(field.calendar.isVisible)
    assert field.calendar.selectedDate() == QDate(2020, 1, 5)
    field.calendar.activated.emit(QDate(2020, 1, 6))
    assert session.report.signatories.date == "2020-01-06"
