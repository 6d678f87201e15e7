"""The 汇总 workspace in the app (desktop/summary): the seed reports packed as units' packages
plus a corrupt one, versions of one unit, the year/kind/check-box choice, 取消, the findings
filter and a report opened read-only from a finding."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from conftest import open_window
from core import edit
from core.findings import ERROR, WARNING
from core.rounding import fmt_score
from core.summary import gather, sources_from
from core.summary.tables import grade_label
from desktop.summary.models import (COL_DIGEST, COL_ERRORS, COL_GRADE, COL_RULE, COL_UNIT,
                                    COL_VERSIONS, COL_WARNINGS, COL_YEAR)
from tests.summary_packages import make_package

WAIT_MS = 60_000


@pytest.fixture
def packages(tmp_path, seeds):
    """The five seeds as five units' packages, and one file that is no package."""
    folder = tmp_path / "packages"
    folder.mkdir()
    for name, report in seeds.items():
        make_package(folder / f"unit{name}.jxpkg", [report])
    (folder / "broken.jxpkg").write_bytes(b"PK\x03\x04 this was cut off on the USB stick")
    return folder


@pytest.fixture
def workspace(qtbot, tmp_path):
    w, storage = open_window(qtbot, tmp_path / "data")
    w.show()
    w.show_summary()
    yield w, w.summary_page, storage
    w.close()
    storage.close()


def add(qtbot, ws, paths):
    assert ws.add_paths([str(p) for p in paths]) is not False
    qtbot.waitUntil(lambda: not ws.gathering.running, timeout=WAIT_MS)


def rows(ws, col=COL_UNIT):
    m = ws.model
    return [m.index(r, col).data() for r in range(m.rowCount())]


def row_of(ws, unit):
    return next(r for r in range(ws.model.rowCount()) if ws.model.index(r, COL_UNIT).data() == unit)


def show_all_years(ws):
    ws.year_box.setCurrentIndex(ws.year_box.findData(None))


def test_seed_packages_one_row_each_and_the_broken_one_refused_with_its_reason(qtbot, workspace, packages, seeds):
    w, ws, _ = workspace
    assert w.stack.currentWidget() is ws
    add(qtbot, ws, [packages])
    show_all_years(ws)
    assert sorted(rows(ws)) == sorted(r.unit.name for r in seeds.values())
    # the figures shown are the core's check of each package, cell by cell
    expected = {r.unit: r for r in gather(sources_from([packages])).reports}
    for unit, r in expected.items():
        i = row_of(ws, unit)
        cell = lambda c: ws.model.index(i, c).data()  # noqa: E731
        assert cell(COL_YEAR) == str(r.year)
        assert cell(COL_RULE) == fmt_score(r.rule_total)
        assert cell(COL_GRADE) == grade_label(r.grade)
        assert (cell(COL_ERRORS), cell(COL_WARNINGS)) == (str(r.errors), str(r.warnings))
        assert cell(COL_DIGEST) == "一致"
        assert ws.model.index(i, COL_RULE).data(Qt.TextAlignmentRole) & Qt.AlignRight
    assert ws.refused_table.rowCount() == 1
    assert ws.refused_table.item(0, 0).text() == "broken.jxpkg"
    reason = ws.refused_table.item(0, 1).text()
    assert reason and not reason.isascii()
    assert ws.refused_box.isVisibleTo(ws)
    assert "1 个未能读取" in w.statusBar().currentMessage()


def test_a_unit_twice_is_one_row_and_the_chosen_version_sets_the_totals(qtbot, workspace, tmp_path, seeds):
    _, ws, _ = workspace
    first = seeds["001"]
    later = edit.set_at(first, "table/funds/rows/0/executed", Decimal("53.75"))  # half spent
    make_package(tmp_path / "a.jxpkg", [first], uid="u1", created_at="2023-03-01T08:00:00Z")
    make_package(tmp_path / "b.jxpkg", [later], uid="u1", created_at="2023-03-05T08:00:00Z")
    add(qtbot, ws, [tmp_path / "a.jxpkg", tmp_path / "b.jxpkg"])
    assert rows(ws) == [first.unit.name]
    assert ws.model.index(0, COL_VERSIONS).data() == "第1份 / 共2份"
    before = ws.totals.text()
    rate_before = ws.summary.dept_totals.rate
    assert ws.choose_version(ws.model.rows[0].key, 1)
    assert ws.model.index(0, COL_VERSIONS).data() == "第2份 / 共2份"
    assert ws.summary.dept_totals.rate != rate_before
    assert ws.totals.text() != before
    # the 版本 drop-down (double-click the cell) puts the first one back
    index = ws.model.index(0, COL_VERSIONS)
    ws.table.edit(index)
    box = ws.table.indexWidget(index) or next(c for c in ws.table.viewport().findChildren(QComboBox))
    assert box.count() == 2 and box.currentIndex() == 1
    box.setCurrentIndex(0)
    box.activated.emit(0)
    assert ws.model.index(0, COL_VERSIONS).data() == "第1份 / 共2份"
    assert ws.summary.dept_totals.rate == rate_before and ws.totals.text() == before


