"""The funds block (项目资金 / 年度资金总额 … 执行率 得分) a published 自评表 prints above its
indicator header, read into :class:`model.FundsBlock`.

``read_funds(sheet)`` looks above the indicator header (``Sheet.head``) for the funds header: a
row with at least three cells named as funds columns (``resources/table_columns.json``, section
``funds``: 年初预算数, 全年预算数(A), 全年执行数(B), 分值, 执行率(B/A), 得分 …, in any order,
compared as ``core.table_columns.normalize`` does, by the whole name or its beginning), one of
them 全年预算数 or 全年执行数. The cells left of the first funds column are the row labels; the
rows below the header are read while their label is a funds row (年度资金总额, 其中：当年财政拨款,
上年结转资金, 其他资金 … — the ``rows`` names of the same section) or blank with numbers under the
funds columns (the values of a 年度资金总额 whose label is printed in the header row itself,
as some forms do — tests/fixtures/tables/real/). ``rows[0]`` is the total; 分值 / 执行率 / 得分 come from the total row (failing that,
from the first row that has them). Amounts are kept as printed (元 or 万元); 执行率 is in percent
(“100%” → 100, a bare fraction “0.9997” → 99.97, a bare 0 → 0, a bare number above 1 as percent).

Every cell passes the validation gate (``core.validate``); a dash or slash is an empty cell. A
cell that is not a number is a warning naming its row and column (TABLE_FUNDS_NUMBER) and is
left empty — the indicators are still imported. No funds header: ``None`` (the file reads as
before). Linear in the rows above the header. No Qt.
"""
from __future__ import annotations

from decimal import Decimal

from core import model, table_columns, validate
from core.findings import WARNING, Finding
from core.table_sheet import Cell, Sheet, cell_text, clip
from core.values import parse_number

AMOUNTS = ("initial", "annual", "executed")
_BLANK = frozenset("-—–―－/／\\、")
_MAX_BLOCK_ROWS = 12  # a funds block is a handful of rows: stop reading after this many
_MAX_WARNINGS = 5  # cells named one by one; the rest counted in one more warning


def _label_text(text: str) -> str:
    """A row label as kept: no whitespace or line breaks, no colon at the ends, through the gate
    (control characters dropped), at most 60 characters."""
    return validate.clean_text("".join(text.split()).strip(":："))[:60]


def find_header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """``(index in sheet.rows, {meaning: column})`` of the funds header above the indicator
    header, or None."""
    if sheet.head is None:
        return None
    for i, (_, cells) in enumerate(sheet.rows[:sheet.head]):
        cols: dict[str, int] = {}
        for c, cell in enumerate(cells):
            key = table_columns.funds_meaning_of(cell_text(cell))
            if key:
                cols.setdefault(key, c)
        if len(cols) >= 3 and ("annual" in cols or "executed" in cols):
            return i, cols
    return None


class _Block:
    def __init__(self, filename: str, header: list[str], cols: dict[str, int]):
        self.filename, self.header, self.cols = filename, header, cols
        self.findings: list[Finding] = []

    def colname(self, key: str) -> str:
        i = self.cols[key]
        return clip("".join(self.header[i].split()), 20) or table_columns.funds_label(key)

    def warn(self, rownum: int, key: str, problem: str) -> None:
        column = self.colname(key)
        self.findings.append(Finding(
            "TABLE_FUNDS_NUMBER", WARNING, f"{self.filename}:第{rownum}行“{column}”列",
            f"资金表第{rownum}行“{column}”列{problem}，这一格没有导入。",
            f"请把第{rownum}行的“{column}”改为数字（如 387664.62，执行率如 100%）后重新导入；"
            "导入后也可以在“资金情况”中直接填写。"))

    def number(self, cell: Cell | None, rownum: int, key: str) -> Decimal | None:
        if isinstance(cell, Decimal):
            problem = validate.number_problem(cell)
            if problem:
                self.warn(rownum, key, f"的数字{problem}")
                return None
            return cell * 100 if key == "rate" and 0 < cell <= 1 else cell
        text = cell_text(cell)
        if not text or all(ch in _BLANK for ch in "".join(text.split())):
            return None
        problem = validate.text_problem(text, validate.MAX_NUMBER_CHARS)
        if problem:
            self.warn(rownum, key, f"：{problem}")
            return None
        compact = "".join(text.split())
        percent = key == "rate" and compact.endswith(("%", "％"))
        if percent:
            compact = compact[:-1]
        elif key in ("weight", "score"):
            compact = compact.removesuffix("分")
        try:
            d = parse_number(compact)
        except (ValueError, ArithmeticError):
            d = None
        if d is None or validate.number_problem(d) is not None:
            self.warn(rownum, key, f"填的是“{clip(text)}”，不是数字")
            return None
        if key == "rate" and not percent and 0 < d <= 1:
            return d * 100  # a bare fraction, as the rate cells of the indicator rows read
        return d


