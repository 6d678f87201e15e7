"""What may name a template — an installed id, never a path — and its editions (``template_version``)
compared as numbers. Used by the loader (``core.template_loader``) and the lookups (``core.templates``).
"""
from __future__ import annotations

import re
from pathlib import Path

from core import validate

#: a template's own edition (``template_version``): numbers and dots, e.g. "2024.1"
VERSION_RE = re.compile(r"\d{1,6}(\.\d{1,6}){0,3}")


def folder_templates(directory: Path) -> dict[str, Path]:
    """The templates in one folder: ``{id: file}`` for each ``<id>.json`` (hidden files skipped)."""
    out = {}
    try:
        for p in directory.glob("*.json"):
            if not p.name.startswith(".") and p.is_file():
                out[p.stem] = p
    except OSError:
        pass
    return out


def version_key(text: object) -> tuple[int, ...]:
    """A template edition (``"2024.1"``) as numbers to compare; () when not given or not numbers."""
    if not isinstance(text, str) or not VERSION_RE.fullmatch(text):
        return ()
    return tuple(int(part) for part in text.split("."))


def file_version(path: Path) -> str:
    """The ``template_version`` written in a template file, "" when none or unreadable."""
    try:
        data = validate.loads(validate.read_limited(path, validate.MAX_TEMPLATE_BYTES).decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return ""
    v = data.get("template_version") if isinstance(data, dict) else None
    return v if isinstance(v, str) and version_key(v) else ""


def looks_like_path(template_id: str) -> bool:
    """A path or file name (``../x``, ``/abs/x``, ``C:x``, ``x.json``), never a template id."""
    return (any(c in template_id for c in "/\\:") or template_id.startswith(".")
            or template_id.endswith(".json"))


def id_problem(template_id: object, known: dict[str, Path]) -> str | None:
    """None when ``template_id`` names an installed template; else why not (Chinese)."""
    if isinstance(template_id, str) and template_id in known:
        return None
    if not isinstance(template_id, str):
        return "模板名称应为文字（如 national-10hao-project）"
    shown = validate.clean_text(template_id)
    shown = shown if len(shown) <= 60 else shown[:60] + "…"
    if looks_like_path(template_id):
        return (f"“{shown}”不是模板名称：只能用模板名称（如 national-10hao-project）指定模板文件夹中"
                "已安装的模板，不能写文件路径")
    return f"找不到模板“{shown}”：模板文件夹中没有 {shown}.json"