def test_year_kind_and_check_boxes_choose_what_goes_in(qtbot, workspace, packages, seeds):
    _, ws, _ = workspace
    add(qtbot, ws, [packages])
    years = [r.year for r in seeds.values()]
    usual = max(set(years), key=lambda y: (years.count(y), y))
    assert ws.year_box.currentData() == usual  # the year most units reported for
    assert len(rows(ws)) == years.count(usual)
    show_all_years(ws)
    assert len(rows(ws)) == 5
    ws.kind_box.setCurrentIndex(ws.kind_box.findText("项目"))
    assert rows(ws) == [r.unit.name for r in seeds.values() if r.kind == "project"]
    ws.kind_box.setCurrentIndex(ws.kind_box.findText("部门整体"))
    dept = [r.unit.name for r in seeds.values() if r.kind == "department_overall"]
    assert sorted(rows(ws)) == sorted(dept)
    assert ws.summary.dept_totals.count == len(dept)
    ws.model.setData(ws.model.index(0, 0), Qt.Unchecked, Qt.CheckStateRole)
    assert ws.summary.dept_totals.count == len(dept) - 1
    assert f"计入 {len(dept) - 1} 个" in ws.count_label.text()
    ws.check_all(False)
    assert ws.summary.dept_totals.count == 0
    assert ws.totals.text() == "没有计入汇总的报告"


def test_cancel_stops_the_reading_and_keeps_what_was_read(qtbot, workspace, tmp_path, seeds, monkeypatch):
    w, ws, _ = workspace
    folder = tmp_path / "many"
    folder.mkdir()
    base = seeds["004"]
    for i in range(60):
        r = dataclasses.replace(base, unit=dataclasses.replace(base.unit, name=f"单位{i:03d}"))
        make_package(folder / f"p{i:03d}.jxpkg", [r])
    shown = ws.gathering.on_progress

    def first_progress_cancels(*args):
        shown(*args)
        ws.cancel_button.click()
    ws.gathering.on_progress = first_progress_cancels
    # the reading thread is faster than the progress poll: hold the second package until 取消 is
    # clicked, so the test does not depend on which of the two wins
    import importlib
    G = importlib.import_module("core.summary.gather")  # (core.summary.gather the name is the function)
    read_one, calls = G._from_package, []

    def held(source):
        calls.append(source)
        if len(calls) == 2:
            assert ws.gathering._stop.wait(WAIT_MS / 1000), "取消 never reached the reading thread"
        return read_one(source)
    monkeypatch.setattr(G, "_from_package", held)
    assert ws.add_paths([str(folder)])
    assert ws.busy.isVisibleTo(ws) and not ws.buttons["folder"].isEnabled()
    qtbot.waitUntil(lambda: not ws.gathering.running, timeout=WAIT_MS)
    show_all_years(ws)
    assert 0 < len(ws.reports) <= 2 and len(calls) <= 2  # nothing read after 取消
    assert len(rows(ws)) == len(ws.reports)
    assert w.statusBar().currentMessage().startswith("已取消")
    assert not ws.busy.isVisibleTo(ws) and ws.buttons["folder"].isEnabled()


def test_findings_filter_by_severity_and_unit_and_the_opinion(qtbot, workspace, packages):
    _, ws, _ = workspace
    add(qtbot, ws, [packages])
    show_all_years(ws)
    view = ws.findings
    everything = len(view.all)
    assert everything == sum(int(e) + int(wn) for e, wn in zip(rows(ws, COL_ERRORS), rows(ws, COL_WARNINGS)))
    view.severity.setCurrentIndex(view.severity.findData(ERROR))
    shown = view.model.rows
    assert shown and all(f.severity == ERROR for f in shown)
    view.severity.setCurrentIndex(view.severity.findData(WARNING))
    assert all(f.severity == WARNING for f in view.model.rows)
    assert len(view.model.rows) + len(shown) == everything
    view.severity.setCurrentIndex(0)
    unit = view.unit.itemText(2)
    view.unit.setCurrentIndex(2)
    assert view.model.rows and all(f.unit == unit for f in view.model.rows)
    view.table.selectRow(0)
    assert view.opinion.toPlainText().startswith(f"{unit}：")
    view.copy_opinion()
    from PySide6.QtWidgets import QApplication
    assert QApplication.clipboard().text() == view.opinion.toPlainText()


