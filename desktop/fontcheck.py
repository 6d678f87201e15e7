"""Chinese fonts at start-up: the bundle's fallback font on screen, one warning when PDFs cannot be made.

- ``register_bundled_fonts()``: when the system has no font that covers Simplified Chinese (a
  minimal Linux desktop: every label would be tofu boxes), the free TrueType font the Linux
  bundle carries in ``resources/fonts`` is given to Qt. A system that has one keeps its own look.
- ``check_pdf_fonts(window, data_dir)``: looks for a CJK TrueType face the PDF exporter can embed
  (``core.export.fonts``), off the UI thread. None found: the status bar says so on every start,
  and a dialog says it once per data folder (``DATA/font-warning-shown``), so the clerk learns it
  before a PDF export fails, and is not asked again each morning.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

MARKER = "font-warning-shown"
TITLE = "缺少中文字体"
STATUS = "未找到可嵌入 PDF 的中文 TrueType 字体：可以填写和导出 Word，但无法导出 PDF"


def warning_text() -> str:
    from core.export.fonts import missing_fonts_message

    return (missing_fonts_message() + "\n\n在此之前可以照常填写、审核并导出 Word 文件；"
            "Word 文件在装有公文字体（仿宋_GB2312、黑体、楷体）的电脑上显示正常。")


def register_bundled_fonts() -> list[str]:
    """Give Qt the bundle's fonts when nothing on the system covers Chinese; the families added."""
    from PySide6.QtGui import QFontDatabase

    if QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        return []
    from core.export.fonts import bundled_candidates  # only then: not on the way to the first paint

    added: list[str] = []
    for cand in bundled_candidates():
        font_id = QFontDatabase.addApplicationFont(cand.path)
        if font_id >= 0:
            added += QFontDatabase.applicationFontFamilies(font_id)
    return added


START_DELAY_MS = 3000  # after the first paint and the last draft's reopening, not competing with them


def check_pdf_fonts(window, data_dir: Path, find: Callable | None = None, ask: Callable | None = None,
                    delay_ms: int = START_DELAY_MS) -> None:
    """Look for PDF fonts in the background (after ``delay_ms``: importing reportlab and running
    fc-list would otherwise hold up the window's first paint); warn as described above when there
    is none. The delay is tied to ``window``: closed before then, nothing runs."""
    if delay_ms:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(delay_ms, window, lambda: check_pdf_fonts(window, data_dir, find, ask, 0))
        return
    from desktop.worker import run_in_background

    if find is None:
        from core.export.fonts import find_cjk_fonts as find
    if ask is None:
        from PySide6.QtWidgets import QMessageBox

        ask = QMessageBox.warning

    run_in_background(find, lambda fonts: report(window, data_dir, fonts, ask), lambda message: None)


def report(window, data_dir: Path, fonts, ask: Callable) -> bool:
    """In the UI thread, with what the search found: True when the clerk was told fonts are missing."""
    if fonts is not None:
        return False
    window.say(STATUS)
    marker = Path(data_dir) / MARKER
    if not marker.exists():
        try:
            marker.write_text("已提示缺少中文字体\n", encoding="utf-8")
        except OSError:
            pass  # a read-only data folder: the dialog may come again, nothing worse
        ask(window, TITLE, warning_text())
    return True


__all__ = ["register_bundled_fonts", "check_pdf_fonts", "warning_text", "MARKER"]
