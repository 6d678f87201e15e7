"""No CJK TrueType font for PDFs: said in Chinese, the dialog once; the bundle's fallback font is usable."""
from __future__ import annotations

import shutil
from pathlib import Path

from core.export import fonts
from desktop import fontcheck

FALLBACK = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # scripts/setup.sh installs it


class Window:
    def __init__(self):
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)


def test_no_pdf_font_is_said_every_start_and_asked_once(qtbot, tmp_path):
    asked = []
    window = Window()
    for start in (1, 2):
        fontcheck.check_pdf_fonts(window, tmp_path, find=lambda: None, ask=lambda *a: asked.append(a),
                                  delay_ms=0)
        qtbot.waitUntil(lambda: len(window.said) == start, timeout=10000)
    assert window.said == [fontcheck.STATUS] * 2
    assert len(asked) == 1 and asked[0][1] == "缺少中文字体"
    assert "未找到可用的中文 TrueType 字体" in asked[0][2] and "Word" in asked[0][2]
    assert (tmp_path / fontcheck.MARKER).is_file()


def test_fonts_found_nothing_is_said(tmp_path):
    window = Window()
    assert fontcheck.report(window, tmp_path, object(), ask=lambda *a: window.say("asked")) is False
    assert window.said == [] and not (tmp_path / fontcheck.MARKER).exists()


def test_a_read_only_data_folder_still_gets_the_warning(tmp_path):
    window, asked = Window(), []
    missing = tmp_path / "gone"  # the marker cannot be written there
    assert fontcheck.report(window, missing, None, ask=lambda *a: asked.append(a)) is True
    assert window.said == [fontcheck.STATUS] and len(asked) == 1


def test_the_bundled_fallback_font_makes_pdfs_possible(tmp_path):
    shutil.copy(FALLBACK, tmp_path / FALLBACK.name)
    (tmp_path / "LICENSE.txt").write_text("Apache-2.0", encoding="utf-8")
    found = fonts.bundled_candidates(tmp_path)
    assert [c.families for c in found] == [("WenQuanYi Micro Hei",)]
    font_set = fonts.find_cjk_fonts(found)
    assert font_set is not None and font_set.file("body") == (str(tmp_path / FALLBACK.name), 0)
    assert fonts.bundled_candidates(tmp_path / "none") == []


def test_a_system_font_of_the_same_rank_wins_over_the_bundled_one(tmp_path):
    shutil.copy(FALLBACK, tmp_path / FALLBACK.name)
    system = fonts.FontCandidate(("WenQuanYi Micro Hei",), str(FALLBACK))
    font_set = fonts.find_cjk_fonts([system, *fonts.bundled_candidates(tmp_path)])
    assert font_set.file("body") == (str(FALLBACK), 0)


def test_bundled_font_on_screen_only_when_the_system_has_no_chinese_font(qapp, tmp_path, monkeypatch):
    from PySide6.QtGui import QFontDatabase

    shutil.copy(FALLBACK, tmp_path / FALLBACK.name)
    monkeypatch.setattr(fonts, "bundled_candidates", lambda folder=None: [
        fonts.FontCandidate(("WenQuanYi Micro Hei",), str(tmp_path / FALLBACK.name))])
    assert fontcheck.register_bundled_fonts() == []  # this machine has Chinese fonts (setup.sh)
    monkeypatch.setattr(QFontDatabase, "families", staticmethod(lambda *a: []))
    added = fontcheck.register_bundled_fonts()
    assert "WenQuanYi Micro Hei" in added
    QFontDatabase.removeAllApplicationFonts()


def test_the_check_waits_for_the_window_and_not_for_a_closed_one(qtbot, tmp_path):
    import shiboken6
    from PySide6.QtWidgets import QWidget

    class Shown(QWidget):
        def __init__(self):
            super().__init__()
            self.said = []

        def say(self, text):
            self.said.append(text)

    shown, gone, asked = Shown(), Shown(), []
    qtbot.addWidget(shown)
    fontcheck.check_pdf_fonts(gone, tmp_path / "a", find=lambda: None, ask=lambda *a: asked.append(a), delay_ms=1)
    gone_said = gone.said
    shiboken6.delete(gone)  # the clerk closed the window before the check was due
    fontcheck.check_pdf_fonts(shown, tmp_path, find=lambda: None, ask=lambda *a: asked.append(a), delay_ms=5)
    qtbot.waitUntil(lambda: shown.said == [fontcheck.STATUS], timeout=10000)
    assert gone_said == [] and len(asked) == 1
