"""The clerk's drafts in the window: type, close, come back; delete and restore; next year."""
import re
import subprocess
import sys
import time

import pytest
from PySide6.QtWidgets import QMessageBox

from conftest import ROOT, SEEDS
from conftest import open_window as window
from conftest import overview_field as field
from core.report_io import load_report
from core.storage import Storage

DUTIES = "（一）参与政府政治、经济、社会生活中的重要问题的政治协商。"


def test_typed_text_is_there_after_closing_and_reopening(qtbot, tmp_path):
    w, storage = window(qtbot, tmp_path)
    draft = storage.create_from_template("hunan-dept-short", "石峰区工商业联合会", 2024)
    assert w.open_draft(draft)
    field(w, "overview/duties").editor.setPlainText(DUTIES)
    field(w, "unit/code").editor.setText("403001")
    field(w, "unit/code").editor.textEdited.emit("403001")
    w.close()
    storage.close()

    w2, storage2 = window(qtbot, tmp_path)
    assert w2.reopen_last()  # the last draft opens by itself
    assert field(w2, "overview/duties").editor.toPlainText() == DUTIES
    assert field(w2, "unit/code").editor.text() == "403001"
    assert [s.description for s in storage2.snapshots(draft)][-1] == "关闭草稿"
    w2.close()


def test_a_last_draft_in_the_bin_or_purged_is_not_reopened(qtbot, tmp_path):
    w, storage = window(qtbot, tmp_path)
    draft = storage.create_from_template("hunan-dept-short", "石峰区工商业联合会", 2024)
    other = storage.create_from_template("hunan-dept-short", "石峰区工商业联合会", 2023)
    assert w.open_draft(draft)
    w.close()
    storage.delete(draft)  # into the recycle bin
    storage.close()
    w2, storage2 = window(qtbot, tmp_path)
    assert not w2.reopen_last() and w2.editor is None
    assert w2.stack.currentWidget() is w2.drafts and w2.drafts.model.has(other)
    w2.close()
    storage2.purge(draft)
    storage2.close()
    w3, storage3 = window(qtbot, tmp_path)
    assert not w3.reopen_last() and w3.editor is None
    w3.close()
    storage3.close()


def test_a_malformed_number_is_named_and_changes_nothing(qtbot, tmp_path):
    w, storage = window(qtbot, tmp_path)
    w.open_draft(storage.create_from_template("hunan-dept-2022", "资阳区工商联", 2024))
    staff = field(w, "overview/authorized_staff")
    staff.editor.setText("５")
    staff.editor.textEdited.emit("５")  # full-width digits are fine
    assert w.editor.session.report.overview.authorized_staff == 5
    staff.editor.setText("五个人")
    staff.editor.textEdited.emit("五个人")
    assert staff.has_error and "编制数" in staff.error.text()
    assert w.editor.session.report.overview.authorized_staff == 5
    year = field(w, "year")
    year.editor.setText("２０２５")
    year.editor.textEdited.emit("２０２５")
    assert w.editor.session.report.year == 2025 and type(w.editor.session.report.year) is int
    w.close()


def test_delete_into_the_bin_and_restore(qtbot, tmp_path):
    w, storage = window(qtbot, tmp_path)
    report, _ = load_report(SEEDS / "seed004.json")
    draft = storage.create(report)
    view = w.drafts
    view.refresh(draft)
    view.delete()
    assert [d.id for d in storage.list()] == []
    assert view.model.rowCount() == 0
    view.show_bin.setChecked(True)
    view.select(draft)
    view.restore()
    assert [d.id for d in storage.list()] == [draft]
    assert "已恢复" in w.statusBar().currentMessage()
    w.close()


def test_next_years_draft_from_last_years(qtbot, tmp_path):
    w, storage = window(qtbot, tmp_path)
    report, _ = load_report(SEEDS / "seed001.json")
    last = storage.create(report)
    w.drafts.refresh(last)
    w.drafts.next_year()
    new = w.editor.session.report
    assert new.year == 2023 and "2023年度" in new.title
    rows = [leaf for g in new.table.groups for _, leaf in g.leaves()]
    assert rows and all(r.actual == "" and r.score is None for r in rows)
    assert [r.target for r in rows] == [leaf.target for g in report.table.groups for _, leaf in g.leaves()]
    assert "核对" in w.statusBar().currentMessage()
    w.close()


