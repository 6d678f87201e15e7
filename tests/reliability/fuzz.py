"""Fuzz: generated and hostile inputs through every command.

Inputs: the unmodified seeds and fixture tables (must pass), every file of the hostile corpus
``tests/fixtures/hostile/`` (globbed, whatever is there), and ``n`` inputs drawn with hypothesis
(``strategies.py``; seeded, so a run is repeatable): mutated seed reports, reports built from
the model, CSV and XLSX tables.

Each input goes through every command in-process (``core.cli.main`` with its output captured)
inside a long-lived worker process, so a hang can be cut off at 10 s and a memory blow-up
(address space limited to 4 GB) or a segfault cannot take the suite down. Every
``subprocess_every``-th input also runs through the installed ``jixiao`` entry point in its own
process. Counted as a crash: an exception escaping ``main``, a "Traceback" in the output, exit
status 3 (internal error) or any status other than 0/1/2, a worker that died, and a report that
``import-json`` accepted but ``export-json`` or ``list`` then cannot read back.
"""
from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.reliability.common import (HANG_SECONDS, HOSTILE, ROOT, child_env, jixiao_command,
                                      log_tail, run)
from tests.reliability.report import Summary

WORKER = r"""
import io, json, os, sys, time, traceback
proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
null = os.open(os.devnull, os.O_WRONLY)
os.dup2(null, 1)  # stray C-level output never mixes with the answers
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
except Exception:
    pass
import core.cli
folder = os.environ.get("RELIABILITY_TEMPLATES")
if folder:  # the installed templates plus the hostile ones (reports name templates by id)
    from pathlib import Path
    from core import templates
    templates.templates_dir = lambda: Path(folder)
    if hasattr(templates, "_default"):
        templates._default = None
proto.write("READY\n")
for line in sys.stdin:
    argv = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    code, exc, t = None, None, time.monotonic()
    try:
        code = core.cli.main(argv)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    except BaseException:
        exc = traceback.format_exc()
    finally:
        sys.stdout, sys.stderr = saved
    proto.write(json.dumps({"code": code, "exc": exc, "out": out.getvalue()[-4000:],
                            "err": err.getvalue()[-4000:], "secs": time.monotonic() - t}) + "\n")
"""


class Worker:
    """A child process running CLI commands in-process, one JSON line per command."""

    def __init__(self, home: Path, templates: Path | None = None):
        self.home = home
        self.templates = templates
        self.proc = None
        self.lines: queue.Queue = queue.Queue()
        self.start()

    def start(self):
        env = child_env(self.home / "data")
        if self.templates:
            env["RELIABILITY_TEMPLATES"] = str(self.templates)
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                     errors="replace")
        self.lines = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc, self.lines), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.proc,), daemon=True).start()
        first = self.lines.get(timeout=60)
        if first is None or not first.startswith("READY"):
            raise RuntimeError("fuzz worker did not start")

    @staticmethod
    def _read(proc, lines):
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    @staticmethod
    def _drain(proc):
        for _ in proc.stderr:
            pass

    def call(self, argv: list[str]) -> dict:
        try:
            self.proc.stdin.write(json.dumps(argv) + "\n")
            self.proc.stdin.flush()
            line = self.lines.get(timeout=HANG_SECONDS)
        except queue.Empty:
            self.restart()
            return {"hang": True}
        except (BrokenPipeError, OSError):
            line = None
        if line is None:  # the worker died (segfault, out of memory, killed)
            self.proc.wait()
            code = self.proc.returncode
            self.restart()
            return {"died": code}
        return json.loads(line)

    def restart(self):
        self.stop()
        self.start()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait()


def commands(path: Path, tmp: Path, pdf: bool) -> list[list[str]]:
    """The in-process commands for one input (export-json and list follow a successful import)."""
    f = str(path)
    if path.suffix.lower() in (".csv", ".xlsx", ".xlsm", ".xls", ".txt"):
        tpl = ["--template", "national-10hao-project", "--budget", "10", "--executed", "9.5"]
        return [["check", f, *tpl], ["score", f, *tpl, "--json"], ["score", f, "--template", "hunan-dept-2022"],
                ["check", f], ["import-json", f, "--data-dir", str(tmp / "data")]]
    if path.suffix.lower() == ".db":
        fresh = tmp / "restore-data"
        shutil.rmtree(fresh, ignore_errors=True)
        return [["restore", f, "--data-dir", str(fresh)], ["list", "--data-dir", str(fresh)], ["check", f]]
    out = [["check", f], ["score", f], ["score", f, "--json"],
           ["import-json", f, "--data-dir", str(tmp / "data")], ["export", f, "--docx", str(tmp / "out.docx")]]
    if pdf:
        out.append(["export", f, "--pdf", str(tmp / "out.pdf"), "--final"])
    return out