def test_a_finding_opens_the_report_read_only_and_nothing_is_written(qtbot, workspace, packages):
    w, ws, storage = workspace
    add(qtbot, ws, [packages])
    show_all_years(ws)
    drafts_before = storage.list(include_deleted=True)
    view = ws.findings
    view.severity.setCurrentIndex(view.severity.findData(ERROR))
    finding = view.model.rows[0]
    view.table.doubleClicked.emit(view.model.index(0, 0))
    editor = w.editor
    assert editor is not None and editor.read_only and w.stack.currentWidget() is editor
    assert editor.banner.isVisibleTo(editor) and "只读" in editor.banner.text()
    assert editor.back.text() == "← 返回汇总" and not editor.history_button.isVisibleTo(editor)
    page = editor.stack.currentWidget()
    assert page.focus_path(finding.where) or editor.steps.currentRow() >= 0
    # typing goes nowhere: every text box is read-only, every button off
    overview = editor.pages[0]
    editor.steps.setCurrentRow(0)
    box = next(f.editor for f in overview.fields if isinstance(f.editor, (QLineEdit, QPlainTextEdit)))
    text = box.text() if isinstance(box, QLineEdit) else box.toPlainText()
    box.setFocus()
    QTest.keyClicks(box, "abc")
    assert (box.text() if isinstance(box, QLineEdit) else box.toPlainText()) == text
    assert box.isReadOnly()
    for page in editor.pages:
        editor.steps.setCurrentRow(editor.pages.index(page))
        for text_box in page.findChildren(QLineEdit) + page.findChildren(QPlainTextEdit):
            assert text_box.isReadOnly(), (page.title, text_box.accessibleName())
    indicators = next(p for p in editor.pages if hasattr(p, "table_box"))
    editor.steps.setCurrentRow(editor.pages.index(indicators))
    assert indicators.table_box.isEnabled() and indicators.table_box.count() > 1  # viewing still works
    for i in range(indicators.table_box.count()):  # each table rebuilds its boxes: locked again
        indicators.table_box.setCurrentIndex(i)
        indicators.table_box.activated.emit(i)
        indicators.head_toggle.setChecked(not indicators.head_toggle.isChecked())
        edits = indicators.findChildren(QLineEdit) + indicators.findChildren(QPlainTextEdit)
        assert edits and all(e.isReadOnly() for e in edits if e.parent() is not indicators.table_box)
        # and none of them promises an edit ("可在此直接修改") that read-only refuses
        assert not [e.placeholderText() for e in edits if "修改" in e.placeholderText()]
    assert editor.session.storage is None and editor.session.edits_refused == 0
    editor.back.click()
    assert w.stack.currentWidget() is ws and w.editor is None
    assert storage.list(include_deleted=True) == drafts_before


