"""Simulated environment faults: full disk, read-only folder, a held write lock, and a missing,
empty or foreign database beside good backups.

Full disk: a 8 MB tmpfs filled to the last byte (as root), else ``RLIMIT_FSIZE`` = 0 in the
child (writes that grow a file fail with EFBIG; SIGXFSZ ignored). Read-only folder: a
read-only bind mount of the data directory (as root; ``chmod`` does not stop root), else
``chmod -R a-w`` (as an ordinary user); when neither works the summary says "not simulated".
Write lock: another process holds ``BEGIN IMMEDIATE`` for 3 s and for 8 s (longer than SQLite's
5 s busy timeout). Each case asserts a Chinese message or success, no traceback, no exit 3,
nothing lost afterwards — and for autosave that the edit reaches the disk by itself once the
fault is gone (no further typing).
"""
from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

from tests.reliability.common import (Fixtures, copy_dir, inspect, jixiao_command, log_tail, run,
                                      spawn, wait_line)
from tests.reliability.report import Summary

FILL = r"""
import os, sys
def fill(root):
    path = os.path.join(root, "filler.bin")
    with open(path, "wb", buffering=0) as fh:
        for size in (1 << 16, 4096, 512, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError:
                pass
def free(root):
    os.unlink(os.path.join(root, "filler.bin"))
"""

AUTOSAVE_FAULT = FILL + r"""
import dataclasses, sqlite3, subprocess, time
from core.autosave import Autosaver
from core.storage import Storage
data, mode, arg = sys.argv[1], sys.argv[2], sys.argv[3]
s = Storage.open(data)
target = max(d.id for d in s.list())
base = s.get(target)
s.close()
saver = Autosaver(lambda: Storage.open(data), target)
saver.changed(dataclasses.replace(base, title="故障前的编辑"))
print("FIRST", saver.flush(), flush=True)
locker = None
if mode == "disk":
    fill(arg)
elif mode == "rlimit":
    import resource, signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
elif mode == "lock":
    locker = subprocess.Popen([sys.executable, "-c", sys.argv[4], data, arg], stdout=subprocess.PIPE, text=True)
    assert locker.stdout.readline().startswith("LOCKED")
saver.changed(dataclasses.replace(base, title="故障中的编辑"))
time.sleep(1.6)  # the write falls due and meets the fault
print("DURING", repr(saver.last_error), flush=True)
if mode == "disk":
    free(arg)
elif mode == "rlimit":
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
elif mode == "lock":
    locker.wait()
freed = time.monotonic()
con = sqlite3.connect(f"file:{data}/jixiao.db?mode=ro", uri=True, timeout=1)
while time.monotonic() - freed < 15:  # no more typing: the edit must get to the disk by itself
    try:
        title = con.execute("SELECT title FROM drafts WHERE id = ?", [target]).fetchone()[0]
    except sqlite3.Error:
        title = None
    if title == "故障中的编辑":
        print(f"STORED {time.monotonic() - freed:.2f}", flush=True)
        break
    time.sleep(0.1)
else:
    print("NOT STORED", repr(saver.last_error), flush=True)
con.close()
print("CLOSE", saver.close(), flush=True)
"""

LOCKER = r"""
import sqlite3, sys, time
con = sqlite3.connect(f"{sys.argv[1]}/jixiao.db", isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("LOCKED", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("COMMIT")
"""


def _mount(*args: str) -> bool:
    try:
        return subprocess.run(["mount", *args], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _mounted(path: Path) -> bool:
    target = os.path.realpath(path).encode("unicode_escape").decode().replace(" ", "\\040")
    with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
        return any(line.split()[1] == target for line in fh if len(line.split()) > 1)


def _umount(path: Path) -> None:
    """Unmount, retrying while the mount is busy; lazily as a last resort."""
    for attempt in range(10):
        subprocess.run(["umount", str(path)], capture_output=True, timeout=20)
        if not _mounted(path):
            return
        time.sleep(0.2)
    subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=20)


