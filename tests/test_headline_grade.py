"""审核与导出 headline and grade (issue 10 items 12, 13): no grade while a table's weights do
not add up; the headline's counts are the tree's counts; the headline names the table whose
total it shows; the selected finding's whole message and fix in the pane under the list."""
import re

from PySide6.QtCore import Qt

from conftest import open_window as window
from core.findings import ERROR, HINT, WARNING
from core.scoring_records import NO_GRADE
from desktop.drafts_model import COL_GRADE
from desktop.pages.review import DETAIL_EMPTY, FINDING_ROLE, ReviewPage


def _tree_counts(page):
    """{severity: number of findings listed under its group} and the group titles."""
    groups = [page.findings.topLevelItem(i) for i in range(page.findings.topLevelItemCount())]
    return {sev: g.childCount() for sev, g in zip((ERROR, WARNING, HINT), groups)}, [g.text(0) for g in groups]


def _headline_counts(text):
    return {sev: int(re.search(rf"{word} (\d+) 项", text).group(1))
            for sev, word in ((ERROR, "错误"), (WARNING, "警告"), (HINT, "提示"))}


def test_no_grade_on_the_review_page_while_weights_do_not_add_up(seeds, open_draft, show_page):
    page = show_page(ReviewPage, open_draft(seeds["004"]))  # 自评表 weighs 110, the project table 100
    headline = page.summary.text()
    assert NO_GRADE in headline and "等级" not in headline
    assert "自评表“石峰区工商业联合会”" in headline and "共 2 张表" in headline  # which total it shows
    table, project = page.sheet.topLevelItem(0), page.sheet.topLevelItem(1)
    assert table.text(1) == "110"
    assert NO_GRADE in table.text(4) and "等级" not in table.text(4)
    assert "等级 优" in project.text(4)  # its weights add up: graded


def test_drafts_list_shows_no_grade_for_a_table_whose_weights_do_not_add_up(qtbot, tmp_path, seeds):
    w, storage = window(qtbot, tmp_path)
    storage.create(seeds["004"])
    storage.create(seeds["001"])
    from desktop.drafts_view import DraftsView

    view = next(iter(w.findChildren(DraftsView)))
    view.refresh()
    model = view.model
    grades = {model.data(model.index(r, 1)): model.data(model.index(r, COL_GRADE)) for r in range(model.rowCount())}
    assert grades == {"石峰区工商业联合会": NO_GRADE, "益阳市资阳区工商业联合会": "优"}
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, COL_GRADE)) == NO_GRADE)
    assert "分值" in model.data(model.index(row, COL_GRADE), Qt.ToolTipRole)
    w.close()
    storage.close()


def test_headline_counts_are_the_tree_counts(seeds, open_draft, show_page, qtbot):
    page = show_page(ReviewPage, open_draft(seeds["001"]))
    tree, titles = _tree_counts(page)
    assert tree[WARNING] > 1
    assert _headline_counts(page.summary.text()) == tree
    # explain one warning: both still count it among the warnings and both say it is explained
    group = page.findings.topLevelItem(1)
    page.findings.setCurrentItem(group.child(0))
    page.answer.setText("年初目标设定偏低，已在下年度调整")
    qtbot.mouseClick(page.answer_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "已说明" in page.summary.text())
    tree, titles = _tree_counts(page)
    assert _headline_counts(page.summary.text()) == tree
    assert f"警告 {tree[WARNING]} 项（1 项已说明）" in page.summary.text()
    assert titles[1] == f"警告（{tree[WARNING]}），其中 1 项已说明"


def test_the_whole_message_and_fix_are_readable_in_the_detail_pane(seeds, open_draft, show_page, qtbot):
    page = show_page(ReviewPage, open_draft(seeds["001"]))
    assert page.detail.text() == DETAIL_EMPTY
    # the longest message: the list elides it, the pane below shows all of it
    items = [page.findings.topLevelItem(g).child(i) for g in range(3)
             for i in range(page.findings.topLevelItem(g).childCount())]
    item = max(items, key=lambda it: len(it.data(0, FINDING_ROLE).message))
    f = item.data(0, FINDING_ROLE)
    width = page.findings.columnWidth(0)
    assert page.findings.fontMetrics().horizontalAdvance(item.text(0)) > width - 40  # cut off in the list
    page.findings.setCurrentItem(item)
    assert f.message in page.detail.text() and f.fix and f"改正方法：{f.fix}" in page.detail.text()
    assert page.detail.wordWrap() and page.detail.isVisible()
    qtbot.waitUntil(lambda: page.detail.height() >= page.detail.heightForWidth(page.detail.width()) - 2)
    assert page.detail.width() <= page.width()  # wrapped inside the page, not wider
