"""Our one-folder bundle against a hello-world PySide6-Essentials one-folder bundle, built the same way.

    .venv/bin/python bench/bundle_ratio.py [--runs 7] [--ours DIST/jixiao]

Builds both in this run with the same PyInstaller, the same Qt pruning (installer/qt_prune.py),
one-folder, stripped, no UPX: ours with installer/build.sh (bundle only), the hello world from a
QMainWindow with one Chinese QLabel. ``--ours`` reuses a bundle built already (same machine).

Prints, and exits 0:
- size on disk (allocated blocks) of each folder and the ratio (goal ≤ 1.3);
- start to first paint: a fresh process, offscreen, until the first paint event of a window
  (``FIRST_PAINT`` on stdout: desktop/paint_probe.py for ours, the same filter in the hello
  world), medians of N runs after one warm-up run each, and the ratio (goal ≤ 1.3). Ours opens
  a data folder that holds the five seed reports as drafts, as a clerk's would.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

HELLO = '''
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

app = QApplication(sys.argv)

class Probe(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if not self.seen and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget):
            self.seen = True
            print("FIRST_PAINT", flush=True)
            QTimer.singleShot(0, app.quit)
        return False

probe = Probe(app)
app.installEventFilter(probe)
w = QMainWindow()
w.setCentralWidget(QLabel("你好，世界"))
w.resize(1024, 700)
w.show()
sys.exit(app.exec())
'''

HELLO_SPEC = '''
import sys
sys.path.insert(0, {installer!r})
from qt_prune import QT_EXCLUDES, prune
a = Analysis([{script!r}], excludes=QT_EXCLUDES + ["tkinter", "unittest", "pydoc", "doctest"], noarchive=False)
a.binaries, a.datas = prune(a.binaries, a.datas)
pyz = PYZ(a.pure)
exe = EXE(pyz, a.scripts, [], exclude_binaries=True, name="hello", strip=True, upx=False, console=True)
coll = COLLECT(exe, a.binaries, a.datas, strip=True, upx=False, name="hello")
'''


def disk_size(folder: Path) -> int:
    total = 0
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_blocks * 512
    return total


def build_hello(work: Path) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    script = work / "hello.py"
    script.write_text(HELLO, encoding="utf-8")
    spec = work / "hello.spec"
    spec.write_text(HELLO_SPEC.format(installer=str(ROOT / "installer"), script=str(script)), encoding="utf-8")
    subprocess.run([PY, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR", "--distpath",
                    str(work / "dist"), "--workpath", str(work / "build"), str(spec)], check=True, cwd=work)
    return work / "dist" / "hello"


def build_ours(work: Path) -> Path:
    env = dict(os.environ, PYTHON=PY, DIST=str(work / "dist"), WORK=str(work / "build"),
               JIXIAO_SKIP_SMOKE="1", JIXIAO_NO_PACKAGES="1")
    subprocess.run(["sh", str(ROOT / "installer" / "build.sh")], check=True, cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL)
    return work / "dist" / "jixiao"


def first_paint(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        for line in proc.stdout:
            if line.strip() == "FIRST_PAINT":
                elapsed = time.perf_counter() - start
                break
        else:
            raise SystemExit(f"{cmd[0]} 没有画出窗口（退出码 {proc.wait()}）")
    finally:
        proc.wait(timeout=120)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description="打包体积与启动到首次绘制的时间：我们的程序对比 hello world")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--ours", help="已打包好的 dist/jixiao 文件夹（不重新打包）")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-bundle-bench-") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        hello = build_hello(work / "hello")
        hello_build = time.perf_counter() - t
        ours_build = None
        if args.ours:
            ours = Path(args.ours)
        else:
            t = time.perf_counter()
            ours = build_ours(work / "ours")
            ours_build = time.perf_counter() - t

        size_h, size_o = disk_size(hello), disk_size(ours)
        print(f"build time: hello {hello_build:.0f} s" + (f", ours {ours_build:.0f} s" if ours_build else ""))
        print(f"size on disk: ours {size_o / 2**20:.1f} MiB, hello {size_h / 2**20:.1f} MiB, "
              f"ratio {size_o / size_h:.2f}")

        home = work / "home"
        home.mkdir()
        data = work / "data"
        env = {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
               "JIXIAO_FIRST_PAINT_PROBE": "1"}
        for seed in sorted((ROOT / "tests" / "fixtures" / "seeds").glob("seed*.json")):
            subprocess.run([str(ours / "jixiao"), "import-json", str(seed), "--data-dir", str(data)],
                           check=True, env=env, stdout=subprocess.DEVNULL)
        ours_cmd = [str(ours / "jixiao"), "--data-dir", str(data)]
        hello_cmd = [str(hello / "hello")]
        first_paint(ours_cmd, env)  # warm-up: page cache, the database's first open of the day
        first_paint(hello_cmd, env)
        t_o, t_h = [], []
        for _ in range(args.runs):  # interleaved, so machine load hits both alike
            t_o.append(first_paint(ours_cmd, env))
            t_h.append(first_paint(hello_cmd, env))
        mo, mh = statistics.median(t_o), statistics.median(t_h)
        print(f"start to first paint (median of {args.runs}): ours {mo * 1000:.0f} ms, "
              f"hello {mh * 1000:.0f} ms, ratio {mo / mh:.2f}")
        shutil.rmtree(work / "data", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
