"""Load and save one report as versioned JSON (docs/format.md).

Loading never raises for bad input: it returns ``(report or None, findings)``. Each finding
names the JSON path that is wrong. Saving writes atomically (temp file + rename).
"""
from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, Union

from core import model, validate
from core.atomic import atomic_write_text
from core.findings import ERROR, HINT, Finding

FORMAT = "jixiao-report"
SCHEMA_VERSION = 1
SUPPORTED_VERSIONS = (1,)


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.findings: list[Finding] = []

    def bad(self, where: str, message: str, fix: str = "", code: str = "JSON_FIELD") -> None:
        self.findings.append(Finding(code, ERROR, f"{self.source}:{where}", message, fix))

    # -- scalars ---------------------------------------------------------------------------
    def decimal(self, value: Any, where: str) -> Decimal | None:
        """A bounded Decimal (validate.number_problem) or None with a finding; never builds a
        huge number: text goes through ``validate.decimal_from_text`` (length first)."""
        if value is None or value == "":
            return None
        problem = None
        if isinstance(value, bool):
            d = None
        elif isinstance(value, int):
            if value.bit_length() > 64:
                d, problem = None, "数值过大"
            else:
                d = Decimal(value)
        elif isinstance(value, float):
            d = Decimal(repr(value)) if value == value and value not in (float("inf"), float("-inf")) else \
                Decimal("NaN")
        elif isinstance(value, Decimal):
            d = value
        elif isinstance(value, str):
            text = value.strip().replace(",", "")
            try:
                return validate.decimal_from_text(text)
            except validate.NotANumber:
                d = None
            except validate.InputError as e:
                problem = e.message
                d = Decimal(text) if len(text) <= validate.MAX_NUMBER_CHARS else None
        else:
            d = None
        if d is not None:
            problem = validate.number_problem(d)
            if problem is None:
                return validate.canonical(d)
            rounded = validate.rounded_to_step(d)
            if rounded is not None:  # only too many decimals: a value pasted from Excel
                self.findings.append(Finding(
                    "JSON_ROUNDED", HINT, f"{self.source}:{where}",
                    f"“{where}”的小数超过 {-validate.MIN_EXPONENT} 位，已四舍五入为 {format(rounded, 'f')}",
                    "核对该数字"))
                return rounded
        if problem:
            self.bad(where, f"“{where}”：{problem}", "填写实际的金额、分值或百分比，例如 107.49；金额以万元计，须小于 10 的 15 次方，最多 10 位小数",
                     code="JSON_VALUE")
        else:
            self.bad(where, f"“{where}”应为数字，实际是 {_show(value)}", "填写数字，例如 107.49")
        return None

    def convert(self, tp: Any, value: Any, where: str) -> Any:
        origin, args = _shape(tp)
        if origin is Union:
            if value is None:
                return None
            if len(args) == 1:
                return self.convert(args[0], value, where)
            # IndicatorGroup | Indicator: a node with children is a group
            if model.IndicatorGroup in args and model.Indicator in args:
                if isinstance(value, dict) and "children" in value:
                    return self.record(model.IndicatorGroup, value, where)
                return self.record(model.Indicator, value, where)
            raise TypeError(f"unsupported union {tp}")
        if origin is tuple:
            if value is None:
                return ()
            if not isinstance(value, list):
                self.bad(where, f"“{where}”应为列表", "用 [ … ] 写成列表")
                return ()
            if len(args) == 2 and args[1] is Ellipsis:
                out = []
                for i, item in enumerate(value):
                    v = self.convert(args[0], item, f"{where}/{i}")
                    if v is not None:
                        out.append(v)
                return tuple(out)
            raise TypeError(f"unsupported tuple {tp}")
        if tp is Decimal:
            return self.decimal(value, where)
        if tp is str:
            if value is None:
                return ""
            if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() <= 64:
                return str(value)
            if isinstance(value, (float, Decimal)) and validate.number_problem(Decimal(repr(value))
                                                                               if isinstance(value, float) else value) is None:
                return str(value)
            if not isinstance(value, str):
                self.bad(where, f"“{where}”应为文字", "用引号写成文字")
                return ""
            return value
        if tp is int:
            number = value.strip() if isinstance(value, str) else value
            if isinstance(number, str) and number.isdecimal() and len(number) <= 19:
                number = int(number)
            if isinstance(number, int) and not isinstance(number, bool):
                problem = validate.int_problem(number)
                if problem is None:
                    return number
                self.bad(where, f"“{where}”：{problem}", "填写整数，例如 2022", code="JSON_VALUE")
                return None
            self.bad(where, f"“{where}”应为整数，实际是 {_show(value)}", "填写整数，例如 2022")
            return None
        if tp is bool:
            return bool(value)
        if origin is dataclasses.dataclass:
            return self.record(tp, value, where)
        raise TypeError(f"unsupported type {tp}")

    def record(self, cls: type, value: Any, where: str) -> Any:
        if not isinstance(value, dict):
            self.bad(where or "/", f"“{where or '文件'}”应为对象（{{ … }}）", "检查括号是否配对")
            return None
        if cls is model.Figures:
            items = {}
            for k, v in value.items():
                if not isinstance(k, str):
                    self.bad(where, f"“{where}”的项目名应为文字", "用引号写成文字")
                    continue
                d = self.decimal(v, f"{where}/{k}")
                if d is not None:
                    items[k] = d
            return model.Figures.of(items)
        hints, fields, names, decimals = _record_plan(cls)
        kwargs = {}
        for key in value:
            if key not in names and not (cls is model.Report and key == "format"):
                self.findings.append(Finding(
                    "JSON_UNKNOWN_KEY", HINT, f"{self.source}:{where}/{key}",
                    f"不认识的字段“{key}”，已忽略", "检查字段名的拼写（见 docs/format.md）"))
        for f in fields:
            if f.name in value:
                hint, raw = hints[f.name], value[f.name]
                if hint is str and type(raw) is str:  # most fields: text as text, nothing to convert
                    kwargs[f.name] = raw
                    continue
                path = f"{where}/{f.name}" if where else f.name
                v = self.decimal(raw, path) if f.name in decimals else self.convert(hint, raw, path)
                if v is None and f.default is not dataclasses.MISSING:
                    v = f.default
                if v is None and f.default_factory is not dataclasses.MISSING:
                    v = f.default_factory()
                if v is None and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    if hints[f.name] is str:
                        v = ""
                    else:  # a required number left empty: the record could not be written back
                        path = f"{where}/{f.name}".lstrip("/")
                        if not any(x.where == f"{self.source}:{path}" for x in self.findings):
                            self.bad(path, f"必填字段“{f.name}”不能为空", f"填写“{f.name}”")
                kwargs[f.name] = v
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                self.bad(f"{where}/{f.name}".lstrip("/"), f"缺少必填字段“{f.name}”", f"补上“{f.name}”")
                kwargs[f.name] = "" if hints[f.name] is str else None
        return cls(**kwargs)


