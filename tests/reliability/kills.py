"""SIGKILL at random moments, then a fresh start that checks nothing was lost.

Every scenario starts a real child process that prints ``READY`` when it is about to do the
work under test; the parent waits a random delay (from the suite's seeded RNG) and kills it
with SIGKILL, then ``common.inspect`` starts the program afresh on the same data directory.

Loops (``save``, ``autosave``) are killed 20–600 ms into their loop. One-shot operations
(``import-json``, ``migration``, ``backup``, ``restore``, ``recovery``) are first timed unkilled
three times (READY → DONE, the shortest is T) and then killed at a uniform moment in [0, 1.1·T], so
kills land all over the operation and a few after it ended.
"""
from __future__ import annotations

import queue
import random
import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tests.reliability.common import (DB_FIXTURES, TYPING_LIMIT, Fixtures, Inspector, copy_dir,
                                      inspect, kill, spawn, stale_tmp)
from tests.reliability.report import Summary

SAVE_CHILD = r"""
import dataclasses, sys
from core.storage import Storage
data, progress = sys.argv[1:3]
s = Storage.open(data)
target = max(d.id for d in s.list())
base = s.get(target)
print("READY", flush=True)
with open(progress, "a", encoding="utf-8") as fh:
    i = 0
    while True:
        s.save(target, dataclasses.replace(base, title=f"第{i}次编辑"))
        fh.write(f"{i}\n")
        fh.flush()
        i += 1
"""

AUTOSAVE_CHILD = r"""
import dataclasses, random, sys, time
from core.autosave import Autosaver
from core.storage import Storage
data, progress, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
s = Storage.open(data)
target = max(d.id for d in s.list())
base = s.get(target)
s.close()
saver = Autosaver(lambda: Storage.open(data), target)
print("READY", flush=True)
with open(progress, "a", encoding="utf-8") as fh:
    i, flush_at = 0, rng.randint(3, 25)
    while True:
        saver.changed(dataclasses.replace(base, title=f"第{i}次编辑"))
        fh.write(f"t {i} {time.time():.6f}\n")
        fh.flush()
        if i == flush_at:  # the clerk leaves the page: everything so far must be on disk
            ok = saver.flush()
            fh.write(f"f {i}\n" if ok else f"e {i} {saver.last_error}\n")
            fh.flush()
            flush_at = i + rng.randint(3, 25)
        i += 1
        time.sleep(rng.uniform(0.02, 0.12))  # keystrokes
"""

ONESHOT_CHILD = r"""
import sys
import core.cli, core.report_io, core.scoring, core.storage
from core.storage import Storage
mode = sys.argv[1]
print("READY", flush=True)
if mode == "open":
    with Storage.open(sys.argv[2]) as s:
        s.list()
    code = 0
else:
    code = core.cli.main(sys.argv[2:])
print("DONE", flush=True)
sys.exit(code)
"""

_TITLE = re.compile(r"第(\d+)次编辑")


@dataclass
class Scenario:
    name: str
    child: str
    prepare: Callable[[Fixtures, Path], dict]  # -> ctx (data, args, expectations)
    check: Callable[[dict, dict, Summary, str], None]
    loop: bool = False  # killed inside an endless loop (else: a one-shot, calibrated)


# -- preparation -------------------------------------------------------------------------------
def _base(fx: Fixtures, run: Path) -> dict:
    data = copy_dir(fx.base, run / "data")
    return {"data": data, "before": fx.BASE_DRAFTS}


def prep_save(fx, run):
    ctx = _base(fx, run)
    ctx["progress"] = run / "progress.txt"
    ctx["args"] = [ctx["data"], ctx["progress"]]
    return ctx


def prep_autosave(fx, run):
    ctx = prep_save(fx, run)
    ctx["args"].append("0")  # the typing seed, set per run
    return ctx


def prep_import(fx, run):
    ctx = _base(fx, run)
    ctx["args"] = ["cli", "import-json", str(fx.seed_file), "--data-dir", str(ctx["data"])]
    ctx["allowed"] = {fx.BASE_DRAFTS, fx.BASE_DRAFTS + 1}
    return ctx


