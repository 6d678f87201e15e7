"""Narrative sections: draft paragraphs from the figures and scores, and edit sections by key.

``draft_sections(report, template)`` writes the paragraphs a clerk would otherwise copy out of
the tables, for the outline nodes that report figures and results. Which node gets which
paragraph is read from the node's ``feeds`` (docs/templates.md):

- ``figures`` / ``figures.income`` / ``figures.expenditure``: income and spending composition
  with shares; ``figures.basic_expenditure``: 人员经费 and 公用经费 within 基本支出;
- ``table.funds`` (or, when no node has it, the income-and-spending node): 全年预算数, 执行数 and
  执行率, with a blank the clerk must fill when the rate is above 100% or below the
  template's ``execution_low``;
- ``score``: how many indicators were reached (the others named with target and actual) and
  the total and grade of the main table (``core.scoring``).

Amounts are printed as in the report (trailing zeros dropped), percentages with two decimals
(四舍五入); shares only against a known total above 0. A missing number leaves its words out:
no draft ever says None, nan or #DIV/0!.

``Section.generated`` keeps the last draft: ``apply_drafts`` replaces a section only when the
clerk has not changed it since (its text is empty or equals ``generated``); otherwise it keeps
the clerk's words and stores the new draft beside them.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from core import figures as fig
from core import model
from core.rounding import fmt_score, q2
from core.scoring import score_report
from core.scoring_records import TableResult
from core.templates import OutlineNode, Template, load_template

HUNDRED = Decimal(100)
BLANK = "______"
_FIGURE_FEEDS = ("figures", "figures.income", "figures.expenditure")


# -- formatting ------------------------------------------------------------------------------
def amount(value: Decimal) -> str:
    """107.49 → '107.49', 5.00 → '5', 99.20 → '99.2'."""
    return fmt_score(value)


def share(part: Decimal, total: Decimal | None, of: str = "") -> str:
    """'，占95.35%' — or '' when the total is unknown or not above 0."""
    if total is None or total <= 0:
        return ""
    return f"，占{of}{q2(part / total * HUNDRED):.2f}%"


def _year(report: model.Report) -> str:
    return f"{report.year}年度" if report.year else "本年度"


def _parts(report: model.Report, parent: str, of: str = "") -> list[tuple[str, str]]:
    """(key, '人员经费92.81万元，占93.56%') for each non-zero part of ``parent``."""
    total, got = report.figures.get(parent), report.figures.get
    return [(k, f"{fig.label(k)}{amount(got(k))}万元{share(got(k), total, of)}")
            for k in fig.children_of(parent) if got(k)]  # None and 0 are left out


def _sentence(report: model.Report, what: str, total: Decimal | None, listed: str) -> str:
    if total is not None:
        return f"{_year(report)}{what}{amount(total)}万元" + (f"，其中：{listed}。" if listed else "。")
    return f"{_year(report)}{what}包括：{listed}。" if listed else ""


# -- (a) income and spending ---------------------------------------------------------------------
def income_paragraph(report: model.Report) -> str:
    listed = "；".join(t for _k, t in _parts(report, "income_total"))
    text = _sentence(report, "本单位总收入", report.figures.get("income_total"), listed)
    carry = report.figures.get("income_carryover")
    return text + (f"另有上年结转结余{amount(carry)}万元。" if carry else "")


def basic_paragraph(report: model.Report) -> str:
    listed = "；".join(t for _k, t in _parts(report, "basic_expenditure"))
    return _sentence(report, "基本支出", report.figures.get("basic_expenditure"), listed)


def spending_paragraph(report: model.Report) -> str:
    inner = "；".join(t for _k, t in _parts(report, "basic_expenditure", of="基本支出的"))
    items = [text + (f"（其中{inner}）" if k == "basic_expenditure" and inner else "")
             for k, text in _parts(report, "total_expenditure")]
    if inner and report.figures.get("basic_expenditure") is None:
        items.insert(0, inner)  # no 基本支出 figure (so no shares of it): its parts alone
    return _sentence(report, "本单位总支出", report.figures.get("total_expenditure"), "；".join(items))


# -- (b) execution -----------------------------------------------------------------------------
def execution_paragraph(report: model.Report, template: Template) -> str:
    """From the main table's funds row (the scored one), else from the figures."""
    annual = executed = None
    funds = report.table.funds if report.table is not None else None
    if funds is not None and funds.total is not None:
        annual, executed = funds.total.annual, funds.total.executed
    if annual is None and executed is None:
        annual, executed = report.figures.get("annual_budget"), report.figures.get("executed")
    said = [f"{what}{amount(v)}万元" for what, v in (("全年预算数", annual), ("全年执行数", executed))
            if v is not None]
    if not said:
        return ""
    if annual is None or executed is None or annual <= 0:
        return "，".join(said) + "。"
    rate = q2(executed / annual * HUNDRED)
    text = "，".join(said) + f"，预算执行率{rate:.2f}%。"
    if rate > HUNDRED:
        text += f"执行率超过100%的原因：{BLANK}。"
    elif rate < template.execution_low:
        text += f"执行率低于{amount(template.execution_low)}%的原因：{BLANK}。"
    return text


