"""Start the desktop app: Chinese Qt, one instance per data directory, the drafts database."""
from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMessageBox

from core.instance_lock import InstanceLock
from core.paths import backup_keep, data_dir, default_data_dir, drive_problem
from core.storage import Storage, StorageError


def install_translator(app: QApplication) -> None:
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Chinese, QLocale.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        app.installTranslator(translator)


def make_app(argv: list[str], font_size: int = 11) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    install_translator(app)
    font = QFont(app.font())
    font.setPointSize(max(font.pointSize(), font_size))
    app.setFont(font)
    return app


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jixiao")
    parser.add_argument("--data-dir", help="数据目录（默认：本机用户数据目录）")
    args = parser.parse_args(argv)
    app = make_app(sys.argv[:1])
    data = data_dir(args.data_dir)
    problem = drive_problem(data)
    if problem:
        QMessageBox.warning(None, "数据目录不在本机磁盘上", problem)
        data = data_dir(default_data_dir())  # the local directory the message offers
        if drive_problem(data):
            return 2
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
        return 2
    from desktop.main_window import MainWindow

    window = MainWindow(storage, data)
    recovery = getattr(storage, "recovery_message", "")
    window.show()

    def after_start() -> None:  # the window is usable first; then the backup and the last draft
        if recovery:  # not routine: the clerk must know what may be missing
            window.say(recovery)
            QMessageBox.warning(window, "数据库已从备份恢复", recovery)
        try:
            storage.auto_backup(keep=backup_keep())
        except StorageError as e:
            window.say(f"自动备份失败：{e}")
        window.reopen_last()
    QTimer.singleShot(0, after_start)
    try:
        return app.exec()
    finally:
        storage.close()
        lock.release()
