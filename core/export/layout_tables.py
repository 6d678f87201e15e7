"""The report's tables as layout blocks: 基础数据表, 自评表 (head and indicator table), 评分表, and a
table pasted into a section — which cell holds what, merged cells, widths, totals."""
from __future__ import annotations

from core import model
from core.checks_document import is_placeholder_row
from core.export.blocks import Cell, Table
from core.export.numbers import money, pct, score
from core.rounding import q2
from core.scoring_records import NO_GRADE, TableResult
from core.templates import Template

TEXT_WIDTH_MM = 156  # GB/T 9704 版心


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