# -- (c) and (d) performance ---------------------------------------------------------------------
def _row(r) -> str:
    target, actual = (x.text.strip() if x is not None else "" for x in (r.target, r.actual))
    return f"{r.names[-1]}（年度指标值：{target or '未填'}；实际完成值：{actual or '未填'}）"


def indicators_paragraph(result: TableResult) -> str:
    if not result.scored:  # a plan-vs-completion table: nothing says what was reached
        n = sum(1 for r in result.indicators if r.target is not None and r.target.text.strip())
        return f"绩效指标共{n}项。" if n else ""
    rows = [r for r in result.indicators if r.weight is not None]
    if not rows:
        return ""
    reached = [r for r in rows if r.reached is True]
    missed = [r for r in rows if r.reached is False]
    unknown = [r for r in rows if r.reached is None]
    if len(reached) == len(rows):
        return f"绩效指标共{len(rows)}项，全部达成。"
    text = f"绩效指标共{len(rows)}项，已达成{len(reached)}项"
    if missed:
        text += f"，未达成{len(missed)}项：" + "；".join(_row(r) for r in missed)
    text += "。"
    if unknown:
        text += f"另有{len(unknown)}项需核实是否达成：" + "；".join(_row(r) for r in unknown) + "。"
    return text


def total_paragraph(result: TableResult) -> str:
    if not result.scored:
        return ""
    grade = f"，等级为“{result.grade}”" if result.grade else ""
    return f"自评得分{fmt_score(result.rule_total)}分{grade}。"


# -- choosing sections -------------------------------------------------------------------------
def _first(template: Template, wanted) -> str:
    for _depth, node in template.outline_nodes():
        if any(wanted(f) for f in node.feeds):
            return node.key
    return ""


def draft_sections(report: model.Report, template: Template | None) -> dict[str, str]:
    """{outline key: drafted text} for the nodes that report figures and results."""
    if template is None:
        return {}
    parts: dict[str, list[str]] = {}

    def add(key: str, text: str) -> None:
        if key and text:
            parts.setdefault(key, []).append(text)

    for _depth, node in template.outline_nodes():
        feeds = set(node.feeds)
        if "figures" in feeds or "figures.income" in feeds:
            add(node.key, income_paragraph(report))
        if "figures" in feeds or "figures.expenditure" in feeds:
            add(node.key, spending_paragraph(report))
        elif "figures.basic_expenditure" in feeds:
            add(node.key, basic_paragraph(report))
    execution_key = _first(template, lambda f: f == "table.funds") or \
        _first(template, lambda f: f in _FIGURE_FEEDS) or _first(template, lambda f: f == "score")
    add(execution_key, execution_paragraph(report, template))
    score_key = _first(template, lambda f: f == "score")
    main = score_report(report).main if score_key else None
    if main is not None:
        add(score_key, indicators_paragraph(main))
        add(score_key, total_paragraph(main))
    order = [n.key for _d, n in template.outline_nodes()]
    return {k: "\n".join(parts[k]) for k in order if k in parts}


# -- editing sections ----------------------------------------------------------------------------
def set_section(report: model.Report, key: str, text: str, generated: str | None = None,
                template: Template | None = None) -> model.Report:
    """The report with section ``key``'s text (and, when given, its draft) set.

    A missing section is created at its place in the template's outline (after the sections
    that come before it there), or at the end when the template does not know the key.
    """
    sections = list(report.sections)
    for i, s in enumerate(sections):
        if s.key == key:
            new = dataclasses.replace(s, text=text, generated=s.generated if generated is None else generated)
            if new == s:
                return report
            sections[i] = new
            return dataclasses.replace(report, sections=tuple(sections))
    new = model.Section(key=key, text=text, generated=generated or "")
    if template is None:
        template, _ = load_template(report.template)
    order = [n.key for _d, n in template.outline_nodes()] if template is not None else []
    at = len(sections)
    if key in order:
        before = set(order[:order.index(key)])
        at = max((i + 1 for i, s in enumerate(sections) if s.key in before), default=0)
    sections.insert(at, new)
    return dataclasses.replace(report, sections=tuple(sections))


def section_record(report: model.Report, key: str) -> model.Section | None:
    return next((s for s in report.sections if s.key == key), None)


