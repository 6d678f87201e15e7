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


def shoot(outdir: Path, seed: Path = DEFAULT_SEED, size: tuple[int, int] = (1366, 768)) -> list[Path]:
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
    usage = "用法：python -m desktop.screenshots 输出目录 [报告.json] [--size 1280x720]"
    argv = list(argv)
    size = (1366, 768)
    if "--size" in argv:
        i = argv.index("--size")
        try:
            w, h = argv[i + 1].lower().split("x")
            size = (int(w), int(h))
        except (IndexError, ValueError):
            print(usage, file=sys.stderr)
            return 2
        del argv[i:i + 2]
    if not argv:
        print(usage, file=sys.stderr)
        return 2
    seed = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEED
    for p in shoot(Path(argv[0]), seed, size):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
