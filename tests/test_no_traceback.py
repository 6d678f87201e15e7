"""No traceback reaches the clerk: an unexpected exception in the command line exits 3 with one
Chinese line and a log; in the app it is logged, the open draft is kept and a dialog says so."""
import datetime
import os
import subprocess
import sys
import threading

import pytest
from PySide6.QtWidgets import QPushButton

from conftest import ROOT, SEEDS
from core import cli, crash_log

SEED = SEEDS / "seed003.json"


@pytest.fixture
def data(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(folder))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return folder


def today_log(folder):
    return folder / "logs" / f"jixiao-{datetime.date.today():%Y%m%d}.log"


def boom(exc):
    def raiser(*args, **kwargs):
        raise exc
    return raiser


# -- the command line ----------------------------------------------------------------------------
@pytest.mark.parametrize("exc,words", [
    (ValueError("an internal bug"), "未预料"),
    (ZeroDivisionError(), "未预料"),
    (MemoryError(), "内存不足"),
    (RecursionError("maximum recursion depth exceeded"), "层次过深"),
    (PermissionError(13, "Permission denied"), "没有权限"),
])
def test_an_unexpected_exception_exits_3_with_one_chinese_line_and_a_log(data, monkeypatch, capsys, exc, words):
    monkeypatch.setattr(cli, "score_report", boom(exc))
    assert cli.main(["score", str(SEED)]) == cli.EXIT_INTERNAL == 3
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "Error" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    log = today_log(data)
    assert lines[0].startswith("程序内部错误：") and words in lines[0]
    assert f"详细信息已写入 {log}，请将该文件发给技术支持。" in lines[0]
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and type(exc).__name__ in text
    assert "'score'" in text and "seed003.json" in text and "python:" in text and "jixiao: ?" not in text


def test_the_log_is_appended_not_replaced(data, monkeypatch, capsys):
    monkeypatch.setattr(cli, "score_report", boom(ValueError("first")))
    cli.main(["score", str(SEED)])
    monkeypatch.setattr(cli, "score_report", boom(KeyError("second")))
    cli.main(["check", str(SEED)])
    text = today_log(data).read_text(encoding="utf-8")
    assert "first" in text and "second" in text and text.count("time: ") == 2


def test_a_failing_draft_command_logs_into_its_data_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("JIXIAO_DATA_DIR", raising=False)
    monkeypatch.setitem(cli.DRAFT_COMMANDS, "list", boom(RuntimeError("bug in list")))
    assert cli.main(["list", "--data-dir", str(tmp_path / "d")]) == 3
    assert today_log(tmp_path / "d").exists()
    assert str(today_log(tmp_path / "d")) in capsys.readouterr().err


def test_ctrl_c_exits_130_quietly(data, monkeypatch, capsys):
    monkeypatch.setattr(cli, "score_report", boom(KeyboardInterrupt()))
    assert cli.main(["score", str(SEED)]) == 130
    out, err = capsys.readouterr()
    assert err.strip() == "已取消" and not out
    assert not today_log(data).exists()


def test_unusable_data_dir_logs_to_the_temp_folder(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(blocker / "data"))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    monkeypatch.setattr(cli, "score_report", boom(ValueError("x")))
    assert cli.main(["score", str(SEED)]) == 3
    fallback = tmp_path / "tmp" / "jixiao-logs" / f"jixiao-{datetime.date.today():%Y%m%d}.log"
    assert "Traceback" in fallback.read_text(encoding="utf-8")
    assert str(fallback) in capsys.readouterr().err


