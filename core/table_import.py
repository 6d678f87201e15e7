"""Importing an indicator table (绩效指标表) from a CSV or XLSX file the clerk already has.

``read_indicator_table(path, name)`` reads the standard 自评表 indicator block: a header row
一级指标 / 二级指标 / 三级指标 / 年度指标值 / 实际完成值 / 分值 / 得分 / 偏差原因分析及改进措施
(optional 指标性质, 度量单位), found below any title rows, then one row per 三级指标 with merged
(blank) 一级/二级 cells meaning "same as above", up to a 总分/合计 row whose last number is the
stated total. It returns a :class:`model.SelfEvalTable` (groups only: no funds block, no goal)
and the findings. Bad input never raises and changes nothing: when any finding is an error the
table is ``None``. CSVs may be UTF-8 (with or without BOM), GBK/GB18030 or UTF-16 (Excel's
“Unicode 文本”), separated by commas, tabs or semicolons. No Qt.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from core import model
from core.findings import ERROR, Finding
from core.values import parse_number

# column key -> (Chinese name, accepted header beginnings after normalization)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "level1": ("一级指标", ("一级指标",)),
    "level2": ("二级指标", ("二级指标",)),
    "level3": ("三级指标", ("三级指标",)),
    "target": ("年度指标值", ("年度指标值", "年度目标值", "指标值", "目标值")),
    "actual": ("实际完成值", ("实际完成值", "实际完成情况", "实际值", "完成值")),
    "weight": ("分值", ("分值", "权重")),
    "score": ("得分", ("得分", "自评得分")),  # not "评分…": that is 评分依据
    "deviation": ("偏差原因分析及改进措施", ("偏差原因", "偏差分析")),
    "direction": ("指标性质", ("指标性质",)),
    "unit": ("度量单位", ("度量单位", "计量单位")),
}
REQUIRED = ("level1", "level2", "level3", "target", "actual", "weight", "score", "deviation")
_LABEL_WEIGHT = re.compile(r"^(?P<name>.+?)[（(](?P<w>[^()（）]+?)分?[)）]$")
_GRADE = re.compile(r"等级[:：]?\s*(优|良|中|差)")

Cell = str | Decimal  # text as typed, or a number read from an xlsx cell


def _norm(text: str) -> str:
    """Header text compared loosely: NFKC (full-width to half-width) and no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _dtext(d: Decimal) -> str:
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def _text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    return _dtext(cell) if isinstance(cell, Decimal) else cell.strip()


def _column_of(header: str) -> str:
    h = _norm(header)
    if h == "单位":
        return "unit"
    for key, (_, forms) in COLUMNS.items():
        if any(h.startswith(f) for f in forms):
            return key
    return ""