def prep_migration(fx, run):
    data = run / "data"
    data.mkdir(parents=True)
    shutil.copyfile(DB_FIXTURES / "schema-v1.db", data / "jixiao.db")
    return {"data": data, "before": 2, "args": ["open", str(data)], "allowed": {2}}


def prep_backup(fx, run):
    ctx = _base(fx, run)
    ctx["args"] = ["cli", "backup", "--data-dir", str(ctx["data"])]
    ctx["allowed"] = {fx.BASE_DRAFTS}
    return ctx


def prep_restore(fx, run):
    ctx = _base(fx, run)
    source = run / "source.db"
    shutil.copyfile(fx.restore_source, source)
    ctx["args"] = ["cli", "restore", str(source), "--data-dir", str(ctx["data"])]
    ctx["allowed"] = {fx.BASE_DRAFTS, fx.RESTORE_DRAFTS}
    return ctx


def prep_recovery(fx, run):
    data = copy_dir(fx.damaged, run / "data")
    return {"data": data, "before": fx.DAMAGED_LIVE, "backup_count": fx.DAMAGED_BACKUP,
            "args": ["open", str(data)], "recovery": True}


# -- checks ------------------------------------------------------------------------------------
def _common(ctx: dict, res: dict, summary: Summary, where: str, expect_raw_ok: bool = True) -> bool:
    """Problems every scenario shares; False when the database could not be examined."""
    name = where
    if res.get("open_error"):
        summary.fail("loss", name, f"{ctx['label']}: next start fails: {res['open_error']}\n"
                                   f"{res.get('traceback', '')[-1500:]}")
        return False
    if expect_raw_ok and res.get("raw") not in ("ok",):
        summary.fail("loss", name, f"{ctx['label']}: database file after the kill is "
                                   f"{res.get('raw')} ({res.get('raw_error', '')}); files {res.get('files')}")
    if not res.get("integrity"):
        summary.fail("loss", name, f"{ctx['label']}: PRAGMA integrity_check fails after reopening")
    if res.get("unreadable"):
        summary.fail("loss", name, f"{ctx['label']}: drafts that cannot be read: {res['unreadable']}")
    for b, n in res.get("backups", {}).items():
        if isinstance(n, str) and n != "other":
            summary.fail("loss", name, f"{ctx['label']}: backup {b} is {n}")
    for t in stale_tmp(res):
        summary.note(f"{where}: a temp file left by the killed process is still there after the "
                     f"next start, which removes only old ones ({re.sub(r'[0-9a-z_]{6,}', '…', t)})")
    return True


def check_count(ctx, res, summary, where):
    if not _common(ctx, res, summary, where):
        return
    n = res.get("count", 0)
    if n < ctx["before"]:
        summary.fail("loss", where, f"{ctx['label']}: {ctx['before']} drafts before the kill, "
                                    f"{n} after (recovery message: {res.get('recovery') or 'none'})")
    elif "allowed" in ctx and n not in ctx["allowed"]:
        summary.fail("loss", where, f"{ctx['label']}: {n} drafts after the kill, expected one of "
                                    f"{sorted(ctx['allowed'])}")


def _stored_number(res: dict) -> int:
    titles = res.get("titles", {})
    last = str(max(map(int, titles))) if titles else None
    m = _TITLE.fullmatch(titles.get(last, "")) if last else None
    return int(m.group(1)) if m else -1


def check_save(ctx, res, summary, where):
    check_count(ctx, res, summary, where)
    if res.get("open_error"):
        return
    lines = _read_lines(ctx["progress"])
    committed = int(lines[-1]) if lines else -1
    stored = _stored_number(res)
    if stored < committed:
        summary.fail("loss", where, f"{ctx['label']}: save {committed} had returned, "
                                    f"the database holds save {stored}")


