"""The 绩效目标与指标 page as a clerk uses it: edit cells, keys, paste from Excel, jump from findings."""
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView

from desktop.editor import DraftEditor
from desktop.indicator_model import (COL_ACTUAL, COL_NOTE, COL_RULE, COL_SCORE, COL_WEIGHT, DIFF_BRUSH,
                                     PATH_ROLE, IndicatorModel)
from desktop.pages.indicators import IndicatorsPage


@pytest.fixture
def session(open_draft, seeds):
    return open_draft(seeds["004"])


@pytest.fixture
def page(session, show_page):
    return show_page(IndicatorsPage, session)


def cell(model, path, column):
    i = model.index_of_path(path)
    return i.sibling(i.row(), column)


def test_model_passes_qt_model_tester(session, qtmodeltester):
    qtmodeltester.check(IndicatorModel(session, "table"), force_py=False)
    qtmodeltester.check(IndicatorModel(session, "projects/0"), force_py=False)


def test_score_edit_updates_the_report_and_the_highlight(page):
    m = page.model
    row = "table/groups/2/children/0/children/0"  # 满意度 95%/95%: rule 5, clerk 4
    assert cell(m, row, COL_SCORE).data(Qt.BackgroundRole) == DIFF_BRUSH
    assert cell(m, row, COL_NOTE).data(Qt.BackgroundRole) is not None  # a note is asked for
    assert m.setData(cell(m, row, COL_SCORE), "5")
    assert page.session.report.table.groups[2].children[0].children[0].score == D(5)
    assert cell(m, row, COL_SCORE).data(Qt.BackgroundRole) is None
    assert cell(m, "table/groups/2", COL_WEIGHT).data() == "5（标注 10）"


def test_text_in_a_number_cell_changes_nothing_and_says_why(page):
    m = page.model
    row = "table/groups/0/children/0/children/0"
    assert not m.setData(cell(m, row, COL_WEIGHT), "很多")
    assert page.session.report.table.groups[0].children[0].children[0].weight == D(10)
    assert "分值" in m.last_error


def test_rule_score_follows_the_actual_value(page):
    m = page.model
    row = "table/groups/0/children/0/children/0"  # 走访调研企业、商会 52家
    m.setData(cell(m, row, COL_ACTUAL), "26家")
    assert cell(m, row, COL_RULE).data() == "5"


def test_keys_delete_clears_and_enter_edits(page, qtbot):
    m, tree = page.model, page.tree
    note = cell(m, "table/groups/0/children/0/children/3", COL_NOTE)
    tree.setCurrentIndex(note)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key_Delete)
    assert page.session.report.table.groups[0].children[0].children[3].deviation_note == ""
    qtbot.keyClick(tree, Qt.Key_Return)
    assert tree.state() == QAbstractItemView.EditingState


def test_rows_add_insert_move_delete(page):
    m = page.model
    quantity = "table/groups/0/children/0"
    page.tree.setCurrentIndex(m.index_of_path(quantity))
    page.add_row()
    assert len(page.session.report.table.groups[0].children[0].children) == 5
    names = [r.name for r in page.session.report.table.groups[0].children[0].children]
    page.tree.setCurrentIndex(m.index_of_path(quantity + "/children/1"))
    page.move_row(-1)
    assert [r.name for r in page.session.report.table.groups[0].children[0].children][:2] == [names[1], names[0]]
    page.delete_row()
    assert len(page.session.report.table.groups[0].children[0].children) == 4


TSV = "\n".join("\t".join(r) for r in [
    ("产出指标", "数量指标", f"培训{i}", f"≥{i}次", f"{i}次", "1", "1", "") for i in range(1, 9)] + [
    ("效益指标", "社会效益指标", "社会影响", "显著提升", "显著提升", "1", "1", ""),
    ("满意度指标", "服务对象满意度指标", "会员满意度", "≥90%", "95%", "1", "1", "")])


def test_paste_ten_rows_copied_from_excel(page):
    QGuiApplication.clipboard().setText(TSV)
    before = page.model.rowCount(page.model.index_of_path("table/groups/0/children/0"))
    page.tree.setFocus()
    page.tree.setCurrentIndex(page.model.index_of_path("table/groups/0"))
    page.paste()
    assert "已粘贴 10 行" in page.message.text()
    quantity = page.session.report.table.groups[0].children[0].children
    assert len(quantity) == before + 8 and quantity[-1].name == "培训8"
    assert cell(page.model, "table/groups/0", COL_WEIGHT).data() == "83（标注 50）"


