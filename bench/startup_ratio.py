"""Start-up: the REAL start path to the first paint, and the peak memory, against a bare window.

Ours: ``python -m desktop.main --data-dir D`` in a fresh process. The bare floor: a ``python -c``
script that makes a ``QApplication`` and a 1366×768 ``QMainWindow`` and shows it. Both run with
the same environment (``QT_QPA_PLATFORM=offscreen``) and are stopped at the same event by the
same probe (desktop/paint_probe.py, ``JIXIAO_BENCH_PAINTED=FILE``): one event-loop turn after the
window's first paint event the process writes a timestamp and ends with ``os._exit(0)``, so the
figure is start to a drawn window, without shutdown. Ours and the floor alternate, each case
repeated; median and min.

Both sides run with Python's bytecode cache on (``PYTHONDONTWRITEBYTECODE`` removed from the
child's environment; the untimed warm-up run writes it), as in an installed copy: the bundle
ships compiled modules, and compiling our sources at every start is not what a clerk waits for.

Cases: 5 drafts (the five seeds); the same with the last draft reopened (``ui.json`` as the app
writes it, naming the largest seed); 1,000 drafts; 10,000 drafts. Peak memory is the child's
``ru_maxrss`` (``os.wait4``) at the first paint, and once more with ``JIXIAO_BENCH_UNTIL=started``:
after the last draft has been reopened and its wizard painted.
Run: python -m bench.startup_ratio   (POSIX: needs os.wait4)
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import Figure, interleaved, print_table  # noqa: E402

BARE = """
import os, sys
from PySide6.QtWidgets import QApplication, QMainWindow
from desktop.paint_probe import PAINTED_ENV, probe
app = QApplication(sys.argv[:1])
app._probe = probe(app, os.environ[PAINTED_ENV])
w = QMainWindow(); w.resize(1366, 768); w.show()
app.exec()
"""

# Not a floor of the table: the bare window with what Qt itself costs for OUR visible
# window — the Chinese translator, the app font, the three Chinese menus with their actions and
# shortcuts, the status bar and a label — and none of our Python: how much of the gap between
# ours and the bare window is Qt drawing a Chinese window (a row not in the table).
CHINESE = """
import os, sys
from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
from desktop.paint_probe import PAINTED_ENV, probe
app = QApplication(sys.argv[:1])
app._probe = probe(app, os.environ[PAINTED_ENV])
tr = QTranslator(app)
if tr.load(QLocale(QLocale.Chinese, QLocale.China), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
    app.installTranslator(tr)
font = QFont(app.font()); font.setPointSize(max(font.pointSize(), 11)); app.setFont(font)
w = QMainWindow(); w.setWindowTitle("绩效自评助手"); w.resize(1366, 768)
w.setCentralWidget(QLabel("正在打开上次编辑的报告……"))
menus = {"文件(&F)": [("导入报告(&I)…", "Ctrl+O"), ("导入数据包(&P)…", ""), ("导出数据包到U盘(&E)…", ""),
                      ("汇总各单位报告(&S)…", ""), ("返回草稿列表(&L)", "Ctrl+L")],
         "视图(&V)": [("大字体", "Ctrl+=")], "帮助(&H)": [("使用说明(&U)…", "F1"), ("关于绩效自评助手(&A)…", "")]}
for title, actions in menus.items():
    menu = w.menuBar().addMenu(title)
    for text, key in actions:
        a = QAction(text, w)
        if key:
            a.setShortcuts([QKeySequence(key)])
        menu.addAction(a)
w.statusBar().showMessage("就绪")
w.show()
app.exec()
"""


class Child:
    """One side of the comparison: a command whose runs are timed by ``interleaved`` and whose
    peak memory (KiB) is kept per run."""

    def __init__(self, args: list[str], extra_env: dict[str, str] | None = None):
        self.args = args
        self.extra_env = extra_env or {}
        self.maxrss: list[int] = []

    def __call__(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            painted = Path(tmp) / "painted"
            err = Path(tmp) / "stderr"
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
                   "JIXIAO_BENCH_PAINTED": str(painted), **self.extra_env}
            env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as in an installation
            with open(err, "wb") as stderr:
                p = subprocess.Popen([sys.executable, *self.args], cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, stderr=stderr)
                _, status, usage = os.wait4(p.pid, 0)
                p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode != 0 or not painted.exists():
                raise RuntimeError(f"{self.args} ended {p.returncode} without painting:\n"
                                   + err.read_text(errors="replace")[-2000:])
            self.maxrss.append(usage.ru_maxrss)


def ours(data: Path, **extra_env: str) -> Child:
    return Child(["-m", "desktop.main", "--data-dir", str(data)], extra_env)


def bare() -> Child:
    return Child(["-c", BARE])


def chinese() -> Child:
    return Child(["-c", CHINESE])


def data_folder(root: Path, name: str, n: int, reopen: bool = False) -> Path:
    """A data folder with ``n`` drafts, closed cleanly; ``reopen``: ui.json names the largest
    draft. The probe ends the app with ``os._exit`` (no clean close): ``clean_close`` puts the
    clean-shutdown mark back before each run, as a clerk's last session would have left it."""
    from bench.list_drafts import fill
    from core.storage import Storage

    folder = root / name
    with Storage.open(folder) as store:
        ids = fill(store, n)
        if reopen:
            largest = store.db.execute(
                "SELECT id FROM drafts ORDER BY length(report_json) DESC LIMIT 1").fetchone()[0]
            assert largest in ids
            (folder / "ui.json").write_text(json.dumps({"last_draft": largest}), encoding="utf-8")
    return folder


def clean_close(folder: Path):
    """A setup for ``interleaved``: the clean-shutdown mark (core/storage/clean.py) as the last
    clean close left it."""
    from core.storage.clean import MARK_NAME

    mark = folder / MARK_NAME
    text = mark.read_bytes()
    return lambda: mark.write_bytes(text)


def _mib(kib: list[int]) -> float:
    return statistics.median(kib) / 1024


def measure(quick: bool = False) -> list[Figure]:
    repeat = 3 if quick else 9
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        five = data_folder(root, "five", 5)
        reopen = data_folder(root, "reopen", 5, reopen=True)
        cases = [("start to first paint, 5 drafts", five, 1.3),
                 ("start with the last draft reopened (largest seed), to first paint", reopen, 1.5)]
        k10 = None
        if not quick:
            k10 = data_folder(root, "k10", 10000)
            cases += [("start to first paint, 1,000 drafts", data_folder(root, "k1", 1000), 1.5),
                      ("start to first paint, 10,000 drafts", k10, 1.5)]
        # what Qt alone costs for the same visible window (not in the table): see CHINESE
        t_zh, t_base = interleaved(chinese(), bare(), repeat=repeat)
        figures.append(Figure("Qt alone: a bare window with our Chinese menus, status bar and translator",
                              "bare QMainWindow, same probe", t_zh, t_base, goal=1.3,
                              note="not in the issue's table; none of our code", reference=True))
        bare_five = None
        for what, folder, goal in cases:
            a, b = ours(folder), bare()
            t_ours, t_base = interleaved(a, b, repeat=repeat, setup=clean_close(folder))
            figures.append(Figure(what, "bare QMainWindow, same probe", t_ours, t_base, goal=goal))
            if folder is five:
                bare_five, ours_five = b, a
        assert bare_five is not None
        figures.append(Figure(
            "peak memory at start, 5 drafts", "bare QMainWindow", None, None, goal=1.5,
            value=statistics.median(ours_five.maxrss) / statistics.median(bare_five.maxrss),
            note=f"ru_maxrss {_mib(ours_five.maxrss):.0f} MiB vs {_mib(bare_five.maxrss):.0f} MiB"))
        # Not in the table, shown so that "first paint" is not read as the whole start:
        # until the start work after it is done (list built, backup, last draft) and painted.
        if k10 is not None:
            a, b = ours(k10, JIXIAO_BENCH_UNTIL="started"), bare()
            t_ours, t_base = interleaved(a, b, repeat=repeat, setup=clean_close(k10))
            figures.append(Figure("start until the drafts list is painted, 10,000 drafts",
                                  "bare QMainWindow, same probe", t_ours, t_base, goal=1.5,
                                  note="not in the issue's table", reference=True))
        wizard, floor = ours(reopen, JIXIAO_BENCH_UNTIL="started"), bare()
        t_ours, t_base = interleaved(wizard, floor, repeat=repeat, setup=clean_close(reopen))
        figures.append(Figure("start until the last draft's wizard is painted (largest seed)",
                              "bare QMainWindow, same probe", t_ours, t_base, goal=1.5,
                              note="not in the issue's table", reference=True))
        figures.append(Figure(
            "peak memory at start with the last draft's wizard open", "bare QMainWindow", None, None,
            goal=1.5, value=statistics.median(wizard.maxrss) / statistics.median(floor.maxrss),
            note=f"ru_maxrss {_mib(wizard.maxrss):.0f} MiB vs {_mib(floor.maxrss):.0f} MiB"))
    return figures


if __name__ == "__main__":
    print_table(measure(quick="--quick" in sys.argv))
