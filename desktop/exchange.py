"""Reports carried on a USB stick: export drafts into a ``.jxpkg`` data package and import one.

* Export (drafts list › 导出数据包（U盘）…): the clerk picks a file name (``default_package_name``),
  the package is written off the UI thread by ``core.package.write_package`` — a temporary
  file, renamed, read back and verified — and only then does the app say 已写入, with a
  reminder to eject the stick safely. A full or pulled stick gives the Chinese message of the
  error and leaves no half-written file.
* Import (文件 › 导入数据包…, the drafts list's button, a ``.jxpkg`` dropped on the window, or
  ``jixiao FILE.jxpkg`` from a double-click): the package is read and checked off the UI thread;
  a refused one shows its first findings and changes nothing; otherwise ``ImportPreviewDialog``
  lists every report with what it is here (新报告 / 与本机相同 / newer / older / both changed)
  and a choice per row, and 导入 applies them in one transaction (``Storage.apply_import``),
  with a history point before each replacement so it can be undone.

The static helpers of ``Prompts`` (file dialogs, message boxes) are the only modal calls, so
tests patch them; ``Exchange.finished`` is emitted when a flow ends, whatever its outcome.
"""
from __future__ import annotations

import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QDialog,
                               QDialogButtonBox, QFileDialog, QHeaderView, QLabel, QMessageBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from core.findings import ERROR
from core.model import DEPARTMENT
from desktop.worker import run_in_background

SUFFIX = ".jxpkg"
PACKAGE_FILTER = "绩效数据包 (*.jxpkg)"
FINDINGS_SHOWN = 3
EJECT = "请在任务栏“安全删除硬件”后再拔出U盘。"

# the choice offered per status: (label, choice) in order, the default first
CHOICES = {
    "new": (("导入", "keep_both"), ("跳过", "skip")),
    "same": (("跳过", "skip"), ("仍导入一份", "keep_both")),
    "incoming_newer": (("用数据包中的替换", "replace"), ("保留两份", "keep_both"), ("跳过", "skip")),
    "local_newer": (("跳过", "skip"), ("保留两份", "keep_both"), ("用数据包中的替换", "replace")),
    "diverged": (("跳过", "skip"), ("保留两份", "keep_both"), ("用数据包中的替换", "replace")),
}
STATUS_TEXT = {"new": "新报告", "same": "与本机相同", "incoming_newer": "数据包中的较新",
               "local_newer": "本机的较新", "diverged": "两边都改过"}


def is_package(path) -> bool:
    return str(path).lower().endswith(SUFFIX)


# -- the modal calls (patched in tests) ------------------------------------------------------
def message_box(parent, icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.Ok, parent)
    box.setTextInteractionFlags(Qt.TextSelectableByMouse)
    box.button(QMessageBox.Ok).setText("确定")  # Chinese even where Qt's own translation is missing
    return box


class Prompts:
    @staticmethod
    def save_path(parent, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "导出数据包（U盘）", suggested, PACKAGE_FILTER)
        return path or None

    @staticmethod
    def open_path(parent, folder: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, "导入数据包", folder, PACKAGE_FILTER)
        return path or None

    @staticmethod
    def inform(parent, title: str, text: str) -> None:
        message_box(parent, QMessageBox.Information, title, text).exec()

    @staticmethod
    def warn(parent, title: str, text: str) -> None:
        message_box(parent, QMessageBox.Warning, title, text).exec()

    @staticmethod
    def confirm(parent, title: str, text: str) -> bool:
        box = message_box(parent, QMessageBox.Question, title, text)
        box.setStandardButtons(QMessageBox.Yes | QMessageBox.No)
        box.button(QMessageBox.Yes).setText("安装")
        box.button(QMessageBox.No).setText("取消")
        box.setDefaultButton(QMessageBox.No)
        return box.exec() == QMessageBox.Yes


# -- texts -------------------------------------------------------------------------------------
def written_text(path) -> str:
    return f"已写入 {path}（已校验）。{EJECT}"


def export_failed_text(message: str) -> str:
    return f"数据包没有写成：{message}\n\nU盘上没有留下写了一半的文件，可以换一个U盘或清出空间后再试。"


def refused_text(name: str, findings) -> str:
    errors = [f for f in findings if getattr(f, "severity", ERROR) == ERROR] or list(findings)
    lines = []
    for f in errors[:FINDINGS_SHOWN]:
        line = f"· {f.message}"
        if getattr(f, "where", ""):
            line += f"（{f.where}）"
        if getattr(f, "fix", ""):
            line += f"\n  {f.fix}"
        lines.append(line)
    if len(errors) > FINDINGS_SHOWN:
        lines.append(f"……另有 {len(errors) - FINDINGS_SHOWN} 处问题")
    body = "\n".join(lines) or "· 无法读取这个文件"
    return f"无法导入 {name}：\n{body}\n\n未作任何改动。"