def judge(res: dict) -> tuple[str, str] | None:
    """(kind, detail) when a command result is a crash or a hang; None when it is fine."""
    if res.get("hang"):
        return "hang", f"no answer within {HANG_SECONDS:.0f} s, twice (killed)"
    if "died" in res:
        return "crash", f"worker process died (exit {res['died']}: a negative number is a signal)"
    if res.get("exc"):
        return "crash", "uncaught exception:\n" + res["exc"][-2000:]
    text = (res.get("out") or "") + (res.get("err") or "")
    if res.get("code") == 3:
        return "crash", "exit 3 (internal error): " + text[-600:] + log_tail(text)
    if res.get("code") not in (0, 1, 2):
        return "crash", f"exit {res.get('code')}: " + text[-1500:]
    if "Traceback" in text:
        return "crash", "traceback in output:\n" + text[-2000:]
    return None


def run_input(worker: Worker, path: Path, label: str, pdf: bool, summary: Summary,
              scenario: str) -> bool:
    tmp = worker.home
    ok = True
    runs = 0
    for argv in commands(path, tmp, pdf):
        res = worker.call(argv)
        runs += 1
        if res.get("hang"):  # once more in a fresh worker: a stall of the machine is not a hang
            res = _retry(lambda: worker.call(argv), summary, scenario)
            runs += 1
        bad = judge(res)
        if bad:
            ok = False
            summary.fail(bad[0], scenario, f"{label}: jixiao {' '.join(_short_argv(argv))}: {bad[1]}")
            continue
        if argv[0] == "import-json" and res.get("code") == 0:
            m = re.search(r"编号\s*(\d+)", res.get("out", ""))
            if not m:
                continue
            for follow in (["export-json", m.group(1), str(tmp / "back.json"), "--data-dir", str(tmp / "data")],
                           ["list", "--data-dir", str(tmp / "data")]):
                r2 = worker.call(follow)
                runs += 1
                bad = judge(r2)
                if bad is None and r2.get("code") != 0:
                    bad = ("crash", f"import-json accepted it as draft {m.group(1)}, but "
                                    f"`{follow[0]}` then exits {r2.get('code')}: "
                                    + (r2.get("err") or r2.get("out") or "")[-800:])
                if bad:
                    ok = False
                    summary.fail(bad[0], scenario, f"{label}: jixiao {' '.join(_short_argv(follow))}: {bad[1]}")
                    if follow[0] == "list":  # a draft that breaks the list: start a clean folder
                        shutil.rmtree(tmp / "data", ignore_errors=True)
    summary.count(scenario, runs=runs, inputs=1)
    return ok


def run_subprocess(path: Path, tmp: Path, label: str, summary: Summary, scenario: str) -> bool:
    """The same input through the installed entry point, in its own process."""
    ok = True
    data = tmp / "sub-data"
    argvs = [["check", str(path)], ["import-json", str(path), "--data-dir", str(data)]]
    if path.suffix.lower() in (".csv", ".xlsx"):
        argvs[0] += ["--template", "national-10hao-project"]
    for argv in argvs:
        def once():
            code, out, err, _ = run(jixiao_command() + argv, timeout=HANG_SECONDS)
            return {"hang": True} if code is None else {"code": code, "out": out, "err": err}

        res = once()
        summary.count(scenario, runs=1)
        if res.get("hang"):
            res = _retry(once, summary, scenario)
            summary.count(scenario, runs=1)
        bad = judge(res)
        if bad:
            ok = False
            summary.fail(bad[0], scenario, f"{label}: `jixiao {' '.join(_short_argv(argv))}` "
                                           f"(own process): {bad[1]}")
    return ok


def _retry(call, summary: Summary, scenario: str) -> dict:
    """A command that gave no answer within 10 s, run once more: a hang again is a hang; an
    answer in time is noted (the machine stalled, e.g. swapping) and judged like any other."""
    res = call()
    if not res.get("hang"):
        summary.note(f"{scenario}: a command took over {HANG_SECONDS:.0f} s once and answered in "
                     "time on the retry (machine stalled?)")
    return res