def _chinese(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def _judge_cli(summary: Summary, scenario: str, what: str, code, out: str, err: str,
               ok_codes=(0, 2)) -> None:
    summary.count(scenario, runs=1)
    if code is None:
        summary.fail("hang", scenario, f"{what}: no exit within 10 s")
    elif "Traceback" in out + err or code == 3:
        summary.fail("crash", scenario, f"{what}: exit {code}: {(err or out)[-1500:]}{log_tail(err + out)}")
    elif code not in ok_codes:
        summary.fail("crash", scenario, f"{what}: exit {code} (expected {ok_codes}): {(err or out)[-800:]}")
    elif code != 0 and not _chinese(err + out):
        summary.fail("crash", scenario, f"{what}: exit {code} without a Chinese message: {(err or out)[-800:]}")


def _expect_count(summary, scenario, what, data: Path, allowed: set[int]) -> dict:
    res = inspect(data)
    if res.get("open_error"):
        summary.fail("loss", scenario, f"{what}: afterwards the database does not open: "
                                       f"{res['open_error']}\n{res.get('traceback', '')[-1000:]}")
    elif not res.get("integrity") or res.get("count") not in allowed:
        summary.fail("loss", scenario, f"{what}: afterwards integrity {res.get('integrity')}, "
                                       f"{res.get('count')} drafts (expected {sorted(allowed)})")
    return res


def _autosave_fault(summary, scenario, data: Path, mode: str, arg: str, extra=()) -> None:
    proc = spawn(AUTOSAVE_FAULT, str(data), mode, arg, *extra, data_dir=data)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        summary.fail("hang", scenario, f"autosave child did not finish in 60 s: {out[-500:]}")
    summary.count(scenario, runs=1, faults=1)
    if "Traceback" in err or proc.returncode not in (0, None):
        summary.fail("crash", scenario, f"autosave child exit {proc.returncode}: {err[-1500:]}")
    if "DURING None" in out and mode in ("disk", "rlimit"):
        summary.note(f"{scenario}: the autosave during the fault succeeded — the fault did not bite")
    if "FIRST True" not in out:
        summary.fail("loss", scenario, f"autosave could not save before the fault: {out[-500:]}")
    elif "STORED" not in out:
        summary.fail("loss", scenario, "an edit made during the fault was never written after the "
                                       f"fault ended (no further typing): {out.strip()[-600:]}")
    m = re.search(r"DURING (.*)", out)
    if m and m.group(1) not in ("None", "''") and not _chinese(m.group(1)):
        summary.fail("crash", scenario, f"autosave error not in Chinese: {m.group(1)[:300]}")


# -- the cases ---------------------------------------------------------------------------------
def full_disk(fx: Fixtures, work: Path, summary: Summary, log) -> None:
    scenario = "fault: full disk"
    mnt = work / "disk"
    mnt.mkdir(parents=True)
    if os.geteuid() == 0 and _mount("-t", "tmpfs", "-o", "size=8M", "tmpfs", str(mnt)):
        how = "tmpfs"
    else:
        how = "rlimit"
        summary.note("full disk simulated with RLIMIT_FSIZE (no tmpfs mount)")
    try:
        # import-json onto a full disk
        data = copy_dir(fx.base, mnt / "import")
        if how == "tmpfs":
            code, out, err, _ = run([sys.executable, "-c", FILL + "fill(sys.argv[1])", str(mnt)])
            code, out, err, _ = run(jixiao_command() + ["import-json", str(fx.seed_file), "--data-dir", str(data)])
            os.unlink(mnt / "filler.bin")
        else:
            code, out, err, _ = run(jixiao_command() + ["import-json", str(fx.seed_file), "--data-dir", str(data)],
                                    preexec=_rlimit_zero)
        summary.count(scenario, faults=1)
        if code == 0:
            summary.note(f"full disk ({how}): import-json succeeded anyway — the fault did not bite")
        _judge_cli(summary, scenario, "import-json on a full disk", code, out, err)
        _expect_count(summary, scenario, "import-json on a full disk", data,
                      {fx.BASE_DRAFTS + (code == 0)})
        # autosave while the disk fills up and is freed again
        data = copy_dir(fx.base, mnt / "autosave")
        _autosave_fault(summary, scenario + " (autosave)", data, "disk" if how == "tmpfs" else "rlimit", str(mnt))
        _expect_count(summary, scenario + " (autosave)", "autosave on a full disk", data, {fx.BASE_DRAFTS})
    finally:
        if how == "tmpfs":
            _umount(mnt)


def _rlimit_zero():
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def read_only(fx: Fixtures, work: Path, summary: Summary, log) -> None:
    scenario = "fault: read-only folder"
    data = copy_dir(fx.base, work / "ro-data")
    before = _digest(data / "jixiao.db")
    how = None
    if os.geteuid() == 0:
        if _mount("--bind", str(data), str(data)):
            if _mount("-o", "remount,ro,bind", str(data)):
                how = "ro-mount"
            else:
                _umount(data)
    else:
        for p in [data, *data.rglob("*")]:
            p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        how = "chmod"
    if how is None:
        summary.skipped.append("read-only folder: running as root and a read-only bind mount "
                               "failed (chmod does not stop root) — not simulated as root")
        return
    try:
        for argv, what in ((["import-json", str(fx.seed_file)], "import-json into a read-only folder"),
                           (["list"], "list in a read-only folder"),
                           (["backup"], "backup in a read-only folder")):
            code, out, err, _ = run(jixiao_command() + argv + ["--data-dir", str(data)])
            summary.count(scenario, faults=1)
            _judge_cli(summary, scenario, what, code, out, err)
        proc = spawn(AUTOSAVE_FAULT.split("locker = None")[0] + "print('CLOSE', saver.close())",
                     str(data), "none", "0", data_dir=data)
        out, err = proc.communicate(timeout=60)
        summary.count(scenario, runs=1, faults=1)
        if "Traceback" in err or proc.returncode != 0:
            summary.fail("crash", scenario, f"autosave into a read-only folder: exit {proc.returncode}: {err[-1500:]}")
    finally:
        if how == "ro-mount":
            _umount(data)
        else:
            for p in [data, *data.rglob("*")]:
                p.chmod(p.stat().st_mode | stat.S_IWUSR)
    if _digest(data / "jixiao.db") != before:
        summary.fail("loss", scenario, "the database changed although its folder was read-only")
    _expect_count(summary, scenario, "after the read-only folder", data, {fx.BASE_DRAFTS})


def write_lock(fx: Fixtures, work: Path, summary: Summary, log, holds=(3, 8)) -> None:
    for hold in holds:
        scenario = f"fault: write lock held {hold} s"
        data = copy_dir(fx.base, work / f"lock{hold}")
        locker = spawn(LOCKER, str(data), str(hold))
        if not wait_line(locker, "LOCKED", 20):
            summary.fail("crash", scenario, "the lock holder did not start: " + locker.stderr.read()[-500:])
            locker.kill()
            continue
        code, out, err, _ = run(jixiao_command() + ["import-json", str(fx.seed_file), "--data-dir", str(data)],
                                timeout=hold + 10)
        locker.wait()
        summary.count(scenario, faults=1)
        _judge_cli(summary, scenario, f"import-json while another process holds the write lock {hold} s",
                   code, out, err)
        _expect_count(summary, scenario, "import-json under a held lock", data,
                      {fx.BASE_DRAFTS + (code == 0)})
        data = copy_dir(fx.base, work / f"lock{hold}-autosave")
        _autosave_fault(summary, scenario + " (autosave)", data, "lock", str(hold), extra=(LOCKER,))
        _expect_count(summary, scenario + " (autosave)", "autosave under a held lock", data, {fx.BASE_DRAFTS})


def beside_backups(fx: Fixtures, work: Path, summary: Summary, log) -> None:
    """A missing, empty or foreign jixiao.db with good backups in DATA/backups."""
    for case in ("missing", "empty", "foreign"):
        scenario = f"fault: {case} database beside backups"
        data = copy_dir(fx.damaged, work / f"beside-{case}")
        db = data / "jixiao.db"
        if case == "missing":
            db.unlink()
        elif case == "empty":
            db.write_bytes(b"")
        else:
            db.unlink()
            con = sqlite3.connect(db)
            con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
            con.execute("INSERT INTO customers (name) VALUES ('别的软件的数据')")
            con.commit()
            con.close()
        before = _digest(db) if db.exists() else None
        code, out, err, _ = run(jixiao_command() + ["list", "--data-dir", str(data)])
        summary.count(scenario, faults=1)
        if case == "foreign":  # refused untouched, with a message
            _judge_cli(summary, scenario, "list on a foreign SQLite file", code, out, err, ok_codes=(2,))
            if _digest(db) != before:
                summary.fail("loss", scenario, "a SQLite file that is not ours was changed")
            continue
        _judge_cli(summary, scenario, f"list with a {case} jixiao.db", code, out, err, ok_codes=(0,))
        res = inspect(data)
        n = res.get("count", 0)
        if n < fx.DAMAGED_BACKUP:
            summary.fail("loss", scenario, f"{case} jixiao.db beside a backup with {fx.DAMAGED_BACKUP} drafts: "
                                           f"the program started with {n} drafts — `jixiao list` said "
                                           f"{(out + err).strip()[:200]!r}")
        elif not _chinese(err):
            summary.fail("loss", scenario, f"{case} jixiao.db restored from a backup without telling the clerk")


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def write_lock_short(fx, work, summary, log):
    write_lock(fx, work, summary, log, holds=(3,))


def write_lock_long(fx, work, summary, log):
    write_lock(fx, work, summary, log, holds=(8,))


CASES = [full_disk, read_only, write_lock_short, write_lock_long, beside_backups]


def run_faults(fx: Fixtures, work: Path, summary: Summary, log=print) -> None:
    from concurrent.futures import ThreadPoolExecutor

    work.mkdir(parents=True, exist_ok=True)

    def one(case):
        try:
            case(fx, work / case.__name__, summary, log)
        except Exception as e:
            import traceback

            summary.fail("crash", f"fault: {case.__name__}", "harness error: " + traceback.format_exc()[-1500:])

    with ThreadPoolExecutor(max_workers=len(CASES)) as pool:
        list(pool.map(one, CASES))
