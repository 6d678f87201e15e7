"""The Qt binding we install must survive a working day of edits.

PySide6-Essentials 6.12.0 drops one reference to ``True`` on every ``Signal.emit()`` made from
Python; after about a thousand emits the interpreter aborts with "Fatal Python error:
bool_dealloc" — in the app, every edit of a field emits ``changed``, so a clerk typing for a
while would lose the window. pyproject.toml excludes that version; this test catches any
version with the same fault (it runs in a child process, so an abort fails the test instead of
killing the run)."""
from __future__ import annotations

import os
import subprocess
import sys

CHILD = """
import sys
from PySide6.QtCore import QObject, Signal

class Session(QObject):
    changed = Signal()
    edited = Signal(str, object)

s = Session()
seen = [0]

def count(*args):
    seen[0] += 1  # keeps no reference to what was emitted

s.changed.connect(count)
s.edited.connect(count)
before = sys.getrefcount(True)
for i in range(20000):
    s.changed.emit()
    s.edited.emit("overview/unit", i % 2 == 0)
after = sys.getrefcount(True)
print(seen[0], before, after)
"""


def test_twenty_thousand_edits_do_not_abort_the_process():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, f"the Qt binding aborted after repeated emits:\n{done.stderr[-800:]}"
    delivered, before, after = (int(x) for x in done.stdout.split())
    assert delivered == 40000  # every edit reached its listener
    assert abs(after - before) < 100, f"references to True leak: {before} → {after}"