def test_exports_write_the_files_and_say_where_or_why_not(qtbot, workspace, packages, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from desktop.summary.prompts import Prompts

    _, ws, _ = workspace
    add(qtbot, ws, [packages])
    show_all_years(ws)
    out = tmp_path / "out"
    out.mkdir()
    for key, name in (("docx", "汇总.docx"), ("xlsx", "汇总"), ("findings", "审核意见.xlsx")):
        target = out / name
        monkeypatch.setattr(Prompts, "save_path", staticmethod(lambda *a, t=target: str(t)))
        ws.last_export_message = ""
        ws.export_buttons[key].click()
        qtbot.waitUntil(lambda: ws.last_export_message != "", timeout=WAIT_MS)
        written = target if target.suffix else target.with_suffix(".xlsx")  # the suffix is added
        assert ws.last_export_message == f"已写入 {written}"
        assert written.stat().st_size > 0
    book = load_workbook(out / "汇总.xlsx")
    numbers = [c.value for sheet in book for row in sheet.iter_rows() for c in row
               if isinstance(c.value, (int, float))]
    assert numbers and not any(isinstance(c.value, str) and c.value.startswith("#")
                               for sheet in book for row in sheet.iter_rows() for c in row)
    findings = load_workbook(out / "审核意见.xlsx")
    assert sum(s.max_row for s in findings) > len(ws.summary.findings)
    # a folder where the file should go: the core's Chinese message, nothing claims success
    blocked = out / "占用.docx"
    blocked.mkdir()
    monkeypatch.setattr(Prompts, "save_path", staticmethod(lambda *a: str(blocked)))
    ws.last_export_message = ""
    ws.export_buttons["docx"].click()
    qtbot.waitUntil(lambda: ws.last_export_message != "", timeout=WAIT_MS)
    assert not ws.last_export_message.startswith("已写入") and not ws.last_export_message.isascii()
    assert ws.export_buttons["docx"].isEnabled()


def test_the_workspace_and_its_button_fit_1366_pixels_in_large_text(qtbot, workspace, tmp_path):
    from PySide6.QtWidgets import QApplication

    from desktop.main_window import restore_fonts
    from desktop.summary.samples import make_sample_packages

    w, ws, _ = workspace
    font = QApplication.font()
    try:
        w.large_text.setChecked(True)
        make_sample_packages(tmp_path / "county", 14)  # several years, units sent twice, broken files
        add(qtbot, ws, [tmp_path / "county"])
        assert "另有" in ws.count_label.text() and "有多份" in ws.count_label.text()
        ws.findings.table.selectRow(0)
        for page, tab in ((ws, 0), (ws, 1), (w.drafts, None)):
            w.stack.setCurrentWidget(page)
            if tab is not None:
                ws.tabs.setCurrentIndex(tab)
            qtbot.waitUntil(lambda: w.minimumSizeHint().width() <= 1366)
            assert page.minimumSizeHint().width() <= 1366
        assert w.summary_button.isVisibleTo(w.drafts)
        # columns widened with the font: the version and grade texts are not cut
        fm = ws.table.fontMetrics()
        qtbot.waitUntil(lambda: ws.table.columnWidth(7) >= fm.horizontalAdvance("暂不评级"))
    finally:
        w.large_text.setChecked(False)
        restore_fonts(font)


def test_a_units_opinion_saved_as_word_for_sending_back(qtbot, workspace, packages, tmp_path, monkeypatch):
    from docx import Document

    from desktop.summary.prompts import Prompts

    _, ws, _ = workspace
    add(qtbot, ws, [packages])
    show_all_years(ws)
    view = ws.findings
    view.unit.setCurrentIndex(1)
    view.table.selectRow(0)
    unit = view.current().unit
    target = tmp_path / "意见"
    monkeypatch.setattr(Prompts, "save_path", staticmethod(lambda *a: str(target)))
    ws.last_export_message = ""
    view.save_button.click()
    qtbot.waitUntil(lambda: ws.last_export_message != "", timeout=WAIT_MS)
    written = target.with_suffix(".docx")
    assert ws.last_export_message == f"已写入 {written}"
    doc = Document(str(written))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert unit in text and "经审核" in text
    assert all(f.message in text for f in view.all if f.unit == unit)
    assert text.count("\n") >= len([f for f in view.all if f.unit == unit])


def test_drafts_of_this_pc_can_be_added_and_stay_untouched(qtbot, workspace, seeds, monkeypatch):
    from desktop.summary.prompts import DraftPicker, Prompts

    _, ws, storage = workspace
    ids = [storage.create(seeds["001"]), storage.create(seeds["003"])]
    before = storage.list(include_deleted=True)
    picker = DraftPicker(storage.list())  # the real picker: everything chosen at first
    qtbot.addWidget(picker)
    assert sorted(picker.chosen_ids()) == sorted(ids)
    monkeypatch.setattr(Prompts, "drafts", staticmethod(lambda parent, drafts: [d.id for d in drafts]))
    ws.buttons["drafts"].click()
    qtbot.waitUntil(lambda: not ws.gathering.running and bool(ws.reports), timeout=WAIT_MS)
    show_all_years(ws)
    assert sorted(rows(ws)) == sorted([seeds["001"].unit.name, seeds["003"].unit.name])
    assert sorted(r.label for r in ws.reports) == sorted(f"草稿 #{i}" for i in ids)
    assert rows(ws, COL_DIGEST) == ["—", "—"]  # a draft carries no printed digest
    assert storage.list(include_deleted=True) == before