def _count(value) -> int:
    return value if isinstance(value, int) else len(value or ())


def summary_text(result) -> str:
    created, replaced, skipped = (_count(getattr(result, k, 0)) for k in ("created", "replaced", "skipped"))
    text = f"导入 {created} 份，替换 {replaced} 份"
    if replaced:
        text += "（替换前的内容已存为历史版本，可在“历史版本”中恢复）"
    return text + f"，跳过 {skipped} 份"


def package_field(package, name: str, default=""):
    """A manifest field of a package, wherever ``core.package`` keeps it."""
    for holder in (package, getattr(package, "manifest", None)):
        if holder is None:
            continue
        if isinstance(holder, dict) and holder.get(name) not in (None, ""):
            return holder[name]
        value = getattr(holder, name, None)
        if value not in (None, "") and not callable(value):
            return value
    return default


def when_text(value) -> str:
    """``2026-11-30T02:29:00Z`` (a package's UTC time) or a local ISO time, as local 年-月-日 时:分."""
    text = str(value or "")
    try:
        when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text.replace("T", " ")[:16]
    if when.tzinfo is not None:
        when = when.astimezone()
    return f"{when:%Y-%m-%d %H:%M}"


# -- the preview -------------------------------------------------------------------------------
class ImportPreviewDialog(QDialog):
    """What the package would change, with a choice per report; nothing written until 导入."""

    COLUMNS = ("年度", "单位", "类型", "标题", "情况", "本机草稿最后修改", "核对码", "处理方式")
    COL_CHOICE = len(COLUMNS) - 1

    def __init__(self, items, package_info: dict, local_updated: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.items = list(items)
        self.setWindowTitle("导入数据包 — 预览")
        head = QLabel(
            f"数据包：{package_info.get('name', '')}　　发送单位：{package_info.get('unit') or '未注明'}　　"
            f"打包时间：{when_text(package_info.get('created_at')) or '未注明'}　　"
            f"软件版本：{package_info.get('app_version') or '未注明'}")
        head.setWordWrap(True)
        note = QLabel("请逐份选择处理方式。用数据包中的内容替换前，本机草稿现在的内容会先保存为历史版本，"
                      "可在“历史版本…”中恢复。点“导入”之前不会作任何改动。")
        note.setWordWrap(True)
        self.table = QTableWidget(len(self.items), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.setWordWrap(False)
        self.combos: list[QComboBox] = []
        for row, item in enumerate(self.items):
            report = item.incoming.report
            status = getattr(item, "status", "new")
            local = local_updated.get(getattr(item, "local_id", None), "") if item.local_id is not None else ""
            cells = ("" if report.year is None else str(report.year), report.unit.name,
                     "部门整体" if report.kind == DEPARTMENT else "项目", report.title,
                     getattr(item, "status_text", "") or STATUS_TEXT.get(status, status),
                     when_text(local) or "—", str(getattr(item.incoming, "digest", "") or ""))
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if col == 0:
                    cell.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(row, col, cell)
            combo = QComboBox()
            for label, choice in CHOICES.get(status, CHOICES["diverged"]):
                combo.addItem(label, choice)
            self.table.setCellWidget(row, self.COL_CHOICE, combo)
            self.combos.append(combo)
        header = self.table.horizontalHeader()
        for col in range(len(self.COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.Stretch)
        header.setSectionResizeMode(self.COL_CHOICE, QHeaderView.Fixed)  # cell widgets: not measured by Qt
        header.resizeSection(self.COL_CHOICE, max([header.sectionSizeHint(self.COL_CHOICE)]
                                                  + [c.sizeHint().width() for c in self.combos]) + 8)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("导入")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(1100, 460)

    def choices(self) -> list[str]:
        return [c.currentData() for c in self.combos]

    def set_choice(self, row: int, choice: str) -> None:
        combo = self.combos[row]
        combo.setCurrentIndex(combo.findData(choice))

    @classmethod
    def ask(cls, items, package_info: dict, local_updated: dict, parent=None) -> list[str] | None:
        d = cls(items, package_info, local_updated, parent)
        return d.choices() if d.exec() == QDialog.Accepted else None


# -- the flows ---------------------------------------------------------------------------------
def _read(path: str):
    """Off the UI thread: (package or None, findings, incomings). Touches no database."""
    from core.package import read_package, reports_of

    package, findings = read_package(path)
    findings = list(findings or ())
    if package is None or package_field(package, "kind") == "template":
        return package, findings, []
    incomings, more = reports_of(package)
    return package, findings + list(more or ()), list(incomings or ())


class _Prefetched:
    """What ``write_package`` reads of the storage, read on the UI thread; the drafts it marks
    as exchanged are marked by the UI thread once the package is written and verified."""

    def __init__(self, storage, ids):
        self.reports = {i: storage.get(i) for i in ids}
        self.info = {i: storage.exchange_info(i) for i in ids}
        self.exchanged: list[int] = []

    def get(self, draft_id: int):
        return self.reports[draft_id]

    def exchange_info(self, draft_id: int):
        return self.info[draft_id]

    def mark_exchanged(self, draft_id: int) -> None:
        self.exchanged.append(draft_id)


class Exchange(QObject):
    """Export and import of data packages for one window; results said through ``message``."""

    message = Signal(str)
    imported = Signal(object)  # a draft id to select after an import (or None)
    finished = Signal()  # a flow ended, whatever its outcome (tests wait for it)

    def __init__(self, storage, parent: QWidget):
        super().__init__(parent)
        self.storage = storage
        self.widget = parent
        self.folder = str(Path.home())
        self.busy = False

    def _alive(self) -> bool:
        """False once the window closed while the stick was still being written or read."""
        from shiboken6 import isValid

        alive = isValid(self) and isValid(self.widget)
        if not alive:
            self._stop()
        return alive

    def _start(self, text: str) -> bool:
        if self.busy:
            self.message.emit("上一个数据包操作还没有完成，请稍候")
            return False
        self.busy = True
        QApplication.setOverrideCursor(Qt.WaitCursor)
        self.message.emit(text)
        return True

    def _stop(self) -> None:
        if self.busy:
            self.busy = False
            QApplication.restoreOverrideCursor()

    def _end(self) -> None:
        self._stop()
        self.finished.emit()

    # -- export ----------------------------------------------------------------------------
    def export(self, infos) -> None:
        infos = [d for d in infos if not getattr(d, "deleted_at", None)]
        if not infos:
            self.message.emit("请先在列表中选中要导出的报告（可按住 Ctrl 多选；回收站中的不能导出）")
            self.finished.emit()
            return
        from core.package import default_package_name, write_package

        try:
            name = default_package_name(infos)
        except Exception:  # noqa: BLE001 — a name is only a suggestion
            name = "绩效自评报告" + SUFFIX
        if not is_package(name):
            name += SUFFIX
        chosen = Prompts.save_path(self.widget, str(Path(self.folder) / name))
        if not chosen:
            self.finished.emit()
            return
        path = Path(chosen if is_package(chosen) else chosen + SUFFIX)
        self.folder = str(path.parent)
        ids = [d.id for d in infos]
        try:  # read here (SQLite connections stay in their thread); the stick is written off it
            source = _Prefetched(self.storage, ids)
        except Exception as e:  # noqa: BLE001 — StorageError: its Chinese message
            from desktop.worker import failure_text

            self.message.emit(f"无法读取要导出的报告：{failure_text(e)}")
            self.finished.emit()
            return

        def work():
            write_package(path, source, ids)
            return path

        def done(written) -> None:
            if not self._alive():
                return
            self._stop()
            try:  # written and verified: now the drafts remember this version went out
                for draft_id in source.exchanged:
                    self.storage.mark_exchanged(draft_id)
            except Exception:  # noqa: BLE001 — only the next import's newer/older guess is weaker
                pass
            self.message.emit(f"已写入 {written}（已校验）")
            Prompts.inform(self.widget, "数据包已写入", written_text(written))
            self.finished.emit()

        def failed(text: str) -> None:
            if not self._alive():
                return
            self._stop()
            self.message.emit(f"数据包没有写成：{text}")
            Prompts.warn(self.widget, "数据包没有写成", export_failed_text(text))
            self.finished.emit()

        if self._start(f"正在写入并校验 {path.name}（{len(ids)} 份报告）…"):
            run_in_background(work, done, failed)
        else:
            self.finished.emit()

    # -- import ----------------------------------------------------------------------------
    def import_package(self, path: str | None = None) -> None:
        if path is None:
            path = Prompts.open_path(self.widget, self.folder)
            if not path:
                self.finished.emit()
                return
        path = str(path)
        self.folder = str(Path(path).parent)
        name = Path(path).name

        def done(result) -> None:
            if not self._alive():
                return
            self._stop()
            try:
                self._preview(path, *result)
            finally:
                self.finished.emit()

        def failed(text: str) -> None:
            if not self._alive():
                return
            self._stop()
            self.message.emit(f"无法导入 {name}：{text}。未作任何改动。")
            Prompts.warn(self.widget, "无法导入数据包", f"无法导入 {name}：{text}\n\n未作任何改动。")
            self.finished.emit()

        if self._start(f"正在检查 {name}…"):
            run_in_background(lambda: _read(path), done, failed)
        else:
            self.finished.emit()

    def _preview(self, path: str, package, findings, incomings) -> None:
        name = Path(path).name
        if package is not None and package_field(package, "kind") == "template":
            self._template(path, package)
            return
        if package is None or not incomings:
            text = refused_text(name, findings)
            self.message.emit(f"无法导入 {name}，未作任何改动")
            Prompts.warn(self.widget, "无法导入数据包", text)
            return
        from core.storage import StorageError

        try:
            items = self.storage.plan_import(incomings)
            local = {d.id: d.updated_at for d in self.storage.list(include_deleted=True)}
        except StorageError as e:
            self.message.emit(f"无法导入 {name}：{e}。未作任何改动。")
            return
        info = {"name": name, "unit": package_field(package, "unit"),
                "created_at": package_field(package, "created_at"),
                "app_version": package_field(package, "app_version")}
        choices = ImportPreviewDialog.ask(items, info, local, self.widget)
        if choices is None:
            self.message.emit("已取消导入，未作任何改动")
            return
        origin = {"package": name, "unit": info["unit"], "created_at": str(info["created_at"] or ""),
                  "imported_at": datetime.datetime.now().isoformat(timespec="seconds")}
        try:
            result = self.storage.apply_import(items, choices, origin)
        except StorageError as e:
            self.message.emit(f"导入没有完成：{e}。未作任何改动。")
            Prompts.warn(self.widget, "导入没有完成", f"导入没有完成：{e}\n\n未作任何改动。")
            return
        text = summary_text(result)
        touched = [*(getattr(result, "created", None) or []), *(getattr(result, "replaced", None) or [])] \
            if not isinstance(getattr(result, "created", None), int) else []
        self.imported.emit(touched[0] if touched and isinstance(touched[0], int) else None)
        self.message.emit(text)
        Prompts.inform(self.widget, "导入完成", text)

    def _template(self, path: str, package) -> None:
        """A template package from the finance bureau: shown (region, year, version), installed
        beside the built-in templates after the clerk confirms; an older installed version is
        replaced only after a second confirmation."""
        name = Path(path).name
        try:
            from core.template_install import describe_template, install_template_package
        except ImportError:
            Prompts.warn(self.widget, "模板数据包",
                         f"{name} 是模板数据包，不是报告数据包。这个版本的绩效自评助手还不能安装模板，"
                         "请用更新版本的绩效自评助手安装。未作任何改动。")
            return
        data_dir = self.storage.data_dir
        files = getattr(package, "files", None) or {}
        info, findings = describe_template(files.get("template.json"), data_dir)
        if info is None:
            self.message.emit(f"无法安装 {name}，未作任何改动")
            Prompts.warn(self.widget, "模板无法安装", refused_text(name, findings).replace("无法导入", "无法安装"))
            return
        if not Prompts.confirm(self.widget, "安装模板",
                               f"{name} 是模板数据包：\n{info.summary()}\n\n"
                               "安装到本机的模板中（内置模板不受影响）？已写的报告不受影响。"):
            self.message.emit("已取消安装模板，未作任何改动")
            return
        status, findings = install_template_package(data_dir, package)
        if status == "needs_confirm":
            hint = next((f.message for f in findings if f.code == "TEMPLATE_REPLACE"), "将替换已安装的同名模板")
            if not Prompts.confirm(self.widget, "替换模板", f"{hint}。\n\n确定替换？"):
                self.message.emit("已取消替换模板，未作任何改动")
                return
            status, findings = install_template_package(data_dir, package, confirm_replace=True)
        if status in ("installed", "replaced"):
            text = (f"模板“{info.summary()}”已{'安装' if status == 'installed' else '替换为新版本'}，"
                    "新建报告时可以选用")
            self.message.emit(text)
            Prompts.inform(self.widget, "模板已安装", text)
            return
        self.message.emit(f"模板没有安装：{name}，未作任何改动")
        Prompts.warn(self.widget, "模板没有安装", refused_text(name, findings).replace("无法导入", "无法安装"))