def check_autosave(ctx, res, summary, where):
    check_count(ctx, res, summary, where)
    if res.get("open_error"):
        return
    typed: dict[int, float] = {}
    flushed = -1
    for line in _read_lines(ctx["progress"]):
        parts = line.split(" ", 2)
        if parts[0] == "t" and len(parts) == 3:
            typed[int(parts[1])] = float(parts[2])
        elif parts[0] == "f":
            flushed = int(parts[1])
        elif parts[0] == "e":
            summary.fail("loss", where, f"{ctx['label']}: flush failed: {line}")
    stored = _stored_number(res)
    if stored < flushed:
        summary.fail("loss", where, f"{ctx['label']}: edit {flushed} was flushed, the database "
                                    f"holds edit {stored}")
    first_lost = typed.get(stored + 1)
    lost = max(0.0, ctx["killed_at"] - first_lost) if first_lost is not None else 0.0
    summary.typing(lost)
    if lost > TYPING_LIMIT:
        summary.fail("typing", where, f"{ctx['label']}: {lost:.2f} s of typing lost (edit "
                                      f"{stored} stored, {len(typed)} typed, limit {TYPING_LIMIT} s)")


def check_recovery(ctx, res, summary, where):
    if not _common(ctx, res, summary, where, expect_raw_ok=False):
        return
    n = res.get("count", 0)
    damaged_kept = any(f.startswith("jixiao-damaged-") for f in res.get("files", []))
    if n < ctx["backup_count"]:
        summary.fail("loss", where, f"{ctx['label']}: emptied — {n} drafts after restart, the good "
                                    f"backup had {ctx['backup_count']}; recovery message: "
                                    f"{res.get('recovery') or 'none'}; files {res.get('files')}")
    elif n < ctx["before"] and not (res.get("recovery") or damaged_kept):
        summary.fail("loss", where, f"{ctx['label']}: {n} of {ctx['before']} drafts and no word "
                                    f"why (no recovery message, no damaged file kept)")


def _read_lines(path: Path) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return text.split("\n")[:-1]  # a torn last line has no newline yet


SCENARIOS = [
    Scenario("kill: save", SAVE_CHILD, prep_save, check_save, loop=True),
    Scenario("kill: autosave", AUTOSAVE_CHILD, prep_autosave, check_autosave, loop=True),
    Scenario("kill: import-json", ONESHOT_CHILD, prep_import, check_count),
    Scenario("kill: migration v1", ONESHOT_CHILD, prep_migration, check_count),
    Scenario("kill: backup", ONESHOT_CHILD, prep_backup, check_count),
    Scenario("kill: restore", ONESHOT_CHILD, prep_restore, check_count),
    Scenario("kill: recovery", ONESHOT_CHILD, prep_recovery, check_recovery),
]


# -- running -----------------------------------------------------------------------------------
class Lines:
    """The child's stdout lines as they come, each with its arrival time."""

    def __init__(self, proc):
        self.seen: dict[str, float] = {}
        self.ready = threading.Event()
        self.done = threading.Event()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc):
        for line in proc.stdout:
            word = line.strip()
            self.seen.setdefault(word, time.monotonic())
            if word == "READY":
                self.ready.set()
            elif word == "DONE":
                self.done.set()
        self.ready.set()
        self.done.set()


def _start(sc: Scenario, ctx: dict):
    proc = spawn(sc.child, *map(str, ctx["args"]), data_dir=ctx["data"])
    lines = Lines(proc)
    lines.ready.wait(30)
    return proc, lines


def calibrate(sc: Scenario, fx: Fixtures, work: Path, summary: Summary) -> float:
    """Shortest time from READY to DONE of three unkilled runs (0.2 s if they all fail)."""
    times = []
    for i in range(3):
        run = work / f"calibrate-{sc.name.split(': ')[1].replace(' ', '-')}-{i}"
        ctx = sc.prepare(fx, run)
        ctx["label"] = f"unkilled run {i}"
        proc, lines = _start(sc, ctx)
        lines.done.wait(60)
        try:
            proc.wait(timeout=60)
        except Exception:
            pass
        err = kill(proc)
        summary.count(sc.name, runs=1)
        if "DONE" not in lines.seen or "READY" not in lines.seen or proc.returncode != 0 \
                or "Traceback" in err:
            summary.fail("crash", sc.name, f"unkilled run {i} failed (exit {proc.returncode}): "
                                           f"{err[-1500:]}")
            continue
        times.append(lines.seen["DONE"] - lines.seen["READY"])
        if i == 0:  # the operation itself works (the other two runs only time it)
            sc.check(ctx, inspect(ctx["data"]), summary, sc.name)
        shutil.rmtree(run, ignore_errors=True)
    return min(times) if times else 0.2  # the quickest: under load the others overshoot


