"""Reports carried on a USB stick, in the window (issue 11): export two drafts, import them in a
second data folder, change one there, carry it back: the preview shows one newer and one the
same, 用数据包中的替换 replaces, and the history point undoes it. A damaged package changes
nothing. Real widgets; only the modal calls (file dialogs, message boxes, the preview's exec)
are patched, and background work is waited for through ``Exchange.finished``."""
import dataclasses
import os

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog

from conftest import open_window
from desktop import dialogs, exchange
from desktop.drafts_model import COL_ORIGIN, HEADERS
from desktop.exchange import ImportPreviewDialog, Prompts

SHOTS = os.environ.get("JIXIAO_SHOTS")  # a folder: the screenshots are kept there for review


class Recorder:
    """Stands in for the message boxes and the preview's exec: keeps what the clerk would see."""

    def __init__(self, monkeypatch, save_to=None, qtbot=None):
        self.qtbot = qtbot
        self.said, self.previews, self.save_to = [], [], save_to
        monkeypatch.setattr(Prompts, "inform", staticmethod(lambda p, t, text: self.said.append(("inform", text))))
        monkeypatch.setattr(Prompts, "warn", staticmethod(lambda p, t, text: self.said.append(("warn", text))))
        monkeypatch.setattr(Prompts, "save_path", staticmethod(lambda p, suggested: self.pick(suggested)))
        self.suggested = []
        self.overrides = {}  # row → choice, set by the clerk in the preview
        self.shoot = None  # a file name: the next preview is photographed over its window
        monkeypatch.setattr(ImportPreviewDialog, "ask", classmethod(self.ask))

    def pick(self, suggested):
        self.suggested.append(suggested)
        return str(self.save_to) if self.save_to else None

    def ask(self, cls, items, info, local, parent=None):
        d = cls(items, info, local, parent)  # the real dialog, as the clerk sees it
        defaults = d.choices()
        if SHOTS and self.shoot:  # before anything is applied: the list as it is now behind it
            parent.window().show()
            d.show()
            self.qtbot.waitExposed(d)
            shot(parent.window(), d, self.shoot)
            d.hide()
            self.shoot = None
        for row, choice in self.overrides.items():
            d.set_choice(row, choice)
        self.previews.append({"statuses": [i.status for i in items], "defaults": defaults, "info": info,
                              "texts": [d.table.item(r, 4).text() for r in range(d.table.rowCount())],
                              "dialog": d})
        return d.choices()