def test_paste_with_text_in_the_score_column_pastes_nothing(page):
    QGuiApplication.clipboard().setText("培训\t≥1次\t1次\t五十\t很好\t")
    before = page.session.report
    page.tree.setCurrentIndex(page.model.index_of_path("table/groups/0/children/0"))
    page.paste()
    assert page.session.report == before and "无法粘贴" in page.message.text()


def test_clicking_a_finding_lands_on_its_cell(session, qtbot):
    editor = DraftEditor(session)
    qtbot.addWidget(editor)
    editor.resize(1366, 768)
    editor.show()
    editor.steps.setCurrentRow(editor.pages.index(editor.review))
    findings = editor.review.findings
    group = next(findings.topLevelItem(i) for i in range(findings.topLevelItemCount())
                 if findings.topLevelItem(i).text(0).startswith("警告"))
    item = next(group.child(i) for i in range(group.childCount())
                if "非公企业对工商联服务满意度" in group.child(i).text(0) and "扣了" in group.child(i).text(0))
    findings.itemActivated.emit(item, 0)
    page = next(p for p in editor.pages if isinstance(p, IndicatorsPage))
    assert editor.stack.currentWidget() is page
    current = page.tree.currentIndex()
    assert current.data(PATH_ROLE) == "table/groups/2/children/0/children/0" and current.column() == COL_NOTE


def test_a_warning_is_answered_on_the_review_page(session, qtbot):
    editor = DraftEditor(session)
    qtbot.addWidget(editor)
    review = editor.review
    editor.steps.setCurrentRow(editor.pages.index(review))
    group = next(review.findings.topLevelItem(i) for i in range(review.findings.topLevelItemCount())
                 if review.findings.topLevelItem(i).text(0).startswith("警告"))
    review.findings.setCurrentItem(group.child(0))
    review.answer.setText("年初目标设定偏低，已在下年度调整")
    review.save_answer()
    assert session.report.explanations[0].text == "年初目标设定偏低，已在下年度调整"
    assert "已说明" in review.findings.topLevelItem(1).child(0).text(0) or any(
        "已说明" in review.findings.topLevelItem(1).child(i).text(0)
        for i in range(review.findings.topLevelItem(1).childCount()))


def test_totals_line_follows_edits_and_paste(page):
    t = page.model.result
    line = page.totals.text()
    assert line.startswith("本表合计：分值 ") and "填报得分" in line and "规则得分" in line and "评级" in line
    assert line == "本表合计：分值 110，填报得分 107，规则得分 110，暂不评级（分值合计应为 100）"
    assert "color: #b00020" in page.totals.styleSheet()  # seed 004: weights add up to 110, not 100
    m = page.model
    row = "table/groups/2/children/0/children/0"  # clerk 4, rule 5
    m.setData(cell(m, row, COL_SCORE), "5")
    assert page.totals.text() != line and page.model.result.reported_total == t.reported_total + 1
    assert "填报得分 108，" in page.totals.text()
    before = page.totals.text()
    QGuiApplication.clipboard().setText("培训\t≥1次\t1次\t1\t1\t")
    page.tree.setCurrentIndex(page.model.index_of_path("table/groups/0/children/0"))
    page.paste()
    assert page.totals.text() != before and page.model.result.weight_total == t.weight_total + 1


def test_switching_tables_shows_only_the_new_tables_head(open_draft, show_page, seeds, qtbot):
    from PySide6.QtWidgets import QGroupBox

    page = show_page(IndicatorsPage, open_draft(seeds["002"]))
    page.set_head_open(True)

    def boxes():
        return [b.title() for b in page.head.findChildren(QGroupBox) if b.isVisible()]
    page.show_table("framework")
    qtbot.waitUntil(lambda: boxes() == ["评分表名称"])
    assert page.group_row.isHidden()
    page.show_table("projects/1")
    qtbot.waitUntil(lambda: boxes() == ["名称与年度总体目标", "资金情况（万元）与预算执行率"])
    assert [f.path for f in page.fields][0] == "projects/1/name"
