"""Paper ↔ file (issue 11, item 5): every exported page prints “校验码 XXXX-XXXX-XXXX-XXXX”, the
report_digest of the report's content — the same in Word and PDF, the same on re-export, another
after any edit to a figure."""
import re
import subprocess
from dataclasses import replace
from decimal import Decimal as D

from docx import Document

from core.export.docx import write_docx
from core.model import Figures
from core.export.layout import build_document, digest_line
from core.export.pdf import write_pdf
from core.report_digest import report_digest

DIGEST = re.compile(r"校验码 ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


def docx_footer_digests(path):
    sec = Document(str(path)).sections[0]
    return [DIGEST.findall("\n".join(p.text for p in f.paragraphs)) for f in (sec.footer, sec.even_page_footer)]


def pdf_pages(path):
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    return [p for p in text.split("\f") if p.strip()]


def test_layout_carries_the_digest(seeds):
    for report in seeds.values():
        doc = build_document(report)
        assert doc.digest == report_digest(report)
        assert digest_line(doc.digest) == f"校验码 {report_digest(report)}"


def test_every_page_of_both_formats_prints_the_same_digest(seeds, tmp_path):
    report = seeds["000"]
    digest = report_digest(report)
    docx_path, pdf_path = write_docx(report, tmp_path / "r.docx"), write_pdf(report, tmp_path / "r.pdf")
    assert docx_footer_digests(docx_path) == [[digest], [digest]]  # odd and even page footers
    pages = pdf_pages(pdf_path)
    assert len(pages) > 1
    for page in pages:
        assert DIGEST.findall(page) == [digest]


def test_digest_unchanged_by_reexport_changed_by_an_edited_figure(seeds, tmp_path):
    report = seeds["001"]
    first = pdf_pages(write_pdf(report, tmp_path / "a.pdf"))[0]
    again = pdf_pages(write_pdf(report, tmp_path / "b.pdf"))[0]
    assert DIGEST.findall(first) == DIGEST.findall(again) == [report_digest(report)]
    assert docx_footer_digests(write_docx(report, tmp_path / "a.docx")) == \
        docx_footer_digests(write_docx(report, tmp_path / "b.docx"))

    figs = report.figures.as_dict()
    key = next(iter(figs))
    edited = replace(report, figures=Figures.of({**figs, key: figs[key] + D("0.01")}))
    changed = DIGEST.findall(pdf_pages(write_pdf(edited, tmp_path / "c.pdf"))[0])
    assert changed == [report_digest(edited)] and changed != DIGEST.findall(first)
    assert docx_footer_digests(write_docx(edited, tmp_path / "c.docx"))[0] == changed
