"""Writing a ``.jxpkg`` (docs/package.md): built in a temp file beside the target, fsynced,
renamed, then read back and verified before anyone is told it was written.

``write_package(path, storage, draft_ids, with_exports=False)`` raises ``PackageError`` with a
Chinese message (a full or pulled stick: ``os_error_text``); the target is then either the old
file or absent — never half a package. ``default_package_name(infos)`` is a name a clerk
recognises: ``某某局2025年度部门整体自评报告等3份.jxpkg``.
"""
from __future__ import annotations

import datetime
import hashlib
import re
import tempfile
import zipfile
from pathlib import Path

from core import model
from core.atomic import atomic_produce
from core.os_errors import os_error_text
from core.package import format as F


class PackageError(Exception):
    """A package could not be written or verified; ``str(e)`` is the Chinese message."""


KIND_LABELS = {model.DEPARTMENT: "部门整体自评报告", model.PROJECT: "项目支出自评报告"}
_WIN_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WIN_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def _unit_name(x) -> str:
    u = getattr(x, "unit", "")
    name = getattr(u, "name", u)
    return name.strip() if isinstance(name, str) else ""


def safe_file_name(name: str, max_chars: int = 80) -> str:
    """``name`` usable as a file name on Windows (and everywhere else)."""
    name = _WIN_FORBIDDEN.sub("_", name).strip().rstrip(". ")
    if len(name) > max_chars:
        name = name[:max_chars].rstrip(". ")
    if not name or name.split(".")[0].upper() in _WIN_RESERVED:
        name = "绩效自评数据包" + (f"_{name}" if name else "")
    return name


def default_package_name(infos) -> str:
    """``{单位}{年度}年度{类型}{等N份}.jxpkg`` for the drafts ``infos`` (DraftInfo or Report)."""
    infos = list(infos)
    if not infos:
        return "绩效自评数据包" + F.SUFFIX
    first = infos[0]
    unit = _unit_name(first)
    year = getattr(first, "year", None)
    kinds = {getattr(i, "kind", "") for i in infos}
    label = KIND_LABELS.get(first.kind, "自评报告") if len(kinds) == 1 else "自评报告"
    stem = f"{unit}{f'{year}年度' if year else ''}{label}" + (f"等{len(infos)}份" if len(infos) > 1 else "")
    return safe_file_name(stem) + F.SUFFIX


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_entries(storage, draft_ids, with_exports: bool = False) -> tuple[dict, dict[str, bytes]]:
    """The manifest and payload (entry name → bytes) for ``draft_ids``."""
    from core.report_digest import report_digest
    from core.report_io import dumps_report
    from core.version import version

    payload: dict[str, bytes] = {}
    listed, units = [], []
    for n, draft_id in enumerate(draft_ids, start=1):
        report = storage.get(draft_id)
        uid, history = storage.exchange_info(draft_id)
        name = F.report_entry(n)
        payload[name] = dumps_report(report).encode("utf-8")
        listed.append({"file": name, "uid": uid, "history": list(history), "digest": report_digest(report),
                       "year": report.year, "unit": report.unit.name, "kind": report.kind, "title": report.title})
        units.append(report.unit.name)
        if with_exports:
            payload.update(_exports(report, n))
    files = {k: {"sha256": hashlib.sha256(v).hexdigest(), "size": len(v)} for k, v in payload.items()}
    manifest = {"format": F.FORMAT, "schema_version": F.SCHEMA_VERSION, "kind": F.KIND_REPORTS,
                "app_version": version(), "created_at": _now(), "unit": units[0] if units else "",
                "reports": listed, "files": files}
    return manifest, payload


def _exports(report, n: int) -> dict[str, bytes]:
    """The report's Word and PDF, as exported (a draft mark while errors remain)."""
    from core.export.docx import write_docx
    from core.export.pdf import write_pdf

    out = {}
    with tempfile.TemporaryDirectory(prefix="jixiao-pack-") as tmp:
        for suffix, write in (("docx", write_docx), ("pdf", write_pdf)):
            target = Path(tmp) / f"{n:04d}.{suffix}"
            write(report, target)
            out[F.export_entry(n, suffix)] = target.read_bytes()
    return out


def zip_bytes_to(tmp: Path, manifest: dict, payload: dict[str, bytes]) -> None:
    """Write the zip (manifest first) to ``tmp``."""
    import json

    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(F.MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        for name, data in payload.items():
            zf.writestr(name, data)


def write_package(path: str | Path, storage, draft_ids, with_exports: bool = False) -> dict:
    """Pack ``draft_ids`` into ``path``; verify by reading it back; then mark the drafts as
    exchanged. Returns the manifest. Raises ``PackageError`` (Chinese) on any failure."""
    from core.package.reader import read_package

    path = Path(path)
    draft_ids = list(draft_ids)
    if not draft_ids:
        raise PackageError("没有选择要打包的草稿")
    manifest, payload = build_entries(storage, draft_ids, with_exports)
    shown = path.name
    try:
        atomic_produce(path, lambda tmp: zip_bytes_to(tmp, manifest, payload))
    except OSError as e:
        raise PackageError(f"无法写入“{shown}”：{os_error_text(e)}。数据包没有写入，请换一个位置或检查 U 盘后重试") from e
    package, findings = read_package(path)
    if package is None or package.manifest.get("files") != manifest["files"] or any(
            package.files.get(k) != v for k, v in payload.items()):
        try:
            path.unlink()
        except OSError:
            pass
        why = findings[0].message if findings else "内容与写入的不一致"
        raise PackageError(f"写入“{shown}”后读回校验失败（{why}），已删除该文件；U 盘可能有问题，请换一个位置重试")
    for draft_id in draft_ids:
        storage.mark_exchanged(draft_id)
    return manifest


__all__ = ["PackageError", "default_package_name", "safe_file_name", "write_package", "build_entries",
           "KIND_LABELS"]
