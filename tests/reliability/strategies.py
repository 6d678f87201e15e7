"""Hypothesis strategies for fuzz inputs: report JSON built from the model (docs/format.md),
valid seed reports mutated with hostile values, and CSV/XLSX indicator tables.

Every strategy yields ``(description, bytes, suffix)``: the exact file content to feed the
program. Reports are serialised by ``dump`` so that values JSON cannot normally carry (NaN,
Infinity, a 5,000-digit integer, nesting 100,000 deep, lone surrogates) reach the reader.
"""
from __future__ import annotations

import copy
import csv
import io
import json
import math
from pathlib import Path

from hypothesis import strategies as st

from tests.reliability.common import ROOT, SEEDS


class Raw:
    """JSON text spliced in verbatim by ``dump``."""

    def __init__(self, text: str, label: str = ""):
        self.text = text
        self.label = label or (text[:20] + "…" if len(text) > 20 else text)

    def __repr__(self):
        return f"Raw({self.label})"


def dump(obj) -> str:
    if isinstance(obj, Raw):
        return obj.text
    if isinstance(obj, bool) or obj is None:
        return json.dumps(obj)
    if isinstance(obj, float):
        if math.isnan(obj):
            return "NaN"
        if math.isinf(obj):
            return "Infinity" if obj > 0 else "-Infinity"
        return repr(obj)
    if isinstance(obj, int):
        return str(obj)  # ints here are below the 4,300-digit str limit; longer ones are Raw
    if isinstance(obj, str):
        return json.dumps(obj)  # ensure_ascii: lone surrogates travel as \ud800 escapes
    if isinstance(obj, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dump(v)}" for k, v in obj.items()) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(dump(v) for v in obj) + "]"
    return json.dumps(str(obj))


def deep(n: int) -> Raw:
    return Raw("[" * n + "1" + "]" * n, f"nested {n} deep")


HOSTILE_NUMBERS = [
    float("nan"), float("inf"), float("-inf"), "NaN", "Infinity", "-Infinity", "sNaN",
    "1e400", "1E+999999999", "-1E+999999999", "1e-999999999", "9" * 30, "0." + "0" * 60 + "1",
    Raw("9" * 5000, "5000-digit int"), Raw("1" + "0" * 400 + ".5", "401-digit decimal"),
    Raw("1e999999999", "1e999999999 literal"), 2**63, -(2**63) - 1, 10**19, 10**30,
    "0x10", "１００", "1,000.5", "", " ", "12.5.3", "--5", "5-", "∞", 1.5, -0.0, True, None,
    [], {}, [1], "100%", "约100",
]
HOSTILE_TEXT = [
    "\x00", "a\x00b", "\x07\x1b[31m红\x1b[0m", "\ud800", "\udfff尾", "\u202e反向文字", "\ufeff",
    "e\u0301", "😀" * 10, "长" * 300, "x" * 20000, "长" * 20000, "<w:t>&amp;</w:t>", "{{title}}",
    "%s%n%x", "../../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "\r\n\r\n", "\t",
    " " * 1000, "NUL", "；".join(["指标"] * 300), "\u2028\u2029", "\x0b\x0c", "=cmd|' /C calc'!A0",
]
HOSTILE_TEMPLATES = [
    "../../../x", "/etc/passwd", str(ROOT / "resources" / "templates" / "base-national"),
    str(ROOT / "resources" / "templates" / "base-national.json"), "../templates/hunan-dept-2022",
    "", "nonexistent", "hunan-dept-2022.json", "\x00", "con", "a" * 300, "..", ".",
]
WRONG_TYPES = [None, True, False, 0, -1, 1.5, "", "文字", [], {}, [1, 2], {"a": 1}, [[[]]]]
HOSTILE = HOSTILE_NUMBERS + HOSTILE_TEXT + HOSTILE_TEMPLATES + WRONG_TYPES + [
    deep(100), deep(1000), deep(100_000), {"children": [{"children": [{"children": [{}]}]}]}]

TEMPLATE_IDS = ["generic-project", "hunan-dept-2020", "hunan-dept-2022", "hunan-dept-short",
                "hunan-project-2020", "jiangxi-dept-framework", "national-10hao-project",
                "base-national"]
VALUE_TEXT = ["100%", "≥95%", "≤10天", "2023年12月底前", "优", "达到预期", "1000万元", "≥ 98 %",
              "按时完成", "≤100万元", "=1", "90%以上", "不低于90%", "12个", "0", "已完成", "良好",
              "≥", "%", "100%%", "1/2", "三个", "95-100%", "100%（完成）", "—", "……"]


def _seeds() -> list[tuple[str, dict]]:
    return [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(SEEDS.glob("seed*.json"))]


text_s = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE_TEXT),
                   st.sampled_from(["产出指标", "数量指标", "完成率", "满意度", ""]))