def shot(background, dialog, name):
    """The dialog over the window at 1366×768, as the clerk sees it, kept in ``SHOTS``."""
    from PySide6.QtGui import QPainter

    image = background.grab()
    front = dialog.grab()
    painter = QPainter(image)
    painter.drawPixmap((image.width() - front.width()) // 2, (image.height() - front.height()) // 3, front)
    painter.end()
    image.save(os.path.join(SHOTS, name))


def select_all(view):
    view.table.selectAll()
    return view.selected_all()


def export(qtbot, w, rec, target):
    rec.save_to = target
    with qtbot.waitSignal(w.drafts.exchange.finished, timeout=20000):
        w.drafts.export_package()


def import_(qtbot, w, path):
    with qtbot.waitSignal(w.drafts.exchange.finished, timeout=20000):
        w.drafts.import_package(str(path))


def test_carried_to_a_second_office_changed_and_brought_back(qtbot, tmp_path, seeds, monkeypatch):
    usb = tmp_path / "U盘"
    usb.mkdir()
    rec = Recorder(monkeypatch, qtbot=qtbot)
    a, store_a = open_window(qtbot, tmp_path / "office")
    ids = [store_a.create(seeds["004"]), store_a.create(seeds["001"])]
    a.drafts.refresh()
    assert len(select_all(a.drafts)) == 2

    # 1. export both drafts to the stick
    export(qtbot, a, rec, usb / "两份.jxpkg")
    assert (usb / "两份.jxpkg").is_file() and rec.suggested[0].endswith(".jxpkg")
    kind, text = rec.said[-1]
    assert kind == "inform" and "已写入" in text and "已校验" in text and "安全删除硬件" in text
    assert [p.name for p in usb.iterdir()] == ["两份.jxpkg"]  # no temporary file left beside it

    # 2. in a second data folder: both arrive as new reports, with where they came from
    b, store_b = open_window(qtbot, tmp_path / "home")
    import_(qtbot, b, usb / "两份.jxpkg")
    preview = rec.previews[-1]
    assert preview["statuses"] == ["new", "new"] and preview["defaults"] == ["keep_both", "keep_both"]
    assert preview["info"]["unit"] in (seeds["004"].unit.name, seeds["001"].unit.name)
    assert preview["info"]["app_version"] and preview["info"]["created_at"]
    assert rec.said[-1] == ("inform", "导入 2 份，替换 0 份，跳过 0 份")
    drafts_b = store_b.list()
    assert len(drafts_b) == 2 and all("两份.jxpkg" in d.origin_text for d in drafts_b)
    shown = [b.drafts.proxy.index(r, COL_ORIGIN).data() for r in range(b.drafts.proxy.rowCount())]
    assert HEADERS[COL_ORIGIN] == "来源" and all("两份.jxpkg" in s for s in shown)

    # 3. one of them changed there, both packed again
    changed_id = next(d.id for d in drafts_b if d.unit == seeds["004"].unit.name)
    changed = dataclasses.replace(store_b.get(changed_id), title="改过的标题")
    store_b.save(changed_id, changed)
    b.drafts.refresh()
    select_all(b.drafts)
    export(qtbot, b, rec, usb / "带回.jxpkg")
    assert "已写入" in rec.said[-1][1]

    # 4. back in the office: one newer, one the same; defaults replace the newer, skip the same
    before = {i: store_a.get(i) for i in ids}
    rec.shoot = "import-preview.png"
    import_(qtbot, a, usb / "带回.jxpkg")
    preview = rec.previews[-1]
    by_status = dict(zip(preview["statuses"], preview["defaults"]))
    assert sorted(preview["statuses"]) == ["incoming_newer", "same"]
    assert by_status == {"incoming_newer": "replace", "same": "skip"}
    summary = rec.said[-1]
    assert summary[0] == "inform" and summary[1].startswith("导入 0 份，替换 1 份")
    assert "历史版本" in summary[1] and summary[1].endswith("跳过 1 份")
    replaced = next(i for i in ids if store_a.get(i).unit.name == seeds["004"].unit.name)
    assert store_a.get(replaced).title == "改过的标题"
    assert [d.id for d in store_a.list()] == [d.id for d in store_a.list()] and len(store_a.list()) == 2
    other = next(i for i in ids if i != replaced)
    assert store_a.get(other) == before[other]

    # 5. undo: the history point taken before the replacement brings the old content back
    snaps = store_a.snapshots(replaced)
    monkeypatch.setattr(dialogs.HistoryDialog, "ask", classmethod(lambda cls, s, parent=None: s[-1].id))
    monkeypatch.setattr("desktop.drafts_view.HistoryDialog", dialogs.HistoryDialog)
    a.drafts.refresh(replaced)
    a.drafts.history()
    assert snaps and store_a.get(replaced) == before[replaced]
    a.close()
    b.close()
    store_a.close()
    store_b.close()


def test_a_truncated_package_is_refused_in_chinese_and_changes_nothing(qtbot, tmp_path, seeds, monkeypatch):
    rec = Recorder(monkeypatch)
    w, storage = open_window(qtbot, tmp_path / "data")
    storage.create(seeds["004"])
    w.drafts.refresh()
    select_all(w.drafts)
    export(qtbot, w, rec, tmp_path / "好的.jxpkg")
    data = (tmp_path / "好的.jxpkg").read_bytes()
    bad = tmp_path / "拷了一半.jxpkg"
    bad.write_bytes(data[: len(data) // 2])
    before = [(d.id, d.updated_at) for d in storage.list(include_deleted=True)]
    import_(qtbot, w, bad)
    kind, text = rec.said[-1]
    assert kind == "warn" and "无法导入 拷了一半.jxpkg" in text and "未作任何改动" in text
    assert "Traceback" not in text and any("\u4e00" <= ch <= "\u9fff" for ch in text.split("：", 1)[1])
    assert rec.previews == []  # no preview for a refused package
    assert [(d.id, d.updated_at) for d in storage.list(include_deleted=True)] == before
    assert "未作任何改动" in w.statusBar().currentMessage()
    w.close()
    storage.close()


def test_a_stick_that_cannot_be_written_says_so_and_leaves_nothing(qtbot, tmp_path, seeds, monkeypatch):
    rec = Recorder(monkeypatch)
    w, storage = open_window(qtbot, tmp_path / "data")
    storage.create(seeds["004"])
    w.drafts.refresh()
    select_all(w.drafts)
    export(qtbot, w, rec, tmp_path / "拔掉的U盘" / "报告.jxpkg")  # the folder is gone
    kind, text = rec.said[-1]
    assert kind == "warn" and "没有写成" in text and "没有留下写了一半的文件" in text
    assert not (tmp_path / "拔掉的U盘").exists()
    w.close()
    storage.close()


def test_a_package_dropped_on_the_window_opens_its_preview(qtbot, tmp_path, seeds, monkeypatch):
    rec = Recorder(monkeypatch)
    w, storage = open_window(qtbot, tmp_path / "data")
    storage.create(seeds["004"])
    w.drafts.refresh()
    select_all(w.drafts)
    export(qtbot, w, rec, tmp_path / "拖进来.jxpkg")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "拖进来.jxpkg"))])
    event = QDropEvent(QPointF(20, 20), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    with qtbot.waitSignal(w.drafts.exchange.finished, timeout=20000):
        w.dropEvent(event)
    assert rec.previews[-1]["statuses"] == ["same"] and rec.previews[-1]["defaults"] == ["skip"]
    assert rec.said[-1] == ("inform", "导入 0 份，替换 0 份，跳过 1 份")
    w.close()
    storage.close()


def test_a_package_on_the_command_line_opens_the_window(monkeypatch):
    import desktop.app
    import desktop.main

    started = []
    monkeypatch.setattr(desktop.app, "run", lambda argv: started.append(argv) or 0)
    assert desktop.main.main(["D:/U盘/报告.JXPKG"]) == 0
    assert started == [["D:/U盘/报告.JXPKG"]]


def test_export_confirmation_screenshot(qtbot, tmp_path, seeds):
    w, storage = open_window(qtbot, tmp_path / "data")
    storage.create(seeds["004"])
    storage.create(seeds["001"])
    w.drafts.refresh()
    w.drafts.table.selectAll()
    w.show()
    qtbot.waitExposed(w)
    box = exchange.message_box(w, exchange.QMessageBox.Information, "数据包已写入",
                               exchange.written_text(r"E:\石峰区工商业联合会2024年度部门整体自评报告等2份.jxpkg"))
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    assert "安全删除硬件" in box.text() and box.icon() == exchange.QMessageBox.Information
    if SHOTS:
        shot(w, box, "export-written.png")
    box.done(QDialog.Accepted)
    w.close()
    storage.close()


def test_each_kind_of_report_gets_its_choices_and_a_safe_default(qtbot, seeds):
    from types import SimpleNamespace

    statuses = ["new", "same", "incoming_newer", "local_newer", "diverged"]
    items = [SimpleNamespace(incoming=SimpleNamespace(report=seeds["004"], digest="ABCD-EFGH-JKMN-PQRS"),
                             local_id=None if s == "new" else 7, status=s, status_text=f"说明{s}")
             for s in statuses]
    d = ImportPreviewDialog(items, {"name": "包.jxpkg", "unit": "某县财政局", "created_at": "2026-11-30T02:29:00Z",
                                    "app_version": "0.1.0"}, {7: "2026-11-29T10:00:00"})
    qtbot.addWidget(d)
    assert d.choices() == ["keep_both", "skip", "replace", "skip", "skip"]  # never a silent overwrite
    labels = [[c.itemText(i) for i in range(c.count())] for c in d.combos]
    assert labels[0] == ["导入", "跳过"] and labels[1] == ["跳过", "仍导入一份"]
    assert all(set(x) == {"保留两份", "用数据包中的替换", "跳过"} for x in labels[2:])
    assert d.table.item(1, 5).text() == "2026-11-29 10:00" and d.table.item(0, 5).text() == "—"
    d.set_choice(3, "keep_both")
    assert d.choices()[3] == "keep_both"


def test_a_template_package_is_shown_and_installed_after_confirming(qtbot, tmp_path, monkeypatch):
    import json
    from types import SimpleNamespace

    from core import templates as T

    data = json.loads((T.templates_dir() / "hunan-dept-2022.json").read_text(encoding="utf-8"))
    data.update({"id": "bureau-dept-2024", "name": "某县部门整体支出绩效自评（2024）", "region": "某县",
                 "year": 2024, "template_version": "2024.1"})
    package = SimpleNamespace(manifest={"kind": "template"},
                              files={"template.json": json.dumps(data, ensure_ascii=False).encode("utf-8")})
    monkeypatch.setattr(exchange, "_read", lambda path: (package, [], []))
    rec = Recorder(monkeypatch)
    asked = []
    monkeypatch.setattr(Prompts, "confirm", staticmethod(lambda p, t, text: asked.append(text) or True))
    w, storage = open_window(qtbot, tmp_path / "data")
    try:
        import_(qtbot, w, tmp_path / "模板.jxpkg")
        assert "某县" in asked[0] and "2024.1" in asked[0] and "2024" in asked[0]
        assert rec.said[-1][0] == "inform" and "已安装" in rec.said[-1][1]
        assert (tmp_path / "data" / "templates" / "bureau-dept-2024.json").is_file()
        assert rec.previews == [] and storage.list() == []
        new_draft = dialogs.NewDraftDialog(w)
        qtbot.addWidget(new_draft)
        offered = [new_draft.template.itemData(i) for i in range(new_draft.template.count())]
        assert "bureau-dept-2024" in offered and "hunan-dept-2022" in offered  # beside the built-in ones
        asked.clear()
        import_(qtbot, w, tmp_path / "模板.jxpkg")  # the same version again: refused, in Chinese
        assert rec.said[-1][0] == "warn" and "未作任何改动" in rec.said[-1][1]
    finally:
        w.close()
        storage.close()
        T.use_data_dir(None)


def test_closing_the_window_while_the_stick_is_written_is_quiet(qtbot, tmp_path, seeds, monkeypatch):
    from shiboken6 import delete
    from PySide6.QtWidgets import QApplication

    from desktop import worker

    rec = Recorder(monkeypatch)
    w, storage = open_window(qtbot, tmp_path / "data")
    storage.create(seeds["004"])
    w.drafts.refresh()
    select_all(w.drafts)
    rec.save_to = tmp_path / "关窗.jxpkg"
    w.drafts.export_package()
    assert worker._running  # still writing …
    delete(w.drafts)  # … when the list goes away
    qtbot.waitUntil(lambda: not worker._running, timeout=20000)
    assert rec.said == [] and QApplication.overrideCursor() is None
    assert (tmp_path / "关窗.jxpkg").is_file()  # written whole all the same
    w.close()
    storage.close()
