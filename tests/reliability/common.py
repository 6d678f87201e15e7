"""Shared pieces: where things are, how children are started, the post-mortem inspection of a
data directory and the fixture data directories every run copies."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
DB_FIXTURES = ROOT / "tests" / "fixtures" / "db"
TABLES = ROOT / "tests" / "fixtures" / "tables"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"

HANG_SECONDS = 10.0  # a command running longer than this is a hang
TYPING_LIMIT = 1.5  # seconds of typing an autosave kill may lose (~1 s promised + slack)


def child_env(data_dir: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("JIXIAO_BACKUP_KEEP", None)
    if data_dir is not None:
        env["JIXIAO_DATA_DIR"] = str(data_dir)
    return env


def jixiao_command() -> list[str]:
    """The installed ``jixiao`` entry point beside this interpreter, else ``python -m desktop.main``."""
    exe = Path(sys.executable).with_name("jixiao")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "desktop.main"]


def spawn(code: str, *args: str, data_dir: Path | None = None, preexec=None,
          stdin=subprocess.DEVNULL) -> subprocess.Popen:
    """A Python child running ``code`` (repo root on sys.path); stdout/stderr piped (text)."""
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT,
                            env=child_env(data_dir), stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
                            preexec_fn=preexec)


def run(argv: list[str], timeout: float = HANG_SECONDS, data_dir: Path | None = None,
        preexec=None) -> tuple[int | None, str, str, float]:
    """Run a command; (exit status or None when it hung and was killed, stdout, stderr, seconds)."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=ROOT, env=child_env(data_dir), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", errors="replace", preexec_fn=preexec)
    try:
        out, err = proc.communicate(timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        code = None
    return code, out, err, time.monotonic() - start


def wait_line(proc: subprocess.Popen, want: str, timeout: float) -> str | None:
    """Read stdout lines until one starts with ``want``; None on EOF or timeout."""
    box: list[str | None] = [None]

    def reader():
        for line in proc.stdout:
            if line.startswith(want):
                box[0] = line
                return

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    t.join(timeout)
    return box[0]


def kill(proc: subprocess.Popen) -> str:
    """SIGKILL and reap; the child's stderr (for failure details). stdout is left to its reader."""
    try:
        proc.kill()
    except ProcessLookupError:
        pass
    proc.wait()
    try:
        return proc.stderr.read() or ""
    except (OSError, ValueError):
        return ""


# -- inspection: what the next start of the program finds ------------------------------------
INSPECT = r"""
import json, os, sqlite3, sys, traceback
from pathlib import Path
def examine(data):
    data = Path(data)
    out = {"files": sorted(p.name for p in data.iterdir()) if data.is_dir() else []}
    db = data / "jixiao.db"
    if not db.exists():
        out["raw"] = "missing"
    elif db.stat().st_size == 0:
        out["raw"] = "empty"
    else:
        con = None
        try:
            con = sqlite3.connect(db)  # a hot journal is rolled back here, as on any open
            rows = con.execute("PRAGMA integrity_check").fetchall()
            out["raw"] = "ok" if rows == [("ok",)] else "corrupt"
            if out["raw"] == "ok":
                out["raw_count"] = con.execute("SELECT count(*) FROM drafts").fetchone()[0]
        except sqlite3.DatabaseError as e:
            out["raw"] = "corrupt"
            out["raw_error"] = str(e)
        finally:
            if con is not None:
                con.close()
    try:
        from core.storage import Storage
        s = Storage.open(data)
    except BaseException as e:
        out["open_error"] = f"{type(e).__name__}: {e}"
        out["traceback"] = traceback.format_exc()
    else:
        try:
            out["recovery"] = s.recovery_message
            out["integrity"] = s.integrity_ok()
            drafts = s.list(include_deleted=True)
            out["count"] = len(drafts)
            out["titles"] = {}
            out["unreadable"] = []
            for d in drafts:
                try:
                    out["titles"][str(d.id)] = s.get(d.id).title
                except Exception as e:
                    out["unreadable"].append(f"{d.id}: {e}")
        except BaseException as e:
            out["open_error"] = f"{type(e).__name__}: {e}"
            out["traceback"] = traceback.format_exc()
        finally:
            s.close()
    out["files_after"] = sorted(p.name for p in data.iterdir()) if data.is_dir() else []
    backups = data / "backups"
    out["backups"] = {}
    if backups.is_dir():
        for p in sorted(backups.iterdir()):
            if p.suffix != ".db":
                out["backups"][p.name] = "other"
                continue
            try:
                con = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    ok = con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                    n = con.execute("SELECT count(*) FROM drafts").fetchone()[0] if ok else None
                finally:
                    con.close()
                out["backups"][p.name] = n if ok else "corrupt"
            except sqlite3.DatabaseError as e:
                out["backups"][p.name] = f"corrupt: {e}"
    return out


if sys.argv[1] == "--serve":  # one process examining many folders, each as a fresh start would
    for line in sys.stdin:
        print("INSPECT " + json.dumps(examine(line.rstrip("\n")), ensure_ascii=False), flush=True)
else:
    print("INSPECT " + json.dumps(examine(sys.argv[1]), ensure_ascii=False))
"""


class Inspector:
    """A long-lived process examining data directories like ``inspect`` (its Storage.open meets
    each folder for the first time, as the next start would), without a Python start per kill."""

    def __init__(self):
        self.proc = None

    def __call__(self, data_dir: Path) -> dict:
        import queue

        for _ in range(2):
            if self.proc is None or self.proc.poll() is not None:
                self.proc = subprocess.Popen([sys.executable, "-c", INSPECT, "--serve"], cwd=ROOT,
                                             env=child_env(), stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                             text=True, encoding="utf-8", errors="replace")
                self.lines = queue.Queue()
                threading.Thread(target=lambda p=self.proc, q=self.lines: [q.put(x) for x in p.stdout]
                                 + [q.put(None)], daemon=True).start()
            try:
                self.proc.stdin.write(f"{data_dir}\n")
                self.proc.stdin.flush()
                line = self.lines.get(timeout=60)
            except (OSError, queue.Empty):
                line = None
            if line and line.startswith("INSPECT "):
                return json.loads(line[8:])
            self.close()
        return inspect(data_dir)  # the long-lived one failed twice: a fresh process tells why

    def close(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def inspect(data_dir: Path) -> dict:
    """Start a fresh process on ``data_dir`` the way the program would start, and report."""
    code, out, err, _ = run([sys.executable, "-c", INSPECT, str(data_dir)], timeout=60)
    for line in out.splitlines():
        if line.startswith("INSPECT "):
            return json.loads(line[8:])
    return {"open_error": f"inspection failed (exit {code})", "traceback": err[-3000:]}


def log_tail(text: str) -> str:
    """The exception the internal-error log names (its last lines), for routing the failure."""
    m = re.search(r"(/\S+?\.log)", text)
    if not m:
        return ""
    try:
        log = Path(m.group(1)).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    tail = [ln for ln in log.rstrip().splitlines()[-4:] if ln.strip()]
    return "\n  log (its last entry; a shared log may hold another run's): " + " | ".join(ln.strip() for ln in tail)


def stale_tmp(result: dict) -> list[str]:
    """Temp files still there after the next start (which may clean them up)."""
    names = list(result.get("files_after", [])) + list(result.get("backups", {}))
    return [n for n in names if n.endswith(".tmp")]


# -- fixture data directories ----------------------------------------------------------------
@dataclass
class Fixtures:
    root: Path
    base: Path = field(init=False)  # data dir with BASE_DRAFTS drafts (seeds 000-002)
    restore_source: Path = field(init=False)  # a jixiao db with RESTORE_DRAFTS drafts
    damaged: Path = field(init=False)  # live db with 4 drafts, corrupted; backup with 3
    seed_file: Path = field(init=False)

    BASE_DRAFTS = 3
    RESTORE_DRAFTS = 5
    DAMAGED_LIVE = 4
    DAMAGED_BACKUP = 3


BUILD = r"""
import dataclasses, shutil, sys
from pathlib import Path
from core.report_io import load_report
from core.storage import Storage
root, seeds = Path(sys.argv[1]), Path(sys.argv[2])
reports = [load_report(seeds / f"seed00{i}.json")[0] for i in range(5)]
with Storage.open(root / "base") as s:
    for r in reports[:3]:
        s.create(r)
with Storage.open(root / "five") as s:
    for r in reports:
        s.create(dataclasses.replace(r, title="恢复来源：" + r.title))
with Storage.open(root / "damaged") as s:
    for r in reports[:3]:
        s.create(r)
    s.rolling_backup()
    s.create(reports[3])
print("BUILT")
"""


def build_fixtures(root: Path) -> Fixtures:
    root.mkdir(parents=True, exist_ok=True)
    code, out, err, _ = run([sys.executable, "-c", BUILD, str(root), str(SEEDS)], timeout=120)
    if "BUILT" not in out:
        raise RuntimeError(f"could not build the fixture databases (exit {code}):\n{err}")
    fx = Fixtures(root)
    fx.base = root / "base"
    fx.restore_source = root / "five" / "jixiao.db"
    fx.damaged = root / "damaged"
    corrupt_middle(fx.damaged / "jixiao.db")
    fx.seed_file = SEEDS / "seed003.json"
    return fx


def corrupt_middle(db: Path) -> None:
    """Overwrite pages in the middle of ``db`` with garbage until SQLite's check fails."""
    import random
    import sqlite3

    rng = random.Random(8)
    size = db.stat().st_size
    page = 4096
    pages = size // page
    with open(db, "r+b") as fh:
        for k in range(max(1, pages // 2), pages):
            fh.seek(k * page + 100)
            fh.write(bytes(rng.randrange(256) for _ in range(page - 200)))
            fh.flush()
            con = sqlite3.connect(db)
            try:
                bad = con.execute("PRAGMA quick_check").fetchall() != [("ok",)]
            except sqlite3.DatabaseError:
                bad = True
            finally:
                con.close()
            if bad:
                return
    raise RuntimeError("could not corrupt the fixture database")


def copy_dir(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
