"""The finished report as a sequence of layout blocks, shared by the Word and PDF exporters.

``build_document(report)`` walks the template's outline: a heading per node with Chinese
numbering (一、（一）1.（2）), the narrative the node is fed with, and the tables the outline
places there (基础数据表, 自评表, 项目自评表, 评分表) — every table of the report appears
once, the ones the outline does not place in an appendix at the end. Then the signature
block. Exporters only draw these blocks; what goes where, and how every number is printed,
is decided here, once.

Numbers: 万元 amounts with two decimals (161.40), percentages with two decimals (100.00%),
scores as the clerk's table prints them (10, 8, 1.63). A missing value prints as an empty
cell — never None, nan or #DIV/0!.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal

from core import model
from core.checks import run_checks
from core.checks_document import OVERVIEW_FEEDS, is_placeholder_row, section_has_text
from core.narrative import text_blocks
from core.findings import ERROR, WARNING, Finding
from core.rounding import fmt_score, q2
from core.scoring import score_report, table_template
from core.scoring_records import NO_GRADE, ReportScore, TableResult
from core.templates import Template, TemplateSet, default_set
from core.validate import clean_text

TEXT_WIDTH_MM = 156  # GB/T 9704 版心


# -- blocks ----------------------------------------------------------------------------------
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


# -- numbers ---------------------------------------------------------------------------------
def money(v: Decimal | None) -> str:
    return "" if v is None else f"{q2(v):.2f}"


def pct(v: Decimal | None) -> str:
    return "" if v is None else f"{q2(v):.2f}%"


def score(v: Decimal | None) -> str:
    return "" if v is None else fmt_score(v)


CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (outlines never go past 99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + ("" if ones == 0 else CN_DIGITS[ones])


def heading_number(level: int, n: int) -> str:
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


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


# -- tables ------------------------------------------------------------------------------------
def _c(text: str = "", **kw) -> Cell:
    return Cell(text, **kw)


def basic_data_table(report: model.Report) -> Table:
    f = report.figures.as_dict()
    ov = report.overview
    rate = None
    if ov.authorized_staff and ov.actual_staff is not None:
        rate = ov.actual_staff / ov.authorized_staff * 100
    year = report.year
    last, this = (f"{year - 1}年决算数", f"{year}年") if year else ("上年决算数", "本年")
    header = ((_c("项目", align="center", bold=True), _c(last, align="center", bold=True),
               _c(f"{this}预算数", align="center", bold=True), _c(f"{this}决算数", align="center", bold=True)),)
    rows: list[tuple[Cell | None, ...]] = [
        (_c("财政供养人员情况（人）", bold=True), _c("编制数", align="center"),
         _c("实际在职人数", align="center"), _c("控制率", align="center")),
        (_c(""), _c(score(ov.authorized_staff), align="center"), _c(score(ov.actual_staff), align="center"),
         _c(pct(rate), align="center")),
        (_c("经费控制情况（万元）", bold=True, colspan=4), None, None, None),
    ]

    def line(label: str, key: str, indent: int = 0) -> tuple[Cell, ...]:
        return (_c("　" * indent + label), _c(money(f.get(key + "_last")), align="right"),
                _c(money(f.get(key + "_budget")), align="right"), _c(money(f.get(key)), align="right"))
    rows += [line("支出总额", "total_expenditure"), line("基本支出", "basic_expenditure", 1),
             line("其中：人员经费", "personnel_cost", 2), line("其中：公用经费", "operating_cost", 2),
             line("项目支出", "project_expenditure", 1)]
    for fl in report.fund_lines:
        rows.append((_c("　　" + fl.name), _c(money(fl.last_final), align="right"),
                     _c(money(fl.budget), align="right"), _c(money(fl.final), align="right")))
    rows += [line("“三公”经费", "sangong_total"), line("因公出国（境）费", "sangong_abroad", 1),
             line("公务用车购置及运行维护费", "sangong_vehicle", 1), line("公务接待费", "sangong_reception", 1),
             line("政府采购金额", "procurement_actual")]
    return Table("basic_data", f"{year or ''}年度部门整体支出绩效评价基础数据表", (60, 32, 32, 32), header,
                 tuple(rows))


SELF_EVAL_WIDTHS = (8, 16, 18, 31, 18, 18, 11, 16, 20)  # 156 mm; 执行率 needs 16 mm for “100.00%”


def self_eval_tables(report: model.Report, where: str, table: model.SelfEvalTable,
                     result: TableResult | None, tpl: Template | None) -> tuple[Table, Table]:
    """The head (name, funds, goal) and the indicator table (header repeated on every page)."""
    project = where.startswith("projects/") or report.kind == model.PROJECT
    kind = "项目支出绩效自评表" if project else "部门整体支出绩效自评表"
    caption = f"{report.year or ''}年度{kind}" + (f"（{table.name}）" if project and table.name else "")
    head: list[tuple[Cell | None, ...]] = [
        (_c("项目名称" if project else "部门名称", colspan=2, bold=True), None,
         _c(table.name or report.unit.name, colspan=7), *([None] * 6)),
        (_c("主管部门", colspan=2, bold=True), None, _c(table.supervisor or report.unit.supervisor, colspan=2), None,
         _c("实施单位", bold=True), _c(table.implementer or table.supervisor or report.unit.name, colspan=4),
         None, None, None),
    ]
    funds = table.funds
    if funds is not None and funds.rows:
        n = len(funds.rows)
        e = result.execution if result else None
        head.append((_c("资金情况（万元）", rowspan=n + 1, align="center", bold=True),
                     _c("", colspan=2), None, _c("年初预算数", align="center"), _c("全年预算数", align="center"),
                     _c("全年执行数", align="center"), _c("分值", align="center"), _c("执行率", align="center"),
                     _c("得分", align="center")))
        for i, row in enumerate(funds.rows):
            cells: list[Cell | None] = [None, _c(row.label, colspan=2), None,
                                        _c(money(row.initial), align="right"), _c(money(row.annual), align="right"),
                                        _c(money(row.executed), align="right")]
            if i == 0:
                cells += [_c(score(funds.weight), rowspan=n, align="center"),
                          _c(pct(e.value if e else None), rowspan=n, align="center"),
                          _c(score(funds.score), rowspan=n, align="center")]
            else:
                cells += [None, None, None]
            head.append(tuple(cells))
    goal = table.goal if (table.goal.expected or table.goal.achieved) else report.goal
    head += [
        (_c("年度总体目标", rowspan=2, align="center", bold=True), _c("预期目标", colspan=4, align="center"),
         None, None, None, _c("实际完成情况", colspan=4, align="center"), None, None, None),
        (None, _c(goal.expected, colspan=4), None, None, None, _c(goal.achieved, colspan=4), None, None, None),
    ]
    header = ((_c("绩效指标", align="center", bold=True), _c("一级指标", align="center", bold=True),
               _c("二级指标", align="center", bold=True), _c("三级指标", align="center", bold=True),
               _c("年度指标值", align="center", bold=True), _c("实际完成值", align="center", bold=True),
               _c("分值", align="center", bold=True), _c("得分", align="center", bold=True),
               _c("偏差原因分析及改进措施", align="center", bold=True)),)
    rows: list[tuple[Cell | None, ...]] = []
    spans: list[tuple[int, int]] = []
    for g in table.groups:
        flat = _rows_of(g)
        if not flat:
            continue
        first = len(rows)
        label = g.name + (f"（{score(g.stated_weight)}分）" if g.stated_weight is not None else "")
        for i, (sub, sub_first, sub_len, leaf) in enumerate(flat):
            rows.append((
                None,  # the 绩效指标 column: one merged cell over all indicator rows (set below)
                _c(label, rowspan=len(flat), align="center") if i == 0 else None,
                _c(sub, rowspan=sub_len, align="center") if sub_first else None,
                _c(leaf.name), _c(leaf.target, align="center"), _c(leaf.actual, align="center"),
                _c(score(leaf.weight), align="center"), _c(score(leaf.score), align="center"),
                _c(leaf.deviation_note)))
        spans.append((first, len(rows) - 1))
    if rows:
        rows[0] = (_c("", rowspan=len(rows)),) + rows[0][1:]
    scored = result is not None and result.scored
    total = result.reported_total if scored else None
    weights = result.weight_total if scored else None
    grade = tpl.grade_for(total) if tpl and scored else (table.stated_grade if not scored else "")
    grade_text = f"等级：{grade}" if grade else ""
    if scored and not result.weights_ok and result.has_scores:  # the 总分 stays beside it
        grade_text = NO_GRADE
    rows.append((_c("总分", colspan=6, align="center", bold=True), None, None, None, None, None,
                 _c(score(weights), align="center"), _c(score(total), align="center", bold=True),
                 _c(grade_text, align="center")))
    return (Table("self_eval_head", caption, SELF_EVAL_WIDTHS, (), tuple(head)),
            Table("self_eval", caption, SELF_EVAL_WIDTHS, header, tuple(rows), score(total), tuple(spans)))


def _rows_of(group: model.IndicatorGroup) -> list[tuple[str, bool, int, model.Indicator]]:
    """(二级 name, first row of its group?, rows in its group, leaf) for a 一级 group."""
    out = []
    for child in group.children:
        if isinstance(child, model.Indicator):
            if not is_placeholder_row(child):
                out.append(("", True, 1, child))
            continue
        leaves = [leaf for _, leaf in child.leaves() if not is_placeholder_row(leaf)]
        for i, leaf in enumerate(leaves):
            out.append((child.name, i == 0, len(leaves), leaf))
    return out


def framework_table(report: model.Report, table: model.SelfEvalTable, result: TableResult | None,
                    tpl: Template | None = None) -> Table:
    """The 评分表. A formula row prints its computed value (“在职人员控制率为133.33%”) in the
    评分依据 column, and the rule's score when the clerk entered none."""
    depth = max((len(path) for g in table.groups for path, _ in g.leaves()), default=0) + 1
    level_names = ("一级指标", "二级指标", "三级指标", "四级指标")[:depth]
    text_w = 40
    level_w = (TEXT_WIDTH_MM - text_w - 24) / depth
    widths = tuple([level_w] * depth) + (12, text_w, 12)
    header = (tuple(_c(n, align="center", bold=True) for n in level_names)
              + (_c("分值", align="center", bold=True), _c("评分依据及简要说明", align="center", bold=True),
                 _c("得分", align="center", bold=True)),)
    rows: list[tuple[Cell | None, ...]] = []
    spans = []
    pending: list[Cell | None] = [None] * depth  # a group label waiting for its first row
    covered = [-1] * depth  # the last row each level's label spans down to

    def label_of(g: model.IndicatorGroup, n: int) -> Cell:
        text = g.name + (f"（{score(g.stated_weight)}分）" if g.stated_weight is not None else "")
        return _c(text, rowspan=max(n, 1), align="center")

    computed = {r.where: r for r in result.all_rows()} if result else {}

    def count(g: model.IndicatorGroup) -> int:
        return sum(1 for _, leaf in g.leaves() if not is_placeholder_row(leaf))

    def emit(leaf: model.Indicator, level: int, where: str) -> None:
        if is_placeholder_row(leaf):
            return
        r = len(rows)
        cells: list[Cell | None] = []
        for lv in range(level):
            if pending[lv] is not None:
                cells.append(pending[lv])
                covered[lv] = r + pending[lv].rowspan - 1
                pending[lv] = None
            elif r <= covered[lv]:
                cells.append(None)
            else:
                cells.append(_c(""))
        span = depth - level  # a shallow leaf spans the level columns it has no group for
        cells.append(_c(leaf.name, colspan=span))
        cells += [None] * (span - 1)
        basis = leaf.actual or leaf.basis
        got = computed.get(where)
        points = leaf.score
        if got is not None and got.value is not None:  # a formula row: the computed value on paper
            fd = tpl.formula(leaf.formula) if tpl is not None and leaf.formula else None
            shown = f"{q2(got.value):.2f}" + (fd.unit if fd is not None else "%")
            basis = f"{leaf.name}为{shown}" + (f"；{basis}" if basis and shown not in basis else "")
            if points is None and leaf.weight is not None:
                points = got.rule_score
        cells += [_c(score(leaf.weight), align="center"), _c(basis), _c(score(points), align="center")]
        rows.append(tuple(cells))

    def walk(node: model.IndicatorGroup, level: int, where: str) -> None:
        for i, child in enumerate(node.children):
            if isinstance(child, model.Indicator):
                emit(child, level, f"{where}/children/{i}")
            else:
                n = count(child)
                if n:
                    pending[level] = label_of(child, n)
                    walk(child, level + 1, f"{where}/children/{i}")
    for gi, g in enumerate(table.groups):
        first = len(rows)
        n = count(g)
        if n == 0:
            continue
        pending[0] = label_of(g, n)
        walk(g, 1, f"framework/groups/{gi}")
        spans.append((first, len(rows) - 1))
    total = result.reported_total if result else None
    grade = (f"等级：{result.grade}" if result.grade else result.grade_text) if result else ""
    rows.append((_c("总分", colspan=depth, align="center", bold=True), *([None] * (depth - 1)),
                 _c(score(result.weight_total if result else None), align="center"),
                 _c(grade, align="center"), _c(score(total), align="center", bold=True)))
    return Table("framework", f"{table.name or report.unit.name}部门整体支出绩效评价指标体系评分表", widths, header,
                 tuple(rows), score(total), tuple(spans))


