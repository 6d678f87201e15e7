"""Edits on immutable reports by path: the one way the UI changes a report.

A path is the same as a finding's ``where``: attribute names and tuple indices joined by ``/``,
e.g. ``overview/duties``, ``table/groups/0/children/1/children/2/target`` or
``figures/executed``. ``set_at`` returns a new report with one value replaced (the records are
frozen, nothing is changed in place); tuple helpers insert, delete and move children.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from core import model, validate


def _parts(path: str) -> list[str]:
    return [p for p in path.strip("/").split("/") if p]


def _step(obj: Any, key: str) -> Any:
    if isinstance(obj, tuple):
        return obj[int(key)]
    if isinstance(obj, model.Figures):
        return obj.get(key)
    return getattr(obj, key)


def get_at(obj: Any, path: str) -> Any:
    for key in _parts(path):
        obj = _step(obj, key)
    return obj


def _replace(obj: Any, key: str, value: Any) -> Any:
    if isinstance(obj, tuple):
        i = int(key)
        return obj[:i] + (value,) + obj[i + 1:]
    if isinstance(obj, model.Figures):
        d = obj.as_dict()
        if value is None:
            d.pop(key, None)
        else:
            d[key] = Decimal(value)
        return model.Figures.of(d)
    return dataclasses.replace(obj, **{key: value})


def set_at(obj: Any, path: str, value: Any) -> Any:
    """A copy of ``obj`` with the value at ``path`` replaced.

    Text passes the validation gate on the way in: control characters (except tab and line
    breaks) are dropped, lone surrogates replaced, and text is cut at ``validate.MAX_TEXT_CHARS``
    — so nothing typed or pasted can make a draft that cannot be saved or read back."""
    if isinstance(value, str):
        value = validate.clean_text(value)[:validate.MAX_TEXT_CHARS]
    return _set(obj, path, value)


def _set(obj: Any, path: str, value: Any) -> Any:
    parts = _parts(path)
    if not parts:
        return value
    head, rest = parts[0], "/".join(parts[1:])
    child = _step(obj, head) if rest else None
    return _replace(obj, head, _set(child, rest, value) if rest else value)


def insert_at(obj: Any, path: str, index: int, item: Any) -> Any:
    """Insert ``item`` into the tuple at ``path`` before ``index``."""
    seq = get_at(obj, path)
    return set_at(obj, path, seq[:index] + (item,) + seq[index:])


def delete_at(obj: Any, path: str, index: int) -> Any:
    seq = get_at(obj, path)
    return set_at(obj, path, seq[:index] + seq[index + 1:])


def move_at(obj: Any, path: str, index: int, to: int) -> Any:
    """Move the item at ``index`` of the tuple at ``path`` so that it ends up at ``to``."""
    seq = list(get_at(obj, path))
    item = seq.pop(index)
    seq.insert(to, item)
    return set_at(obj, path, tuple(seq))
