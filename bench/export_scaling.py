"""Export cost against input size: N and 4N indicator rows, L and 4L characters of unbroken text.

Builds seed000 with its first 一级 group replaced by one group of N rows (one merged 一级 and
二级 cell over all of them: the hardest case for page splitting), and seed000 with one
偏差原因分析 cell holding L characters without a single break opportunity (ASCII letters and
digits: one "word" to a line breaker), and seed000 whose first section is one paragraph of P
characters of prose. Each is exported to Word and PDF; the script prints the
times and the ratio t(4x)/t(x). Linear cost gives a ratio near 4 (a little less, as fixed costs
such as font loading are shared); quadratic gives 16. Exit 0 always: numbers, not a test.

    .venv/bin/python bench/export_scaling.py                # N=500, L=5000, P=25000
    .venv/bin/python bench/export_scaling.py --rows 250 --chars 2000 --repeat 1
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import model  # noqa: E402
from core.report_io import load_report  # noqa: E402


def base_report() -> model.Report:
    report, _ = load_report(ROOT / "tests" / "fixtures" / "seeds" / "seed000.json")
    return report


def many_rows(n: int, report: model.Report | None = None) -> model.Report:
    """``report`` (seed000) with its first 一级 group replaced by one group of ``n`` rows."""
    report = report or base_report()
    leaves = tuple(model.Indicator(f"测试指标{i:05d}", target="≥1次", actual="1次", weight=Decimal(1),
                                   score=Decimal(1), deviation_note="无偏差" if i % 7 else "")
                   for i in range(n))
    big = model.IndicatorGroup("产出指标", Decimal(n), (model.IndicatorGroup("数量指标", None, leaves),))
    return replace(report, table=replace(report.table, groups=(big, *report.table.groups[1:])))


def unbroken(n: int) -> str:
    """``n`` characters with no break opportunity: letters and digits, ending in ``END``."""
    body = "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[i % 36] for i in range(max(n - 3, 0)))
    return body + "END"


def long_cell(n: int, report: model.Report | None = None) -> model.Report:
    """``report`` (seed000) whose first indicator's 偏差原因分析 is ``n`` unbroken characters."""
    report = report or base_report()
    g = report.table.groups[0]

    def first_leaf(node):
        for i, child in enumerate(node.children):
            new = (replace(child, deviation_note=unbroken(n)) if isinstance(child, model.Indicator)
                   else first_leaf(child))
            return replace(node, children=node.children[:i] + (new,) + node.children[i + 1:])
        return node
    return replace(report, table=replace(report.table, groups=(first_leaf(g), *report.table.groups[1:])))


def long_section(n: int, report: model.Report | None = None) -> model.Report:
    """``report`` (seed000) whose first section is one paragraph of ``n`` characters of prose."""
    report = report or base_report()
    text = ("本年度部门认真履行职责，完成各项工作任务，资金使用规范，绩效目标基本实现。" * (n // 36 + 1))[:n]
    return replace(report, sections=(replace(report.sections[0], text=text), *report.sections[1:]))


def timed(fn, *args, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=500, help="N: rows of the small table (the large has 4N)")
    ap.add_argument("--chars", type=int, default=5000, help="L: characters of the short text (the long has 4L)")
    ap.add_argument("--para", type=int, default=25000, help="P: characters of one paragraph (the long has 4P)")
    ap.add_argument("--repeat", type=int, default=2, help="best of this many runs")
    ap.add_argument("--only", choices=("docx", "pdf"), help="one format only")
    args = ap.parse_args(argv)

    from core.export.docx import write_docx
    from core.export.pdf import write_pdf

    exporters = [(name, fn) for name, fn in (("docx", write_docx), ("pdf", write_pdf))
                 if args.only in (None, name)]
    base = base_report()
    write_pdf(base, Path(tempfile.gettempdir()) / "jixiao-bench-warmup.pdf")  # fonts registered once
    cases = [("rows", args.rows, many_rows), ("unbroken chars", args.chars, long_cell),
             ("paragraph", args.para, long_section)]
    print(f"{'case':<16}{'format':<7}{'x':>8}{'t(x) s':>10}{'4x':>8}{'t(4x) s':>10}{'ratio':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, n, build in cases:
            small, large = build(n, base), build(4 * n, base)
            for name, fn in exporters:
                t1 = timed(fn, small, Path(tmp) / f"s.{name}", repeat=args.repeat)
                t4 = timed(fn, large, Path(tmp) / f"l.{name}", repeat=args.repeat)
                print(f"{label:<16}{name:<7}{n:>8}{t1:>10.2f}{4 * n:>8}{t4:>10.2f}{t4 / t1:>8.2f}")
    print("linear cost: ratio ≈ 4 (fixed costs shared make it a little less); quadratic: ≈ 16")
    return 0


if __name__ == "__main__":
    sys.exit(main())
