"""Text as both exporters can write it: ``printable`` and ``clean_document``, which passes every
text of a layout ``Document`` through it."""
from __future__ import annotations

from dataclasses import fields, replace

from core.export.blocks import Block, Cell, Document, Heading, Paragraph, Signature, Table
from core.validate import clean_text


_NONCHARACTERS = str.maketrans("", "", "\ufffe\uffff")  # not allowed in XML (Word) either


def printable(text: str) -> str:
    """``text`` as both exporters can write it: control characters (except tab and line
    breaks) dropped, lone surrogates replaced by U+FFFD (core.validate.clean_text), and the
    noncharacters U+FFFE/U+FFFF dropped — none of them is allowed in a .docx (XML) and none
    can be encoded in a PDF. Text that gets past the input gate (an old draft, a document
    built in code) still exports instead of ending in a traceback."""
    if text.isprintable():
        return text
    return clean_text(text).translate(_NONCHARACTERS)


def _clean_cell(c: Cell | None) -> Cell | None:
    if c is None:
        return None
    text = printable(c.text)
    return c if text is c.text else replace(c, text=text)  # unchanged (nearly always): no copy


def _clean_block(b: Block) -> Block:
    if isinstance(b, Table):
        def rows(rs):
            return tuple(tuple(_clean_cell(c) for c in r) for r in rs)
        return replace(b, caption=printable(b.caption), header=rows(b.header), rows=rows(b.rows),
                       total_text=printable(b.total_text))
    if isinstance(b, Signature):
        return replace(b, fields=tuple((printable(k), printable(v)) for k, v in b.fields))
    if isinstance(b, (Heading, Paragraph)):
        return replace(b, **{f.name: printable(getattr(b, f.name)) for f in fields(b) if f.name != "level"})
    return b


def clean_document(doc: Document) -> Document:
    """``doc`` with every text through ``printable`` (both exporters draw only this)."""
    return replace(doc, title=printable(doc.title), unit=printable(doc.unit),
                   blocks=tuple(_clean_block(b) for b in doc.blocks),
                   draft_reasons=tuple(printable(r) for r in doc.draft_reasons))