num_s = st.one_of(
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False).map(str),
    st.integers(0, 100), st.integers(0, 100).map(str),
    st.sampled_from(HOSTILE_NUMBERS))
value_s = st.one_of(st.sampled_from(VALUE_TEXT), st.text(max_size=20), st.sampled_from(HOSTILE_TEXT[:12]))


@st.composite
def indicator(draw):
    d = draw(st.fixed_dictionaries(
        {"name": text_s, "target": value_s, "actual": value_s, "weight": num_s},
        optional={"score": num_s, "deviation_note": text_s,
                  "direction": st.sampled_from(["≥", "≤", "=", "定性", "x", ""]),
                  "unit": st.sampled_from(["%", "万元", "个", "天", "", "元/人"]),
                  "tier": st.sampled_from(["reached", "partial", "missed", "x"]),
                  "formula": st.sampled_from(["execution_rate", "x", "__import__('os')"]),
                  "basis": text_s}))
    return d


def _group(children):
    return st.fixed_dictionaries({"name": text_s, "children": children},
                                 optional={"stated_weight": num_s})


table_s = st.fixed_dictionaries(
    {"name": text_s,
     "groups": st.lists(_group(st.lists(_group(st.lists(indicator(), max_size=5)), max_size=4)),
                        max_size=4)},
    optional={"funds": st.fixed_dictionaries(
                  {"rows": st.lists(st.fixed_dictionaries(
                      {"label": text_s}, optional={"initial": num_s, "annual": num_s, "executed": num_s}),
                      max_size=3)},
                  optional={"weight": num_s, "stated_rate": num_s, "score": num_s}),
              "stated_total": num_s, "stated_grade": st.sampled_from(["优", "良", "中", "差", "甲", ""]),
              "template": st.sampled_from(TEMPLATE_IDS + HOSTILE_TEMPLATES)})


@st.composite
def model_report(draw):
    doc = draw(st.fixed_dictionaries(
        {"format": st.sampled_from(["jixiao-report"] * 8 + ["other", None]),
         "schema_version": st.sampled_from([1] * 8 + [0, 2, 99, "1", None, 2**70]),
         "template": st.sampled_from(TEMPLATE_IDS * 3 + HOSTILE_TEMPLATES),
         "kind": st.sampled_from(["department_overall", "project", "project", "x", None]),
         "year": st.one_of(st.integers(1990, 2030), st.sampled_from([0, -1, 2**63, 2**64, 10**30, "２０２３", "2023年", None])),
         "title": text_s,
         "unit": st.fixed_dictionaries({"name": text_s}, optional={"code": text_s, "supervisor": text_s}),
         "table": table_s},
        optional={"figures": st.dictionaries(
                      st.sampled_from(["annual_budget", "executed", "initial_budget", "income_total",
                                       "total_expenditure", "work_planned", "work_done", "x"]), num_s, max_size=6),
                  "projects": st.lists(table_s, max_size=2),
                  "sections": st.lists(st.fixed_dictionaries({"key": text_s, "text": text_s}), max_size=3),
                  "stated": st.lists(st.fixed_dictionaries({"key": text_s, "value": num_s, "unit": st.sampled_from(["%", "万元", ""])}), max_size=3),
                  "explanations": st.lists(st.fixed_dictionaries({"code": text_s, "where": text_s, "text": text_s}), max_size=2),
                  "carried": st.lists(text_s, max_size=3),
                  "overview": st.fixed_dictionaries({}, optional={"duties": text_s, "authorized_staff": num_s, "actual_staff": num_s})}))
    return "model report", dump(doc).encode("utf-8", "surrogatepass"), ".json"


def _paths(node, out):
    """Every (container, key) pair inside ``node``."""
    if isinstance(node, dict):
        for k in list(node):
            out.append((node, k))
            _paths(node[k], out)
    elif isinstance(node, list):
        for i in range(len(node)):
            out.append((node, i))
            _paths(node[i], out)
    return out


@st.composite
def mutated_seed(draw, seeds=None):
    name, doc = draw(st.sampled_from(seeds or SEED_DOCS))
    doc = copy.deepcopy(doc)
    done = []
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc, [])
        if not paths:
            break
        parent, key = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["hostile", "hostile", "number", "text", "type", "delete",
                                       "repeat", "deep"]))
        where = f"{key}"
        if action == "hostile":
            parent[key] = draw(st.sampled_from(HOSTILE))
        elif action == "number":
            parent[key] = draw(st.sampled_from(HOSTILE_NUMBERS))
        elif action == "text":
            parent[key] = draw(st.sampled_from(HOSTILE_TEXT))
        elif action == "type":
            parent[key] = draw(st.sampled_from(WRONG_TYPES))
        elif action == "delete":
            del parent[key]
        elif action == "repeat" and isinstance(parent[key], list):
            parent[key] = parent[key] * draw(st.integers(2, 60))
        elif action == "deep":
            parent[key] = draw(st.sampled_from([deep(1000), deep(100_000)]))
        done.append(f"{action}@{where}")
    return f"{name} mutated ({', '.join(done)})", dump(doc).encode("utf-8", "surrogatepass"), ".json"


