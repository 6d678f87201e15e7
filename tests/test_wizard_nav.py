"""The way through the wizard (issue 10 item 15): numbered steps, 上一步 / 下一步, and each
step's errors and warnings in the step list, live, from the findings 审核与导出 lists."""
from PySide6.QtCore import Qt

from conftest import SEEDS
from conftest import open_window as window
from desktop.editor import PAGES, step_counts, step_of
from desktop.pages.narrative import NarrativePage
from desktop.pages.review import FINDING_ROLE, Counts, ReviewPage, review_findings


def _open(qtbot, tmp_path, seed="001"):
    w, storage = window(qtbot, tmp_path)
    w.show()
    assert w.open_draft(w.import_report(str(SEEDS / f"seed{seed}.json")))
    return w, storage, w.editor


def test_next_and_previous_walk_the_steps(qtbot, tmp_path):
    w, storage, ed = _open(qtbot, tmp_path)
    assert ed.steps.currentRow() == 0 and not ed.prev_button.isEnabled()
    assert f"下一步：{ed.pages[1].title}" in ed.step_label.text() and ed.pages[1].title in ed.next_button.toolTip()
    qtbot.mouseClick(ed.next_button, Qt.LeftButton)
    assert ed.steps.currentRow() == 1 and ed.stack.currentWidget() is ed.pages[1]
    assert ed.prev_button.isEnabled() and ed.step_label.text().startswith(f"第 2 步，共 {len(PAGES)} 步")
    for _ in range(len(PAGES)):  # past the last step it stays there
        qtbot.mouseClick(ed.next_button, Qt.LeftButton)
    assert ed.stack.currentWidget() is ed.review and not ed.next_button.isEnabled()
    qtbot.mouseClick(ed.prev_button, Qt.LeftButton)
    assert ed.stack.currentWidget() is ed.pages[-2]
    w.close()
    storage.close()


def test_steps_are_numbered_and_show_their_counts(qtbot, tmp_path):
    w, storage, ed = _open(qtbot, tmp_path)
    _score, found = review_findings(ed.session.report)
    counts = step_counts(found)
    for i, page in enumerate(ed.pages):
        first, *rest = ed.steps.item(i).text().split("\n")
        assert first == f"{i + 1} {page.title}"
        c = counts[i]
        want = ([f"错误 {c.errors}"] if c.errors else []) + ([f"待说明 {c.open_warnings}"] if c.open_warnings else [])
        assert [line.strip() for line in rest] == (want or ["无待办"])
    assert counts[PAGES.index(ReviewPage)] == Counts.of(found)  # the 审核与导出 step: all of them
    assert sum(c.errors for c in counts[:-1]) == counts[-1].errors
    assert "错误 1" in ed.steps.item(1).text()  # seed 001: a 预算收支 error
    assert ed.pages[3].title == "报告正文" and isinstance(ed.pages[3], NarrativePage)
    w.close()
    storage.close()


def test_step_counts_follow_an_explained_warning(qtbot, tmp_path):
    w, storage, ed = _open(qtbot, tmp_path)
    ed.steps.setCurrentRow(len(PAGES) - 1)
    review = ed.review
    group = review.findings.topLevelItem(1)  # 警告
    item = group.child(0)
    f = item.data(0, FINDING_ROLE)
    step = step_of(f.where)
    before_step, before_all = ed.step_counts[step].open_warnings, ed.step_counts[-1].open_warnings
    assert before_step >= 1
    review.findings.setCurrentItem(item)
    review.answer.setText("年初目标设定偏低，已在下年度调整")
    qtbot.mouseClick(review.answer_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: ed.step_counts[-1].open_warnings == before_all - 1)
    assert ed.step_counts[step].open_warnings == before_step - 1
    left = before_all - 1
    assert (f"待说明 {left}" in ed.steps.item(len(PAGES) - 1).text()) if left else True
    w.close()
    storage.close()


def test_a_finding_belongs_to_the_page_holding_its_field():
    names = [cls.__name__ for cls in PAGES]
    assert names[step_of("overview/duties")] == "OverviewPage"
    assert names[step_of("figures/total_income")] == "BudgetPage"
    assert names[step_of("fund_lines/2/executed")] == "BudgetPage"
    assert names[step_of("projects/1/groups/0")] == "IndicatorsPage"
    assert names[step_of("sections/basic_info")] == "NarrativePage"
    assert names[step_of("")] == "ReviewPage"
