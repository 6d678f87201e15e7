"""Shared fixtures. Qt runs headless: the platform is set before any QApplication exists."""
import contextlib
import os
import subprocess
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


@pytest.fixture(scope="session")
def seeds():
    """The five seed reports, loaded from their JSON transcriptions: {'000': Report, ...}."""
    from core.report_io import load_report

    out = {}
    for path in sorted(SEEDS.glob("seed*.json")):
        report, findings = load_report(path)
        assert report is not None, findings
        out[path.stem[4:]] = report
    return out


@pytest.fixture
def open_draft(tmp_path):
    """``open_draft(report)`` → a DraftSession on a new draft in a throw-away data directory."""
    from core.storage import Storage
    from desktop.session import DraftSession

    opened = []

    def make(report):
        storage = Storage.open(tmp_path / "data")
        session = DraftSession(storage, tmp_path / "data", storage.create(report))
        opened.append((session, storage))
        return session
    yield make
    for session, storage in opened:
        session.close()
        storage.close()


@pytest.fixture
def show_page(qtbot):
    """``show_page(PageClass, session)`` → the page loaded and shown at the wizard's page size."""
    pages = []

    def make(cls, session):
        p = cls(session)
        qtbot.addWidget(p)
        p.resize(1166, 700)
        p.load()
        p.show()
        pages.append(p)
        return p
    yield make
    for p in pages:
        p.close()  # a closed page takes no more shortcuts


def open_window(qtbot, data):
    """The main window on the data folder ``data`` at 1366×768, and its storage."""
    from core.storage import Storage
    from desktop.main_window import MainWindow

    storage = Storage.open(data)
    w = MainWindow(storage, data)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    return w, storage


def overview_field(w, path):
    """The 部门概况 field at ``path`` (e.g. "overview/duties") of the open editor."""
    from desktop.pages.overview import OverviewPage

    page = next(p for p in w.editor.pages if isinstance(p, OverviewPage))
    return next(f for f in page.fields if f.path == path)


LOCK_HOLDER = (
    "import sys\n"
    "from core.instance_lock import InstanceLock\n"
    "lock = InstanceLock.acquire(sys.argv[1])\n"
    "print('LOCKED' if lock else 'BUSY', flush=True)\n"
    "sys.stdin.readline()\n"
)


@contextlib.contextmanager
def app_holding(folder):
    """A second process holding ``folder``'s app lock (as the open app does) until the block ends."""
    proc = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(folder)], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "LOCKED"
        yield proc
    finally:
        if proc.poll() is None and proc.stdin and not proc.stdin.closed:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()


@pytest.fixture(autouse=True)
def _import_question_must_be_answered(monkeypatch):
    """The import step's 替换/追加 question is a modal box: a test that reaches it without saying
    what the clerk answers would wait forever (a hung CI run). Fail at once instead; a test that
    means to answer patches ``ReplaceOrAppend.ask`` itself."""
    try:
        from desktop.table_mapping import ReplaceOrAppend
    except ImportError:  # pragma: no cover - Qt missing: no desktop tests run at all
        return

    def unanswered(page, existing, incoming):
        raise AssertionError("the import step asked 替换/追加 and the test gave no answer: "
                             "patch desktop.table_mapping.ReplaceOrAppend.ask")
    monkeypatch.setattr(ReplaceOrAppend, "ask", unanswered)