# -- the document ------------------------------------------------------------------------------
def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(p.strip()) for p in text.splitlines() if p.strip()]


def narrative_table(rows: tuple[tuple[str, ...], ...]) -> Table:
    """A table pasted into a section (tab-separated rows, core.narrative.text_blocks): the first
    row is the header (repeated on every page), columns as wide as their longest text allows."""
    ncols = len(rows[0])
    need = [max(max(min(_ems(r[k]), 12), 3) + 1 for r in rows) for k in range(ncols)]
    widths = tuple(round(TEXT_WIDTH_MM * n / sum(need), 1) for n in need)
    header = (tuple(_c(c, align="center", bold=True) for c in rows[0]),)
    body = tuple(tuple(_c(c) for c in r) for r in rows[1:])
    return Table("narrative", "", widths, header, body)


def _ems(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


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


def chinese_date(text: str) -> str:
    """“2019-05-30” → “2019年5月30日”; other text as typed."""
    import re
    m = re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*", text or "")
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日" if m else (text or "")


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


# -- printable text ---------------------------------------------------------------------------
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


__all__ = ["Document", "Table", "Cell", "Heading", "Paragraph", "Signature", "PageBreak", "build_document",
           "export_status", "money", "pct", "score", "printable", "clean_document", "digest_line"]
