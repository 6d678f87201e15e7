"""`python -m desktop.screenshots` shoots each page only once its layout has settled, 大字体 too."""
from PySide6.QtWidgets import QApplication

from desktop import screenshots
from desktop.main_window import restore_fonts
from desktop.pages.indicators import IndicatorsPage
from tests.conftest import open_window


def test_settle_returns_only_when_nothing_moves_any_more(qtbot, tmp_path, seeds):
    w, storage = open_window(qtbot, tmp_path / "data")
    old = QApplication.font()
    try:
        draft = storage.create(seeds["004"])
        w.show()
        assert w.open_draft(draft)
        page = next(p for p in w.editor.pages if isinstance(p, IndicatorsPage))
        w.editor.steps.setCurrentRow(w.editor.pages.index(page))
        w.large_text.setChecked(True)  # every widget re-lays out over several passes
        passes = screenshots.settle(QApplication.instance(), w)
        assert screenshots.STABLE_PASSES <= passes < screenshots.MAX_PASSES
        settled = screenshots.layout_signature(w)
        assert page.tree.font().pointSize() == 14 and page.detail.font().pointSize() == 14
        for _ in range(5):
            QApplication.processEvents()
        assert screenshots.layout_signature(w) == settled
    finally:
        restore_fonts(old)
        w.close()
        storage.close()


def test_screenshots_of_every_page_in_large_text(tmp_path):
    before = QApplication.font()
    written = screenshots.shoot(tmp_path / "shots", screenshots.DEFAULT_SEED, large_text=True)
    assert QApplication.font() == before  # 大字体 does not leak into what runs next
    names = [p.name for p in written]
    assert "03-绩效目标与指标.png" in names and "03-绩效目标与指标-展开.png" in names
    assert all(p.stat().st_size > 10_000 for p in written)
