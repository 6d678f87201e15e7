"""The report JSON a save stores, made from cached pieces.

``report_json(report)`` is exactly ``json.dumps(report_to_dict(report), ensure_ascii=False)``
(``core.report_io``), but every part of the report (a table, a group, a row …) is turned into
text once: reports are immutable and an edit (``core.edit.set_at``) replaces only the objects
on its path, so an autosave after one cell edit writes out that cell's row, its groups and
table anew and takes every other part's text from the cache — the cost follows the edit, not
the report's size. Parts are cached by identity (the object is kept with its text, so its id
cannot be reused). The cache keeps only the parts the last report written was made of (those
written out or found, down to the first part found): memory stays that of one report, and an
edit in a part not reached last time writes out that part's rows again (its own size, once).
"""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

from core import model
from core.report_io import FORMAT, SCHEMA_VERSION, _defaults, _to_json  # _defaults: as _to_json compares them

_cache: dict[int, tuple[Any, str]] = {}  # the parts of the last report written, by id


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _object(pairs) -> str:
    return "{" + ", ".join(f"{_dumps(k)}: {v}" for k, v in pairs) + "}"


def _record(value: Any, cache: dict, kept: dict) -> str:
    group = isinstance(value, model.IndicatorGroup)
    pairs = []
    for name, default in _defaults(type(value)):
        v = getattr(value, name)
        if group and name == "children":  # a group always lists its children, even none
            pairs.append((name, _text(v, cache, kept)))
            continue
        if v == default or v is None:
            continue
        pairs.append((name, _text(v, cache, kept)))
    return _object(pairs)


def _text(value: Any, cache: dict, kept: dict) -> str:
    if isinstance(value, str):
        return _dumps(value)
    if isinstance(value, Decimal):
        return _dumps(format(value, "f"))
    if isinstance(value, tuple):
        return "[" + ", ".join(_text(v, cache, kept) for v in value) + "]"
    if isinstance(value, model.Figures):
        return _dumps(_to_json(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        entry = cache.get(id(value))
        if entry is None or entry[0] is not value:
            entry = (value, _record(value, cache, kept))
        kept[id(value)] = entry
        return entry[1]
    return _dumps(_to_json(value))


def report_json(report: model.Report) -> str:
    """``json.dumps(report_to_dict(report), ensure_ascii=False)``, from cached parts."""
    global _cache
    cache, kept = _cache, {}  # another thread writing meanwhile costs cache hits, never text
    pairs: dict[str, str] = {"format": _dumps(FORMAT)}
    for name, default in _defaults(type(report)):
        v = getattr(report, name)
        if v == default or v is None:
            continue
        pairs[name] = _text(v, cache, kept)
    pairs["schema_version"] = _dumps(SCHEMA_VERSION)
    _cache = kept
    return _object(pairs.items())
