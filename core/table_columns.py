"""The header row of an indicator table: which column holds what (一级指标 … 得分 …).

The recognised names of every column meaning live in one data file,
``resources/table_columns.json`` (format: docs/format.md, “Indicator tables (CSV/XLSX): the
header row”). A header cell is compared after ``normalize``: full-width to half-width (NFKC),
no spaces or line breaks, and short bracketed suffixes such as (A)、（B）、（分）、(%) dropped.
Names are tried longest first: a cell that *starts* with a name takes that meaning, then
(names of three characters or more) a cell that *ends* with one. So 得分计算方法 and 得分系数
are found as themselves before 得分 could be, and 调整指标值 before 指标值.

``guess(cells)`` gives the meaning of each column (``""`` for a cell no name fits);
``resolve(header, guessed, choices)`` applies the clerk's choices (``--columns 得分=指标得分`` on
the command line, the drop-downs of the app's import step); ``column_index`` turns the result
into ``{meaning: column}``. ``parse_columns_option`` reads the ``--columns`` text.
``load_memory`` / ``remember`` keep the app's choices per header row in a small JSON file in the
data folder (written atomically; a damaged file is ignored). No Qt.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from core.atomic import atomic_write_text
from core.resources import resource_path

#: the codes of the findings about the header row (the command line then explains --columns)
COLUMN_CODES = frozenset(("TABLE_COLUMNS", "TABLE_COLUMN_UNKNOWN", "TABLE_COLUMNS_CHOICE", "TABLE_COLUMNS_ABSENT"))
SKIP = "skip"  # a column the clerk chose not to import (不导入)
SKIP_LABEL = "不导入"
_BRACKETS = re.compile(r"[（(【\[][^（）()【】\[\]]{0,8}[）)】\]]")


@dataclass(frozen=True, slots=True)
class Meaning:
    """What a column holds: ``key`` (stable, for code and files), ``label`` (Chinese, shown),
    ``field`` (the ``model.Indicator`` field it fills; None: recognised, not imported),
    ``required`` (a table without it is refused), ``value`` (one of the value columns 指标值 /
    实际完成值 / 分值 / 得分: a table needs at least one of them), ``stands_for`` (taken as that meaning when the
    table has no column of it: 指标名称 for 三级指标), the names that start or end a header
    cell, and the names only the whole cell may be."""

    key: str
    label: str
    field: str | None
    required: bool
    value: bool
    stands_for: str
    names: tuple[str, ...]
    exact: tuple[str, ...]


def normalize(text: str) -> str:
    """Header text compared loosely: NFKC, no whitespace, short bracketed parts dropped
    (“年度指标值（A）” → “年度指标值”, “分值(分)” → “分值”), no *, :, ：at the ends."""
    h = "".join(unicodedata.normalize("NFKC", text[:80]).split())
    stripped = _BRACKETS.sub("", h).strip("*:：")
    return stripped or h


@functools.lru_cache(maxsize=1)
def meanings() -> tuple[Meaning, ...]:
    """The meanings of ``resources/table_columns.json``, in file order. A broken file is a bug
    of the installation (it ships with the program): it raises."""
    data = json.loads(resource_path("table_columns.json").read_text(encoding="utf-8"))
    if data.get("format") != "jixiao-table-columns" or data.get("version") != 1:
        raise ValueError("resources/table_columns.json: unknown format or version")
    out = []
    for c in data["columns"]:
        out.append(Meaning(key=c["key"], label=c["label"], field=c.get("field"),
                           required=bool(c.get("required")), value=bool(c.get("value")),
                           stands_for=c.get("stands_for", ""),
                           names=tuple(normalize(n) for n in c.get("names", ())),
                           exact=tuple(normalize(n) for n in c.get("exact", ()))))
    keys = [m.key for m in out]
    if len(set(keys)) != len(keys) or SKIP in keys:
        raise ValueError("resources/table_columns.json: a key twice, or the reserved key 'skip'")
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _funds() -> tuple[tuple[tuple[str, str], ...], dict[str, str], tuple[str, ...], tuple[str, ...]]:
    """The ``funds`` section of ``resources/table_columns.json``: ``(names longest first as
    (name, key), {key: label}, total row names, row names)``, names normalized."""
    data = json.loads(resource_path("table_columns.json").read_text(encoding="utf-8"))["funds"]
    names = sorted(((normalize(n), c["key"]) for c in data["columns"] for n in c["names"]),
                   key=lambda nk: -len(nk[0]))
    labels = {c["key"]: c["label"] for c in data["columns"]}
    return (tuple(names), labels, tuple(normalize(n) for n in data["total_rows"]),
            tuple(normalize(n) for n in data["rows"]))


@functools.lru_cache(maxsize=4096)
def funds_meaning_of(header: str) -> str:
    """The funds-block column a header cell names (initial / annual / executed / weight / rate /
    score), by its whole normalized text or its beginning; ``""`` for none."""
    h = normalize(header)
    if not h:
        return ""
    return next((key for n, key in _funds()[0] if h.startswith(n)), "")


def funds_label(key: str) -> str:
    return _funds()[1].get(key, key)


def is_funds_total(label: str) -> bool:
    """A funds row label that names the total (年度资金总额, 总额 …)."""
    h = normalize(label)
    return any(n in h for n in _funds()[2])


def is_funds_row(label: str) -> bool:
    """A label of the funds block: the total or one of its parts (其中：当年财政拨款, 上年结转资金 …)."""
    h = normalize(label)
    return is_funds_total(label) or any(n in h for n in _funds()[3])


def by_key() -> dict[str, Meaning]:
    return {m.key: m for m in meanings()}


def label(key: str) -> str:
    if key == SKIP:
        return SKIP_LABEL
    m = by_key().get(key)
    return m.label if m else "（未识别）"


@functools.lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], tuple[tuple[str, str], ...], frozenset[str], frozenset[str]]:
    exact: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for m in meanings():
        for n in m.exact:
            exact.setdefault(n, m.key)
        for n in m.names:
            exact.setdefault(n, m.key)
            names.append((n, m.key))
    names.sort(key=lambda nk: -len(nk[0]))  # longest, most specific first (stable: file order)
    firsts = frozenset(n[0] for n, _ in names)
    lasts = frozenset(n[-1] for n, _ in names if len(n) >= 3)
    return exact, tuple(names), firsts, lasts


@functools.lru_cache(maxsize=4096)
def meaning_of(header: str) -> str:
    """The meaning key of one header cell, or ``""`` when no recognised name fits."""
    h = normalize(header)
    if not h:
        return ""
    exact, names, firsts, lasts = _index()
    if h in exact:
        return exact[h]
    if h[0] in firsts:
        for n, key in names:
            if h.startswith(n):
                return key
    if h[-1] in lasts:
        for n, key in names:
            if len(n) >= 3 and h.endswith(n):
                return key
    return ""


def guess(cells: list[str]) -> list[str]:
    """The meaning of each header cell: ``""`` for a blank cell or one no name fits. A meaning
    that is imported goes to its first column; a later column with another header text that
    reads as the same meaning is ``""`` (named as unmapped, never silently dropped), one with
    the same text (a header cell merged over several columns) keeps it. 指标名称 becomes
    三级指标 when no column is 三级指标."""
    keys = [meaning_of(c) if c.strip() else "" for c in cells]
    first: dict[str, str] = {}
    table = by_key()
    for i, k in enumerate(keys):
        if not k:
            continue
        text = normalize(cells[i])
        if k in first and first[k] != text and table[k].field is not None:
            keys[i] = ""
        first.setdefault(k, text)
    return _stand_in(keys)


def _stand_in(keys: list[str]) -> list[str]:
    present = set(keys)
    table = by_key()
    out = list(keys)
    for i, k in enumerate(keys):
        m = table.get(k)
        if m and m.stands_for and m.stands_for not in present:
            out[i] = m.stands_for
            present.add(m.stands_for)
    return out


def column_index(keys: list[str]) -> dict[str, int]:
    """``{meaning: column}`` of the imported meanings (the first column of each)."""
    out: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k and k != SKIP:
            out.setdefault(k, i)
    return out


def missing_required(keys: list[str]) -> list[str]:
    """What the table cannot do without, as labels: each required meaning no column has, and
    “年度指标值、实际完成值、分值、得分（至少一列）” when it has none of the value columns."""
    present = set(keys)
    out = [m.label for m in meanings() if m.required and m.key not in present]
    values = [m for m in meanings() if m.value]
    if not any(m.key in present for m in values):
        out.append("、".join(m.label for m in values) + "（至少要有其中一列）")
    return out


def absent_values(keys: list[str]) -> list[str]:
    """The labels of the value columns (指标值 / 实际完成值 / 分值 / 得分) the table has not."""
    present = set(keys)
    return [m.label for m in meanings() if m.value and m.key not in present]


def unmapped(header: list[str], keys: list[str]) -> list[int]:
    """The columns with a header text that has no meaning (and was not set to 不导入)."""
    return [i for i, (h, k) in enumerate(zip(header, keys)) if h.strip() and not k]


def header_key(header: list[str]) -> str:
    """The header row as one normalized text: the key the app remembers choices under."""
    cells = ["".join(unicodedata.normalize("NFKC", c[:80]).split()).replace("|", "/") for c in header]
    while cells and not cells[-1]:
        cells.pop()
    return "|".join(cells)


# -- the clerk's choices ------------------------------------------------------------------------
class ColumnsError(ValueError):
    """A ``--columns`` text or a choice that cannot be applied; the message is Chinese."""


def meaning_named(text: str) -> str:
    """The meaning key a clerk wrote: a label (得分), any recognised name (指标得分), a key
    (score) or 不导入. ``""`` when none."""
    t = normalize(text)
    if t in (SKIP_LABEL, SKIP):
        return SKIP
    for m in meanings():
        if t in (m.key, normalize(m.label)):
            return m.key
    return meaning_of(text)


def meaning_list() -> str:
    return "、".join(m.label for m in meanings()) + f"、{SKIP_LABEL}"


def _printable(text: str) -> str:
    """``text`` without control characters or lone surrogates (it is echoed in messages)."""
    return "".join(ch for ch in text[:2000] if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF)


def parse_columns_option(text: str) -> list[tuple[str, str]]:
    """``得分=指标得分,分值=权重`` as ``[(meaning key, header text)]``; ``ColumnsError`` with a
    Chinese message for text that is not such pairs, an unknown meaning or one given twice."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    text = _printable(text)
    parts = [p for p in re.split(r"[,，;；]", text) if p.strip()]
    if not parts:
        raise ColumnsError("--columns 是空的：应写成“含义=表头中的列名”，多个用逗号分开，"
                           "例如 --columns 得分=指标得分,分值=权重")
    for part in parts:
        left, eq, right = part.replace("＝", "=").partition("=")
        left, right = left.strip(), right.strip()
        if not eq or not left or not right:
            raise ColumnsError(f"--columns 中的“{part.strip()[:30]}”不是“含义=列名”的写法，"
                               "例如 --columns 得分=指标得分")
        key = meaning_named(left)
        if not key:
            raise ColumnsError(f"--columns 中的“{left[:20]}”不是可识别的列含义；可用的含义：{meaning_list()}")
        if key != SKIP and key in seen:
            raise ColumnsError(f"--columns 中“{label(key)}”出现了两次，每种含义只能对应一列")
        seen.add(key)
        pairs.append((key, right))
    return pairs


