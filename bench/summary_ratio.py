"""汇总 of 300 packages against the floor of unzipping and parsing the same packages.

    .venv/bin/python bench/summary_ratio.py [--quick]

300 ``.jxpkg`` made from the five seeds round robin (unit names and years varied, one report
each), in a temp folder. Ours: ``core.summary.gather`` (every check of the package reader, the
validation gate, the report model, the digest, the 审核 page's ``score_report`` + ``run_checks``
per report) then ``group_versions`` + ``build_summary`` (rows, totals, grade counts, the findings
list). The floor: ``zipfile`` opening each of the same files and ``json.loads`` of its manifest
and report. Same files, same process, both warm, interleaved (``bench.figures.interleaved``).
Before every timed run the per-text caches (cell readings, amounts, label normalisation) are
emptied, so each 汇总 starts as the app's first one does: a report is not helped by the same
packages having been read in an earlier round (per-class and per-template plans are kept, as in
the app). Writing the Word and Excel files is timed separately (not part of the ratio). Goal: ≤ 2×.
"""
from __future__ import annotations

import dataclasses as dc
import hashlib
import json
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import Figure, fmt_seconds, interleaved, print_table  # noqa: E402
from core.package import format as F  # noqa: E402
from core.package.writer import zip_bytes_to  # noqa: E402
from core.report_digest import report_digest  # noqa: E402
from core.report_io import dumps_report, load_report  # noqa: E402

N = 300


def make_packages(folder: Path, n: int = N) -> list[Path]:
    """``n`` one-report packages from the seeds, each a different unit (and year)."""
    seeds = [load_report(p)[0] for p in sorted((ROOT / "tests/fixtures/seeds").glob("seed*.json"))]
    out = []
    for i in range(n):
        base = seeds[i % len(seeds)]
        unit = f"第{i + 1:03d}单位{base.unit.name}"
        report = dc.replace(base, unit=dc.replace(base.unit, name=unit), year=2019 + i % 4)
        data = dumps_report(report).encode("utf-8")
        name = F.report_entry(1)
        manifest = {"format": F.FORMAT, "schema_version": F.SCHEMA_VERSION, "kind": F.KIND_REPORTS,
                    "app_version": "bench", "created_at": "2023-03-01T08:00:00Z", "unit": unit,
                    "reports": [{"file": name, "uid": f"bench-{i}", "history": [], "digest": report_digest(report),
                                 "year": report.year, "unit": unit, "kind": report.kind, "title": report.title}],
                    "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}}}
        path = folder / f"p{i:03d}.jxpkg"
        zip_bytes_to(path, manifest, {name: data})
        out.append(path)
    return out


def clear_text_caches() -> None:
    """Empty the caches kept per text (not per class or template), as at the app's start."""
    from core import template_records, validate, values
    for cached in (values._read_cached, validate._decimal_of, template_records._norm,
                   template_records.split_label):
        cached.cache_clear()


def measure(quick: bool = False) -> list[Figure]:
    from core.export.summary_docx import write_summary_docx
    from core.export.summary_xlsx import write_summary_xlsx
    from core.summary import Selection, build_summary, gather, group_versions, sources_from

    n = 60 if quick else N
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-summary-") as d:
        folder = Path(d) / "in"
        folder.mkdir()
        paths = make_packages(folder, n)
        result = {}

        def ours():
            res = gather(sources_from([folder]))
            assert len(res.reports) == n and not res.refused, res.refused[:1]
            result["summary"] = build_summary(group_versions(res.reports), Selection())

        def floor():
            got = 0
            for p in sorted(folder.iterdir()):
                with zipfile.ZipFile(p) as zf:
                    for name in zf.namelist():
                        json.loads(zf.read(name))
                        got += 1
            assert got == 2 * n

        def import_only():  # what importing the same packages costs (every package check and the
            # report model), without the 审核 and the tables: how much the summary adds on top
            from core.package import read_package, reports_of
            for p in sorted(folder.iterdir()):
                package, _ = read_package(p)
                assert reports_of(package)[0]

        a, b = interleaved(ours, floor, repeat=1 if quick else 3, warm=1, setup=clear_text_caches)
        c, e = interleaved(ours, import_only, repeat=1 if quick else 3, warm=0, setup=clear_text_caches)
        s = result["summary"]
        t = time.perf_counter()
        write_summary_docx(s, Path(d) / "s.docx")
        t_docx = time.perf_counter() - t
        t = time.perf_counter()
        write_summary_xlsx(s, Path(d) / "s.xlsx")
        t_xlsx = time.perf_counter() - t
        del paths
    return [
        Figure(f"汇总 {n} packages (gather + checks + tables)", "zipfile + json.loads", a, b, 2.0,
               note=f"{len(s.dept_rows)} 部门整体 + {len(s.project_rows)} 项目 rows, {len(s.findings)} findings"),
        Figure(f"汇总 {n} packages (gather + checks + tables)", "read_package + reports_of (an import's checks)",
               c, e, 2.0, note="the 审核 and the tables on top of reading", reference=True),
        Figure(f"汇总 {n} packages: write Word", "—", None, None, 30_000, unit="ms", value=t_docx * 1000,
               note="not in the ratio", reference=True),
        Figure(f"汇总 {n} packages: write Excel", "—", None, None, 30_000, unit="ms", value=t_xlsx * 1000,
               note="not in the ratio", reference=True),
    ]


if __name__ == "__main__":
    figs = measure(quick="--quick" in sys.argv)
    print_table(figs)
    f = figs[0]
    print(f"ours {fmt_seconds(f.ours.median)}, floor {fmt_seconds(f.base.median)}, ratio {f.ratio:.2f}×")
    sys.exit(0)
