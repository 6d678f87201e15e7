"""绩效目标与指标 at 1366×768: one scrolling tree that gets the page, the goal and funds boxes
folding away, the 指标 column taking the spare width, and the whole text of a cell in a box
under the tree that edits the cell the way the cell editor does."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from desktop.indicator_model import COL_NAME, COL_NOTE, COL_SCORE, COL_TARGET, COL_WEIGHT
from desktop.pages.indicators import IndicatorsPage
from tests.conftest import open_window

ROW = "table/groups/0/children/0/children/3"  # 联络帮扶…: score 8 of 10, a deviation note


def cell(model, path, column):
    i = model.index_of_path(path)
    return i.sibling(i.row(), column)


def indicators_in_window(qtbot, tmp_path, seeds):
    w, storage = open_window(qtbot, tmp_path / "data")
    draft = storage.create(seeds["004"])
    w.show()
    assert w.open_draft(draft)
    page = next(p for p in w.editor.pages if isinstance(p, IndicatorsPage))
    w.editor.steps.setCurrentRow(w.editor.pages.index(page))
    qtbot.waitUntil(page.tree.isVisible)
    page.tree.expandAll()
    return w, storage, page


def visible_rows(tree) -> int:
    n, index = 0, tree.indexAt(tree.viewport().rect().topLeft())
    while index.isValid():
        rect = tree.visualRect(index)
        if rect.bottom() > tree.viewport().height():
            break
        n += 1
        index = tree.indexBelow(index)
    return n


def test_no_scroll_area_around_the_tree(open_draft, seeds, show_page):
    page = show_page(IndicatorsPage, open_draft(seeds["004"]))
    assert page.findChildren(QScrollArea) == []
    parent = page.tree.parentWidget()
    while parent is not None:
        assert not isinstance(parent, QScrollArea)
        parent = parent.parentWidget()


def test_at_1366x768_many_rows_and_the_deviation_column_are_in_view(qtbot, tmp_path, seeds):
    w, storage, page = indicators_in_window(qtbot, tmp_path, seeds)
    try:
        tree = page.tree
        qtbot.waitUntil(lambda: visible_rows(tree) > 14)
        header = tree.header()
        note_right = header.sectionViewportPosition(COL_NOTE) + header.sectionSize(COL_NOTE)
        assert note_right <= tree.viewport().width()  # 偏差原因 on screen, not scrolled off
        name = header.sectionSize(COL_NAME)
        assert name > max(header.sectionSize(c) for c in range(1, page.model.columnCount()))
        assert not page.head.isVisible() and page.head_summary.isVisible()
        assert "执行率 100.00%" in page.head_summary.text()
    finally:
        w.close()
        storage.close()


def test_large_text_widens_the_columns(qtbot, tmp_path, seeds):
    from PySide6.QtWidgets import QApplication

    from desktop.main_window import restore_fonts

    w, storage, page = indicators_in_window(qtbot, tmp_path, seeds)
    old = QApplication.font()
    try:
        before = page.tree.header().sectionSize(COL_TARGET)
        w.large_text.setChecked(True)
        qtbot.waitUntil(lambda: page.tree.header().sectionSize(COL_TARGET) > before)
    finally:
        restore_fonts(old)
        qtbot.waitUntil(lambda: page.tree.header().sectionSize(COL_TARGET) == before)
        w.close()
        storage.close()


def test_the_boxes_fold_and_unfold(open_draft, seeds, show_page, qtbot):
    page = show_page(IndicatorsPage, open_draft(seeds["004"]))
    assert not page.head.isVisible()
    page.head_toggle.click()
    qtbot.waitUntil(page.head.isVisible)
    assert any(f.path == "table/goal/expected" and f.isVisible() for f in page.fields)
    page.head_toggle.click()
    qtbot.waitUntil(lambda: not page.head.isVisible())
    assert page.focus_path("table/goal/achieved")  # a finding about the goal opens the boxes
    assert page.head.isVisible()


def test_selecting_a_cell_shows_its_whole_text(open_draft, seeds, show_page):
    session = open_draft(seeds["004"])
    page = show_page(IndicatorsPage, session)
    m = page.model
    page.tree.setCurrentIndex(cell(m, ROW, COL_NAME))
    full = session.report.table.groups[0].children[0].children[3].name
    assert len(full) > 20 and page.detail.toPlainText() == full
    assert not page.detail.isReadOnly()
    page.tree.setCurrentIndex(cell(m, ROW, COL_NOTE))
    assert page.detail.toPlainText() == session.report.table.groups[0].children[0].children[3].deviation_note
    assert "偏差原因" in page.detail_label.text()


def test_typing_in_the_detail_box_edits_the_cell(open_draft, seeds, show_page, qtbot):
    session = open_draft(seeds["004"])
    page = show_page(IndicatorsPage, session)
    m = page.model
    index = cell(m, ROW, COL_NOTE)
    page.tree.setCurrentIndex(index)
    page.detail.setFocus()
    text = "走访企业次数少于计划。\n明年每季度走访一次，并建立联络台账。"
    page.detail.setPlainText(text)
    assert session.report.table.groups[0].children[0].children[3].deviation_note == text
    assert index.data(Qt.DisplayRole) == text
    # a number typed there goes through the same check as in the cell
    page.tree.setCurrentIndex(cell(m, ROW, COL_SCORE))
    page.detail.setFocus()
    page.detail.setPlainText("很多")
    assert session.report.table.groups[0].children[0].children[3].score == 8
    assert "得分" in page.message.text()
    page.detail.setPlainText("9")
    assert session.report.table.groups[0].children[0].children[3].score == 9


def test_a_cell_edit_shows_in_the_detail_box(open_draft, seeds, show_page):
    session = open_draft(seeds["004"])
    page = show_page(IndicatorsPage, session)
    m = page.model
    page.tree.setCurrentIndex(cell(m, ROW, COL_TARGET))
    assert m.setData(cell(m, ROW, COL_TARGET), "≥ 4次")
    assert page.detail.toPlainText() == "≥ 4次"
    page.tree.setCurrentIndex(cell(m, "table/groups/0/children/0", COL_WEIGHT))  # a 二级 sum: read-only
    assert page.detail.isReadOnly()
    page.detail.setPlainText("99")  # ignored
    assert cell(m, "table/groups/0/children/0", COL_WEIGHT).data() == "40"


def test_a_long_name_wraps_onto_a_second_line(qtbot, tmp_path, seeds):
    w, storage, page = indicators_in_window(qtbot, tmp_path, seeds)
    try:
        tree, m = page.tree, page.model
        short = tree.visualRect(cell(m, "table/groups/0/children/0/children/0", COL_NAME))  # 走访调研企业、商会
        long_ = cell(m, ROW, COL_NAME)
        assert m.setData(long_, "联络帮扶，立足光彩事业，积极引导企业履行社会责任，" * 2)  # as clerks write them
        assert tree.fontMetrics().horizontalAdvance(long_.data()) > tree.columnWidth(COL_NAME)
        qtbot.waitUntil(lambda: tree.visualRect(long_).height() >= 2 * tree.fontMetrics().lineSpacing())
        assert tree.visualRect(long_).height() > short.height()
    finally:
        w.close()
        storage.close()


def test_with_large_text_and_the_boxes_open_every_page_still_fits_a_768_pixel_screen(tmp_path):
    """A window whose minimum height exceeds the screen runs off its bottom edge (the totals
    line, the 导出 row): with 大字体 on and 名称、目标与资金 unfolded, every page shot at
    1366×768 by desktop.screenshots (the app's own start-up and fonts) is still 768 px high."""
    from PySide6.QtGui import QImage

    from conftest import SEEDS
    from desktop.screenshots import shoot

    shots = shoot(tmp_path / "shots", SEEDS / "seed004.json", (1366, 768), True)
    assert any("展开" in p.name for p in shots)
    heights = {p.name: QImage(str(p)).height() for p in shots}
    assert all(h == 768 for h in heights.values()), heights