def _short_argv(argv):
    return [re.sub(r"^.*/(fuzz|hostile)/", r"…/\1/", a) for a in argv]


def generate(n: int, seed: int) -> list[tuple[str, bytes, str]]:
    """``n`` inputs from the hypothesis strategies, the same ones for the same seed."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    from tests.reliability.strategies import report_inputs, table_inputs

    out: list = []
    for strategy, count, s in ((report_inputs(), n - n * 3 // 10, seed), (table_inputs(), n * 3 // 10, seed + 1)):
        if count <= 0:
            continue
        got: list = []

        @hseed(s)
        @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def collect(x):
            got.append(x)

        collect()
        out += got[:count]
    return out


def _hostile_templates(work: Path, inputs_dir: Path, items: list, summary: Summary) -> Path | None:
    """Install the corpus's hostile templates beside the real ones (for the workers) and add
    one report per hostile template: seed000 naming it."""
    hostile = sorted((HOSTILE / "templates").glob("*.json"))
    if not hostile:
        return None
    try:
        from core import templates

        installed = templates.templates_dir()
        assert hasattr(templates, "templates_dir")
    except Exception as e:
        summary.skipped.append(f"hostile templates: cannot find the template folder ({e})")
        return None
    folder = work / "templates"
    shutil.copytree(installed, folder, dirs_exist_ok=True)
    seed = json.loads((ROOT / "tests" / "fixtures" / "seeds" / "seed000.json").read_text(encoding="utf-8"))
    for p in hostile:
        shutil.copy(p, folder)
        report = dict(seed, template=p.stem)
        path = inputs_dir / f"template-{p.stem}.json"
        path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
        items.append(("fuzz: hostile templates", path, f"seed000 with template {p.stem}"))
    return folder


def run_fuzz(work: Path, generated: list, seed: int, jobs: int, summary: Summary, log=print,
             subprocess_every: int = 10, pdf_every: int = 25) -> None:
    from tests.reliability.strategies import fixture_files

    inputs_dir = work / "inputs"
    inputs_dir.mkdir(parents=True, exist_ok=True)
    items: list[tuple[str, Path, str]] = []  # (scenario, file, label)
    for p in fixture_files():
        items.append(("fuzz: fixtures (must pass)", p, p.name))
    hostile = sorted(p for p in HOSTILE.rglob("*") if p.is_file() and p.parent.name != "templates"
                     and p.suffix.lower() in
                     (".json", ".csv", ".xlsx", ".xlsm", ".xls", ".db", ".txt"))
    for p in hostile:
        items.append(("fuzz: hostile corpus", p, f"hostile/{p.relative_to(HOSTILE)}"))
    if not hostile:
        summary.skipped.append(f"hostile corpus: {HOSTILE.relative_to(ROOT)} is missing or empty")
    templates = _hostile_templates(work, inputs_dir, items, summary)
    for i, (desc, data, suffix) in enumerate(generated):
        p = inputs_dir / f"gen{i:05d}{suffix}"
        p.write_bytes(data)
        kind = "tables" if suffix in (".csv", ".xlsx") else "reports"
        items.append((f"fuzz: generated {kind}", p, f"gen{i:05d} {desc}"))
    log(f"  {len(items)} inputs ({len(hostile)} from the hostile corpus)")
    failed = work / "failed-inputs"
    failed.mkdir(exist_ok=True)
    lock = threading.Lock()
    slots: queue.Queue = queue.Queue()
    workers = [Worker(work / f"worker{j}", templates) for j in range(jobs)]
    for w in workers:
        slots.put(w)
    done = [0]

    def one(arg):
        k, (scenario, path, label) = arg
        w = slots.get()
        try:
            ok = run_input(w, path, label, pdf=k % pdf_every == 0, summary=summary, scenario=scenario)
            if k % subprocess_every == 0:
                ok = run_subprocess(path, w.home, label, summary, scenario) and ok
        finally:
            slots.put(w)
        if not ok:
            shutil.copy(path, failed / path.name)
        with lock:
            done[0] += 1
            if done[0] % 100 == 0:
                log(f"  {done[0]}/{len(items)} inputs — so far {summary.total('crash')} crashes, "
                    f"{summary.total('hang')} hangs")

    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(one, enumerate(items)))
    finally:
        for w in workers:
            w.stop()
    if any(failed.iterdir()):
        summary.note(f"fuzz: inputs that failed are copied to {failed}")