def resolve(header: list[str], guessed: list[str], choices: list[tuple[str, str]]) -> list[str]:
    """``guessed`` with the clerk's ``(meaning, header text)`` choices applied: the column whose
    header reads so (compared as ``normalize`` does) takes the meaning, and a column that had
    that meaning before loses it (it is then 不导入). ``ColumnsError`` naming the header text
    when no column reads so."""
    keys = list(guessed)
    for key, text in choices:
        want = normalize(text)
        cols = [i for i, h in enumerate(header) if h.strip() and normalize(h) == want]
        if not cols:
            shown = "、".join(f"“{h.strip()[:20]}”" for h in header if h.strip())
            raise ColumnsError(f"表头中没有名为“{text[:30]}”的列；表头是：{shown}")
        if key != SKIP:
            keys = [SKIP if k == key else k for k in keys]
        for i in cols[:1] if key != SKIP else cols:
            keys[i] = key
    return _stand_in(keys)


# -- the app's memory of choices, per header row --------------------------------------------
MEMORY_FILE = "table_columns_memory.json"
MEMORY_FORMAT = "jixiao-column-choices"
MAX_REMEMBERED = 200  # header rows kept; the oldest go first
_MAX_MEMORY_BYTES = 1024 * 1024


def load_memory(data_dir: str | Path) -> dict[str, list[str]]:
    """``{header_key: [meaning per column]}`` from the data folder; ``{}`` when the file is
    missing, unreadable, too large or not what ``remember`` writes (never raises for that).
    Entries with an unknown meaning are dropped one by one."""
    path = Path(data_dir) / MEMORY_FILE
    try:
        if path.stat().st_size > _MAX_MEMORY_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("format") != MEMORY_FORMAT \
            or not isinstance(data.get("headers"), dict):
        return {}
    known = set(by_key()) | {SKIP, ""}
    out: dict[str, list[str]] = {}
    for header, keys in data["headers"].items():
        if isinstance(header, str) and isinstance(keys, list) and len(keys) == header.count("|") + 1 \
                and all(isinstance(k, str) and k in known for k in keys):
            out[header] = keys
    return out


def remembered(data_dir: str | Path, header: list[str]) -> list[str] | None:
    """The choices made last time for this header row, or None."""
    key = header_key(header)
    keys = load_memory(data_dir).get(key)
    if keys is None:
        return None
    return (keys + [""] * len(header))[:len(header)]


def remember(data_dir: str | Path, header: list[str], keys: list[str]) -> None:
    """Keep ``keys`` for this header row (the newest last; at most ``MAX_REMEMBERED`` rows).
    Raises OSError when the file cannot be written (the caller says so; nothing is lost)."""
    key = header_key(header)
    n = key.count("|") + 1
    memory = load_memory(data_dir)
    memory.pop(key, None)
    memory[key] = (list(keys) + [""] * n)[:n]
    while len(memory) > MAX_REMEMBERED:
        memory.pop(next(iter(memory)))
    text = json.dumps({"format": MEMORY_FORMAT, "version": 1, "headers": memory},
                      ensure_ascii=False, indent=1)
    atomic_write_text(Path(data_dir) / MEMORY_FILE, text)