def gate_findings(data: Any, source: str) -> list[Finding]:
    """JSON_VALUE errors for every value the validation gate refuses in ``data`` (NaN and
    Infinity, numbers out of bounds, integers SQLite cannot store, control characters, lone
    surrogates, over-long text), each naming its JSON path; at most ``validate.MAX_PROBLEMS``."""
    if validate.tree_depth(data) > validate.MAX_DEPTH:
        return [Finding("JSON_VALUE", ERROR, source, f"嵌套层数超过 {validate.MAX_DEPTH} 层，不是本软件的文件格式",
                        "选择本软件导出的报告 JSON 文件")]
    out: list[Finding] = []
    more = 0
    for path, problem in validate.check_tree(data):
        if len(out) >= validate.MAX_PROBLEMS:
            more += 1
            continue
        where = path.strip("/")
        out.append(Finding("JSON_VALUE", ERROR, f"{source}:{where}" if where else source,
                           f"“{where or '文件'}”：{problem}", _VALUE_FIX))
    if more:
        out.append(Finding("JSON_VALUE", ERROR, source, f"另有 {more} 处同类问题未逐一列出", _VALUE_FIX))
    return out


_VALUE_FIX = "改正该处的值（数字须为有限的数，文字中不能有不可见的控制字符），或用本软件重新导出"


@functools.lru_cache(maxsize=None)
def _type_hints(cls: type) -> dict[str, Any]:
    """``typing.get_type_hints`` of a model record, once per class: it re-evaluates every
    annotation string on each call (the largest cost of reading a report; see bench/summary_ratio.py)."""
    return typing.get_type_hints(cls)