def test_a_second_copy_on_the_same_data_directory_says_so_and_exits(qtbot, tmp_path, monkeypatch):
    from core.instance_lock import InstanceLock
    from desktop import app

    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: said.append(a[2]))
    lock = InstanceLock.acquire(tmp_path)
    try:
        assert app.run(["--data-dir", str(tmp_path)]) == 1
    finally:
        lock.release()
    assert "已经打开" in said[0]


CHILD = r"""
import sys, threading
from pathlib import Path
from desktop.app import make_app
app = make_app([])
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QTextCursor
from core.storage import Storage
from desktop.main_window import MainWindow
from desktop.pages.overview import OverviewPage
data, text = Path(sys.argv[1]), sys.argv[2]
storage = Storage.open(data)
w = MainWindow(storage, data)
w.show()
w.open_draft(storage.create_from_template("national-10hao-project", "武昌区工商联", 2024))
page = next(p for p in w.editor.pages if isinstance(p, OverviewPage))
duties = next(f for f in page.fields if f.path == "overview/duties").editor

class Orders(QObject):
    order = Signal(str)  # emitted by the stdin thread, run in the UI thread

typed = 0
def key():  # one keystroke: a character at the end of the field, as typing does
    global typed
    duties.moveCursor(QTextCursor.End)
    duties.insertPlainText(text[typed])
    print("EDIT", typed, flush=True)
    typed += 1
    if typed == len(text) or typed == stop_after:
        timer.stop()
        print("LAST", typed - 1, flush=True)

timer = QTimer()
timer.timeout.connect(key)
stop_after = None
def obey(line):
    global stop_after
    cmd, count, every_ms = line.split()  # TYPE <keys> <ms between keys>
    stop_after = int(count)
    timer.start(int(every_ms))
orders = Orders()
orders.order.connect(obey)
threading.Thread(target=lambda: [orders.order.emit(l) for l in sys.stdin], daemon=True).start()
print("READY", flush=True)
app.exec()
"""


PROMISE = 1.0  # seconds of typing a kill may lose (README: autosave at most about a second behind)


def _stored_duties(data):
    with Storage.open(data) as s:
        assert s.integrity_ok()
        [info] = s.list()
        return s.get(info.id).overview.duties


@pytest.mark.parametrize("keys,kill_after", [(40, "last"), (200, 40)], ids=["pause", "typing-on"])
def test_killing_the_app_loses_nothing_typed_a_second_before(tmp_path, keys, kill_after):
    """Type in the real app (one character every 50 ms, driven over stdin), SIGKILL it 1.1 s
    after the last keystroke ("pause") or 1.1 s after keystroke 40 while typing goes on
    ("typing-on": only the one-second cap on autosave, not the debounce, can have saved
    anything); every keystroke made PROMISE + 0.5 s before the kill must be stored."""
    import os
    import queue
    import threading

    text = ("组织企业家及高管人员培训100人次；开展课题调研4篇；走访会员企业" * 8)[:keys]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), text], cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, encoding="utf-8")
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put((ln.split(), time.monotonic())) for ln in proc.stdout],
                     daemon=True).start()
    acked = {}  # keystroke → when its edit was done (taken when we heard of it: later, never earlier)
    try:
        assert lines.get(timeout=30)[0] == ["READY"]
        proc.stdin.write(f"TYPE {keys} 50\n")
        proc.stdin.flush()
        mark = len(text) - 1 if kill_after == "last" else kill_after
        while mark not in acked:
            (word, n), at = lines.get(timeout=10)
            acked[int(n)] = at if word == "EDIT" else acked[int(n)]
        try:  # the app runs on for 1.1 s after that keystroke (typing on or not) …
            proc.wait(timeout=acked[mark] + 1.1 - time.monotonic())
            pytest.fail("the app ended by itself")
        except subprocess.TimeoutExpired:
            pass
        killed_at = time.monotonic()
        proc.kill()  # … then SIGKILL: no chance to flush or close
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    while not lines.empty():  # the last line may be torn by the kill
        words, at = lines.get()
        if len(words) == 2 and words[0] == "EDIT" and words[1].isdigit():
            acked[int(words[1])] = at
    stored = _stored_duties(tmp_path)
    assert text.startswith(stored)  # one of the states typed, nothing torn
    due = [n for n, at in acked.items() if at <= killed_at - (PROMISE + 0.5)]
    assert due, "typing did not start early enough to test anything"
    assert len(stored) >= max(due) + 1, (len(stored), max(due) + 1, len(acked))
    if kill_after == "last":
        assert max(acked) == len(text) - 1  # the typing had stopped 1.1 s before the kill


