"""The one validation gate for numbers and text coming in from outside.

Every way in — report JSON, indicator tables (CSV/XLSX), packages, the editor's fields and
templates — passes its values through these checks *before* anything is stored or computed,
so that no input can crash, hang or exhaust memory later (a weight of ``1E+999999999`` would
make ``format(d, "f")`` build a billion digits; a lone surrogate cannot be written as UTF-8;
a year beyond 64 bits cannot be stored by SQLite; JSON nested a thousand deep overflows the
stack of a recursive reader).

The functions return a Chinese problem text (or raise ``InputError`` with one) that the caller
puts behind the name of the field, so the clerk reads which field is wrong and what to do.
The limits are stated in docs/format.md ("Limits"); change both together.
"""
from __future__ import annotations

import functools
import itertools
import json
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator

#: A report JSON file larger than this is refused before it is parsed.
MAX_REPORT_BYTES = 20 * 1024 * 1024
#: A template JSON file larger than this is refused before it is parsed (the largest shipped is ~30 KB).
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
#: An indicator table file (CSV/XLSX) larger than this is refused before it is read.
MAX_TABLE_BYTES = 20 * 1024 * 1024
#: Deepest nesting of JSON arrays/objects accepted (a report needs about 12).
MAX_DEPTH = 64
#: Longest text of one field, in characters (a long narrative section is ~20,000).
MAX_TEXT_CHARS = 200_000
#: Longest number as typed, in characters (before it is converted at all).
MAX_NUMBER_CHARS = 40
#: Most significant digits of a number (money to the fen in 万元 needs about 15).
MAX_DIGITS = 20
#: Largest magnitude: below 10**15 (a billion 亿元 in 万元 is 10**13).
MAX_ADJUSTED_EXPONENT = 14
#: Smallest step: 10**-10.
MIN_EXPONENT = -10
#: Largest exponent written at all, either way (``0E-999999999`` is zero, but printing it
#: with ``format(d, "f")`` would build a billion zeros).
MAX_WRITTEN_EXPONENT = 100
#: Most findings listed for one file; the rest are counted in one more line.
MAX_PROBLEMS = 50
#: SQLite's INTEGER range (64-bit signed).
MAX_INT = 2**63 - 1
MIN_INT = -(2**63)

_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


class InputError(ValueError):
    """Input refused by the gate; ``str(e)`` is a Chinese message naming what and where."""

    def __init__(self, message: str, where: str = ""):
        super().__init__(message)
        self.message = message
        self.where = where


class NotANumber(InputError):
    """``decimal_from_text``: the text is not a number at all (as opposed to one out of bounds)."""


class Refused:
    """A JSON number ``loads(..., lenient=True)`` refused: kept in its place so that
    ``check_tree`` can name its JSON path."""

    __slots__ = ("text", "problem")

    def __init__(self, text: str, problem: str):
        self.text, self.problem = text, problem

    def __repr__(self) -> str:
        return f"Refused({_clip(self.text)!r})"


# -- numbers -------------------------------------------------------------------------------
def number_problem(value: Decimal) -> str | None:
    """None when ``value`` is a finite decimal within the bounds; else why not (Chinese)."""
    if not isinstance(value, Decimal):
        return "不是数字"
    if not value.is_finite():
        return "不是有限的数字（NaN、Infinity 等不能使用）"
    exponent = value.as_tuple().exponent
    if value.is_zero():
        if -MAX_WRITTEN_EXPONENT <= exponent <= MAX_WRITTEN_EXPONENT:
            return None
        return "数字的写法超出范围（指数过大或小数位数过多）"
    if value.adjusted() > MAX_ADJUSTED_EXPONENT:
        return f"数值过大（绝对值须小于 10 的 {MAX_ADJUSTED_EXPONENT + 1} 次方）"
    if exponent < -MAX_WRITTEN_EXPONENT:
        return f"小数位数过多（最多 {-MIN_EXPONENT} 位小数）"
    _, digits, exponent = value.as_tuple()
    # trailing zeros of the coefficient (1.000000000000, 5E+3 as 5000) carry no precision
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if exponent + zeros < MIN_EXPONENT:
        return f"小数位数过多（最多 {-MIN_EXPONENT} 位小数）"
    if len(digits) - zeros > MAX_DIGITS:
        return f"有效数字过多（最多 {MAX_DIGITS} 位）"
    return None


def decimal_from_text(text: str) -> Decimal:
    """A plain decimal string ("107.49", "-3", "1e3") as a bounded Decimal; InputError else.

    The length is checked before conversion and the bounds right after, so no huge exponent
    or digit string is ever computed with.
    """
    s = text.strip()
    if len(s) > MAX_NUMBER_CHARS:
        raise InputError(f"数字过长（最多 {MAX_NUMBER_CHARS} 个字符）")
    return _decimal_of(s)


