"""Every hostile input through every command: no traceback, a known exit status, Chinese, finished.

The corpus is tests/fixtures/hostile/ (see its README.md); the big inputs are made here at run
time. Each command runs in-process through ``core.cli.main`` (fast); the inputs that used to take
minutes or gigabytes run in a real process with a timeout, and so do a few ordinary ones, to
prove that nothing reaches the real stderr. Exit status 3 means an internal error: for an input
we know is bad it is a bug, so it fails here like a traceback would.
"""
import importlib.util
import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS
from core import cli

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
TEMPLATES = HOSTILE / "templates"
REPORTS = sorted(p.name for p in HOSTILE.glob("*.json"))
TABLES = sorted(p.name for p in HOSTILE.iterdir() if p.suffix in (".csv", ".xlsx"))
HOSTILE_TEMPLATES = sorted(p.stem for p in TEMPLATES.glob("*.json"))
#: inputs that once took minutes or gigabytes: only in a real process, with a time limit
SLOW = re.compile(r"1E[+-]999999999|nested|rows|unbroken|MB|100000|sections")
TIMEOUT = 20
TRACE = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|File \"")
CJK = re.compile(r"[\u4e00-\u9fff]")
TABLE_ARGS = ["--template", "national-10hao-project", "--budget", "10", "--executed", "10"]