def test_larger_text_is_a_remembered_setting(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    w, storage = window(qtbot, tmp_path)
    normal = QApplication.font().pointSize()
    w.large_text.setChecked(True)
    assert QApplication.font().pointSize() > normal
    qtbot.waitUntil(lambda: w.drafts.table.font().pointSize() == QApplication.font().pointSize())
    w.close()
    storage.close()
    w2, storage2 = window(qtbot, tmp_path)
    assert w2.large_text.isChecked()
    w2.large_text.setChecked(False)
    assert QApplication.font().pointSize() == normal
    w2.close()


def test_a_failing_autosave_is_shown_in_red_and_clears_when_a_retry_succeeds(qtbot, tmp_path, monkeypatch):
    from desktop import editor as editor_module

    w, storage = window(qtbot, tmp_path)
    draft = storage.create_from_template("hunan-dept-short", "石峰区工商业联合会", 2024)
    w.open_draft(draft)
    session = w.editor.session
    assert w.editor.status.text() == "已保存"
    real_factory = session._autosaver._factory

    class Full:
        def save(self, *a):
            raise OSError(28, "No space left on device")

        def close(self):
            pass
    session._autosaver._factory = Full  # the disk fills up behind the clerk's back
    session._autosaver.backoff = lambda n: 0.05
    field(w, "overview/duties").editor.setPlainText("组织会员学习培训")
    qtbot.waitUntil(lambda: "正在重试" in w.editor.status.text(), timeout=3000)
    assert re.fullmatch(r"未保存（自 \d\d:\d\d:\d\d 起），正在重试…", w.editor.status.text())
    assert "#b00020" in w.editor.status.styleSheet()
    assert w.editor.problem.isVisibleTo(w) and "磁盘空间不足" in w.editor.problem.text()
    assert "No space" not in w.editor.problem.text() + w.editor.status.text()
    session._autosaver._factory = real_factory  # space freed: no typing needed
    qtbot.waitUntil(lambda: w.editor.status.text() == "已保存", timeout=5000)
    assert not w.editor.problem.isVisibleTo(w)
    assert storage.get(draft).overview.duties == "组织会员学习培训"
    monkeypatch.setattr(editor_module.ClosePrompt, "ask", staticmethod(lambda *a: pytest.fail("asked")))
    w.close()


def test_history_restore_from_the_open_editor(qtbot, tmp_path, monkeypatch):
    from desktop.dialogs import HistoryDialog

    w, storage = window(qtbot, tmp_path)
    draft = storage.create_from_template("hunan-dept-short", "石峰区工商业联合会", 2024)
    w.open_draft(draft)
    field(w, "overview/duties").editor.setPlainText("第一稿")
    w.editor.steps.setCurrentRow(1)  # leaving a page keeps a history point
    first = storage.snapshots(draft)[-1].id
    w.editor.steps.setCurrentRow(0)
    field(w, "overview/duties").editor.setPlainText("第二稿，改坏了")
    monkeypatch.setattr(HistoryDialog, "ask", classmethod(lambda cls, snaps, parent=None: first))
    w.editor.show_history()
    assert w.editor.session.report.overview.duties == "第一稿"
    assert field(w, "overview/duties").editor.toPlainText() == "第一稿"
    assert "已恢复" in w.editor.status.text()
    # and the state before the restore is itself kept: the restore can be undone
    assert any(s.description == "恢复前自动保存" for s in storage.snapshots(draft))
    w.close()
