"""The short reliability suite (issue 8): SIGKILLs during save, autosave, import, migration,
backup, restore and recovery; fuzzed and hostile inputs through every command; full disk,
read-only folder and a held write lock. See docs/reliability.md; the full version is
``python -m tests.reliability --full``."""
import json
import subprocess
import sys

from conftest import ROOT


def test_short_reliability_suite_finds_no_crash_hang_or_loss(tmp_path):
    summary_file = tmp_path / "summary.json"
    proc = subprocess.run([sys.executable, "-m", "tests.reliability", "--short", "--json", str(summary_file),
                           "--data-dir-root", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert summary_file.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    report = proc.stdout[proc.stdout.find("== 可靠性测试汇总"):]
    # the suite really ran: every kill scenario, the fuzz corpus and the faults
    assert summary["kills"] >= 7 and summary["inputs"] >= 100, report
    assert any(k.startswith("fault:") for k in summary["per_scenario"]), report
    assert (summary["crashes"], summary["hangs"], summary["data_lost"], summary["typing_over_limit"]) \
        == (0, 0, 0, 0), report
    assert proc.returncode == 0, report
