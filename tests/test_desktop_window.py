"""The window shows what the core computes for a report a clerk opens."""
from PySide6.QtWidgets import QTreeWidgetItemIterator

from conftest import SEEDS
from desktop.app import MainWindow


def texts(tree):
    out = []
    it = QTreeWidgetItemIterator(tree)
    while it.value():
        item = it.value()
        out.append([item.text(c) for c in range(tree.columnCount())])
        it += 1
    return out


def test_opening_seed004_shows_its_totals_and_weight_errors(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_report(str(SEEDS / "seed004.json"))
    rows = texts(w.sheet)
    assert rows[0][:4] == ["石峰区工商业联合会", "110", "110", "107"]
    assert ["产出指标", "75", "75", "73", "50"] in rows
    found = texts(w.findings)
    assert found[0][0] == "错误（6）"
    assert any("标注 50 分" in r[0] and r[1] == "table/groups/0" for r in found)
    assert "错误 6 项" in w.statusBar().currentMessage()


def test_a_broken_file_changes_nothing_and_says_why(qtbot, tmp_path):
    bad = tmp_path / "坏文件.json"
    bad.write_text('{"year": ', encoding="utf-8")
    w = MainWindow()
    qtbot.addWidget(w)
    assert not w.open_report(str(bad))
    assert "无法打开" in w.title.text()
    assert "JSON 格式错误" in texts(w.findings)[0][0]
