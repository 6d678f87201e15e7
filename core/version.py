"""The program's version, from one place: ``[project] version`` in pyproject.toml.

A checkout reads pyproject.toml; a PyInstaller bundle reads ``resources/VERSION``, which the spec
(installer/jixiao.spec) writes from pyproject.toml at build time; an installed wheel reads its
metadata. ``jixiao --version`` prints it.
"""
from __future__ import annotations

import re
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
_VERSION_LINE = re.compile(r'^version\s*=\s*"([^"]+)"', re.MULTILINE)


def version_from_pyproject(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    if "\n[project]" not in "\n" + text:
        return None
    project = ("\n" + text).split("\n[project]", 1)[1].split("\n[", 1)[0]  # only the [project] table
    m = _VERSION_LINE.search(project)
    return m.group(1) if m else None


def version() -> str:
    from core.resources import resource_path

    found = version_from_pyproject(_ROOT / "pyproject.toml")
    if found:
        return found
    try:
        found = resource_path("VERSION").read_text(encoding="utf-8").strip()
    except OSError:
        found = ""
    if found:
        return found
    try:
        from importlib.metadata import PackageNotFoundError, version as dist_version

        return dist_version("jixiao")
    except (ImportError, PackageNotFoundError):
        return "未知"


__all__ = ["version", "version_from_pyproject"]
