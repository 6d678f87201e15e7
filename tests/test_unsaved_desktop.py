"""No unsaved edit is discarded: closing a draft whose writes fail waits, asks, and keeps the edit
in a recovery file; the next start offers it, and restoring can be undone."""
import pytest

from conftest import open_window as window
from conftest import overview_field

from core import unsaved
from core.report_io import load_report
from core.storage import Storage
from desktop import editor as editor_module
from desktop.main_window import BEFORE_RECOVERY, RecoveryPrompt

TEXT = "组织会员企业开展培训12场，参训人员860人次。"


def duties(w):
    return overview_field(w, "overview/duties").editor


class Full:
    """Storage.open while the disk is full: every save fails."""

    def save(self, *a):
        raise OSError(28, "No space left on device")

    def close(self):
        pass


def _fail_writes(w):
    saver = w.editor.session._autosaver
    saver._factory = Full
    saver.backoff = lambda n: 0.05
    return saver


def test_closing_while_writes_fail_keeps_the_edit_and_the_next_start_offers_it(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(editor_module, "CLOSE_WAIT", 0.3)
    asked_close = []

    def close_prompt(parent, session):
        asked_close.append((session.save_error, session.kept_path))
        return editor_module.ClosePrompt.WAIT if len(asked_close) == 1 else editor_module.ClosePrompt.CLOSE
    monkeypatch.setattr(editor_module.ClosePrompt, "ask", staticmethod(close_prompt))

    w, storage = window(qtbot, tmp_path)
    draft = storage.create_from_template("hunan-dept-short", "石峰区工商业联合会", 2024)
    assert w.open_draft(draft)
    _fail_writes(w)
    duties(w).setPlainText("第一稿")
    qtbot.waitUntil(lambda: "正在重试" in w.editor.status.text(), timeout=3000)
    duties(w).setPlainText(TEXT)  # typed on while the disk is full
    w.close()
    storage.close()

    # asked twice: "继续等待" once, then "关闭（保留恢复副本）"; never closed silently
    assert len(asked_close) == 2
    assert "磁盘空间不足" in asked_close[0][0]
    kept = unsaved.find(tmp_path, draft)
    assert kept is not None and asked_close[1][1] == kept.path
    assert kept.report.overview.duties == TEXT  # the latest report, not the first failing one
    assert kept.since is not None and "磁盘空间不足" in kept.reason
    with Storage.open(tmp_path) as s:
        assert s.get(draft).overview.duties != TEXT  # it really never reached the database

    offered = []

    def recovery_prompt(parent, title, found):
        offered.append((title, found.draft_id, found.report.overview.duties))
        return RecoveryPrompt.RESTORE
    monkeypatch.setattr(RecoveryPrompt, "ask", staticmethod(recovery_prompt))
    w2, storage2 = window(qtbot, tmp_path)
    assert w2.reopen_last()  # what app.py runs after start
    assert offered == [(storage2.get(draft).title, draft, TEXT)]
    assert w2.editor.session.draft_id == draft
    assert duties(w2).toPlainText() == TEXT
    assert storage2.get(draft).overview.duties == TEXT
    assert unsaved.find(tmp_path, draft) is None
    # undoable: the state before the restore is a history point
    [before] = [s for s in storage2.snapshots(draft) if s.description == BEFORE_RECOVERY]
    assert storage2.snapshot_report(before.id).overview.duties != TEXT
    assert "已恢复未保存的修改" in w2.statusBar().currentMessage()
    w2.close()
    storage2.close()


def test_closing_waits_for_a_retry_that_succeeds_without_asking(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(editor_module.ClosePrompt, "ask", staticmethod(lambda *a: pytest.fail("asked")))
    w, storage = window(qtbot, tmp_path)
    draft = storage.create_from_template("hunan-dept-short", "石峰区工商业联合会", 2024)
    w.open_draft(draft)
    saver = _fail_writes(w)
    real = lambda: Storage.open(tmp_path)  # noqa: E731
    tries = []

    class FullTwice(Full):
        def save(self, *a):
            tries.append(1)
            if len(tries) >= 2:
                saver._factory = real  # space freed while the window waits to close
            super().save(*a)
    saver._factory = FullTwice
    duties(w).setPlainText(TEXT)
    w.close()
    assert storage.get(draft).overview.duties == TEXT
    assert unsaved.find(tmp_path, draft) is None
    assert not (tmp_path / "unsaved").exists() or not list((tmp_path / "unsaved").glob("draft-*.json"))
    storage.close()


def test_not_restoring_sets_the_edit_aside_as_an_importable_report(qtbot, tmp_path, monkeypatch):
    w, storage = window(qtbot, tmp_path)
    draft = storage.create_from_template("hunan-dept-short", "石峰区工商业联合会", 2024)
    report = storage.get(draft)
    from dataclasses import replace
    edited = replace(report, overview=replace(report.overview, duties=TEXT))
    unsaved.write(tmp_path, draft, edited, reason="自动保存失败：磁盘空间不足")
    monkeypatch.setattr(RecoveryPrompt, "ask", staticmethod(lambda *a: RecoveryPrompt.SET_ASIDE))
    assert w.open_draft(draft)  # opening the draft offers it too
    assert duties(w).toPlainText() == ""  # not restored
    assert unsaved.find(tmp_path, draft) is None
    [aside] = (tmp_path / "unsaved" / "set-aside").iterdir()
    back, _ = load_report(aside)
    assert back == edited
    assert "另存" in w.statusBar().currentMessage() or "已打开" in w.statusBar().currentMessage()
    w.close()
    storage.close()


def test_a_recovery_file_equal_to_the_draft_is_removed_without_asking(qtbot, tmp_path, monkeypatch):
    w, storage = window(qtbot, tmp_path)
    draft = storage.create_from_template("hunan-dept-short", "石峰区工商业联合会", 2024)
    unsaved.write(tmp_path, draft, storage.get(draft))  # written after all, just before a crash
    monkeypatch.setattr(RecoveryPrompt, "ask", staticmethod(lambda *a: pytest.fail("asked")))
    w.reopen_last()
    assert unsaved.find(tmp_path, draft) is None
    w.close()
    storage.close()


def test_a_write_stuck_behind_a_lock_shows_unsaved_before_it_fails(qtbot, tmp_path, monkeypatch):
    import threading

    from core import autosave

    monkeypatch.setattr(autosave, "OVERDUE", 0.3)
    gate = threading.Event()
    w, storage = window(qtbot, tmp_path)
    draft = storage.create_from_template("hunan-dept-short", "石峰区工商业联合会", 2024)
    w.open_draft(draft)
    saver = w.editor.session._autosaver
    real = saver._factory

    class Held:
        def save(self, *a):
            assert gate.wait(10)  # the other program still holds the write lock
            store = real()
            try:
                store.save(*a)
            finally:
                store.close()

        def close(self):
            pass
    saver._factory = Held
    duties(w).setPlainText(TEXT)
    try:
        qtbot.waitUntil(lambda: "正在等待数据库" in w.editor.status.text(), timeout=3000)
        assert "未保存（自" in w.editor.status.text()
        assert "没有响应" in w.editor.problem.text()
        qtbot.waitUntil(lambda: unsaved.find(tmp_path, draft) is not None, timeout=3000)
        assert unsaved.find(tmp_path, draft).report.overview.duties == TEXT
    finally:
        gate.set()  # the lock is let go
    qtbot.waitUntil(lambda: w.editor.status.text() == "已保存", timeout=5000)
    assert storage.get(draft).overview.duties == TEXT
    assert unsaved.find(tmp_path, draft) is None
    w.close()
    storage.close()