def _load_corpus_module():
    spec = importlib.util.spec_from_file_location("make_corpus", HOSTILE / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def large(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-large")
    return {p.name: p for p in _load_corpus_module().write_large(folder)}


@pytest.fixture
def data(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(folder))
    return folder


def run_in_process(capsys, args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def run_process(args, data, timeout=TIMEOUT, **kw) -> tuple[int, str, str]:
    env = {**os.environ, "JIXIAO_DATA_DIR": str(data), "PYTHONIOENCODING": "utf-8"}
    try:
        proc = subprocess.run([sys.executable, "-m", "desktop", *map(str, args)], cwd=ROOT, env=env,
                              capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        proc = None
    if proc is None:
        pytest.fail(f"jixiao {' '.join(map(str, args))[:200]} did not finish in {timeout} s")
    return proc.returncode, proc.stdout, proc.stderr


def assert_handled(code, out, err, args, allowed=(0, 1, 2)):
    what = f"jixiao {' '.join(map(str, args))[:300]}"
    assert not TRACE.search(out + err), f"{what}: Python error text reached the clerk:\n{(err or out)[-2000:]}"
    assert code in allowed, f"{what}: exit {code} (3 = internal error, a bug):\n{err[-2000:]}"
    assert CJK.search(out + err), f"{what}: no Chinese in the output:\n{(out + err)[:500]}"
    if code == 2 and "--json" in map(str, args):  # the reason goes to stdout, machine-readable
        assert json.loads(out)["findings"] and CJK.search(out), f"{what}: exit 2 without a reason"
    elif code == 2:
        assert CJK.search(err), f"{what}: exit 2 without a Chinese reason on stderr"


def report_commands(path: Path, out: Path):
    return {
        "score": ["score", path],
        "check": ["check", path],
        "score-json": ["score", path, "--json"],
        "export": ["export", path, "--docx", out / "out.docx", "--pdf", out / "out.pdf"],
    }


def run(args, capsys, data, slow):
    if slow:
        return run_process(args, data)
    return run_in_process(capsys, args)


def source(name, large):
    return large[name] if name in large else HOSTILE / name


# -- report JSON ---------------------------------------------------------------------------------
LARGE_REPORTS = ["report-nested-100000-deep.json", "report-5000-sections.json", "report-2000-rows.json",
                 "report-10000-rows.json", "report-25MB-title.json"]
#: export cost is tried with 2,000 rows (once 131 s, now ~15 s for both files, inside TIMEOUT);
#: 10,000 rows (linear: ~70 s) would only make the suite slow, so they are scored, checked, imported
NOT_EXPORTED = {"report-10000-rows.json"}


@pytest.mark.parametrize("name,command", [
    (name, command) for name in REPORTS + LARGE_REPORTS for command in ("score", "check", "score-json", "export")
    if not (command == "export" and name in NOT_EXPORTED)])
def test_report_commands(name, command, large, data, tmp_path, capsys):
    path = source(name, large)
    args = report_commands(path, tmp_path)[command]
    code, out, err = run(args, capsys, data, bool(SLOW.search(name)))
    assert_handled(code, out, err, args)
    if command == "score-json":
        json.loads(out)  # machine-readable whatever came in
    if command == "export" and code == 0:
        assert (tmp_path / "out.docx").stat().st_size > 0 and (tmp_path / "out.pdf").stat().st_size > 0


@pytest.mark.parametrize("name", REPORTS + LARGE_REPORTS)
def test_import_json_then_export_json(name, large, data, tmp_path, capsys):
    """A report that import-json accepts can be read back: export-json gives a loadable file."""
    from core.report_io import load_report

    slow = bool(SLOW.search(name))
    args = ["import-json", source(name, large)]
    code, out, err = run(args, capsys, data, slow)
    assert_handled(code, out, err, args, allowed=(0, 2))
    if code != 0:
        return
    draft = re.search(r"编号\s*(\d+)", out).group(1)
    target = tmp_path / "back.json"
    args = ["export-json", draft, target]
    code, out, err = run(args, capsys, data, slow)
    assert_handled(code, out, err, args, allowed=(0,))
    report, findings = load_report(target)
    assert report is not None, findings
    args = ["list"]
    code, out, err = run(args, capsys, data, slow)
    assert_handled(code, out, err, args, allowed=(0,))


# -- indicator tables ----------------------------------------------------------------------------
LARGE_TABLES = ["table-100000-char-cell.csv", "table-50MB.csv"]


@pytest.mark.parametrize("command", ["check", "score-json", "no-template"])
@pytest.mark.parametrize("name", TABLES + LARGE_TABLES)
def test_table_commands(name, command, large, data, capsys):
    path = source(name, large)
    args = {"check": ["check", path, *TABLE_ARGS],
            "score-json": ["score", path, "--template", "national-10hao-project", "--json"],
            "no-template": ["score", path]}[command]
    code, out, err = run(args, capsys, data, bool(SLOW.search(name)))
    assert_handled(code, out, err, args)


@pytest.mark.parametrize("name", ["table-gbk-with-one-utf8-cell.csv", "table-stray-quote.csv",
                                  "table-unbalanced-quote.csv", "table-random-bytes.csv"])
def test_a_damaged_table_is_refused_not_misread(name, data, capsys):
    """Mixed encodings, a stray quote, random bytes: refused with exit 2, or read without mojibake."""
    args = ["score", HOSTILE / name, *TABLE_ARGS, "--json"]
    code, out, err = run_in_process(capsys, args)
    assert_handled(code, out, err, args)
    if code != 2:
        names = [n for row in json.loads(out)["indicators"] for n in row["names"]]
        assert len(names) >= 3 and not any("\ufffd" in n or "锟" in n or "浼" in n for n in names), names


def test_the_ok_fixtures_are_ok(data, capsys):
    """The corpus's base files are clean: what fails in the others is what was changed."""
    assert run_in_process(capsys, ["check", HOSTILE / "report-ok.json"])[0] == 0
    assert run_in_process(capsys, ["check", HOSTILE / "table-ok.csv", *TABLE_ARGS])[0] == 0


# -- templates whose formulas cannot be evaluated ------------------------------------------------
@pytest.fixture
def hostile_templates(tmp_path, monkeypatch):
    """The installed templates plus the hostile ones, as the template folder.

    A report names its template by id and only installed templates can be named, so the
    hostile templates are installed here (into a copy of the folder) rather than named by path.
    """
    from core import templates

    folder = tmp_path / "templates"
    shutil.copytree(templates.templates_dir(), folder)
    for p in TEMPLATES.glob("*.json"):
        shutil.copy(p, folder)
    monkeypatch.setattr(templates, "templates_dir", lambda: folder)
    monkeypatch.setattr(templates, "_default", None)
    return folder


@pytest.mark.parametrize("command", ["score", "check", "score-json", "export"])
@pytest.mark.parametrize("template", HOSTILE_TEMPLATES)
def test_hostile_template_formulas(template, command, hostile_templates, data, tmp_path, capsys):
    report = json.loads((SEEDS / "seed000.json").read_text(encoding="utf-8"))
    report["template"] = template
    path = tmp_path / f"seed000-{template}.json"
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    args = report_commands(path, tmp_path)[command]
    code, out, err = run_in_process(capsys, args)
    assert_handled(code, out, err, args)
    assert "找不到模板" not in out + err  # the hostile template itself was used
    if command != "export":  # the clerk is told: the template refused by name, or the formula as a finding
        assert template in out + err or "公式" in out + err, out + err


def test_a_table_with_a_hostile_template(hostile_templates, data, capsys):
    for template in HOSTILE_TEMPLATES:
        args = ["check", HOSTILE / "table-ok.csv", "--template", template, "--budget", "10", "--executed", "10"]
        assert_handled(*run_in_process(capsys, args), args)


# -- real processes: nothing on the real stderr ---------------------------------------------------
@pytest.mark.parametrize("name", ["report-weight-nan.json", "report-title-lone-surrogate.json",
                                  "report-binary-garbage.json", "report-utf16.json", "report-array.json"])
def test_in_a_real_process(name, tmp_path):
    for args in (["check", HOSTILE / name], ["score", HOSTILE / name, "--json"], ["import-json", HOSTILE / name],
                 ["export", HOSTILE / name, "--docx", tmp_path / "x.docx"]):
        assert_handled(*run_process(args, tmp_path / "data"), args)


# -- a data directory that cannot be written -----------------------------------------------------
SEED = SEEDS / "seed003.json"


def _without_root_powers():
    """In the child: as root, drop the capabilities that ignore file modes (as setpriv does)."""
    if os.geteuid() != 0:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search, cap_fowner = 24, 1, 2, 3
    for cap in (cap_dac_override, cap_dac_read_search, cap_fowner):
        if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")


def _set_modes(data: Path, folder_mode: int, file_mode: int) -> None:
    for p in data.rglob("*"):
        p.chmod(folder_mode if p.is_dir() else file_mode)
    data.chmod(folder_mode)


def test_import_into_a_read_only_data_dir(tmp_path):
    data = tmp_path / "data"
    code, out, err = run_process(["import-json", SEED], data)
    assert code == 0, err
    _set_modes(data, 0o555, 0o444)
    try:
        for args in (["import-json", SEED], ["list"], ["backup"]):
            code, out, err = run_process(args, data, preexec_fn=_without_root_powers)
            assert_handled(code, out, err, args, allowed=(0, 2) if args == ["list"] else (2,))
    finally:
        _set_modes(data, 0o755, 0o644)


def test_a_data_dir_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for args in (["import-json", SEED, "--data-dir", blocker / "data"], ["list", "--data-dir", blocker / "data"]):
        code, out, err = run_process(args, tmp_path / "unused")
        assert_handled(code, out, err, args, allowed=(2,))


def test_a_database_that_is_a_folder(tmp_path):
    data = tmp_path / "data"
    (data / "jixiao.db").mkdir(parents=True)
    for args in (["import-json", SEED], ["list"]):
        code, out, err = run_process(args, data)
        assert_handled(code, out, err, args, allowed=(2,))


def test_import_while_another_program_holds_the_write_lock(tmp_path, capsys):
    data = tmp_path / "data"
    assert run_process(["import-json", SEED], data)[0] == 0
    holder = sqlite3.connect(data / "jixiao.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        args = ["import-json", SEED]
        code, out, err = run_process(args, data, timeout=60)
        assert_handled(code, out, err, args, allowed=(2,))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run_process(["import-json", SEED], data)[0] == 0  # and afterwards it works


def _small_file_limit(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_import_onto_a_full_disk(tmp_path):
    data = tmp_path / "data"
    assert run_process(["import-json", SEED], data)[0] == 0
    size = (data / "jixiao.db").stat().st_size
    args = ["import-json", SEED]
    code, out, err = run_process(args, data, preexec_fn=_small_file_limit(size))
    assert_handled(code, out, err, args, allowed=(2,))
    code, out, err = run_process(["list"], data)
    assert code == 0 and out.count("\n") == 2, out  # the header and the one draft: nothing half-written