def kill_once(sc: Scenario, fx: Fixtures, run: Path, seed: int, window: float,
              summary: Summary, examine=inspect) -> None:
    rng = random.Random(seed)
    ctx = sc.prepare(fx, run)
    if sc.name == "kill: autosave":
        ctx["args"][-1] = str(seed)
    delay = rng.uniform(0.02, 0.6) if sc.loop else rng.uniform(0, window * 1.1)
    ctx["label"] = f"run {run.name} (seed {seed}, killed {delay * 1000:.0f} ms after READY)"
    proc, lines = _start(sc, ctx)
    if "READY" not in lines.seen:
        err = kill(proc)
        summary.count(sc.name, runs=1)
        summary.fail("crash", sc.name, f"{ctx['label']}: child never got ready: {err[-1500:]}")
        return
    time.sleep(max(0.0, lines.seen["READY"] + delay - time.monotonic()))
    alive = proc.poll() is None
    finished = "DONE" in lines.seen
    ctx["killed_at"] = time.time()
    err = kill(proc)
    summary.count(sc.name, runs=1, kills=1 if alive else 0)
    if alive and finished:
        summary.note(f"{sc.name}: killed after the operation had finished (while exiting)")
    if not alive:
        if proc.returncode != 0 or "Traceback" in err:
            summary.fail("crash", sc.name, f"{ctx['label']}: child died before the kill "
                                           f"(exit {proc.returncode}): {err[-1500:]}")
        else:
            summary.note(f"{sc.name}: operation finished before the kill moment")
    before = len(summary.failures)
    sc.check(ctx, examine(ctx["data"]), summary, sc.name)
    if len(summary.failures) == before:
        shutil.rmtree(run, ignore_errors=True)  # keep only the runs that failed, to look at


def run_kills(fx: Fixtures, work: Path, per_scenario: int, seed: int, jobs: int,
              summary: Summary, log=print) -> None:
    rng = random.Random(seed)
    windows = {}
    for sc in SCENARIOS:
        if not sc.loop:
            windows[sc.name] = calibrate(sc, fx, work, summary)
            log(f"  {sc.name}: unkilled {windows[sc.name] * 1000:.0f} ms")
    tasks = []
    for sc in SCENARIOS:
        for i in range(per_scenario):
            slug = sc.name.split(": ")[1].replace(" ", "-")
            tasks.append((sc, work / f"{slug}-{i}", rng.randrange(2**31)))
    random.Random(seed + 1).shuffle(tasks)  # spread the scenarios over the workers
    done = [0]
    inspectors: queue.Queue = queue.Queue()
    for _ in range(jobs):
        inspectors.put(Inspector())

    def one(arg):
        k, (sc, run, s) = arg
        inspector = inspectors.get()
        try:
            # every 10th kill is examined by a brand-new process, the rest by a long-lived one
            kill_once(sc, fx, run, s, windows.get(sc.name, 0.0), summary,
                      examine=inspect if k % 10 == 0 else inspector)
        except Exception as e:  # a harness problem is reported, never hidden
            summary.fail("crash", sc.name, f"harness error in {run.name}: {type(e).__name__}: {e}")
        finally:
            inspectors.put(inspector)
        done[0] += 1
        if done[0] % 50 == 0:
            log(f"  {done[0]}/{len(tasks)} kills — so far {summary.kills} kills, "
                f"{summary.total('crash')} crashes, {summary.total('loss')} losses, "
                f"{summary.total('typing')} typing over limit, max typing lost {summary.max_typing_lost:.2f} s")

    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(one, enumerate(tasks)))
    finally:
        while not inspectors.empty():
            inspectors.get().close()
