"""The ``.jxpkg`` package format (docs/package.md): constants, limits and entry-name rules.

A package is a zip (deflate) with ASCII entry names only: ``manifest.json`` and the payload
(``reports/0001.json`` …, optional ``exports/0001.docx|pdf``; a template package has one
``template.json``). The manifest lists every payload file with its SHA-256 and size.
"""
from __future__ import annotations

import posixpath
import re

FORMAT = "jixiao-package"
SCHEMA_VERSION = 1
SUPPORTED_VERSIONS = (1,)
SUFFIX = ".jxpkg"
MANIFEST = "manifest.json"
KIND_REPORTS = "reports"
KIND_TEMPLATE = "template"

MB = 1024 * 1024
#: Limits checked before anything is decompressed (module attributes: tests lower them).
MAX_FILE_BYTES = 200 * MB
MAX_ENTRIES = 2000
MAX_ENTRY_BYTES = 100 * MB
MAX_TOTAL_BYTES = 300 * MB
MAX_RATIO = 100
MAX_MANIFEST_BYTES = 1 * MB

_NAME = re.compile(r"^[A-Za-z0-9_.\-/]{1,200}$")


def name_problem(name: str) -> str | None:
    """Why ``name`` may not be an entry name (zip-slip and non-ASCII), or None if it may."""
    if not _NAME.match(name):
        return "名称含有不允许的字符（只允许英文字母、数字和 _ . - /）或过长"
    if name.startswith(("/", "\\")) or ":" in name:
        return "名称是绝对路径"
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "名称含有“..”、“.”或空的路径段，会写到数据包以外的位置"
    if posixpath.normpath(name) != name:
        return "名称不是规范路径"
    return None


def report_entry(n: int) -> str:
    return f"reports/{n:04d}.json"


def export_entry(n: int, suffix: str) -> str:
    return f"exports/{n:04d}.{suffix}"
