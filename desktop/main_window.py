"""The main window: the drafts list, and the editor of the open draft in its place.

Edits the autosave could not write (kept in ``DATA/unsaved/``, see ``core.unsaved``) are offered
at the next start (``reopen_last``) and whenever their draft is opened: restoring takes a history
point of the draft first, so it can be undone; not restoring sets the file aside as a report JSON
that 文件 › 导入 reads.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QMainWindow, QStackedWidget,
                               QVBoxLayout, QWidget)

from core.storage import Storage

if TYPE_CHECKING:
    from core import unsaved
    from desktop.drafts_view import DraftsView
    from desktop.editor import DraftEditor

UI_STATE = "ui.json"
NORMAL_PT, LARGE_PT = 11, 14
BEFORE_RECOVERY = "恢复未保存的修改前"
# widget classes a platform theme may give fonts of their own: 大字体 sets these too
FONT_CLASSES = ("QAbstractItemView", "QHeaderView", "QMenu", "QMenuBar", "QLineEdit", "QPlainTextEdit",
                "QComboBox", "QPushButton", "QToolButton", "QLabel", "QGroupBox", "QCheckBox", "QStatusBar")


def restore_fonts(font) -> None:
    """Back to ``font`` everywhere (after screenshots or a test in 大字体)."""
    QApplication.setFont(font)
    for cls in FONT_CLASSES:
        QApplication.setFont(font, cls)


class RecoveryPrompt:
    """Asked at start for each draft with edits that never reached the database."""
    RESTORE, SET_ASIDE = "restore", "set_aside"

    @staticmethod
    def ask(parent, title: str, found: unsaved.Unsaved) -> str | None:
        """RESTORE, SET_ASIDE, or None to decide later (the file stays)."""
        from PySide6.QtWidgets import QMessageBox

        when = found.written_at or found.since
        when_text = f"{when:%Y-%m-%d %H:%M:%S}" if when else "时间不详"
        box = QMessageBox(QMessageBox.Question, "有未保存的修改",
                          f"草稿“{title}”有未保存的修改（{when_text}），是否恢复？", parent=parent)
        box.setInformativeText(
            "这些修改上次未能写入数据库，保存在恢复文件中。恢复前，草稿现在的内容会先保存为"
            "历史版本，可随时退回。选择“不恢复”，这些修改会另存到数据目录中的“unsaved”"
            "文件夹，之后仍可用“文件 › 导入报告…”找回。")
        restore = box.addButton("恢复", QMessageBox.AcceptRole)
        aside = box.addButton("不恢复（另存备查）", QMessageBox.RejectRole)
        later = box.addButton("以后再说", QMessageBox.NoRole)
        box.setDefaultButton(restore)
        box.setEscapeButton(later)
        box.exec()
        clicked = box.clickedButton()
        return (RecoveryPrompt.RESTORE if clicked is restore
                else RecoveryPrompt.SET_ASIDE if clicked is aside else None)


def _centred(label: QLabel) -> QWidget:
    """A page with ``label`` in its middle, by stretches: ``Qt.AlignCenter`` would make PySide6
    build every enum of the Qt namespace (~11 ms) before the first paint."""
    page = QWidget()
    rows, row = QVBoxLayout(page), QHBoxLayout()
    row.addStretch(1)
    row.addWidget(label)
    row.addStretch(1)
    rows.addStretch(1)
    rows.addLayout(row)
    rows.addStretch(1)
    return page


SUMMARY_TIP = "把各单位的数据包汇总：逐份审核，生成汇总表和审核意见"

class MainWindow(QMainWindow):
    """``light=True`` (the app's start, desktop/app.py): the window is first painted with its
    menus and an empty page, or "正在打开上次编辑的报告……" — the drafts list (and the
    templates of this data folder) are set up on first use of ``drafts``, which the app makes
    one event-loop turn after the first paint. Otherwise (tests, tools) at once."""

    def __init__(self, storage: Storage, data_dir: Path, *, light: bool = False):
        super().__init__()
        self.storage = storage
        self.data_dir = Path(data_dir)
        self.editor: DraftEditor | None = None
        self._drafts: DraftsView | None = None
        self.setWindowTitle("绩效自评助手")
        self.resize(1366, 768)
        self.stack = QStackedWidget()
        self.opening: QLabel | None = None  # "opening the last draft": shown until reopen_last ends
        last = self._state().get("last_draft")
        if isinstance(last, int) or light:
            self.opening = QLabel("正在打开上次编辑的报告……" if isinstance(last, int) else "")
            self.stack.addWidget(_centred(self.opening))
        self.setCentralWidget(self.stack)
        if not light:
            self.drafts  # noqa: B018 — set up now
        # setShortcuts([...]), not setShortcut(...): PySide6 resolves setShortcut's overloads by
        # building every enum of the Qt namespace (~93, 10 ms) — before the first paint
        menu = self.menuBar().addMenu("文件(&F)")
        imp = QAction("导入报告(&I)…", self)
        imp.setStatusTip("导入以前导出或另存的报告文件，作为一份新草稿")
        imp.setShortcuts([QKeySequence("Ctrl+O")])  # QKeySequence.Open on Windows and Linux
        imp.triggered.connect(self.import_file)
        menu.addAction(imp)
        pkg = QAction("导入数据包(&P)…", self)
        pkg.setStatusTip("导入U盘带来的数据包（.jxpkg）：先预览，再逐份选择导入、替换或跳过")
        pkg.triggered.connect(lambda: self.import_package())
        menu.addAction(pkg)
        export = QAction("导出数据包到U盘(&E)…", self)
        export.setStatusTip("把草稿列表中选中的报告写成数据包，用U盘带到其他电脑")
        export.triggered.connect(self.export_package)
        menu.addAction(export)
        self.package_actions = {"import": pkg, "export": export}
        self._add_summary_hook(menu)
        self.setAcceptDrops(True)  # a .jxpkg dropped on the window is imported
        back = QAction("返回草稿列表(&L)", self)
        back.setShortcuts([QKeySequence("Ctrl+L")])
        back.triggered.connect(self.show_list)
        menu.addAction(back)
        view = self.menuBar().addMenu("视图(&V)")
        self.large_text = QAction("大字体", self, checkable=True)
        self.large_text.setShortcuts([QKeySequence("Ctrl+=")])
        self.large_text.toggled.connect(self.set_large_text)
        view.addAction(self.large_text)
        if self._state().get("large_text"):
            self.large_text.setChecked(True)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        usage = QAction("使用说明(&U)…", self)
        usage.setShortcuts([QKeySequence("F1")])  # QKeySequence.HelpContents
        usage.triggered.connect(self.show_usage)
        help_menu.addAction(usage)
        about = QAction("关于绩效自评助手(&A)…", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)
        self.help_actions = {"usage": usage, "about": about}
        self.say("就绪")

    @property
    def drafts(self) -> DraftsView:
        """The drafts list, set up on first use (see the class)."""
        if self._drafts is None:
            from desktop.drafts_view import DraftsView

            self.use_templates()
            self._drafts = drafts = DraftsView(self.storage)
            drafts.open_requested.connect(self.open_draft)
            drafts.message.connect(self.say)
            self._add_summary_button(drafts)
            self.stack.insertWidget(0, drafts)
            last = self._state().get("last_draft")
            if self.opening is not None and self.opening.text() and not (
                    isinstance(last, int) and drafts.model.has(last)):
                self.opening.setText("")  # nothing to reopen: the list, once reopen_last has looked
            if self.opening is None or not self.opening.text():
                self._drop_opening()
        return self._drafts

    _templates_set = False

    def use_templates(self) -> None:
        """The templates installed from packages into this data folder, from now on (once: it
        forgets the loaded templates). Before the list is built or a draft opens."""
        if not self._templates_set:
            from core import templates

            templates.use_data_dir(self.data_dir)
            self._templates_set = True

    def _drop_opening(self) -> None:
        if self.opening is not None:
            page = self.opening.parentWidget()
            if self.stack.currentWidget() is page:
                self.stack.setCurrentWidget(self.drafts)
            self.stack.removeWidget(page)
            page.deleteLater()
            self.opening = None

    # -- 汇总 (desktop.summary): a page beside the drafts list ---------------------------------
    # (the drafts list may be set up before the menus: the button does not lean on the action)
    summary_page = None

    def _add_summary_hook(self, menu) -> None:
        """文件 › 汇总…; the drafts list gets its button when it is set up (after the first paint)."""
        self.summary_action = QAction("汇总各单位报告(&S)…", self)
        self.summary_action.setStatusTip(SUMMARY_TIP)
        self.summary_action.triggered.connect(self.show_summary)
        menu.addAction(self.summary_action)

    def _add_summary_button(self, drafts: DraftsView) -> None:
        """汇总… on the drafts list's row of buttons, beside 导入数据包."""
        from PySide6.QtWidgets import QHBoxLayout, QPushButton

        self.summary_button = QPushButton("汇总…")  # short: the row must fit 1366 px under 大字体
        self.summary_button.setToolTip(SUMMARY_TIP)
        self.summary_button.clicked.connect(self.show_summary)
        anchor = drafts.buttons["import_package"]
        row = next(lay for lay in drafts.findChildren(QHBoxLayout) if lay.indexOf(anchor) >= 0)
        row.insertWidget(row.indexOf(anchor) + 1, self.summary_button)

    def show_summary(self) -> None:
        """The 汇总 workspace (made the first time; what was read stays while the app runs)."""
        if self.editor is not None:
            self.close_draft()
        if self.summary_page is None:
            from desktop.summary.workspace import SummaryWorkspace

            self.summary_page = SummaryWorkspace(self.storage, self.data_dir)
            self.summary_page.back_requested.connect(self.show_list)
            self.summary_page.message.connect(self.say)
            self.summary_page.open_requested.connect(self.open_read_only)
            self.stack.addWidget(self.summary_page)
        self.stack.setCurrentWidget(self.summary_page)

    def open_read_only(self, unit_report, where=None) -> None:
        """A unit's report from the 汇总, in the editor read-only (never written to the drafts)."""
        from desktop.editor import DraftEditor
        from desktop.summary.readonly import ReadOnlySession

        self.close_draft()
        session = ReadOnlySession(unit_report.report, unit_report.label, self.data_dir)
        self.editor = DraftEditor(session)
        self.editor.back_requested.connect(self.show_summary)
        self.stack.addWidget(self.editor)
        self.stack.setCurrentWidget(self.editor)
        if where:
            self.editor.go_to(where)
        self.say(f"只读查看：{unit_report.unit} {unit_report.title}（来自 {unit_report.label}）")

    def show_usage(self) -> None:
        from desktop.help import UsageDialog

        UsageDialog(self).exec()

    def show_about(self) -> None:
        from desktop.help import AboutDialog

        AboutDialog(self.data_dir, self).exec()

    def set_large_text(self, on: bool) -> None:
        font = QFont(QApplication.font())
        font.setPointSize(LARGE_PT if on else NORMAL_PT)
        QApplication.setFont(font)  # reaches every widget that has no font of its own …
        for cls in FONT_CLASSES:
            QApplication.setFont(font, cls)  # … and the classes a platform theme gives fonts of their own
        self._save_state(large_text=on)

    def say(self, text: str) -> None:
        self.statusBar().showMessage(text)

    # -- drafts ------------------------------------------------------------------------------
    def open_draft(self, draft_id: int) -> bool:
        from core import unsaved
        from core.autosave import describe
        from desktop.editor import DraftEditor  # the wizard loads when a draft opens, not at start-up
        from desktop.session import DraftSession

        self.close_draft()
        self.use_templates()  # a draft written with an installed template is scored by it
        note = ""
        found = unsaved.find(self.data_dir, draft_id)
        if found is not None:  # edits from before: asked about first, never started over
            self.offer_unsaved(found)
            still = unsaved.find(self.data_dir, draft_id)
            if still is not None:
                try:
                    where = unsaved.set_aside(self.data_dir, still)
                    note = f"；未恢复的修改已另存为 {where}（可用“文件 › 导入报告…”找回）"
                except OSError as e:
                    self.say(f"未能另存恢复文件：{describe(e)}")
                    return False
        try:
            session = DraftSession(self.storage, self.data_dir, draft_id)
        except Exception as e:  # StorageError, or the database refusing to be read now
            self.say(f"无法打开草稿：{describe(e)}")
            return False
        self.editor = DraftEditor(session)
        self.editor.back_requested.connect(self.show_list)
        self.stack.addWidget(self.editor)
        self.stack.setCurrentWidget(self.editor)
        self._remember(draft_id)
        self.say(f"已打开：{session.report.title or session.report.unit.name}{note}")
        return True

    def close_draft(self) -> None:
        if self.editor is None:
            return
        session = self.editor.session
        ok = self.editor.close_session()
        self.stack.removeWidget(self.editor)
        self.editor.deleteLater()
        self.editor = None
        if not ok:
            if session.kept_path is not None:
                self.say("最后的修改未能写入数据库，已保存在恢复文件中，下次启动时会提示恢复")
            else:
                self.say(f"最后的修改未能保存：{session.save_error or session.keep_error or '原因不明'}")

    def show_list(self) -> None:
        draft_id = self.editor.session.draft_id if self.editor else None
        self.say("")
        self.close_draft()  # says something only when the last edits could not be saved
        self.drafts.refresh(draft_id)
        self.stack.setCurrentWidget(self.drafts)
        if not self.statusBar().currentMessage():
            self.say("已返回草稿列表，所有修改均已保存")  # not "已打开 …" of the draft just closed

    def import_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self, "导入报告", str(Path.home()), "报告文件 (*.json)")
        if path:
            self.import_report(path)

    # -- data packages (desktop.exchange) ---------------------------------------------------
    def import_package(self, path: str | None = None) -> None:
        """Back to the drafts list (the open draft saved), then check, preview and import."""
        if self.editor is not None:
            self.show_list()
        self.drafts.import_package(path)

    def export_package(self) -> None:
        if self.editor is not None:
            self.show_list()  # the open draft saved and selected: it is the one exported
        self.drafts.export_package()

    @staticmethod
    def _dropped_package(event) -> str | None:
        from desktop.exchange import is_package

        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return next((u.toLocalFile() for u in urls if u.isLocalFile() and is_package(u.toLocalFile())), None)

    def dragEnterEvent(self, event) -> None:
        if self._dropped_package(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        path = self._dropped_package(event)
        if path:
            event.acceptProposedAction()
            self.import_package(path)
        else:
            event.ignore()

    def import_report(self, path: str) -> int | None:
        from core.findings import ERROR
        from core.report_io import load_report

        report, findings = load_report(path)
        if report is None:
            first = next((f for f in findings if f.severity == ERROR), findings[0])
            self.say(f"无法导入 {Path(path).name}：{first.message}（{first.where}）。未作任何改动。")
            return None
        draft_id = self.storage.create(report)
        self.drafts.refresh(draft_id)
        self.say(f"已导入 {Path(path).name}")
        return draft_id

    # -- remembering the last draft ----------------------------------------------------------
    def _state(self) -> dict:
        try:
            state = json.loads((self.data_dir / UI_STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    def _save_state(self, **changes) -> None:
        from core.atomic import atomic_write_text

        try:
            atomic_write_text(self.data_dir / UI_STATE, json.dumps({**self._state(), **changes}))
        except OSError:
            pass  # not worth bothering the clerk

    def _remember(self, draft_id: int) -> None:
        self._save_state(last_draft=draft_id)

    def reopen_last(self) -> bool:
        """At start: offer any unsaved edits, then open the draft they went to, or the last one.
        The window shows "正在打开…" until then (built before the first paint), the list after."""
        try:
            return self._reopen_last()
        finally:
            self._drop_opening()

    def _reopen_last(self) -> bool:
        from core import unsaved

        restored, deferred = None, set()
        for found in unsaved.list_unsaved(self.data_dir):
            draft_id = self.offer_unsaved(found)
            restored = draft_id if restored is None else restored
            if unsaved.path_for(self.data_dir, found.draft_id).exists():
                deferred.add(found.draft_id)  # "以后再说": not opened (that would set it aside)
        if restored is not None:
            message = self.statusBar().currentMessage()
            opened = self.open_draft(restored)
            if opened:
                self.say(message)  # what was restored, not just "已打开"
                self.editor.notice("已恢复上次未保存的修改，可在“历史版本…”中退回")
            return opened
        last = self._state().get("last_draft")
        if self._drafts is not None and self._drafts.show_bin.isChecked():
            self._drafts.show_bin.setChecked(False)  # the list holds just the drafts not binned
        # asked of the database, not of the list: the list is built when the clerk goes back to it
        alive = isinstance(last, int) and not isinstance(last, bool) and self.storage.exists(last)
        return alive and last not in deferred and self.open_draft(last)

    # -- unsaved edits from before -----------------------------------------------------------
    def offer_unsaved(self, found: unsaved.Unsaved) -> int | None:
        """Ask about one recovery file and do what the clerk chose; the draft restored into."""
        from core import unsaved
        from core.autosave import describe

        try:
            exists = found.draft_id in {d.id for d in self.storage.list(include_deleted=True)}
            current = self.storage.get(found.draft_id) if exists else None
        except Exception:
            exists, current = True, None  # unreadable now: asked about, restoring may still work
        if current == found.report:  # it was written after all
            self._forget(found)
            return None
        title = (current or found.report).title or (current or found.report).unit.name or f"编号 {found.draft_id}"
        choice = RecoveryPrompt.ask(self, title, found)
        if choice == RecoveryPrompt.RESTORE:
            return self.restore_unsaved(found, exists)
        if choice == RecoveryPrompt.SET_ASIDE:
            try:
                where = unsaved.set_aside(self.data_dir, found)
            except OSError as e:
                self.say(f"未能另存恢复文件：{describe(e)}；下次启动时会再次提示")
                return None
            self.say(f"未恢复；这些修改已另存为 {where}")
        return None

    def restore_unsaved(self, found: unsaved.Unsaved, exists: bool = True) -> int | None:
        """Put the kept report into its draft, after a history point (so it can be undone)."""
        from core.autosave import describe

        try:
            if exists:
                self.storage.snapshot(found.draft_id, BEFORE_RECOVERY)
                self.storage.save(found.draft_id, found.report)
                draft_id = found.draft_id
            else:
                draft_id = self.storage.create(found.report)
        except Exception as e:
            self.say(f"未能恢复未保存的修改：{describe(e)}。恢复文件仍保留，下次启动时会再次提示")
            return None
        self._forget(found)
        self.drafts.refresh(draft_id)
        self.say("已恢复未保存的修改（恢复前的内容已保存为历史版本“恢复未保存的修改前”）"
                 if exists else "原草稿已不存在，未保存的修改已恢复为一份新草稿")
        return draft_id

    def _forget(self, found: unsaved.Unsaved) -> None:
        try:
            found.path.unlink()
        except OSError:
            pass

    def closeEvent(self, event) -> None:
        self.close_draft()
        super().closeEvent(event)
