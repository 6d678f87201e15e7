"""Start-to-first-paint probes for the benches; nothing here runs unless a variable is set.

* ``JIXIAO_FIRST_PAINT_PROBE=1`` (bench/bundle_ratio.py): on the first paint event of any widget
  the app prints ``FIRST_PAINT`` on stdout and quits as a clerk closing it would.
* ``JIXIAO_BENCH_PAINTED=FILE`` (bench/startup_ratio.py): when the first paint of the window has
  finished (the whole window drawn, one event-loop turn after its first paint event), the app
  writes ``time.time()`` to FILE and ends at once (``os._exit(0)``: no shutdown time in the
  figure). With ``JIXIAO_BENCH_UNTIL=started`` it waits instead until the start-up work after
  the first paint is done (the last draft reopened; ``desktop.app`` then calls the probe's ``started(window)``) and the
  window has painted again: the peak memory of a start with the wizard open. With
  ``JIXIAO_BENCH_MODULES=1`` the names of the modules loaded by then follow, one a line.

``desktop.main`` calls ``install()`` before the app starts: the next QApplication made by
``desktop.app.make_app`` gets the event filter. The bare windows of the benches do the same
thing in the same way, so both sides are timed to the same event.
"""
from __future__ import annotations

import os
import sys
import time

LINE = "FIRST_PAINT"
PAINTED_ENV = "JIXIAO_BENCH_PAINTED"
UNTIL_ENV = "JIXIAO_BENCH_UNTIL"
MODULES_ENV = "JIXIAO_BENCH_MODULES"


def probe(app, painted_file: str | None = None, until_started: bool = False):
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QWidget

    def finish() -> None:
        if painted_file is None:
            print(LINE, flush=True, file=sys.stdout)
            app.quit()
            return
        with open(painted_file, "w", encoding="utf-8") as f:
            f.write(repr(time.time()))
            if os.environ.get(MODULES_ENV):  # tests/test_startup_paint.py: what was loaded by then
                f.write("\n" + "\n".join(sorted(sys.modules)))
        sys.stdout.flush()
        os._exit(0)

    class _Probe(QObject):
        seen = False
        waiting = not until_started  # for a paint that ends the run

        def eventFilter(self, obj, event):  # noqa: N802
            if self.waiting and not self.seen and event.type() == QEvent.Type.Paint \
                    and isinstance(obj, QWidget):
                self.seen = True
                QTimer.singleShot(0, finish)  # after the rest of this paint pass
            return False

        def started(self, window) -> None:
            if until_started:
                self.waiting = True
                window.update()
                QTimer.singleShot(2000, finish)  # nothing left to paint: end anyway

    p = _Probe(app)
    app.installEventFilter(p)
    return p


def install() -> None:
    import desktop.app as app_module

    make_app = app_module.make_app
    painted = os.environ.get(PAINTED_ENV) or None
    until = os.environ.get(UNTIL_ENV) == "started"

    def make_app_with_probe(*args, **kwargs):
        app = make_app(*args, **kwargs)
        if not hasattr(app, "_jixiao_paint_probe"):
            app._jixiao_paint_probe = probe(app, painted, until)
        return app

    app_module.make_app = make_app_with_probe
