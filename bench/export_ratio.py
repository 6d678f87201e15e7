"""Export speed: a large report (department table + 20 projects × 30 rows) to Word and PDF.

Word: ``write_docx`` against python-docx writing the same cells with no formatting at all
(one plain table per 自评表, same text), same run. PDF: ``write_pdf`` against LibreOffice
converting our own .docx to PDF (skipped with a note when soffice is not installed).
Prints the ratios; exit 0. Product goals: Word within 1.5×, PDF faster than LibreOffice.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import model  # noqa: E402
from core.export.layout import Table, build_document  # noqa: E402
from core.report_io import load_report  # noqa: E402


def large_report() -> model.Report:
    base, _ = load_report(ROOT / "tests" / "fixtures" / "seeds" / "seed004.json")
    project = base.projects[0]

    def rows(n: int) -> tuple[model.IndicatorGroup, ...]:
        per = n // 3
        return tuple(model.IndicatorGroup(block, Decimal(w), (model.IndicatorGroup("数量指标", None, tuple(
            model.Indicator(f"{block}第{i + 1}项工作任务完成情况", "≥10次", "12次", Decimal(1), Decimal(1))
            for i in range(per))),)) for block, w in (("产出指标", 50), ("效益指标", 30), ("满意度指标", 10)))
    projects = tuple(replace(project, name=f"第{k + 1}个项目", groups=rows(30)) for k in range(20))
    return replace(base, table=replace(base.table, groups=rows(30)), projects=projects)


def plain_docx(report: model.Report, path: Path) -> None:
    from docx import Document

    doc = Document()
    for block in build_document(report).blocks:
        if isinstance(block, Table):
            rows = block.header + block.rows
            t = doc.add_table(rows=len(rows), cols=len(block.widths_mm))
            for row, docx_row in zip(rows, t.rows):  # row.cells once per row: the fast idiom
                cells = docx_row.cells
                for c, cell in enumerate(row):
                    if cell is not None:
                        cells[c].text = cell.text
    doc.save(path)


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> int:
    from core.export.docx import write_docx
    from core.export.pdf import write_pdf

    report = large_report()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ours = min(timed(write_docx, report, tmp / "ours.docx") for _ in range(3))
        plain = min(timed(plain_docx, report, tmp / "plain.docx") for _ in range(3))
        print(f"docx: ours {ours:.2f} s, plain python-docx {plain:.2f} s, ratio {ours / plain:.2f}")
        pdf = min(timed(write_pdf, report, tmp / "ours.pdf") for _ in range(3))
        soffice = shutil.which("soffice")
        if soffice:
            start = time.perf_counter()
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp / "lo"),
                            str(tmp / "ours.docx")], capture_output=True, check=False)
            lo = time.perf_counter() - start
            print(f"pdf: ours {pdf:.2f} s, LibreOffice converting our docx {lo:.2f} s, ratio {pdf / lo:.2f}")
        else:
            print(f"pdf: ours {pdf:.2f} s (LibreOffice not installed: no comparison)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
