"""Start-up: the real start path paints the window before the heavy parts load, then opens the
last draft (desktop/app.py ``after_first_paint``; the probe of desktop/paint_probe.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject

from core.storage import Storage
from desktop.app import after_first_paint
from desktop.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
#: Not needed for the first paint; each costs tens of ms on an old PC (see bench/README.md).
NOT_BEFORE_FIRST_PAINT = ("sqlite_utils", "click", "dateutil", "desktop.editor", "desktop.dialogs",
                          "desktop.exchange", "desktop.drafts_view", "core.scoring", "core.scoring_records", "core.scoring_rows", "core.templates",
                          "core.report_io", "core.export.fonts", "reportlab", "docx")


def _start(data: Path, tmp: Path, **env) -> list[str]:
    painted = tmp / "painted"
    done = subprocess.run(
        [sys.executable, "-m", "desktop.main", "--data-dir", str(data)], cwd=ROOT, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "JIXIAO_BENCH_PAINTED": str(painted),
             "JIXIAO_BENCH_MODULES": "1", **env}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return painted.read_text(encoding="utf-8").splitlines()


def _with_last_draft(data: Path, seeds) -> int:
    with Storage.open(data) as s:
        s.create(seeds["001"])
        last = s.create(seeds["000"])
    (data / "ui.json").write_text(json.dumps({"last_draft": last}), encoding="utf-8")
    return last


def test_the_first_paint_comes_before_the_heavy_modules(tmp_path, seeds):
    _with_last_draft(tmp_path / "data", seeds)
    loaded = set(_start(tmp_path / "data", tmp_path)[1:])
    assert "desktop.main_window" in loaded and "core.storage" in loaded  # the probe saw the window
    assert not loaded & set(NOT_BEFORE_FIRST_PAINT), sorted(loaded & set(NOT_BEFORE_FIRST_PAINT))


def test_after_the_first_paint_the_last_draft_is_reopened(tmp_path, seeds):
    _with_last_draft(tmp_path / "data", seeds)
    loaded = set(_start(tmp_path / "data", tmp_path, JIXIAO_BENCH_UNTIL="started")[1:])
    assert "desktop.editor" in loaded  # the wizard was built after all
    assert "desktop.drafts_view" not in loaded  # the list waits until the clerk goes back to it


def test_the_window_is_painted_before_the_start_work_runs(qtbot, tmp_path, seeds):
    last = _with_last_draft(tmp_path, seeds)
    order = []

    class Painted(QObject):
        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                order.append("paint")
            return False

    with Storage.open(tmp_path) as storage:
        w = MainWindow(storage, tmp_path, light=True)
        qtbot.addWidget(w)
        spy = Painted(w)
        w.installEventFilter(spy)
        assert w.opening is not None and "正在打开" in w.opening.text()  # what the first paint shows

        def start():
            order.append("start")
            assert w.reopen_last()

        after_first_paint(w, start)
        w.show()
        qtbot.waitUntil(lambda: "start" in order)
        assert order.index("paint") < order.index("start")
        assert w.editor is not None and w.editor.session.draft_id == last
        assert w.stack.currentWidget() is w.editor and w.opening is None
        assert w._drafts is None and w.stack.count() == 1  # the list is not built for a reopen …
        w.editor.back.click()  # … but is there, with the draft, as soon as the clerk goes back
        assert w.stack.currentWidget() is w.drafts and w.drafts.model.has(last)
        w.close()


def test_with_nothing_to_reopen_the_list_follows_the_first_paint(qtbot, tmp_path, seeds):
    with Storage.open(tmp_path) as storage:
        storage.create(seeds["001"])
        w = MainWindow(storage, tmp_path, light=True)
        qtbot.addWidget(w)
        assert w._drafts is None  # not built for the first paint
        w.show()
        qtbot.waitExposed(w)
        assert not w.reopen_last()
        assert w.stack.currentWidget() is w.drafts and w.drafts.model.rowCount() == 1
        w.close()
