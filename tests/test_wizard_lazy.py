"""Opening a draft builds only the wizard page it shows (issue 14): the others are built on their
first visit, or when a finding on them is chosen; the step list's counts come from the core
findings all the same."""
import os
import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from conftest import ROOT, SEEDS
from conftest import open_window as window
from desktop.editor import PAGES, step_counts, step_of, step_text
from desktop.pages.budget import BudgetPage
from desktop.pages.narrative import NarrativePage
from desktop.pages.overview import OverviewPage
from desktop.pages.review import WHERE_ROLE, ReviewPage, review_findings


def _open(qtbot, tmp_path, seed="001"):
    w, storage = window(qtbot, tmp_path)
    w.show()
    assert w.open_draft(w.import_report(str(SEEDS / f"seed{seed}.json")))
    return w, storage, w.editor


def _built(ed):
    return [type(p).__name__ for p in ed.pages.built_pages()]


def test_opening_builds_only_the_shown_page_and_the_others_on_their_first_visit(qtbot, tmp_path):
    w, storage, ed = _open(qtbot, tmp_path)
    assert _built(ed) == ["OverviewPage"] and ed.stack.count() == 1
    assert isinstance(ed.stack.currentWidget(), OverviewPage)
    # every step still shows its counts, from the core findings (no page needed for them)
    counts = step_counts(review_findings(ed.session.report)[1])
    assert [ed.steps.item(i).text() for i in range(len(PAGES))] == \
        [step_text(i + 1, cls.title, c) for i, (cls, c) in enumerate(zip(PAGES, counts))]
    assert "错误 1" in ed.steps.item(1).text()  # seed 001: 预算收支 has an error (fund_lines/final)
    assert f"下一步：{PAGES[1].title}" in ed.step_label.text()
    qtbot.mouseClick(ed.next_button, Qt.LeftButton)  # 预算收支: built now, and shown
    assert _built(ed) == ["OverviewPage", "BudgetPage"]
    budget = ed.stack.currentWidget()
    assert isinstance(budget, BudgetPage) and budget.isVisible() and budget is ed.pages[1]
    qtbot.mouseClick(ed.prev_button, Qt.LeftButton)  # back: the same page, not built again
    qtbot.mouseClick(ed.next_button, Qt.LeftButton)
    assert ed.stack.currentWidget() is budget and ed.stack.count() == 2
    w.close()
    storage.close()


def test_choosing_a_finding_on_a_page_not_yet_built_builds_it_and_focuses_the_field(qtbot, tmp_path):
    w, storage, ed = _open(qtbot, tmp_path)
    ed.steps.setCurrentRow(len(PAGES) - 1)  # 审核与导出
    assert _built(ed) == ["OverviewPage", "ReviewPage"]
    where = "sections/project_expenditure"  # seed 001: a warning on the 报告正文 page
    assert PAGES[step_of(where)] == NarrativePage
    items = [ed.review.findings.topLevelItem(g).child(i)
             for g in range(ed.review.findings.topLevelItemCount())
             for i in range(ed.review.findings.topLevelItem(g).childCount())]
    item = next(it for it in items if it.data(0, WHERE_ROLE) == where)
    ed.review.findings.itemActivated.emit(item, 0)
    assert _built(ed) == ["OverviewPage", "NarrativePage", "ReviewPage"]  # only the page of the finding
    page = ed.stack.currentWidget()
    assert isinstance(page, NarrativePage) and ed.steps.currentRow() == step_of(where)
    QApplication.processEvents()
    assert page.editors["project_expenditure"].editor.hasFocus()
    w.close()
    storage.close()


def test_every_page_is_there_when_walked(qtbot, tmp_path):
    w, storage, ed = _open(qtbot, tmp_path)
    pages = list(ed.pages)  # walking them builds them all, each once
    assert [type(p) for p in pages] == [OverviewPage, BudgetPage, *(c.load() for c in PAGES[2:4]), ReviewPage]
    assert [p.title for p in pages] == [c.title for c in PAGES] and ed.stack.count() == len(PAGES)
    assert list(ed.pages) == pages and ed.pages.index(ed.review) == len(PAGES) - 1
    w.close()
    storage.close()


def test_the_modules_of_pages_not_shown_are_not_loaded_when_a_draft_opens(tmp_path):
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from core.storage import Storage\n"
        "from desktop.main_window import MainWindow\n"
        "app = QApplication([])\n"
        f"s = Storage.open({str(tmp_path)!r})\n"
        f"w = MainWindow(s, {str(tmp_path)!r})\n"
        f"assert w.open_draft(w.import_report({str(SEEDS / 'seed001.json')!r}))\n"
        "print(' '.join(m for m in ('desktop.pages.overview', 'desktop.pages.review', 'desktop.pages.budget',"
        " 'desktop.pages.indicators', 'desktop.pages.narrative') if m in sys.modules))\n"
        "s.close()\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["desktop.pages.overview", "desktop.pages.review"]