def read_funds(sheet: Sheet) -> tuple[model.FundsBlock | None, list[Finding]]:
    """The funds block above the indicator header of ``sheet`` and the warnings on its cells;
    ``(None, [])`` when the file prints none."""
    found = find_header(sheet)
    if found is None:
        return None, []
    hi, cols = found
    first = min(cols.values())
    header = [cell_text(c) for c in sheet.rows[hi][1]]
    block = _Block(sheet.filename, header, cols)
    titles = {_label_text(t) for t in header[:first] if t}
    pending = next((_label_text(t) for t in reversed(header[:first])
                    if t and table_columns.is_funds_total(t)), "")
    rows: list[tuple[str, dict[str, Decimal | None]]] = []
    for rownum, cells in sheet.rows[hi + 1:min(sheet.head, hi + 1 + _MAX_BLOCK_ROWS)]:
        texts = [cell_text(c) for c in cells[:first]]
        label = next((_label_text(t) for t in reversed(texts) if t and _label_text(t) not in titles), "")
        has_values = any(cell_text(cells[c]) for c in cols.values() if c < len(cells))
        if label and not table_columns.is_funds_row(label):
            break
        if not label:
            if not (pending and has_values):
                continue  # a blank row, or numbers no label names: not read
            label, pending = pending, ""
        values = {k: block.number(cells[c] if c < len(cells) else None, rownum, k) for k, c in cols.items()}
        rows.append((label, values))
    if pending:  # a 年度资金总额 in the header row with no values of its own
        rows.insert(0, (pending, {}))
    findings = block.findings[:_MAX_WARNINGS]
    if len(block.findings) > _MAX_WARNINGS:
        findings.append(Finding("TABLE_FUNDS_NUMBER", WARNING, sheet.filename,
                                f"资金表另有 {len(block.findings) - _MAX_WARNINGS} 格不是数字，没有导入。",
                                "请先改正上面列出的格子，再重新导入查看其余的。"))
    if not rows:
        return None, findings
    source = next((v for _, v in rows if any(v.get(k) is not None for k in ("weight", "rate", "score"))),
                  rows[0][1])
    return model.FundsBlock(
        rows=tuple(model.FundsRow(label, *(v.get(k) for k in AMOUNTS)) for label, v in rows),
        weight=source.get("weight"), stated_rate=source.get("rate"), score=source.get("score")), findings


def funds_unit(sheet: Sheet) -> str:
    """The unit the funds header prints beside its title (“项目资金(元)” → “元”, “（万元）” →
    “万元”); ``""`` when none is printed or there is no funds block."""
    found = find_header(sheet)
    if found is None:
        return ""
    hi, cols = found
    text = "".join("".join(cell_text(c).split()) for c in sheet.rows[hi][1][:min(cols.values())])
    return "万元" if "万元" in text else "元" if "(元)" in text or "（元）" in text else ""



WAN = Decimal(10000)


def in_wan(funds: model.FundsBlock, unit: str) -> model.FundsBlock:
    """The block's amounts in 万元, the unit a report's funds are kept and printed in (its tables
    say “资金情况（万元）”): a block printed in 元 is divided by 10,000 exactly (387664.62 元 →
    38.766462 万元); one in 万元 or without a printed unit is returned as it is. The rate, the
    weight and the score do not depend on the unit."""
    if unit != "元":
        return funds

    def wan(v: Decimal | None) -> Decimal | None:
        return None if v is None else v / WAN  # exact: 10,000 is a power of ten
    return model.FundsBlock(
        rows=tuple(model.FundsRow(r.label, wan(r.initial), wan(r.annual), wan(r.executed)) for r in funds.rows),
        weight=funds.weight, stated_rate=funds.stated_rate, score=funds.score)
