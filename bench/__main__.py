"""``python -m bench`` — every speed goal of the product in one table, each figure beside its goal.

    .venv/bin/python -m bench            # the full run (several minutes; the table in bench/README.md)
    .venv/bin/python -m bench --quick    # fewer repeats: a smoke run of every bench
    .venv/bin/python -m bench --only export_ratio,autosave_ratio

Each bench module defines ``measure(quick) -> list[Figure]`` (``bench/figures.py``): ours and its
floor timed interleaved in the same run, median and min. A bench that fails prints its error
as a row and the run goes on; the exit status is 0 whether or not goals are met (the table says
which are), 1 only when a bench itself could not run.
"""
from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import Figure, print_table  # noqa: E402

# the order of the table in the issue: start-up, list, memory, export, autosave, cell edit, 汇总
BENCHES = ("startup_ratio", "list_drafts", "export_ratio", "autosave_ratio", "cell_edit",
           "summary_ratio")


def machine() -> str:
    import os
    import sqlite3
    cpus = os.cpu_count()
    return (f"{platform.system()} {platform.machine()}, {cpus} cores, Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    p.add_argument("--only", default="", help="comma-separated bench modules, e.g. export_ratio")
    args = p.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        p.error(f"unknown bench: {', '.join(unknown)} (known: {', '.join(BENCHES)})")
    figures: list[Figure] = []
    failed: list[str] = []
    started = time.perf_counter()
    for name in names:
        t = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
            got = module.measure(quick=args.quick)
        except Exception:  # a broken bench is a row, the rest still run
            failed.append(name)
            print(f"{name} failed:\n{traceback.format_exc()}", file=sys.stderr)
            continue
        figures.extend(got)
        print(f"  {name}: {len(got)} figures in {time.perf_counter() - t:.0f} s",
              file=sys.stderr, flush=True)
    print(f"{time.strftime('%Y-%m-%d')}, {machine()}{' (quick run)' if args.quick else ''}")
    print()
    print_table(figures)
    for name in failed:
        print(f"| {name} | could not run (see stderr) | — | — | — | — | NO |")
    goals = [f for f in figures if not f.reference]
    met = sum(f.met for f in goals)
    print()
    print(f"{met} of {len(goals)} goals met ({len(figures) - len(goals)} reference rows); "
          f"run took {time.perf_counter() - started:.0f} s.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
