"""The 预算收支 page: typed figures land as Decimals, bad input is named, identities show inline."""
from decimal import Decimal as D

import pytest
from desktop.pages.budget import BudgetPage


@pytest.fixture
def page(open_draft, show_page, seeds):
    return show_page(BudgetPage, open_draft(seeds["001"]))


def field(page, path):
    return next(f for f in page.fields if f.path == path)


def type_into(f, text):
    f.editor.setText(text)
    f.editor.textEdited.emit(text)


def figure(page, key):
    return page.session.report.figures.get(key)


@pytest.mark.parametrize("text, value", [("1,234.56", D("1234.56")), ("１２３.４", D("123.4")),
                                         ("8.29万元", D("8.29"))])
def test_a_typed_figure_is_stored_as_a_decimal(page, text, value):
    type_into(field(page, "figures/project_expenditure"), text)
    assert figure(page, "project_expenditure") == value
    assert isinstance(figure(page, "project_expenditure"), D)


def test_every_offered_column_has_a_field(page):
    paths = {f.path for f in page.fields}
    assert {"figures/personnel_cost", "figures/personnel_cost_budget", "figures/personnel_cost_last",
            "figures/executed", "figures/carryover_last"} <= paths
    assert "figures/executed_budget" not in paths  # 预算 offers one column
    assert field(page, "figures/total_expenditure_last").editor.text() == "98.85"


def test_a_malformed_figure_is_named_and_changes_nothing(page):
    f = field(page, "figures/operating_cost_budget")
    type_into(f, "abc")
    assert f.has_error
    assert "公用经费" in f.error.text() and "本年预算数" in f.error.text()
    assert figure(page, "operating_cost_budget") == D("8.62")
    type_into(f, "8.6")
    assert not f.has_error and figure(page, "operating_cost_budget") == D("8.6")


def test_parts_that_stop_adding_up_are_marked_on_the_parent(page, qtbot):
    problem = page.problems["basic_expenditure"]
    assert problem.isHidden()
    type_into(field(page, "figures/personnel_cost"), "90")
    qtbot.waitUntil(lambda: problem.isVisible())
    assert "基本支出" in problem.text() and "99.2" in problem.text()
    type_into(field(page, "figures/personnel_cost"), "92.81")
    qtbot.waitUntil(lambda: problem.isHidden())


def test_the_execution_rate_follows_the_executed_figure(page, qtbot):
    rate = page.derived_labels["execution_rate"]
    assert "100.00%" in rate.text()
    type_into(field(page, "figures/executed"), "96.741")
    qtbot.waitUntil(lambda: "90.00%" in rate.text())
    type_into(field(page, "figures/annual_budget"), "0")
    qtbot.waitUntil(lambda: "分母为0，无法计算" in rate.text())


def test_the_sum_of_parts_is_shown_beside_the_parent(page, qtbot):
    hint = page.hints["basic_expenditure"]
    assert hint.isVisible() and "99.20" in hint.text()
    type_into(field(page, "figures/operating_cost"), "7.19")
    qtbot.waitUntil(lambda: "100.00" in hint.text())


def test_a_fund_line_edit_lands_in_the_report(page):
    table = page.table
    assert table.rowCount() == 6
    table.item(5, 3).setText("0.5")
    assert page.session.report.fund_lines[5].final == D("0.5")
    table.item(5, 0).setText("专项5、三小人员生活困难补助")
    assert page.session.report.fund_lines[5].name == "专项5、三小人员生活困难补助"


def test_a_malformed_fund_amount_is_named_and_changes_nothing(page):
    page.table.item(1, 2).setText("九块")
    assert page.fund_error.isVisible() and "第 2 行" in page.fund_error.text()
    assert page.session.report.fund_lines[1].budget == D("9")


def test_fund_lines_can_be_added_and_deleted(page, qtbot):
    page.add_line.click()
    assert len(page.session.report.fund_lines) == 7 and page.table.rowCount() == 7
    page.table.item(6, 0).setText("新增专项")
    page.table.item(6, 3).setText("1")
    assert page.session.report.fund_lines[6].name == "新增专项"
    assert page.session.report.fund_lines[6].parent == "project_expenditure"
    page.table.selectRow(0)
    assert page.delete_line.isEnabled()
    page.delete_line.click()
    names = [x.name for x in page.session.report.fund_lines]
    assert len(names) == 6 and names[0].startswith("专项:1") and page.table.rowCount() == 6


def test_the_detail_lines_not_matching_project_spending_are_said(page, qtbot):
    assert page.fund_problem.isVisible() and "8.29" in page.fund_problem.text()
    type_into(field(page, "figures/project_expenditure"), "19.08")
    qtbot.waitUntil(lambda: page.fund_problem.isHidden())


def test_focus_path_puts_the_cursor_in_the_figure(page, qtbot):
    assert page.focus_path("figures/sangong_reception_last")
    qtbot.waitUntil(lambda: field(page, "figures/sangong_reception_last").editor.hasFocus())
    assert page.focus_path("fund_lines/final")
    assert not page.focus_path("overview/duties")


def test_a_fund_amount_is_shown_as_stored(page):
    page.table.item(0, 1).setText("１.２万元")
    assert page.session.report.fund_lines[0].last_final == D("1.2")
    assert page.table.item(0, 1).text() == "1.20"  # as the 明细合计 beside it prints amounts


def test_an_amount_reads_the_same_in_the_field_and_in_the_sums(open_draft, show_page, seeds):
    page = show_page(BudgetPage, open_draft(seeds["004"]))
    assert figure(page, "annual_budget") == D("161.4")
    assert field(page, "figures/annual_budget").editor.text() == "161.40"  # as 合计 161.40 beside it
    assert field(page, "figures/project_expenditure").editor.text() == "10.00"


def test_a_ratio_outside_its_normal_range_is_coloured(open_draft, show_page, seeds, qtbot):
    page = show_page(BudgetPage, open_draft(seeds["004"]))  # 在职人员控制率 266.67%: above 100%
    staff = page.derived_labels["staff_control_rate"]
    assert "266.67%" in staff.text() and "#b00020" in staff.text() and "超出正常范围" in staff.text()
    rate = page.derived_labels["execution_rate"]
    assert "100.00%" in rate.text() and "#b00020" not in rate.text()
    page.session.set("overview/actual_staff", D(2))  # typed on 部门概况: 2 of 3 authorised
    qtbot.waitUntil(lambda: "#b00020" not in staff.text())


def test_the_formula_text_grows_with_large_text(open_draft, show_page, seeds, qtbot):
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    page = show_page(BudgetPage, open_draft(seeds["004"]))
    rate = page.derived_labels["execution_rate"]
    hint = page.hints["income_total"]
    before = (rate.sizeHint().width(), hint.sizeHint().width())
    old = QApplication.font()
    big = QFont(old)
    big.setPointSize(old.pointSize() + 6)
    try:
        QApplication.setFont(big)
        QApplication.setFont(big, "QLabel")
        qtbot.waitUntil(lambda: rate.sizeHint().width() > before[0] and hint.sizeHint().width() > before[1])
    finally:
        QApplication.setFont(old)
        QApplication.setFont(old, "QLabel")
