"""Start-up: from a fresh Python process to a shown, usable main window, against a bare PySide6
window in the same run (offscreen). Prints the ratio; product goal: within 1.3×."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1366, 768); w.show(); app.processEvents()
"""

OURS = """
import sys
from pathlib import Path
from desktop.app import make_app
app = make_app([])
from core.storage import Storage
from desktop.main_window import MainWindow
data = Path(sys.argv[1])
storage = Storage.open(data)
w = MainWindow(storage, data); w.resize(1366, 768); w.show(); app.processEvents()
storage.close()
"""


def run(code: str, *args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        run(OURS, tmp)  # warm the disk cache and create the database once
        bare = statistics.median(run(BARE) for _ in range(7))
        ours = statistics.median(run(OURS, tmp) for _ in range(7))
    print(f"bare PySide6 window {bare:.2f} s, jixiao main window {ours:.2f} s, ratio {ours / bare:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
