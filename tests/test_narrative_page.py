"""The 问题与改进 page: drafts from the data fill empty sections and never overwrite the clerk's text."""
import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.narrative import section_record
from desktop.pages.narrative import NOTICE, NarrativePage


@pytest.fixture
def page(open_draft, show_page, seeds):
    """Seed 001 with the sections the program drafts left empty (a fresh draft)."""
    drafted = {"income_expenditure", "basic_expenditure", "performance"}
    report = dataclasses.replace(seeds["001"], sections=tuple(s for s in seeds["001"].sections
                                                               if s.key not in drafted))
    return show_page(NarrativePage, open_draft(report))


def test_sections_of_the_outline_are_listed_with_their_numbers(page):
    labels = [ed.heading.text() for ed in page.editors.values()]
    assert labels[:3] == ["一、部门（单位）基本情况", "二、部门整体收支情况", "（一）基本支出"]
    assert labels[-1] == "十、其他需要说明的情况（可不填：不填则不印此节）"  # optional in the template
    assert page.editors["problems"].editor.toPlainText().startswith("1、预算编制工作有待细化")


def test_generate_fills_empty_sections(page):
    assert page.editors["income_expenditure"].editor.toPlainText() == ""
    page.generate_button.click()
    text = page.editors["income_expenditure"].editor.toPlainText()
    assert text.startswith("2022年度本单位总收入107.49万元，其中：一般公共预算财政拨款收入102.49万元，占95.35%")
    report = page.session.report
    assert report.section("income_expenditure") == text
    assert section_record(report, "income_expenditure").generated == text
    assert report.section("performance").endswith("自评得分99分，等级为“优”。")
    assert page.editors["problems"].editor.toPlainText().startswith("1、预算编制工作有待细化")  # untouched
    assert [s.key for s in report.sections][:3] == ["basic_info", "income_expenditure", "basic_expenditure"]
    assert all(ed.notice.isHidden() for ed in page.editors.values())


def test_the_shortcut_generates(page, qtbot):
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.editors["other"].editor.setFocus()
    qtbot.keyClick(page.editors["other"].editor, Qt.Key_G, Qt.ControlModifier)
    qtbot.waitUntil(lambda: page.session.report.section("performance") != "", timeout=3000)


def test_edited_section_is_kept_and_replaced_only_on_request(page):
    page.generate_button.click()
    perf = page.editors["performance"]
    draft = perf.editor.toPlainText()
    perf.editor.setPlainText("我单位对照各项指标逐条自评。")
    assert page.session.report.section("performance") == "我单位对照各项指标逐条自评。"

    page.generate_button.click()
    assert perf.editor.toPlainText() == "我单位对照各项指标逐条自评。"
    assert page.session.report.section("performance") == "我单位对照各项指标逐条自评。"
    assert not perf.notice.isHidden() and perf.notice_label.text() == NOTICE
    assert page.editors["income_expenditure"].notice.isHidden()  # not edited: simply redrafted

    perf.view_button.click()  # shows the draft, changes nothing
    assert perf.draft_view.toPlainText() == draft and not perf.replace_button.isHidden()
    assert page.session.report.section("performance") == "我单位对照各项指标逐条自评。"

    perf.replace_button.click()
    assert perf.editor.toPlainText() == draft
    assert page.session.report.section("performance") == draft
    assert perf.notice.isHidden()


def test_keeping_my_text_hides_the_notice(page):
    page.generate_button.click()
    perf = page.editors["performance"]
    perf.editor.setPlainText("自己写的。")
    page.generate_button.click()
    perf.view_button.click()
    perf.keep_button.click()
    assert perf.notice.isHidden() and page.session.report.section("performance") == "自己写的。"


def test_typed_text_goes_into_the_report_sections(page):
    page.editors["improvements"].editor.setPlainText("加强预算编制。")
    assert page.session.report.section("improvements") == "加强预算编制。"
    page.editors["basic_expenditure"].editor.setPlainText("基本支出说明。")  # a section not yet in the report
    keys = [s.key for s in page.session.report.sections]
    assert keys.index("basic_info") < keys.index("basic_expenditure") < keys.index("gov_fund")
    assert page.session.flush()
    assert page.session.storage.get(page.session.draft_id).section("basic_expenditure") == "基本支出说明。"


def test_focus_path_focuses_the_section_editor(page):
    assert page.focus_path("sections/other")
    QApplication.processEvents()
    assert page.editors["other"].editor.hasFocus()
    assert not page.focus_path("sections/no_such_key")
    assert not page.focus_path("overview/duties")


def test_a_pasted_table_is_announced_and_stored_with_its_tabs(page):
    ed = page.editors["problems"]
    assert ed.table_note.isHidden()
    ed.editor.setPlainText("如下表：\n项目\t预算数\t执行数\n会议费\t0.50\t0.48\n印刷费\t2.00\t1.96")
    assert not ed.table_note.isHidden() and "1 个表格" in ed.table_note.text()
    assert page.session.report.section("problems").splitlines()[2] == "会议费\t0.50\t0.48"
    ed.editor.setPlainText("项目    预算数    执行数\n会议费    0.50    0.48\n印刷费    2.00    1.96")
    assert "空格对齐" in ed.table_note.text() and not ed.table_note.isHidden()
    ed.editor.setPlainText("普通的一段文字。")
    assert ed.table_note.isHidden()
