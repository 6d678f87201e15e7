"""The drafts list at 1366×768: numbers right-aligned, an empty 标题 not taking the spare width,
最后修改 never cut; the status bar after going back from a draft."""
from PySide6.QtCore import Qt

from desktop.drafts_model import COL_TITLE, COL_TOTAL, COL_UNIT, COL_UPDATED, COL_YEAR
from tests.conftest import open_window


def shown(qtbot, tmp_path, seeds, *keys):
    w, storage = open_window(qtbot, tmp_path / "data")
    ids = [storage.create(seeds[k]) for k in keys]
    w.drafts.refresh()
    w.show()
    qtbot.waitExposed(w)
    return w, storage, ids


def test_numbers_are_right_aligned(qtbot, tmp_path, seeds):
    w, storage, _ = shown(qtbot, tmp_path, seeds, "004")
    try:
        proxy = w.drafts.proxy
        for col in (COL_YEAR, COL_TOTAL):
            assert proxy.index(0, col).data(Qt.TextAlignmentRole) & Qt.AlignRight
            assert proxy.headerData(col, Qt.Horizontal, Qt.TextAlignmentRole) & Qt.AlignRight
        assert not proxy.index(0, COL_UNIT).data(Qt.TextAlignmentRole)
    finally:
        storage.close()


def test_an_empty_title_takes_no_spare_width_and_the_date_is_whole(qtbot, tmp_path, seeds):
    w, storage, _ = shown(qtbot, tmp_path, seeds, "004")
    try:
        table, header = w.drafts.table, w.drafts.table.horizontalHeader()
        assert not w.drafts.proxy.index(0, COL_TITLE).data()
        width = table.viewport().width()
        qtbot.waitUntil(lambda: header.sectionSize(COL_TITLE) < width * 0.15)
        assert header.sectionSize(COL_UNIT) > header.sectionSize(COL_TITLE)
        assert header.sectionSize(COL_UPDATED) >= table.sizeHintForColumn(COL_UPDATED)
    finally:
        storage.close()


def test_with_titles_the_title_gets_the_width(qtbot, tmp_path, seeds):
    w, storage, ids = shown(qtbot, tmp_path, seeds, "004", "001")
    try:
        storage.rename(ids[0], "2020年度部门整体支出绩效自评报告")
        w.drafts.refresh()
        header = w.drafts.table.horizontalHeader()
        qtbot.waitUntil(lambda: header.sectionSize(COL_TITLE) > header.sectionSize(COL_UNIT))
        assert header.sectionSize(COL_UNIT) <= w.drafts.table.viewport().width() * 0.35 + 1
    finally:
        storage.close()


def test_going_back_to_the_list_does_not_say_opened(qtbot, tmp_path, seeds):
    w, storage, ids = shown(qtbot, tmp_path, seeds, "004")
    try:
        assert w.open_draft(ids[0])
        assert w.statusBar().currentMessage().startswith("已打开")
        w.editor.back_requested.emit()
        qtbot.waitUntil(lambda: w.stack.currentWidget() is w.drafts)
        message = w.statusBar().currentMessage()
        assert "已打开" not in message and "草稿列表" in message
    finally:
        w.close()
        storage.close()