def test_nowhere_to_write_still_one_chinese_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(crash_log, "log_dirs", lambda override=None: [tmp_path / "file" / "x"])
    (tmp_path / "file").write_text("")
    monkeypatch.setattr(cli, "score_report", boom(ValueError("x")))
    assert cli.main(["score", str(SEED)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("程序内部错误：") and "无法写入日志" in err and "Traceback" not in err


def test_writing_the_log_never_raises(tmp_path, monkeypatch):
    class Nasty(Exception):
        def __str__(self):
            raise RuntimeError("str() fails too")
    monkeypatch.setattr(crash_log, "log_dirs", lambda override=None: [tmp_path / "logs"])
    try:
        raise Nasty()
    except Nasty as e:
        path = crash_log.write_crash_log(e, argv=["jixiao", "x" * 100_000, "\ud800"])
    text = path.read_text(encoding="utf-8")
    assert "Nasty" in text and len(text) < crash_log.MAX_ENTRY_CHARS + 2000
    monkeypatch.setattr(crash_log, "entry_text", boom(MemoryError()))
    assert crash_log.write_crash_log(ValueError()) is None
    assert "无法写入日志" in crash_log.internal_error_text(ValueError(), None)


def test_a_deep_recursion_traceback_is_cut_to_size(tmp_path, monkeypatch):
    monkeypatch.setattr(crash_log, "log_dirs", lambda override=None: [tmp_path / "logs"])

    def f(n):
        return f(n + 1) if n % 2 else g(n + 1)

    def g(n):
        return f(n + 1)
    try:
        f(0)
    except RecursionError as e:
        path = crash_log.write_crash_log(e)
    assert path.stat().st_size < crash_log.MAX_ENTRY_CHARS + 2000
    assert "RecursionError" in path.read_text(encoding="utf-8")


def test_logs_are_rotated_and_bounded(tmp_path, monkeypatch):
    logs = tmp_path / "logs"
    monkeypatch.setattr(crash_log, "log_dirs", lambda override=None: [logs])
    monkeypatch.setattr(crash_log, "MAX_FILE_BYTES", 5_000)
    logs.mkdir()
    for day in range(30):  # old days' logs
        (logs / f"jixiao-201901{day:02d}.log").write_text("old")
        os.utime(logs / f"jixiao-201901{day:02d}.log", (day, day))
    for _ in range(20):
        path = crash_log.write_crash_log(ValueError("again " * 200))
    assert path.stat().st_size < 5_000 + crash_log.MAX_ENTRY_CHARS
    assert path.with_suffix(".1.log").exists()
    files = list(logs.glob("jixiao-*.log"))
    assert len(files) <= crash_log.KEEP_FILES + 1 and path in files
    assert sum(f.stat().st_size for f in files) < 3 * 5_000 + 30 * 3


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["-h"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "退出码" in out and "3    程序内部错误" in out and "130" in out and "show this help" not in out


def test_os_errors_are_in_plain_chinese(data, capsys):
    assert cli.main(["import-json", str(SEED)]) == 0
    draft = capsys.readouterr().out.split("编号")[1].strip()
    assert cli.main(["export-json", draft, str(data / "no-such-folder" / "out.json")]) == 2
    err = capsys.readouterr().err
    assert "不存在" in err and "No such file" not in err and "Traceback" not in err


def test_a_real_process_prints_no_traceback(tmp_path):
    code = ("import sys, core.cli as c\n"
            "def bad(*a):\n    raise ValueError('injected bug')\n"
            "c.score_report = bad\n"
            f"sys.exit(c.main(['score', {str(SEED)!r}]))\n")
    env = {**os.environ, "JIXIAO_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=60)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("程序内部错误：")
    assert "injected bug" in today_log(tmp_path / "data").read_text(encoding="utf-8")


# -- the entry point -----------------------------------------------------------------------------
def test_no_display_is_a_chinese_message_not_a_qt_abort(tmp_path):
    from desktop.main import display_problem

    assert display_problem({}, "linux")
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "win32") is None
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["JIXIAO_DATA_DIR"] = str(tmp_path / "data")
    proc = subprocess.run([sys.executable, "-m", "desktop"], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=60)
    assert proc.returncode == 2
    assert "没有可用的图形界面" in proc.stderr and "graphical session" in proc.stderr and "could not" not in proc.stderr.lower()


def test_a_broken_window_at_start_is_logged_and_shown(qtbot, data, monkeypatch):
    from desktop import app, dialogs, main, main_window

    shown = []
    monkeypatch.setattr(dialogs, "show_internal_error", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(main_window, "MainWindow", boom(AttributeError("window bug")))
    hooks = (sys.excepthook, threading.excepthook)
    assert main.main(["--data-dir", str(data)]) == 3
    assert (sys.excepthook, threading.excepthook) == hooks  # the app's hooks are gone with the app
    assert len(shown) == 1 and str(today_log(data)) in shown[0]
    assert "window bug" in today_log(data).read_text(encoding="utf-8")
    from core.instance_lock import InstanceLock
    lock = InstanceLock.acquire(data)  # released on the way out
    assert lock is not None
    lock.release()


def test_an_import_that_fails_at_the_entry_point_exits_3(data, monkeypatch, capsys):
    from desktop import main

    monkeypatch.setitem(sys.modules, "core.cli", None)  # `from core.cli import main` raises ImportError
    assert main.main(["score", str(SEED)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("程序内部错误：") and "Traceback" not in err


# -- the app -------------------------------------------------------------------------------------
@pytest.fixture
def reporter(qtbot, data, monkeypatch):
    from desktop import dialogs
    from desktop.app import CrashReporter

    shown = []
    monkeypatch.setattr(dialogs, "show_internal_error", lambda parent, title, text: shown.append((title, text)))
    r = CrashReporter(data)
    r.shown = shown
    r.install()
    yield r
    r.uninstall()


def raising_button(qtbot, exc=None):
    button = QPushButton("算一下")
    qtbot.addWidget(button)
    clicks = []

    def slot():
        clicks.append(1)
        raise exc or ZeroDivisionError("division by zero in a slot")
    button.clicked.connect(slot)
    return button, clicks


@pytest.mark.qt_no_exception_capture
def test_a_slot_that_raises_shows_the_dialog_and_the_app_goes_on(qtbot, reporter, data):
    button, clicks = raising_button(qtbot)
    button.click()
    assert len(reporter.shown) == 1
    title, text = reporter.shown[0]
    assert title == "程序遇到了意外错误"
    assert "您的草稿已自动保存" in text and f"详细信息已写入 {today_log(data)}" in text
    assert "ZeroDivisionError" in today_log(data).read_text(encoding="utf-8")
    button.click()  # still running, still answering; the same error again does not pile up dialogs
    assert len(clicks) == 2 and len(reporter.shown) == 1
    assert today_log(data).read_text(encoding="utf-8").count("ZeroDivisionError: division") == 2
    with qtbot.waitSignal(button.clicked, timeout=1000):
        button.click()


@pytest.mark.qt_no_exception_capture
def test_an_error_while_the_dialog_is_open_does_not_loop(qtbot, reporter, data, monkeypatch):
    from desktop import dialogs

    button, clicks = raising_button(qtbot)
    other, _ = raising_button(qtbot, KeyError("raised under the dialog"))
    calls = []

    def dialog_that_runs_a_failing_slot(parent, title, text):  # like a repaint failing under the dialog
        calls.append(text)
        other.click()
        button.click()
    monkeypatch.setattr(dialogs, "show_internal_error", dialog_that_runs_a_failing_slot)
    button.click()
    assert len(calls) == 1 and len(clicks) == 2
    log = today_log(data).read_text(encoding="utf-8")
    assert "raised under the dialog" in log and log.count("time: ") == 3


@pytest.mark.qt_no_exception_capture
def test_a_failing_hook_fails_quietly(qtbot, reporter, monkeypatch, capsys):
    from desktop import app

    monkeypatch.setattr(app, "write_crash_log", boom(OSError("disk gone")))
    button, clicks = raising_button(qtbot)
    button.click()
    assert clicks == [1] and reporter.shown == []
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_thread_is_shown_in_the_gui_thread(qtbot, reporter, data, monkeypatch):
    from PySide6.QtCore import QThread
    from desktop import dialogs

    threads = []
    monkeypatch.setattr(dialogs, "show_internal_error",
                        lambda parent, title, text: threads.append((QThread.currentThread(), text)))

    def work():
        raise ValueError("background bug")
    t = threading.Thread(target=work, name="导出")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    gui_thread, text = threads[0]
    assert gui_thread == QThread.currentThread() and "详细信息已写入" in text
    log = today_log(data).read_text(encoding="utf-8")
    assert "background bug" in log and "导出" in log


@pytest.mark.qt_no_exception_capture
def test_the_open_draft_is_saved_before_the_dialog(qtbot, reporter, data, monkeypatch):
    from core.storage import Storage
    from desktop import dialogs
    from desktop.main_window import MainWindow

    storage = Storage.open(data)
    window = MainWindow(storage, data)
    qtbot.addWidget(window)
    reporter.window = window
    draft = storage.create_from_template("national-10hao-project", "武昌区工商联", 2024)
    assert window.open_draft(draft)
    seen = []
    monkeypatch.setattr(dialogs, "show_internal_error",
                        lambda parent, title, text: seen.append((parent, storage.get(draft).overview.duties, text)))
    window.editor.session.set("overview/duties", "刚刚输入的职责")
    button, _ = raising_button(qtbot)
    button.click()
    parent, stored, text = seen[0]
    assert parent is window and stored == "刚刚输入的职责" and "您的草稿已自动保存" in text
    window.close()
    storage.close()


def test_a_draft_that_cannot_be_saved_is_said_so():
    from desktop.app import CrashReporter

    text = CrashReporter.message("/tmp/x.log", False)
    assert "暂未能保存" in text and "已自动保存" not in text


def test_app_options_are_refused_in_chinese(capsys):
    from desktop import main

    with pytest.raises(SystemExit) as e:
        main.main(["--data-dir"])
    err = capsys.readouterr().err
    assert e.value.code == 2 and "需要一个值" in err and "usage" not in err and "argument" not in err


def test_app_with_a_data_dir_that_cannot_be_made(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop import app

    said = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: said.append(a[2]))
    (tmp_path / "a-file").write_text("")
    assert app.run(["--data-dir", str(tmp_path / "a-file" / "data")]) == 2
    assert "无法使用数据目录" in said[0] and "Errno" not in said[0]


def test_even_a_failing_report_of_the_failure_prints_no_traceback(data, monkeypatch, capsys):
    monkeypatch.setattr(cli, "score_report", boom(MemoryError()))
    monkeypatch.setattr(cli, "internal_error_text", boom(MemoryError()))
    assert cli.main(["score", str(SEED)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("程序内部错误") and "Traceback" not in err
