"""Start-to-first-paint probe for bench/bundle_ratio.py (``JIXIAO_FIRST_PAINT_PROBE=1``).

When the variable is set, ``desktop.main`` calls ``install()`` before the app starts: the next
QApplication made by ``desktop.app.make_app`` gets an event filter that, on the first paint event
of any widget, prints ``FIRST_PAINT`` on stdout and quits the app as a clerk closing it would.
The hello-world bundle of the benchmark does the same, so both are timed to the same event.
"""
from __future__ import annotations

import sys

LINE = "FIRST_PAINT"


def probe(app):
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QWidget

    class _Probe(QObject):
        seen = False

        def eventFilter(self, obj, event):  # noqa: N802
            if not self.seen and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget):
                self.seen = True
                print(LINE, flush=True, file=sys.stdout)
                QTimer.singleShot(0, app.quit)
            return False

    p = _Probe(app)
    app.installEventFilter(p)
    return p


def install() -> None:
    import desktop.app as app_module

    make_app = app_module.make_app

    def make_app_with_probe(*args, **kwargs):
        app = make_app(*args, **kwargs)
        if not hasattr(app, "_jixiao_paint_probe"):
            app._jixiao_paint_probe = probe(app)
        return app

    app_module.make_app = make_app_with_probe
