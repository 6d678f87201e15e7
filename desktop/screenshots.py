"""Screenshots for review: ``python -m desktop.screenshots OUTDIR [SEED.json] [--size WxH]``.

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
DEFAULT_SEED = ROOT / "tests" / "fixtures" / "seeds" / "seed004.json"


def shoot(outdir: Path, seed: Path = DEFAULT_SEED, size: tuple[int, int] = (1366, 768),
          large_text: bool = False) -> list[Path]:
    from desktop.app import make_app

    app = make_app(sys.argv[:1])
    from core.storage import Storage
    from desktop.main_window import MainWindow

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
        app.processEvents()
        path = outdir / "00-草稿列表.png"
        w.grab().save(str(path))
        written.append(path)
        w.open_draft(draft)
        for i, page in enumerate(w.editor.pages, start=1):
            w.editor.steps.setCurrentRow(i - 1)
            if hasattr(page, "tree"):
                page.tree.expandAll()
            for _ in range(3):  # a page rebuilt on show lays out over a few event-loop passes
                app.processEvents()
            path = outdir / f"{i:02d}-{page.title}.png"
            w.grab().save(str(path))
            written.append(path)
        w.close()
        storage.close()
    return written


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m desktop.screenshots",
                                     description="每个向导页面截一张图（1366×768，无需显示器）")
    parser.add_argument("outdir", help="输出目录")
    parser.add_argument("report", nargs="?", default=str(DEFAULT_SEED), help="报告 JSON（默认：种子 004）")
    parser.add_argument("--size", default="1366x768", help="窗口大小，如 1280x720")
    parser.add_argument("--large-text", action="store_true", help="打开“大字体”后截图")
    args = parser.parse_args(argv)
    try:
        w, h = args.size.lower().split("x")
        size = (int(w), int(h))
    except ValueError:
        parser.error(f"--size 应写成 宽x高，例如 1280x720，而不是“{args.size}”")
    for p in shoot(Path(args.outdir), Path(args.report), size, args.large_text):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