@functools.lru_cache(maxsize=4096)
def _decimal_of(s: str) -> Decimal:
    """``decimal_from_text`` of a stripped, length-checked text, kept per text (a Decimal is
    immutable; a refusal raises and is not kept): a report repeats the same few hundred
    amounts, weights and scores ("20", "100", "0"), and each is bounds-checked once."""
    try:
        d = Decimal(s)
    except (InvalidOperation, ValueError):
        raise NotANumber(f"“{_clip(s)}”不是有效的数字") from None
    problem = number_problem(d)
    if problem:
        raise InputError(problem)
    return canonical(d)


def canonical(value: Decimal) -> Decimal:
    """``value`` (already within the bounds) without trailing zeros beyond the smallest step:
    ``1.000000000000000000000000E-10`` → ``1E-10`` written as ``0.0000000001``. Equal in value;
    it keeps ``format(d, "f")`` within ``MAX_NUMBER_CHARS`` so what is written reads back."""
    if value.as_tuple().exponent < MIN_EXPONENT:
        return value.quantize(Decimal(1).scaleb(MIN_EXPONENT))
    return value


def rounded_to_step(value: Decimal) -> Decimal | None:
    """``value`` rounded half-up to the smallest step (10**MIN_EXPONENT) when having more
    decimals is its only problem (``0.33333333333333`` pasted from Excel); None otherwise.
    For drafts saved before the gate existed: they still open, with the value rounded."""
    if (not isinstance(value, Decimal) or not value.is_finite() or value.is_zero()
            or value.adjusted() > MAX_ADJUSTED_EXPONENT
            or value.as_tuple().exponent < -MAX_WRITTEN_EXPONENT):
        return None
    from decimal import ROUND_HALF_UP

    d = value.quantize(Decimal(1).scaleb(MIN_EXPONENT), rounding=ROUND_HALF_UP)
    return d if number_problem(d) is None else None


def checked_decimal(value: Decimal) -> Decimal:
    """``value`` itself when it passes ``number_problem``; InputError otherwise."""
    problem = number_problem(value)
    if problem:
        raise InputError(problem)
    return value


def int_problem(value: int) -> str | None:
    """None when ``value`` fits SQLite's INTEGER; else why not (Chinese)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "不是整数"
    if not MIN_INT <= value <= MAX_INT:
        return "整数过大，超出可保存的范围"
    return None


# -- text ----------------------------------------------------------------------------------
def text_problem(value: str, max_chars: int = MAX_TEXT_CHARS) -> str | None:
    """None for valid text: real Unicode (no lone surrogates), no control characters except
    tab and line breaks, at most ``max_chars`` characters. Else why not (Chinese)."""
    if not isinstance(value, str):
        return "不是文字"
    if len(value) > max_chars:
        return f"文字过长（{len(value)} 个字符，最多 {max_chars} 个）"
    if value.isprintable() or not value:
        return None
    # other non-printables (spaces such as U+3000, format marks such as U+200B) are text
    bad = _BAD_CHAR.search(value)
    if bad is None:
        return None
    i, ch = bad.start(), bad.group()
    if unicodedata.category(ch) == "Cs":
        return f"第 {i + 1} 个字符不是有效的 Unicode 字符（孤立的代理项），可能是复制时出错"
    return (f"第 {i + 1} 个字符是不可见的控制字符（U+{ord(ch):04X}），"
            "请删除后重新输入")


# the characters text_problem refuses: control characters (category Cc) but tab and line breaks,
# and lone surrogates (Cs); searched for at C speed instead of a loop over every character
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` with control characters (except tab and line breaks) removed and lone
    surrogates replaced by U+FFFD — for text the clerk pastes into the editor, where refusing
    a whole paste for one invisible character would be worse than dropping it."""
    if value.isprintable():
        return value
    out = []
    for ch in value:
        if ch in _ALLOWED_CONTROLS or ch.isprintable():
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat == "Cs":
            out.append("\ufffd")
        elif cat != "Cc":
            out.append(ch)
    return "".join(out)


