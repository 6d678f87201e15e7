"""``python -m tests.reliability [--short|--full] [--kills N] [--seed S] [--data-dir-root DIR]``."""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from tests.reliability.report import Summary

SHORT = {"kills": 3, "inputs": 100, "subprocess_every": 20, "pdf_every": 25}
FULL = {"kills": 150, "inputs": 1000, "subprocess_every": 10, "pdf_every": 10}


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m tests.reliability",
                                description="Kill, fuzz and fault-inject the real program; "
                                            "exit 1 on any crash, hang or data loss.")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--short", action="store_true", help="the CI version (default)")
    size.add_argument("--full", action="store_true", help=f"≥ 1,000 kills, {FULL['inputs']} fuzz inputs")
    p.add_argument("--kills", type=int, help="kills per kill scenario (7 scenarios); "
                                             f"default {SHORT['kills']} short, {FULL['kills']} full")
    p.add_argument("--inputs", type=int, help="generated fuzz inputs (the hostile corpus comes on top)")
    p.add_argument("--seed", type=int, default=20261130, help="seed of every random choice")
    p.add_argument("--data-dir-root", help="where the throw-away data directories go "
                                           "(default: a new temp folder, removed unless a run failed)")
    p.add_argument("--jobs", type=int, default=max(1, min(os.cpu_count() or 2, 4)),
                   help="parallel children (default: CPU count, at most 4)")
    p.add_argument("--only", choices=("kills", "fuzz", "faults"), action="append",
                   help="run only these parts (repeatable)")
    p.add_argument("--json", help="also write the summary as JSON to this file")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    preset = FULL if args.full else SHORT
    kills = preset["kills"] if args.kills is None else args.kills
    inputs = preset["inputs"] if args.inputs is None else args.inputs
    parts = set(args.only or ("kills", "fuzz", "faults"))
    if args.data_dir_root:
        work = Path(args.data_dir_root).resolve()
        work.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="reliability-", dir=work))
    else:
        work = Path(tempfile.mkdtemp(prefix="jixiao-reliability-"))
    summary = Summary()
    started = time.monotonic()

    def log(text):
        print(f"[{time.monotonic() - started:5.1f} s] {text}", flush=True)

    log(f"reliability suite ({'full' if args.full else 'short'}): seed {args.seed}, "
        f"{kills} kills per scenario, {inputs} fuzz inputs, {args.jobs} jobs, work in {work}")
    from tests.reliability.common import build_fixtures

    fx = build_fixtures(work / "fixtures")
    generated = None
    if "fuzz" in parts:  # hypothesis draws the inputs while the kill children run
        import threading

        generated = {}

        def draw():
            try:
                from tests.reliability.fuzz import generate

                generated["items"] = generate(inputs, args.seed)
            except ImportError as e:
                summary.skipped.append(f"generated fuzz inputs: {e} (pip install hypothesis)")
            except Exception:
                import traceback

                summary.fail("crash", "fuzz: generation (harness)", traceback.format_exc()[-1500:])

        gen = threading.Thread(target=draw)
        gen.start()
    if "kills" in parts:
        from tests.reliability.kills import run_kills

        log("kills …")
        run_kills(fx, work / "kills", kills, args.seed, args.jobs, summary, log)
    faults = None
    if "faults" in parts:  # mostly waiting (locks held, disks filled): beside the fuzz
        import threading

        from tests.reliability.faults import run_faults

        log("faults … (in the background)")
        faults = threading.Thread(target=run_faults, args=(fx, work / "faults", summary, log))
        faults.start()
    if "fuzz" in parts:
        from tests.reliability.fuzz import run_fuzz

        log("fuzz …")
        gen.join()
        run_fuzz(work / "fuzz", generated.get("items", []), args.seed, args.jobs, summary, log,
                 subprocess_every=preset["subprocess_every"], pdf_every=preset["pdf_every"])
    if faults is not None:
        faults.join()
    summary.seconds = time.monotonic() - started
    print(summary.render(), flush=True)
    if args.json:
        summary.dump(args.json)
    if summary.ok and not args.data_dir_root:
        shutil.rmtree(work, ignore_errors=True)
    elif not summary.ok:
        print(f"(data directories of failed runs kept in {work})")
    return 0 if summary.ok else 1
