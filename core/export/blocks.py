"""The layout's blocks: headings, paragraphs, tables of cells, the signature block, page breaks,
and the ``Document`` that holds them — what the Word and PDF exporters draw (core/export/layout.py
builds them)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    align: str = "left"  # left | center | right
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A grid; ``None`` in a row marks a position covered by a span from the left or above."""

    key: str  # basic_data | self_eval | framework — what the table is
    caption: str
    widths_mm: tuple[float, ...]
    header: tuple[tuple[Cell | None, ...], ...]  # repeated on every page
    rows: tuple[tuple[Cell | None, ...], ...]
    total_text: str = ""  # the printed total, for tests and read-back
    group_rows: tuple[tuple[int, int], ...] = ()  # (first row, last row) of each 一级 group in rows


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1..4
    number: str  # 一、 （一） 1. （1）
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Signature:
    fields: tuple[tuple[str, str], ...]  # (label, value); blank values get a line to sign on


@dataclass(frozen=True, slots=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Signature | PageBreak


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    unit: str
    blocks: tuple[Block, ...]
    draft: bool  # printed with a visible “草稿” mark
    draft_reasons: tuple[str, ...]
    digest: str = ""  # core.report_digest of the report: “校验码 …” in small type under every page number


def digest_line(digest: str) -> str:
    """The footer line that ties a printed page to its file, the same in Word and PDF."""
    return f"校验码 {digest}" if digest else ""


def all_cells(doc: Document):
    """Every printed text (for tests: no None, nan or #DIV/0! anywhere)."""
    for b in doc.blocks:
        if isinstance(b, Table):
            for row in b.header + b.rows:
                for c in row:
                    if c is not None:
                        yield c.text
        elif isinstance(b, (Paragraph, Heading)):
            yield b.text
        elif isinstance(b, Signature):
            for label, value in b.fields:
                yield value
