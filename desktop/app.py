"""Start the desktop app: Chinese Qt, one instance per data directory, the drafts database.

An exception nobody expected — in a slot, an event handler or another thread — never ends the
app and never shows a traceback: ``CrashReporter`` (installed as ``sys.excepthook`` and
``threading.excepthook``) writes the details to ``DATA/logs/`` (``core.crash_log``), flushes the
open draft and tells the clerk in a dialog, then the app goes on. An exception while one is
being reported is only logged, so the hook can never loop.
"""
from __future__ import annotations

import argparse
import sys
import threading

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from core.crash_log import internal_error_text, write_crash_log
from core.instance_lock import InstanceLock
from core.paths import backup_keep, data_dir, default_data_dir, drive_problem
from core.storage import Storage, StorageError


CRASH_TITLE = "程序遇到了意外错误"
MAX_LOGGED = 200  # entries one session writes at most (a handler failing on every repaint)


class CrashReporter(QObject):
    """The app's exception hooks: log, keep the draft, tell the clerk, carry on."""

    report = Signal(str, str)  # (log path, signature): queued to the GUI thread from any thread

    def __init__(self, data_override=None, parent: QObject | None = None):
        super().__init__(parent)
        self.data_override = data_override
        self.window = None  # the main window, once there is one: its open draft is flushed
        self.logged = 0
        self._busy = threading.local()
        self._lock = threading.Lock()
        self._shown: set[str] = set()
        self._showing = False
        self._previous = None
        self.report.connect(self._tell)

    # -- hooks ---------------------------------------------------------------------------------
    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.sys_hook
        threading.excepthook = self.thread_hook

    def uninstall(self) -> None:
        if self._previous is not None:
            if sys.excepthook == self.sys_hook:
                sys.excepthook = self._previous[0]
            if threading.excepthook == self.thread_hook:
                threading.excepthook = self._previous[1]
            self._previous = None

    def sys_hook(self, exc_type, exc, tb) -> None:
        if exc is None:
            exc = exc_type()
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        self.handle(exc, "界面线程")

    def thread_hook(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        name = getattr(args.thread, "name", "?")
        self.handle(args.exc_value if args.exc_value is not None else args.exc_type(), f"后台线程 {name}")

    # -- reporting -----------------------------------------------------------------------------
    def handle(self, exc: BaseException, context: str = "") -> None:
        """Log ``exc`` and ask the GUI thread to tell the clerk. Never raises, never recurses."""
        if isinstance(exc, KeyboardInterrupt):  # Ctrl+C in the terminal that started the app
            QApplication.quit()
            return
        if getattr(self._busy, "on", False):  # raised while this thread writes a log: give up quietly
            return
        try:
            with self._lock:
                self.logged += 1
                if self.logged > MAX_LOGGED:
                    return
            self._busy.on = True
            try:
                path = write_crash_log(exc, context=context, data_override=self.data_override)
            finally:
                self._busy.on = False
            # in the GUI thread _tell runs now; an exception in a slot its dialog runs comes back
            # here, is logged, and _tell (already showing) ignores it: no loop, no second dialog
            self.report.emit("" if path is None else str(path), _signature(exc))
        except BaseException:  # noqa: BLE001 — the hook itself must never fail
            pass

    def _tell(self, path: str, signature: str) -> None:
        """In the GUI thread: keep the draft, then one dialog (the same error twice: the status bar)."""
        if self._showing:  # a slot run by the open dialog's own event loop failed too: logged already
            return
        self._showing = True
        try:
            saved = self._flush_draft()
            text = self.message(path, saved)
            if signature in self._shown:
                say = getattr(self.window, "say", None)
                if say is not None:
                    say("程序再次遇到同样的意外错误，操作没有完成" + (f"（详细信息：{path}）" if path else ""))
                return
            self._shown.add(signature)
            from desktop import dialogs

            dialogs.show_internal_error(self.window, CRASH_TITLE, text)
        except BaseException:  # noqa: BLE001
            pass
        finally:
            self._showing = False

    def _flush_draft(self) -> bool | None:
        """Write the open draft's pending edits now: True saved, False not (yet), None no draft open."""
        try:
            session = getattr(getattr(self.window, "editor", None), "session", None)
            return None if session is None else bool(session.flush())
        except BaseException:  # noqa: BLE001
            return False

    @staticmethod
    def message(path: str, saved: bool | None) -> str:
        if saved is False:
            draft = "您草稿中最后的修改暂未能保存，请先不要关闭程序，检查磁盘空间后再试。"
        else:
            draft = "您的草稿已自动保存，可以继续填写。"
        where = (f"详细信息已写入 {path}，请将该文件发给技术支持。" if path
                 else "详细信息无法写入日志，请记下出错前的操作并告知技术支持。")
        return f"{CRASH_TITLE}，刚才的操作没有完成。{draft}\n\n{where}"


def _signature(exc: BaseException) -> str:
    """The kind and place of an error, to tell the same error from a new one."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb is not None else ""
    return f"{type(exc).__qualname__}@{where}"


def install_translator(app: QApplication) -> None:
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Chinese, QLocale.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        app.installTranslator(translator)


def make_app(argv: list[str], font_size: int = 11) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    install_translator(app)
    from desktop.fontcheck import register_bundled_fonts

    register_bundled_fonts()  # a system with no Chinese font at all: the bundle's, instead of tofu
    font = QFont(app.font())
    font.setPointSize(max(font.pointSize(), font_size))
    app.setFont(font)
    return app


class _ArgParser(argparse.ArgumentParser):
    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", "用法：", 1)

    def error(self, message: str):  # argparse's English errors, in Chinese
        self.print_usage(sys.stderr)
        text = (message.replace("expected one argument", "需要一个值")
                .replace("unrecognized arguments", "无法识别的参数").replace("argument", "参数"))
        self.exit(2, f"错误：{text}\n")


def run(argv: list[str] | None = None) -> int:
    """Open the window; an exception nobody expected during start-up is logged and shown (exit 3)."""
    parser = _ArgParser(prog="jixiao", add_help=False)
    parser.add_argument("--data-dir", help="数据目录（默认：本机用户数据目录）")
    parser.add_argument("package", nargs="?", help="打开后导入的数据包（.jxpkg）")
    args = parser.parse_args(argv)
    reporter = None
    try:
        app = make_app(sys.argv[:1])
        reporter = CrashReporter(args.data_dir, app)
        reporter.install()
        return _run(app, args, reporter)
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 — MemoryError, RecursionError, a bug of ours
        return startup_error(e, args.data_dir)
    finally:
        if reporter is not None:
            reporter.uninstall()


def startup_error(e: BaseException, data_override=None) -> int:
    """The app could not start: log, one Chinese line on stderr, a dialog if Qt is up; exit 3."""
    path = write_crash_log(e, context="启动", data_override=data_override)
    text = internal_error_text(e, path)
    try:
        print(text, file=sys.stderr, flush=True)
    except Exception:  # noqa: BLE001 — no console (Windows GUI start)
        pass
    try:
        if QApplication.instance() is not None:
            from desktop import dialogs

            dialogs.show_internal_error(None, "绩效自评助手无法启动", text)
    except Exception:  # noqa: BLE001
        pass
    return 3


class _FirstPaint(QObject):
    """Runs ``then`` one event-loop turn after the watched window's first paint event."""

    def __init__(self, window, then, fallback_ms: int):
        super().__init__(window)
        self.then = then
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self.fire)  # a window that is never drawn still starts

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint and self.then is not None:
            QTimer.singleShot(0, self, self.fire)  # after the rest of this paint pass
        return False

    def fire(self) -> None:
        then, self.then = self.then, None
        if then is not None:
            self.parent().removeEventFilter(self)
            then()


