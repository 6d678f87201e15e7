"""Screenshots for review: ``python -m desktop.screenshots OUTDIR [SEED.json] [--size WxH]``
(``--summary``: the 汇总 workspace with 300 sample packages instead).

Loads a seed report (seed 004 by default) into a throw-away data directory and writes one PNG
per wizard page, plus the drafts list, at 1366×768 logical pixels (``--size`` for others) —
offscreen, so it runs on a build server. For a 1920×1080 screen at 150 % set
``QT_SCALE_FACTOR=1.5`` and ``--size 1280x720``.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
STABLE_PASSES = 3  # this many event-loop passes in a row with no widget moving or resizing
MAX_PASSES = 500


def layout_signature(window) -> tuple:
    """Where every visible widget is and how big: equal twice when nothing moves any more."""
    from PySide6.QtWidgets import QWidget

    return tuple((w.objectName(), w.geometry().getRect(), w.font().pointSize())
                 for w in window.findChildren(QWidget) if w.isVisible())


def settle(app, window) -> int:
    """Process events until the window is exposed and its layout has stopped changing (a font
    change under 大字体, a page rebuilt on show, word-wrapped labels taking their height all
    settle over several passes). No sleeping: each pass handles what is pending. The passes used."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtTest import QTest

    QTest.qWaitForWindowExposed(window)
    last, same = None, 0
    for n in range(1, MAX_PASSES + 1):
        QCoreApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        app.processEvents()
        sig = layout_signature(window)
        same = same + 1 if sig == last else 0
        last = sig
        if same >= STABLE_PASSES:
            return n
    return MAX_PASSES
DEFAULT_SEED = ROOT / "tests" / "fixtures" / "seeds" / "seed004.json"


def shoot(outdir: Path, seed: Path = DEFAULT_SEED, size: tuple[int, int] = (1366, 768),
          large_text: bool = False) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from desktop.app import make_app

    before = QApplication.font() if QApplication.instance() else None  # called from a running app or test
    app = make_app(sys.argv[:1])
    from core.storage import Storage
    from desktop.main_window import MainWindow, restore_fonts

    font = before or app.font()  # 大字体 changes the application's fonts: put back afterwards

    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        storage = Storage.open(data)
        w = MainWindow(storage, data)
        w.resize(*size)
        w.large_text.setChecked(large_text)
        w.show()
        draft = w.import_report(str(seed))
        settle(app, w)
        path = outdir / "00-草稿列表.png"
        w.grab().save(str(path))
        written.append(path)
        w.open_draft(draft)
        for i, page in enumerate(w.editor.pages, start=1):
            w.editor.steps.setCurrentRow(i - 1)
            if hasattr(page, "tree"):
                page.tree.expandAll()
            settle(app, w)  # a page rebuilt on show (and 大字体) lays out over several passes
            path = outdir / f"{i:02d}-{page.title}.png"
            w.grab().save(str(path))
            written.append(path)
            if hasattr(page, "set_head_open"):  # 绩效目标与指标 with its folded boxes open as well
                page.set_head_open(True)
                settle(app, w)
                path = outdir / f"{i:02d}-{page.title}-展开.png"
                w.grab().save(str(path))
                written.append(path)
                page.set_head_open(False)
        w.close()
        storage.close()
        restore_fonts(font)
    return written


def shoot_summary(outdir: Path, size: tuple[int, int] = (1366, 768), large_text: bool = False,
                  packages: int = 300) -> list[Path]:
    """The 汇总 workspace: ``packages`` sample packages (``desktop.summary.samples``) read with
    the progress bar showing, then the list, the 审核意见 and one report opened read-only."""
    import time

    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop.app import make_app

    before = QApplication.font() if QApplication.instance() else None
    app = make_app(sys.argv[:1])
    from core.findings import ERROR
    from core.storage import Storage
    from desktop.main_window import MainWindow, restore_fonts
    from desktop.summary.samples import make_sample_packages

    font = before or app.font()
    outdir.mkdir(parents=True, exist_ok=True)
    written = []

    def save(name: str) -> None:
        settle(app, w)
        path = outdir / name
        w.grab().save(str(path))
        written.append(path)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "数据包"
        make_sample_packages(folder, packages)
        storage = Storage.open(Path(tmp) / "data")
        w = MainWindow(storage, Path(tmp) / "data")
        w.resize(*size)
        w.large_text.setChecked(large_text)
        w.show()
        w.show_summary()
        ws = w.summary_page
        started = time.monotonic()
        ws.add_paths([str(folder)])
        while ws.gathering.running and ws.progress.value() < packages // 3:
            QTest.qWait(20)  # the bar a third of the way: the window keeps painting meanwhile
        save("汇总-00-读取中.png")
        while ws.gathering.running:
            QTest.qWait(20)
        print(f"读取 {packages} 个数据包（界面不冻结）：{time.monotonic() - started:.1f} 秒")
        from PySide6.QtCore import Qt

        from desktop.summary.models import COL_VERSIONS
        ws.table.sortByColumn(COL_VERSIONS, Qt.DescendingOrder)  # the units sent twice on top
        save("汇总-01-报告列表.png")
        ws.tabs.setCurrentIndex(1)
        ws.findings.severity.setCurrentIndex(ws.findings.severity.findData(ERROR))
        ws.findings.table.selectRow(0)
        save("汇总-02-审核意见.png")
        finding = ws.findings.current()
        if finding is not None:
            ws.findings.open_requested.emit(finding)
            save("汇总-03-只读报告.png")
        w.close()
        storage.close()
        restore_fonts(font)
    return written


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m desktop.screenshots",
                                     description="每个向导页面截一张图（1366×768，无需显示器）")
    parser.add_argument("outdir", help="输出目录")
    parser.add_argument("report", nargs="?", default=str(DEFAULT_SEED), help="报告 JSON（默认：种子 004）")
    parser.add_argument("--size", default="1366x768", help="窗口大小，如 1280x720")
    parser.add_argument("--large-text", action="store_true", help="打开“大字体”后截图")
    parser.add_argument("--summary", action="store_true",
                        help="汇总工作区：300 个示例数据包读入后的列表、审核意见和只读报告")
    parser.add_argument("--packages", type=int, default=300, help="--summary 时示例数据包的个数（默认 300）")
    args = parser.parse_args(argv)
    try:
        w, h = args.size.lower().split("x")
        size = (int(w), int(h))
    except ValueError:
        parser.error(f"--size 应写成 宽x高，例如 1280x720，而不是“{args.size}”")
    if args.summary:
        for p in shoot_summary(Path(args.outdir), size, args.large_text, args.packages):
            print(p)
        return 0
    for p in shoot(Path(args.outdir), Path(args.report), size, args.large_text):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
