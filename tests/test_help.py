"""帮助 menu: 使用说明 and 关于 (the version, the data folder and a button that opens it)."""
from PySide6.QtGui import QDesktopServices

from core.version import version
from desktop import help as help_mod
from tests.conftest import open_window


def menu_titles(w):
    return [a.text() for a in w.menuBar().actions()]


def test_help_about_shows_the_version_and_the_data_folder(qtbot, tmp_path, monkeypatch):
    w, storage = open_window(qtbot, tmp_path / "data")
    shown = []
    monkeypatch.setattr(help_mod.AboutDialog, "exec", lambda self: shown.append(self) or 0)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    try:
        assert "帮助(&H)" in menu_titles(w)
        w.help_actions["about"].trigger()
        (about,) = shown
        assert version() in about.version_label.text()
        assert str(tmp_path / "data") in about.folder_label.text()
        about.open_button.click()
        assert [u.toLocalFile() for u in opened] == [str(tmp_path / "data")]
        assert about.error.isHidden()
    finally:
        storage.close()


def test_a_folder_that_cannot_be_opened_is_said(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(help_mod, "open_folder", lambda path: False)
    about = help_mod.AboutDialog(tmp_path)
    qtbot.addWidget(about)
    about.open_button.click()
    assert not about.error.isHidden() and str(tmp_path) in about.error.text()


def test_usage_is_a_few_paragraphs_in_chinese(qtbot, tmp_path, monkeypatch):
    w, storage = open_window(qtbot, tmp_path / "data")
    shown = []
    monkeypatch.setattr(help_mod.UsageDialog, "exec", lambda self: shown.append(self) or 0)
    try:
        w.help_actions["usage"].trigger()
        (usage,) = shown
        text = usage.text.toPlainText()
        assert len(help_mod.USAGE_PARAGRAPHS) >= 4 and "自动保存" in text and "大字体" in text
    finally:
        storage.close()


def test_file_menu_speaks_the_clerks_words(qtbot, tmp_path):
    w, storage = open_window(qtbot, tmp_path / "data")
    try:
        file_menu = w.menuBar().actions()[0].menu()
        words = [a.text() for a in file_menu.actions()]
        assert "导入报告(&I)…" in words
        assert not any(".json" in t or "（" in t for t in words)
    finally:
        storage.close()
