"""Shared fixtures. Qt runs headless: the platform is set before any QApplication exists."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
SEED_SOURCES = ROOT.parent / "shared" / "seeds"


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
