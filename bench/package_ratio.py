"""Packing and unpacking a 50-report ``.jxpkg`` against plain ``zipfile`` with the same JSON.

    .venv/bin/python bench/package_ratio.py

One run, warm (one untimed round of each first), the two interleaved. ``pack`` is
``core.package.write_package`` (report JSON, manifest with SHA-256s and digests, temp file +
fsync + rename, read back and verified, drafts marked exchanged) against ``zipfile`` writing the
same 50 report JSON texts to a file (with an fsync, as a fair write to a stick needs).
``unpack`` is ``read_package`` + ``reports_of`` (every check, every report through the
validation gate into a ``Report``) against ``zipfile`` reading the same entries and
``json.loads`` on each. Prints the times and the two ratios; exits 0.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.package import read_package, reports_of, write_package  # noqa: E402
from core.report_io import dumps_report, load_report  # noqa: E402
from core.storage import Storage  # noqa: E402

N = 50


def main() -> int:
    seeds = [load_report(p)[0] for p in sorted((ROOT / "tests/fixtures/seeds").glob("seed*.json"))]
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as d:
        d = Path(d)
        storage = Storage.open(d / "data")
        ids = [storage.create(seeds[i % len(seeds)]) for i in range(N)]
        texts = [dumps_report(storage.get(i)).encode("utf-8") for i in ids]

        def ours_pack():
            write_package(d / "ours.jxpkg", storage, ids)

        def plain_pack():
            with open(d / "plain.zip", "wb") as fh:
                with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                    for n, t in enumerate(texts, 1):
                        zf.writestr(f"reports/{n:04d}.json", t)
                fh.flush()
                os.fsync(fh.fileno())

        def ours_unpack():
            package, findings = read_package(d / "ours.jxpkg")
            assert package is not None, findings
            incomings, _ = reports_of(package)
            assert len(incomings) == N

        def plain_unpack():
            with zipfile.ZipFile(d / "plain.zip") as zf:
                got = [json.loads(zf.read(n)) for n in zf.namelist()]
            assert len(got) == N

        for f in (ours_pack, plain_pack, ours_unpack, plain_unpack):  # warm
            f()
        times = {}
        for name, f in (("ours_pack", ours_pack), ("plain_pack", plain_pack),
                        ("ours_unpack", ours_unpack), ("plain_unpack", plain_unpack)):
            t = time.perf_counter()
            f()
            times[name] = time.perf_counter() - t
        storage.close()
    for k, v in times.items():
        print(f"{k:14s} {v * 1000:8.1f} ms")
    print(f"pack/zipfile ratio   {times['ours_pack'] / times['plain_pack']:.1f}")
    print(f"unpack/zipfile ratio {times['ours_unpack'] / times['plain_unpack']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