def after_first_paint(window, then, fallback_ms: int = 2000) -> None:
    """Call ``then`` once the shown ``window`` has been drawn (or after ``fallback_ms``): the clerk
    sees the window at once; the drafts list, the daily backup and reopening the last draft
    (which builds the wizard and its shown page) come in the next event-loop turn, not before the first paint."""
    _FirstPaint(window, then, fallback_ms)


def _drop_read_sources() -> None:
    """Forget the source lines PySide6 read: after each import (6.11 here; to see whether the
    module uses ``from __feature__ import``) it reads the module's whole source through
    ``inspect.getsource``, and ``linecache`` keeps it — ~4 MiB for the modules of a start. Only a
    cache: a traceback reads the lines again."""
    import linecache

    linecache.clearcache()


def _run(app: QApplication, args, reporter: CrashReporter) -> int:
    from PySide6.QtWidgets import QMessageBox  # here: its enums cost time before the first paint

    try:
        data = data_dir(args.data_dir)
    except OSError as e:
        from core.os_errors import os_error_text

        QMessageBox.critical(None, "无法使用数据目录", f"无法使用数据目录“{args.data_dir or ''}”：{os_error_text(e)}")
        return 2
    problem = drive_problem(data)
    if problem:
        QMessageBox.warning(None, "数据目录不在本机磁盘上", problem)
        data = data_dir(default_data_dir())  # the local directory the message offers
        if drive_problem(data):
            return 2
    reporter.data_override = data
    lock = InstanceLock.acquire(data)
    if lock is None:
        QMessageBox.information(None, "绩效自评助手已在运行",
                                f"绩效自评助手已经打开（{InstanceLock.holder(data)}），"
                                "请切换到已打开的窗口。同时打开两个会造成数据冲突。")
        return 1
    try:
        storage = Storage.open(data)
    except StorageError as e:
        QMessageBox.critical(None, "无法打开数据库", str(e))
        lock.release()
        return 2
    try:
        from desktop.main_window import MainWindow

        window = MainWindow(storage, data, light=True)  # menus first; the list after the first paint
        reporter.window = window
        recovery = getattr(storage, "recovery_message", "")
        window.show()

        def after_start() -> None:  # the window is drawn first; then the list, the backup, the last draft
            _drop_read_sources()
            window.use_templates()  # the list is built when shown: at once, or on 草稿列表 after a reopen
            if recovery:  # not routine: the clerk must know what may be missing
                window.say(recovery)
                QMessageBox.warning(window, "数据库已从备份恢复", recovery)
            try:
                storage.auto_backup(keep=backup_keep())
            except StorageError as e:
                window.say(f"自动备份失败：{e}")
            window.reopen_last()
            if getattr(args, "package", None):  # jixiao FILE.jxpkg (a double-click): its preview
                window.import_package(args.package)
            from desktop.fontcheck import check_pdf_fonts

            check_pdf_fonts(window, data)  # no font a PDF can embed: said once, before an export fails
            _drop_read_sources()
            probe = getattr(app, "_jixiao_paint_probe", None)  # desktop/paint_probe.py: benches only
            if probe is not None and hasattr(probe, "started"):
                probe.started(window)
        after_first_paint(window, after_start)
        return app.exec()
    finally:
        reporter.window = None
        storage.close()
        lock.release()