SEED_DOCS = _seeds()

# -- tables ----------------------------------------------------------------------------------
HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
OPTIONAL = ["指标性质", "度量单位"]


@st.composite
def table_rows(draw):
    header = list(HEADER)
    if draw(st.booleans()):
        header += draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=2))
    if draw(st.integers(0, 9)) == 0:
        del header[draw(st.integers(0, len(header) - 1))]  # a required column missing
    if draw(st.integers(0, 9)) == 0:
        header = draw(st.permutations(header))
    cell = {"一级指标": st.sampled_from(["产出指标", "效益指标", "满意度指标", "", "产出指标（50分）"]),
            "二级指标": st.sampled_from(["数量指标", "质量指标", "时效指标", "成本指标", "", "社会效益指标"]),
            "三级指标": text_s, "年度指标值": value_s, "实际完成值": value_s,
            "分值": num_s.map(lambda v: dump(v).strip('"')), "得分": num_s.map(lambda v: dump(v).strip('"')),
            "偏差原因分析及改进措施": text_s, "指标性质": st.sampled_from(["≥", "≤", "=", "定性", "正向", "x"]),
            "度量单位": st.sampled_from(["%", "万元", "个", ""])}
    rows = draw(st.lists(st.tuples(*[cell[h] for h in header]), max_size=25))
    if draw(st.integers(0, 19)) == 0:  # a long table
        rows = rows * draw(st.integers(10, 80))
    title = draw(st.sampled_from([[], [["项目支出绩效自评表"]], [["（2023年度）"], [""]]]))
    total = draw(st.sampled_from([[], [["总分", "", "", "", "", "100", "95", ""]], [["合计"] + [""] * 6]]))
    return header, [list(r) for r in rows], title, total


def _clean(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


@st.composite
def csv_table(draw):
    header, rows, title, total = draw(table_rows())
    delim = draw(st.sampled_from([",", ",", "\t", ";"]))
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "mixed", "garbage"]))
    quoting = draw(st.sampled_from(["csv", "csv", "raw"]))  # raw: a stray " stays unbalanced
    all_rows = title + [header] + rows + total
    if quoting == "csv":
        buf = io.StringIO()
        csv.writer(buf, delimiter=delim, lineterminator="\r\n").writerows(
            [[_clean(str(c)) for c in r] for r in all_rows])
        text = buf.getvalue()
    else:
        text = "\r\n".join(delim.join(_clean(str(c)) for c in r) for r in all_rows)
        if draw(st.booleans()) and rows:
            text = text.replace("\r\n", '\r\n"', 1 + draw(st.integers(0, len(rows))))
    if enc == "mixed":  # GBK body with one UTF-8 cell, as a pasted cell can be
        lines = text.split("\r\n")
        k = draw(st.integers(0, len(lines) - 1))
        data = "\r\n".join(ln.encode("gbk", "replace").decode("gbk") for ln in lines)
        parts = data.split("\r\n")
        body = [p.encode("gbk", "replace") for p in parts]
        body[k] = parts[k].encode("utf-8") + "，中文".encode("utf-8")
        data = b"\r\n".join(body)
    elif enc == "garbage":
        data = draw(st.binary(min_size=0, max_size=2000))
    else:
        data = text.encode(enc, "replace")
    return f"csv ({enc}, {quoting}, sep {delim!r}, {len(rows)} rows)", data, ".csv"


@st.composite
def xlsx_table(draw):
    from openpyxl import Workbook

    header, rows, title, total = draw(table_rows())
    wb = Workbook()
    ws = wb.active
    for r in title + [header] + rows + total:
        ws.append([_xl(c) for c in r])
    merges = 0
    if rows and draw(st.booleans()):  # merged 一级/二级 cells, the way printed tables are laid out
        first = len(title) + 2
        for col in ("A", "B"):
            span = draw(st.integers(1, max(1, len(rows))))
            if span > 1:
                ws.merge_cells(f"{col}{first}:{col}{first + span - 1}")
                merges += 1
    buf = io.BytesIO()
    wb.save(buf)
    return f"xlsx ({len(rows)} rows, {merges} merges)", buf.getvalue(), ".xlsx"


def _xl(c):
    import re

    text = str(c)
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]", "?", text)  # openpyxl refuses these
    return text[:32000]


def report_inputs():
    return st.one_of(mutated_seed(), mutated_seed(), model_report())


def table_inputs():
    return st.one_of(csv_table(), csv_table(), xlsx_table())


def fixture_files() -> list[Path]:
    """The unmodified seeds and fixture tables: every command must run them cleanly."""
    return sorted(SEEDS.glob("seed*.json")) + sorted((ROOT / "tests" / "fixtures" / "tables").glob("*.*"))