def _header_map(row: list[Cell]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        found.setdefault(_column_of(_text(cell)), i)
    found.pop("", None)
    return found


def _find_header(rows: list[tuple[int, list[Cell]]]) -> int | None:
    return next((i for i, (_, cells) in enumerate(rows)
                 if {"level1", "level3"} <= _header_map(cells).keys()), None)


# -- reading the files ------------------------------------------------------------------------
def _decode(data: bytes) -> str | None:
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # Excel's “Unicode 文本”
    for enc in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def _csv_rows(text: str) -> list[tuple[int, list[Cell]]]:
    """Parse with each delimiter; keep the one whose header row has the most known columns."""
    best, best_score = [], -1
    for delim in (",", "\t", ";"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        rows, start = [], 1
        try:
            for record in reader:
                rows.append((start, list(record)))
                start = reader.line_num + 1
        except csv.Error:
            continue
        head = _find_header(rows)
        score = len(_header_map(rows[head][1])) if head is not None else 0
        if score > best_score:
            best, best_score = rows, score
    return best


def _xlsx_cell(value, number_format: str | None) -> Cell | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        d = Decimal(str(value))
        if number_format and "%" in number_format:
            return _dtext(d * 100) + "%"
        return d
    return str(value)  # dates and times: kept as text


def _xlsx_rows(path: Path) -> list[tuple[int, list[Cell]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some writers store a wrong <dimension>: read every cell there is
        return [(n, [_xlsx_cell(c.value, getattr(c, "number_format", None)) for c in row])
                for n, row in enumerate(ws.iter_rows(), start=1)]
    finally:
        wb.close()


# -- building the table -----------------------------------------------------------------------
def _group_label(label: str) -> tuple[str, Decimal | None]:
    """"产出\\n指标\\n（50分）" -> ("产出指标", 50)."""
    compact = "".join(label.split())
    m = _LABEL_WEIGHT.match(compact)
    if m:
        try:
            return m.group("name"), parse_number(m.group("w"))
        except ValueError:
            pass
    return compact, None


def _quiet_number(cell: Cell | None) -> Decimal | None:
    """The number in a cell, or None when it holds none (for the 总分 row)."""
    if isinstance(cell, Decimal):
        return cell
    try:
        return parse_number(_text(cell).removesuffix("分"))
    except ValueError:
        return None


def _join_lines(text: str) -> str:
    return "".join(line.strip() for line in text.splitlines())


class _Reader:
    def __init__(self, filename: str):
        self.filename = filename
        self.findings: list[Finding] = []

    def error(self, code: str, message: str, fix: str = "", where: str = "") -> None:
        self.findings.append(Finding(code, ERROR, where or self.filename, message, fix))

    def number(self, cell: Cell | None, row: int, column: str) -> Decimal | None:
        if isinstance(cell, Decimal):
            return cell
        text = _text(cell)
        try:
            return parse_number(text.removesuffix("分"))
        except ValueError:
            self.error("TABLE_NUMBER",
                       f"第{row}行“{column}”列填的是“{text}”，不是数字，无法计分。",
                       f"请把“{column}”改为数字（如 10 或 10分）后重新导入。",
                       f"{self.filename}:第{row}行“{column}”列")
            return None

    def build(self, rows: list[tuple[int, list[Cell]]], name: str) -> model.SelfEvalTable | None:
        head = _find_header(rows)
        if head is None:
            first = next((" ".join(_text(c) for c in cells if _text(c))
                          for _, cells in rows if any(_text(c) for c in cells)), "")
            self.error("TABLE_COLUMNS",
                       f"找不到表头行：没有一行同时含有“一级指标”和“三级指标”。"
                       f"文件第一行是：“{first[:60]}”。",
                       "请确认文件是绩效指标表，表头包含一级指标、二级指标、三级指标等列。")
            return None
        header_row, header = rows[head]
        cols = _header_map(header)
        missing = [COLUMNS[k][0] for k in REQUIRED if k not in cols]
        if missing:
            seen = "、".join(_text(c) for c in header if _text(c))
            self.error("TABLE_COLUMNS",
                       f"缺少列：{'、'.join(missing)}。第{header_row}行的表头是：{seen}。",
                       "请在表头补上缺少的列（列名如“实际完成值”“得分”），再重新导入。",
                       f"{self.filename}:第{header_row}行")
            return None

        def get(cells: list[Cell], key: str) -> Cell | None:
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else None

        groups: list[list] = []  # [name, weight, [[name2, [indicators]], ...]]
        label1 = label2 = None
        stated_total, grade, count = None, "", 0
        for rownum, cells in rows[head + 1:]:
            texts = [_text(c) for c in cells]
            filled = [t for t in texts if t]
            if not filled:
                continue
            if _norm(filled[0]).startswith(("总分", "合计")):
                numbers = [v for v in map(_quiet_number, cells) if v is not None]
                stated_total = numbers[-1] if numbers else None
                m = _GRADE.search("".join(texts))
                grade = m.group(1) if m else ""
                break
            if {"level1", "level3"} <= _header_map(cells).keys():
                continue  # the header repeated (a table printed over two pages)
            l1, l2 = _text(get(cells, "level1")), _text(get(cells, "level2"))
            values = [_text(get(cells, k)) for k in ("level3", "target", "actual", "weight",
                                                     "score", "deviation")]
            if not any(values):
                continue  # a row carrying only the rest of a merged label
            if not groups or (l1 and _norm(l1) != label1):
                gname, gweight = _group_label(l1)
                groups.append([gname, gweight, []])
                label1, label2 = _norm(l1), None
            subs = groups[-1][2]
            if not subs or (l2 and _norm(l2) != label2):
                subs.append([_join_lines(l2), []])
                label2 = _norm(l2)
            subs[-1][1].append(model.Indicator(
                name=_join_lines(values[0]), target=values[1], actual=values[2],
                weight=self.number(get(cells, "weight"), rownum, "分值"),
                score=self.number(get(cells, "score"), rownum, "得分"),
                deviation_note=values[5], direction=_text(get(cells, "direction")),
                unit=_text(get(cells, "unit"))))
            count += 1
        if count == 0:
            self.error("TABLE_EMPTY", f"第{header_row}行表头下面没有指标行。",
                       "请在表头下逐行填写三级指标后重新导入。")
            return None
        return model.SelfEvalTable(
            name=name, stated_total=stated_total, stated_grade=grade,
            groups=tuple(model.IndicatorGroup(g, w, tuple(
                model.IndicatorGroup(n2, None, tuple(leaves)) for n2, leaves in subs))
                for g, w, subs in groups))


def read_indicator_table(path: str | Path, name: str = ""
                         ) -> tuple[model.SelfEvalTable | None, list[Finding]]:
    """Read an indicator table from ``path`` (.csv or .xlsx). Never raises for bad input;
    returns ``(None, findings)`` when any finding is an error."""
    path = Path(path)
    reader = _Reader(path.name)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        reader.error("TABLE_FORMAT", f"不支持“{path.suffix or '无扩展名'}”格式的文件，只能导入"
                     " .xlsx 或 .csv 文件。", "请在Excel中“另存为”.xlsx 或 CSV 文件后再导入。")
        return None, reader.findings
    try:
        if suffix == ".csv":
            data = path.read_bytes()
            text = _decode(data)
            if text is None:
                reader.error("TABLE_ENCODING", "无法识别文件的文字编码（既不是UTF-8也不是GBK）。",
                             "请在Excel中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 文件。")
                return None, reader.findings
            rows = _csv_rows(text) if text.strip() else []
        else:
            rows = _xlsx_rows(path)
    except OSError as exc:
        reader.error("TABLE_UNREADABLE", f"无法打开文件：文件不存在或正被其他程序占用"
                     f"（{type(exc).__name__}）。", "请关闭占用该文件的程序（如Excel）后再导入。")
        return None, reader.findings
    except Exception as exc:  # zipfile.BadZipFile and the assorted errors of openpyxl
        reader.error("TABLE_UNREADABLE", f"无法读取文件：文件已损坏，或不是真正的{suffix}文件"
                     f"（{type(exc).__name__}）。", "请用Excel打开该文件，另存为 .xlsx 后再导入。")
        return None, reader.findings
    if not any(_text(c) for _, cells in rows for c in cells):
        reader.error("TABLE_EMPTY", "文件是空的，没有任何内容。",
                     "请选择填写了绩效指标的表格文件。")
        return None, reader.findings
    table = reader.build(rows, name)
    if any(f.severity == ERROR for f in reader.findings):
        return None, reader.findings
    return table, reader.findings


LEAF_COLUMNS = ("level3", "target", "actual", "weight", "score", "deviation")


def read_pasted_rows(text: str) -> tuple[list[tuple[str, str, model.Indicator]] | None, list[Finding]]:
    """Rows copied from Excel (tab-separated) as ``(一级, 二级, indicator)`` triples.

    With a header row the columns are found by name; without one the columns are taken in
    the standard order — all eight (一级 … 偏差原因) or the six from 三级指标 on. A blank
    一级/二级 cell means "same as the row above" ('' on the first row: the caller decides,
    e.g. the group selected in the table). Text in 分值/得分 is an error and nothing is pasted.
    """
    reader = _Reader("粘贴的内容")
    lines = [line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]
    rows = [(i + 1, [c.strip() for c in line.split("\t")]) for i, line in enumerate(lines)]
    if not rows:
        reader.error("TABLE_EMPTY", "剪贴板里没有可粘贴的内容。", "先在 Excel 中选中并复制指标行。")
        return None, reader.findings
    head = _header_map(rows[0][1])
    if {"level3"} <= head.keys():
        cols, rows = head, rows[1:]
    else:
        width = max(len(cells) for _, cells in rows)
        order = REQUIRED if width >= len(REQUIRED) else LEAF_COLUMNS
        cols = {k: i for i, k in enumerate(order)}
    out: list[tuple[str, str, model.Indicator]] = []
    l1 = l2 = ""
    for rownum, cells in rows:
        def get(key: str) -> str:
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else ""
        if not get("level3") and not get("target"):
            continue
        if _norm(cells[0]).startswith(("总分", "合计")):
            break
        if get("level1"):
            l1, l2 = get("level1"), ""
        if get("level2"):
            l2 = get("level2")
        out.append((l1, _join_lines(l2), model.Indicator(
            name=_join_lines(get("level3")), target=get("target"), actual=get("actual"),
            weight=reader.number(get("weight"), rownum, "分值"),
            score=reader.number(get("score"), rownum, "得分"),
            deviation_note=get("deviation"), direction=get("direction"), unit=get("unit"))))
    if any(f.severity == ERROR for f in reader.findings):
        return None, reader.findings
    if not out:
        reader.error("TABLE_EMPTY", "粘贴的内容里没有指标行。", "复制时请包含三级指标、指标值等列。")
        return None, reader.findings
    return out, reader.findings