@functools.lru_cache(maxsize=None)
def _record_plan(cls: type) -> tuple[dict[str, Any], tuple[dataclasses.Field, ...], frozenset[str], frozenset[str]]:
    """A model record's type hints, fields, field names and the names of its amount fields
    (``Decimal`` or ``Decimal | None``: read straight by ``_Reader.decimal``), once per class."""
    fields = dataclasses.fields(cls)
    hints = _type_hints(cls)
    decimals = frozenset(f.name for f in fields if hints[f.name] is Decimal
                         or _shape(hints[f.name]) == (Union, (Decimal,)))
    return hints, fields, frozenset(f.name for f in fields), decimals


@functools.lru_cache(maxsize=None)
def _shape(tp: Any) -> tuple[Any, tuple]:
    """What ``convert`` does with a type hint, worked out once per hint: ``(Union, members
    without None)``, ``(tuple, args)``, ``(dataclasses.dataclass, ())`` for a record, else
    ``(None, ())`` (a scalar, by identity)."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return Union, tuple(a for a in typing.get_args(tp) if a is not type(None))
    if origin is tuple:
        return tuple, typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        return dataclasses.dataclass, ()
    return None, ()


def _show(value: Any) -> str:
    """A short, printable rendering of a wrong value for a message."""
    if isinstance(value, str):
        text = f"“{value}”"
    elif isinstance(value, (dict, list)):
        text = "对象" if isinstance(value, dict) else "列表"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int) and value.bit_length() > 64:
        text = "一个过大的整数"
    elif isinstance(value, (Decimal, float, int)):
        text = str(value)
    else:
        text = repr(value)
    text = validate.clean_text(text)
    return text if len(text) <= 40 else text[:40] + "…"


def report_from_dict(data: Any, source: str = "") -> tuple[model.Report | None, list[Finding]]:
    """The report in ``data`` (parsed JSON, or the same built in Python), or None with findings.

    Everything passes the validation gate first (``validate.check_tree``), so a report that is
    returned can be written with ``report_to_dict`` and read back unchanged."""
    r = _Reader(source or "报告")
    gate = gate_findings(data, r.source)
    if gate:
        return None, gate
    if not isinstance(data, dict):
        r.bad("/", "文件内容不是一份报告（应为 JSON 对象）", "用本软件导出的报告 JSON 文件")
        return None, r.findings
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        r.bad("format", f"文件格式为{_show(fmt)}，不是绩效自评报告（{FORMAT}）", "选择报告 JSON 文件")
        return None, r.findings
    version = data.get("schema_version", SCHEMA_VERSION)
    if version not in SUPPORTED_VERSIONS:
        newer = isinstance(version, int) and version > max(SUPPORTED_VERSIONS)
        r.findings.append(Finding(
            "JSON_VERSION", ERROR, f"{r.source}:schema_version",
            f"报告格式版本为 {_show(version)}，本程序支持 {list(SUPPORTED_VERSIONS)}。"
            + ("请升级软件后再打开。" if newer else ""),
            "请升级软件" if newer else "检查文件是否损坏"))
        return None, r.findings
    try:
        report = r.record(model.Report, data, "")
    except Exception as e:  # noqa: BLE001 - a reader bug must be a finding, never a traceback
        r.bad("/", f"文件内容无法读取（{type(e).__name__}）", "用本软件重新导出报告；若仍出现，请把文件发给软件维护人员")
        return None, r.findings
    if report is not None and report.kind not in model.REPORT_KINDS:
        r.bad("kind", f"报告类型{_show(report.kind)}无效，应为 department_overall（部门整体）或 project（项目）",
              "改为 department_overall 或 project")
    if report is not None:
        _check_template_ids(r, report)
    if any(f.severity == ERROR for f in r.findings):
        return None, r.findings
    return report, r.findings


def _check_template_ids(r: _Reader, report: model.Report) -> None:
    """A report names templates by id: a path in ``template`` is refused at load (an unknown
    id is not: a bureau's template not installed here is said when scoring)."""
    from core.template_ids import looks_like_path

    named = [("template", report.template)]
    named += [(f"{where}/template", t.template) for where, t in report.tables()]
    for where, tid in named:
        if tid and looks_like_path(tid):
            r.findings.append(Finding(
                "TEMPLATE_UNKNOWN", ERROR, f"{r.source}:{where}",
                f"{_show(tid)}不是模板名称：报告只能用模板名称（如 national-10hao-project）指定模板，"
                "不能写文件路径", "改为 jixiao templates 列出的模板名称"))


def load_report(path: str | Path) -> tuple[model.Report | None, list[Finding]]:
    """Read a report JSON file. Never raises for bad content or an unreadable file."""
    p = Path(path)
    name = validate.clean_text(p.name)
    try:
        raw = validate.read_limited(p, validate.MAX_REPORT_BYTES)
    except validate.InputError as e:
        return None, [Finding("FILE_TOO_LARGE", ERROR, name, e.message,
                              "选择本软件导出的报告 JSON 文件")]
    except OSError as e:
        return None, [Finding("FILE_UNREADABLE", ERROR, name, f"无法读取文件：{_os_error(e)}",
                              "检查文件路径是否正确、文件是否被其他程序占用")]
    if not raw.strip():
        return None, [Finding("FILE_EMPTY", ERROR, name, "文件是空的", "选择一份有内容的报告文件")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Finding("JSON_ENCODING", ERROR, name, "文件不是 UTF-8 编码的 JSON",
                              "用本软件导出报告，或另存为 UTF-8 编码")]
    try:
        data = validate.loads(text, lenient=True)
    except validate.InputError as e:
        return None, [Finding("JSON_VALUE", ERROR, name, e.message, "选择本软件导出的报告 JSON 文件")]
    except json.JSONDecodeError as e:
        return None, [Finding("JSON_SYNTAX", ERROR, f"{name}:第{e.lineno}行第{e.colno}列",
                              f"JSON 格式错误：{_json_error_zh(e.msg)}", "检查该处的引号、逗号和括号")]
    except (ValueError, RecursionError, MemoryError):  # the gate should make these impossible
        return None, [Finding("JSON_VALUE", ERROR, name, "文件内容无法读取（数字或嵌套超出范围）",
                              "选择本软件导出的报告 JSON 文件")]
    return report_from_dict(data, name)


def _os_error(e: OSError) -> str:
    from core.os_errors import os_error_text
    return os_error_text(e)


def _json_error_zh(msg: str) -> str:
    table = {
        "Expecting value": "此处缺少值",
        "Expecting ',' delimiter": "此处缺少逗号",
        "Expecting property name enclosed in double quotes": "字段名须用双引号",
        "Unterminated string starting at": "引号没有闭合",
        "Extra data": "结尾有多余内容",
        "Expecting ':' delimiter": "此处缺少冒号",
        "Invalid control character at": "文字中有不可见的控制字符（换行、制表符须写成 \\n、\\t）",
        "Invalid \\escape": "反斜杠 \\ 后的转义写法无效",
        "Invalid \\uXXXX escape": "\\u 后须为四位十六进制数",
        "Unterminated string starting at": "引号没有闭合",
    }
    return table.get(msg, "语法错误")


# -- writing -------------------------------------------------------------------------------
def _to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, model.Figures):
        return {k: format(v, "f") for k, v in value.items}
    if isinstance(value, tuple):
        return [_to_json(v) for v in value]
    if dataclasses.is_dataclass(value):
        out = {}
        group = isinstance(value, model.IndicatorGroup)
        for name, default in _defaults(type(value)):
            v = getattr(value, name)
            if v is None or v == default:
                continue
            t = type(v)  # the plain values inline: most fields are text, a report has thousands
            out[name] = v if t is str or t is int or t is bool else format(v, "f") if t is Decimal else _to_json(v)
        if group and "children" not in out:
            out["children"] = []
        return out
    return value


@functools.lru_cache(maxsize=None)
def _defaults(cls: type) -> tuple[tuple[str, Any], ...]:
    """``(field name, default)`` of a model record, once per class (a value equal to its default
    is not written); a field without a default has None."""
    out = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = None
        out.append((f.name, default))
    return tuple(out)


def report_to_dict(report: model.Report) -> dict:
    data = {"format": FORMAT}
    data.update(_to_json(report))
    data["schema_version"] = SCHEMA_VERSION
    return data


def dumps_report(report: model.Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=1) + "\n"


def save_report(report: model.Report, path: str | Path) -> None:
    """Write atomically; raises OSError (the caller turns it into a message)."""
    atomic_write_text(Path(path), dumps_report(report))
