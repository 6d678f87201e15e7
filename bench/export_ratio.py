"""Export speed, every seed and one large report, against its floor, interleaved.

Word: ``write_docx`` (layout, styles, tables, file) against plain python-docx writing the same
text — title, headings, paragraphs and every table cell, taken from our layout beforehand
(untimed) — with no styling, one plain table per layout table, the fast ``row.cells`` idiom.

PDF: ``write_pdf`` against LibreOffice (``soffice --headless --convert-to pdf``) converting our
own .docx of the same report. LibreOffice is warmed first: one untimed conversion creates its
profile in a private ``-env:UserInstallation`` folder that every timed run reuses. When
``soffice`` is missing the PDF figure says so.

Reports: tests/fixtures/seeds/seed00N.json, and a large one (the department table and 20
project tables × 30 rows). Ours and the floor alternate (bench/figures.py ``interleaved``);
median and min are printed, the figure is the ratio of the medians.

    PYTHONPATH=. .venv/bin/python bench/export_ratio.py [--quick]
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import Figure, interleaved, print_table  # noqa: E402
from core import model  # noqa: E402
from core.export.layout import Heading, Paragraph, Signature, Table, build_document, clean_document  # noqa: E402
from core.report_io import load_report  # noqa: E402

SEEDS = ROOT / "tests" / "fixtures" / "seeds"
WORD_GOAL, PDF_GOAL = 1.5, 0.3


def large_report() -> model.Report:
    """seed004 with a department table and 20 project tables of 30 rows each."""
    base, _ = load_report(SEEDS / "seed004.json")
    project = base.projects[0]

    def rows(n: int) -> tuple[model.IndicatorGroup, ...]:
        per = n // 3
        return tuple(model.IndicatorGroup(block, Decimal(w), (model.IndicatorGroup("数量指标", None, tuple(
            model.Indicator(f"{block}第{i + 1}项工作任务完成情况", "≥10次", "12次", Decimal(1), Decimal(1))
            for i in range(per))),)) for block, w in (("产出指标", 50), ("效益指标", 30), ("满意度指标", 10)))
    projects = tuple(replace(project, name=f"第{k + 1}个项目", groups=rows(30)) for k in range(20))
    return replace(base, table=replace(base.table, groups=rows(30)), projects=projects)


def reports() -> list[tuple[str, model.Report]]:
    out = [(p.stem, load_report(p)[0]) for p in sorted(SEEDS.glob("seed*.json"))]
    return out + [("large (20 projects × 30 rows)", large_report())]


# -- the floor -----------------------------------------------------------------------------------
def plain_content(report: model.Report) -> list:
    """What the Word file says, in order: strings (paragraphs) and lists of rows (tables)."""
    doc = clean_document(build_document(report))
    out: list = [doc.unit, doc.title] if doc.unit and doc.unit not in doc.title else [doc.title]
    prev = None
    for b in doc.blocks:
        if isinstance(b, Heading):
            out.append(b.number + b.text)
        elif isinstance(b, Paragraph):
            out.append(b.text)
        elif isinstance(b, Table):
            if b.caption and not (isinstance(prev, Table) and prev.caption == b.caption):  # one caption a pair
                out.append(b.caption)
            out.append([[None if c is None else c.text for c in row] for row in b.header + b.rows])
        elif isinstance(b, Signature):
            out.append([[f"{label}：", value] for label, value in b.fields])
        prev = b
    return out


def plain_docx(content: list, path: Path) -> None:
    from docx import Document

    doc = Document()
    for item in content:
        if isinstance(item, str):
            doc.add_paragraph(item)
            continue
        t = doc.add_table(rows=len(item), cols=max(len(r) for r in item))
        for row, docx_row in zip(item, t.rows):  # row.cells once per row: the fast idiom
            cells = docx_row.cells
            for c, text in enumerate(row):
                if text:
                    cells[c].text = text
    doc.save(str(path))


class LibreOffice:
    """soffice with a private profile, created by ``warm`` (untimed) and reused by every run."""

    def __init__(self, soffice: str, tmp: Path):
        self.soffice, self.profile, self.out = soffice, tmp / "lo-profile", tmp / "lo-out"

    def convert(self, docx: Path) -> None:
        r = subprocess.run([self.soffice, f"-env:UserInstallation=file://{self.profile}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(self.out), str(docx)],
                           capture_output=True, timeout=600, check=False)
        if r.returncode or not (self.out / (docx.stem + ".pdf")).is_file():
            raise RuntimeError(f"soffice failed on {docx.name}: {r.stderr.decode(errors='replace')[-300:]}")

    def warm(self, docx: Path) -> None:
        self.convert(docx)


def accelerated() -> bool:
    """Is reportlab's C accelerator (the rl-accel package, ``_rl_accel``) installed? Without it
    reportlab formats every number and measures every string in Python: ~17 % of a large PDF."""
    import importlib.util

    return importlib.util.find_spec("_rl_accel") is not None


# -- the figures ---------------------------------------------------------------------------------
def measure(quick: bool = False) -> list[Figure]:
    from core.export.docx import write_docx
    from core.export.pdf import write_pdf

    word_repeat, pdf_repeat = (2, 2) if quick else (15, 5)  # Word: 20–60 ms a run, noisy on a shared machine
    figures: list[Figure] = []
    pdf_figures: list[Figure] = []
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    accel_note = "" if accelerated() else "without reportlab's C accelerator (rl-accel)"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lo = LibreOffice(soffice, tmp) if soffice else None
        for name, report in reports():
            content = plain_content(report)
            ours_docx, plain_out = tmp / f"{name.split()[0]}.docx", tmp / "plain.docx"
            ours, base = interleaved(lambda: write_docx(report, ours_docx), lambda: plain_docx(content, plain_out),
                                     repeat=word_repeat)
            figures.append(Figure(f"Word export, {name}", "plain python-docx, same text and cells", ours, base,
                                  WORD_GOAL))
            pdf_out = tmp / "ours.pdf"
            if lo is None:
                pdf_figures.append(Figure(f"PDF export, {name}", "LibreOffice NOT INSTALLED: no comparison",
                                          None, None, PDF_GOAL, value=float("nan"), note="soffice missing"))
                continue
            lo.warm(ours_docx)  # the profile (first report) and this file's fonts: untimed
            ours, base = interleaved(lambda: write_pdf(report, pdf_out), lambda: lo.convert(ours_docx),
                                     repeat=pdf_repeat)
            pdf_figures.append(Figure(f"PDF export, {name}", "LibreOffice (warm) converting our docx", ours, base,
                                      PDF_GOAL, note=accel_note))
    return figures + pdf_figures


if __name__ == "__main__":
    print_table(measure(quick="--quick" in sys.argv))
    sys.exit(0)
