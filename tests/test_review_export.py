"""Export from the 审核与导出 page as a clerk does it: off the UI thread, with a clear result."""

import pytest
from docx import Document as read_docx
from PySide6.QtWidgets import QFileDialog

from conftest import SEEDS
from core.report_io import load_report
from core.storage import Storage
from desktop.editor import DraftEditor
from desktop.session import DraftSession


@pytest.fixture
def editor(tmp_path, qtbot):
    storage = Storage.open(tmp_path / "data")
    report, _ = load_report(SEEDS / "seed004.json")
    session = DraftSession(storage, tmp_path / "data", storage.create(report))
    e = DraftEditor(session)
    qtbot.addWidget(e)
    e.steps.setCurrentRow(e.pages.index(e.review))
    yield e
    session.close()
    storage.close()


def test_export_word_from_the_review_page(editor, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "石峰区报告.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    review = editor.review
    assert "草稿" in review.export_state.text()  # why it will be a draft, before exporting
    review.export_docx()
    qtbot.waitUntil(lambda: review.export_state.text().startswith("已导出"), timeout=30000)
    doc = read_docx(str(target))
    assert any("草稿" in p.text for s in doc.sections for p in s.header.paragraphs)
    assert [s.description for s in editor.session.storage.snapshots(editor.session.draft_id)][-1] == "导出 Word"


def test_a_failed_export_says_why_and_changes_nothing(editor, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "no-such-folder" / "报告.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    review = editor.review
    review.export_pdf()
    qtbot.waitUntil(lambda: all(b.isEnabled() for b in review.export_buttons), timeout=30000)
    assert "无法写入" in review.export_state.text() and not target.exists()


def test_a_read_only_target_is_refused_with_a_reason(editor, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "报告.docx"
    target.write_bytes(b"old report")
    target.chmod(0o444)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    review = editor.review
    review.export_docx()
    qtbot.waitUntil(lambda: all(b.isEnabled() for b in review.export_buttons), timeout=30000)
    assert "是只读的" in review.export_state.text() and "另存为" in review.export_state.text()
    assert target.read_bytes() == b"old report"
