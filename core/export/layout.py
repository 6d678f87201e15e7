"""The finished report as a sequence of layout blocks, shared by the Word and PDF exporters.

``build_document(report)`` walks the template's outline: a heading per node with Chinese
numbering (一、（一）1.（2）), the narrative the node is fed with, and the tables the outline
places there (基础数据表, 自评表, 项目自评表, 评分表) — every table of the report appears
once, the ones the outline does not place in an appendix at the end. Then the signature
block. Exporters only draw these blocks; what goes where is decided here, once. Whether the
export is final or a draft (``export_status``, ``draft_mark``) is decided here too.

The blocks are defined in blocks.py, the tables built in layout_tables.py, how every number is
printed in numbers.py (a missing value prints as an empty cell — never None, nan or #DIV/0!),
and the text both exporters can write in printable.py.
"""
from __future__ import annotations

from core import model
from core.checks import run_checks
from core.checks_document import OVERVIEW_FEEDS, section_has_text
from core.export.blocks import Block, Document, Heading, PageBreak, Paragraph, Signature, Table
from core.export.layout_tables import basic_data_table, framework_table, narrative_table, self_eval_tables
from core.export.numbers import chinese_date, heading_number
from core.export.printable import clean_document
from core.narrative import text_blocks
from core.findings import ERROR, WARNING, Finding
from core.scoring import score_report, table_template
from core.scoring_records import ReportScore
from core.templates import TemplateSet, default_set

# Re-exported: layout's public API (its __all__, named in docs/export.md) from before the blocks,
# the number formats and the text cleaning moved to their own modules; callers may keep these imports.
from core.export.blocks import Cell, digest_line  # re-export
from core.export.numbers import money, pct, score  # re-export
from core.export.printable import printable  # re-export


# -- export policy --------------------------------------------------------------------------
def export_status(findings: list[Finding]) -> tuple[bool, tuple[str, ...]]:
    """(final export allowed, why not). Final needs zero errors and every warning answered;
    otherwise the report can still be exported, as a draft with a visible “草稿” mark."""
    errors = [f for f in findings if f.severity == ERROR]
    open_warnings = [f for f in findings if f.severity == WARNING and not f.answered]
    reasons = []
    if errors:
        reasons.append(f"还有 {len(errors)} 项错误未改正")
    if open_warnings:
        reasons.append(f"还有 {len(open_warnings)} 项警告未说明")
    return not reasons, tuple(reasons)


def draft_mark(reasons: tuple[str, ...]) -> str:
    """The one draft mark, at the top of every page in Word and PDF alike."""
    return "草稿（未定稿：" + "；".join(reasons) + "）" if reasons else "草稿（未定稿）"


# -- the document ------------------------------------------------------------------------------
def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(p.strip()) for p in text.splitlines() if p.strip()]


def _section_blocks(text: str) -> list[Paragraph | Table]:
    return [Paragraph(b) if isinstance(b, str) else narrative_table(b) for b in text_blocks(text)]


def _node_text(report: model.Report, node, section: model.Section | None) -> list[Paragraph | Table]:
    """An outline node's text. The clerk's section is printed as written, its own sub-headings
    (“1、主要职责：”) before their text; an overview field the node is fed prints only when the
    section does not already say it, before the section. Nothing is invented for an empty node."""
    own = _section_blocks(section.text) if section and section.text.strip() else []
    said = "".join(_compact(p.text) for p in own if isinstance(p, Paragraph))
    fed: list[Paragraph] = []
    for feed in node.feeds:
        if feed in OVERVIEW_FEEDS:
            fed.extend(p for p in _paragraphs(getattr(report.overview, OVERVIEW_FEEDS[feed]))
                       if _compact(p.text) not in said)
    return fed + own


def _compact(text: str) -> str:
    return "".join(text.split())


def _annex_groups(tables: list[Block]) -> list[list[Block]]:
    """Annexed tables as the forms number them: a 自评表's head and indicator table are one annex."""
    groups: list[list[Block]] = []
    for b in tables:
        if (groups and isinstance(b, Table) and b.key == "self_eval" and isinstance(groups[-1][-1], Table)
                and groups[-1][-1].key == "self_eval_head" and groups[-1][-1].caption == b.caption):
            groups[-1].append(b)
        else:
            groups.append([b])
    return groups