def apply_drafts(report: model.Report, drafts: dict[str, str],
                 template: Template | None = None) -> tuple[model.Report, list[str]]:
    """Put fresh drafts in; returns the report and the keys whose edited text was kept.

    A section is replaced when its text is empty or still the last draft; otherwise the
    clerk's text stays and the new draft is stored in ``generated`` for them to look at.
    """
    if template is None:
        template, _ = load_template(report.template)
    kept = []
    for key, draft in drafts.items():
        s = section_record(report, key)
        text = s.text if s else ""
        if not text.strip() or text == (s.generated if s else ""):
            report = set_section(report, key, draft, draft, template)
        else:
            report = set_section(report, key, text, draft, template)
            if text != draft:
                kept.append(key)
    return report, kept


def replace_with_draft(report: model.Report, key: str) -> model.Report:
    """The clerk accepted the stored draft of section ``key``."""
    s = section_record(report, key)
    return set_section(report, key, s.generated) if s is not None and s.generated else report


# -- outline labels --------------------------------------------------------------------------
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 23 → 二十三 (1–99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[ones] if ones else "")


def numbered(depth: int, n: int, title: str) -> str:
    """一、标题 at depth 1, （一）标题 at depth 2, n.标题 below."""
    if depth <= 2:
        return f"{chinese_number(n)}、{title}" if depth == 1 else f"（{chinese_number(n)}）{title}"
    return f"{n}.{title}"


def _is_section(node: OutlineNode, present: set[str]) -> bool:
    return node.key in present or any(f.startswith("sections.") for f in node.feeds)


def _shown(node: OutlineNode, present: set[str]) -> bool:
    return _is_section(node, present) or any(_shown(c, present) for c in node.children)


def narrative_outline(template: Template | None, report: model.Report) -> list[tuple[str, int, str, bool]]:
    """(key, depth, numbered title, has an editor) for each outline node shown on the page.

    Nodes that hold only tables (附表) are left out and not numbered; a parent without text
    of its own is listed as a heading (has an editor: False).
    """
    if template is None:
        return []
    present = {s.key for s in report.sections}
    titles = {s.key: s.title for s in report.sections if s.title}
    out = []

    def walk(nodes, depth: int) -> None:
        n = 0
        for node in nodes:
            if not _shown(node, present):
                continue
            n += 1
            out.append((node.key, depth, numbered(depth, n, titles.get(node.key, node.title)),
                        _is_section(node, present)))
            walk(node.children, depth + 1)

    walk(template.outline, 1)
    return out


# -- tables pasted into a section ---------------------------------------------------------------
_TABLE_CONT_STOP = set("。：:；;，,！？")
TABLE_CONT_MAX = 20  # a line without a tab continues a table only when it is this short …


def _continues_table(line: str) -> bool:
    """A line inside a pasted table: it has a tab, or it is a short cell left alone on its row
    (a merged cell Word copies once, “成本指标”) — never a sentence (no 。：；，)."""
    s = line.strip()
    if "\t" in s:
        return True
    return bool(s) and len(s) <= TABLE_CONT_MAX and not (_TABLE_CONT_STOP & set(s))


def text_blocks(text: str) -> list[str | tuple[tuple[str, ...], ...]]:
    """A section's text as paragraphs (str) and tables (rows of cells).

    A table is what Word and Excel put on the clipboard as text: rows on lines, cells separated
    by tabs. It starts at a line with a tab and goes on over lines with a tab and short lines
    (see ``_continues_table``) up to a blank line or a sentence; at least two of its lines must
    hold a tab, else they are paragraphs. Rows with fewer cells than the widest row lost their
    merged cells on the left (Word copies a merged cell once), so they are padded on the left.
    The text itself stays as typed (docs/format.md): this is how it prints.
    """
    lines = text.replace("\v", "\n").splitlines()
    out: list[str | tuple[tuple[str, ...], ...]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line.strip():
            j = i + 1
            while j < len(lines) and _continues_table(lines[j]):
                j += 1
            run = lines[i:j]
            if sum("\t" in r.strip() for r in run) >= 2:
                rows = [tuple(c.strip() for c in r.strip().split("\t")) for r in run]
                width = max(len(r) for r in rows)
                grid: list[tuple[str, ...]] = []
                for r in rows:
                    if len(r) == 1 and grid:  # a lone group label: under the previous row's first cell
                        at = next((k for k, c in enumerate(grid[-1]) if c), 0)
                        grid.append(("",) * at + r + ("",) * (width - at - 1))
                    else:
                        grid.append(("",) * (width - len(r)) + r)
                out.append(tuple(grid))
                i = j
                continue
        if line.strip():
            out.append(line.strip())
        i += 1
    return out


_SPACED = __import__("re").compile(r"(?<=\S)(?: {2,}|　{2,})(?=\S)")  # a gap of two spaces or more


def looks_space_aligned(text: str) -> bool:
    """Lines that look like a table lined up with spaces (three lines or more, each with at least
    two gaps of two or more spaces): they print as spread-out words, not as a table."""
    run = 0
    for line in text.splitlines():
        if "\t" not in line and len(_SPACED.findall(line)) >= 2:
            run += 1
            if run >= 3:
                return True
        else:
            run = 0
    return False