# -- JSON ----------------------------------------------------------------------------------
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.S)  # an unclosed one runs to the end
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` in JSON text, strings skipped (linear, no recursion).

    Done with two regular expressions instead of a loop over every character (the loop was the
    largest single cost of reading a package): strings are taken out (one never closed runs to
    the end of the text), then everything but brackets."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if not brackets:
        return 0
    return max(0, max(itertools.accumulate(map(_BRACKET_STEP.__getitem__, brackets))))


def _refuse_constant(name: str) -> Any:
    raise InputError(f"文件中含有 {name}，这不是有效的数字；请改为具体数值或留空")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 19:
        raise InputError(f"整数 {_clip(text)} 过大，超出可保存的范围")
    value = int(text)
    problem = int_problem(value)
    if problem:
        raise InputError(f"整数 {text} {problem}")
    return value


def _bounded_float(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise InputError(f"数字 {_clip(text)} 过长（最多 {MAX_NUMBER_CHARS} 个字符）")
    d = Decimal(text)
    problem = number_problem(d)
    if problem:
        raise InputError(f"数字 {text}：{problem}")
    return d


def _lenient(parse):
    def wrapped(text: str) -> Any:
        try:
            return parse(text)
        except InputError as e:
            return Refused(text, e.message)
    return wrapped


def loads(text: str, max_depth: int = MAX_DEPTH, lenient: bool = False) -> Any:
    """``json.loads`` behind the gate: numbers as bounded ``Decimal``/``int``, NaN and Infinity
    refused, nesting at most ``max_depth``. Raises ``InputError`` (Chinese) for anything the
    gate refuses and ``json.JSONDecodeError`` for broken syntax. Strings are checked by
    ``check_tree`` afterwards (with their JSON path).

    ``lenient=True``: a refused number does not raise but stays in its place as a ``Refused``
    marker, which ``check_tree`` reports with its JSON path (too deep nesting still raises)."""
    if json_depth(text) > max_depth:
        raise InputError(f"文件的嵌套层数超过 {max_depth} 层，不是本软件的文件格式")
    parse_float, parse_int, parse_constant = _bounded_float, _bounded_int, _refuse_constant
    if lenient:
        parse_float, parse_int, parse_constant = map(_lenient, (parse_float, parse_int, parse_constant))
    return json.loads(text, parse_float=parse_float, parse_int=parse_int,
                      parse_constant=parse_constant)


def read_limited(path, limit: int) -> bytes:
    """The bytes of the file at ``path``, refusing (InputError, Chinese) a file over ``limit``
    bytes before reading it — and never reading more than ``limit + 1`` bytes, in case the size
    on disk was not the whole story (a pipe, a file still growing). OSError passes through."""
    import os

    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > limit:
            raise InputError(_too_large(size, limit))
        data = f.read(limit + 1)
    if len(data) > limit:
        raise InputError(_too_large(len(data), limit))
    return data


def _too_large(size: int, limit: int) -> str:
    mb = 1024 * 1024
    return (f"文件过大（{size / mb:.1f} MB，最多 {limit / mb:.0f} MB），不是本软件能读取的文件；"
            "请确认选对了文件")


def tree_depth(data: Any) -> int:
    """The deepest nesting of lists/dicts in a parsed value (iterative: no recursion limit)."""
    containers = (dict, list, tuple)
    if not isinstance(data, containers):
        return 0
    deepest = 0
    stack: list[tuple[int, Any]] = [(1, data)]
    while stack:
        depth, value = stack.pop()
        if depth > deepest:
            deepest = depth
        items = value.values() if isinstance(value, dict) else value
        stack.extend((depth + 1, v) for v in items if isinstance(v, containers))
    return deepest


def check_tree(data: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every (JSON path, problem) in a parsed JSON value: keys and strings through
    ``text_problem``, numbers through ``number_problem``/``int_problem``. Iterative.

    A path is written out only for a value with a problem (each node keeps its parent and key),
    and plain short text skips ``text_problem``: a report has thousands of values, almost all fine."""
    stack: list[tuple[Any, Any]] = [(None, data)]  # (node, value); node = (parent node, key) or None

    def path_of(node) -> str:
        keys = []
        while node is not None:
            node, key = node
            keys.append(str(key))
        return where + "".join("/" + k for k in reversed(keys))

    while stack:
        node, value = stack.pop()
        if isinstance(value, str):
            if len(value) <= MAX_TEXT_CHARS and value.isprintable():
                continue
            problem = text_problem(value)
            if problem:
                yield path_of(node) or "/", problem
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and len(key) <= 1000 and key.isprintable():
                    problem = None
                else:
                    problem = text_problem(key, 1000) if isinstance(key, str) else "不是文字"
                if problem:
                    # the path names the object: the bad key itself cannot be shown safely
                    yield path_of(node) or "/", f"字段名{problem}"
                    continue
                if type(item) is str and len(item) <= MAX_TEXT_CHARS and item.isprintable():
                    continue  # plain text, the most common value: not even pushed
                stack.append(((node, key), item))
        elif isinstance(value, list):
            stack.extend(((node, i), item) for i, item in enumerate(value)
                         if not (type(item) is str and len(item) <= MAX_TEXT_CHARS and item.isprintable()))
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, Refused):
            yield path_of(node) or "/", value.problem
        elif isinstance(value, int):
            problem = int_problem(value)
            if problem:
                yield path_of(node) or "/", problem
        elif isinstance(value, (Decimal, float)):
            d = value if isinstance(value, Decimal) else Decimal(repr(value))
            problem = number_problem(d)
            if problem:
                yield path_of(node) or "/", problem
        else:
            yield path_of(node) or "/", f"不是 JSON 的值（{type(value).__name__}）"


def _clip(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n] + "…"