def build_document(report: model.Report, templates: TemplateSet | None = None,
                   score: ReportScore | None = None, findings: list[Finding] | None = None) -> Document:
    templates = templates or default_set()
    score = score or score_report(report, templates)
    findings = findings if findings is not None else run_checks(report, score, templates)
    final, reasons = export_status(findings)
    tpl, _ = templates.for_report(report)
    results = {t.where: t for t in score.tables}
    tables = dict(report.tables())
    placed: set[str] = set()
    blocks: list[Block] = []

    def table_blocks(kind: str) -> list[Block]:
        out: list[Block] = []
        if kind == "basic_data" and report.kind == model.DEPARTMENT and report.figures.items \
                and "basic_data" not in placed:
            placed.add("basic_data")
            out.append(basic_data_table(report))
        wanted = {"self_eval": ["table"], "projects": [w for w in tables if w.startswith("projects/")],
                  "framework": ["framework"]}.get(kind, [])
        for where in wanted:
            if where not in tables or where in placed:
                continue
            placed.add(where)
            t = tables[where]
            if where == "framework":
                ftpl, _ = table_template(report, where, t, templates)
                out.append(framework_table(report, t, results.get(where), ftpl))
            else:
                ttpl, _ = table_template(report, where, t, templates)
                out.extend(self_eval_tables(report, where, t, results.get(where), ttpl))
        return out

    sig = report.signatories
    at_tables = tpl is not None and tpl.signature == "tables"

    def with_signatures(out: list[Block]) -> list[Block]:
        """The form's signature line under the 基础数据表 and every 自评表 (``"signature": "tables"``)."""
        if not at_tables:
            return out
        done: list[Block] = []
        for b in out:
            done.append(b)
            if isinstance(b, Table) and b.key in ("basic_data", "self_eval"):
                done.append(Signature((("填表人", sig.preparer), ("填报日期", chinese_date(sig.date)),
                                       ("联系电话", sig.phone), ("单位负责人签字", sig.unit_head))))
        return done

    counters = [0, 0, 0, 0]
    sections = {s.key: s for s in report.sections}
    annexes: list[Block] = []  # tables of table-only outline nodes (附件/附表) and of no node at all
    for depth, node in (tpl.outline_nodes() if tpl else ()):
        if depth == 1 and node.tables and not node.feeds and not node.children:
            for kind in node.tables:
                annexes.extend(table_blocks(kind))
            continue
        if node.optional and not node.children and not node.tables and not section_has_text(report, node):
            continue  # an empty optional section is left out (a required one is SECTION_EMPTY)
        level = min(depth, 4)
        counters[level - 1] += 1
        for i in range(level, 4):
            counters[i] = 0
        section = sections.get(node.key)
        title = section.title if section and section.title else node.title
        blocks.append(Heading(level, heading_number(level, counters[level - 1]), title))
        blocks.extend(_node_text(report, node, section))
        for kind in node.tables:
            blocks.extend(with_signatures(table_blocks(kind)))
    for kind in ("basic_data", "self_eval", "projects", "framework"):
        annexes.extend(table_blocks(kind))
    groups = _annex_groups(annexes)
    if len(groups) > 1:  # 附件：1、…2、… as the forms list them, then “附件1” over each
        blocks.extend(Paragraph(("附件：" if n == 1 else "　　　") + f"{n}、{g[0].caption}")  # 2、 under 1、
                      for n, g in enumerate(groups, 1))
    if not at_tables:
        blocks.append(Signature((("填表人", sig.preparer), ("审核人", sig.reviewer), ("单位负责人（签字）", sig.unit_head),
                                 ("联系电话", sig.phone), ("填报日期", chinese_date(sig.date)),
                                 ("单位（盖章）", report.unit.name))))
    for n, g in enumerate(groups, 1):  # each annex on a page of its own, as the forms are
        blocks += [PageBreak(), Heading(1, "", f"附件{n}" if len(groups) > 1 else "附件")]
        blocks.extend(with_signatures(g))
    title = report.title or f"{report.year or ''}年度{report.unit.name}" + (
        "部门整体支出绩效自评报告" if report.kind == model.DEPARTMENT else "项目支出绩效自评报告")
    return clean_document(Document(title, report.unit.name, tuple(blocks), not final, reasons, _digest(report)))


def _digest(report: model.Report) -> str:
    """report_digest, or "" for a report no file can hold (a lone surrogate built in code): such a
    report still exports, without a 校验码 — no file could ever match it."""
    from core.report_digest import report_digest

    try:
        return report_digest(report)
    except (UnicodeError, ValueError):
        return ""


__all__ = ["Document", "Table", "Cell", "Heading", "Paragraph", "Signature", "PageBreak", "build_document",
           "export_status", "money", "pct", "score", "printable", "clean_document", "digest_line"]
