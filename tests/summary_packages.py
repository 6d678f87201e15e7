"""Making ``.jxpkg`` packages of given reports for the 汇总 tests (no drafts database): the
manifest exactly as ``core.package.writer.build_entries`` writes it, with a chosen uid and
packing time so versions can be ordered."""
from __future__ import annotations

import hashlib
from pathlib import Path

from core.package import format as F
from core.package.writer import zip_bytes_to
from core.report_digest import report_digest
from core.report_io import dumps_report


def make_package(path: Path, reports, *, uid: str = "", created_at: str = "2023-03-01T08:00:00Z",
                 digest: str | None = None, schema_version: int = F.SCHEMA_VERSION) -> Path:
    """Write ``reports`` (Report records) as one package at ``path``; ``digest`` overrides the
    recorded digest of the first report (a package whose digest does not match)."""
    payload, listed = {}, []
    for n, report in enumerate(reports, start=1):
        name = F.report_entry(n)
        payload[name] = dumps_report(report).encode("utf-8")
        listed.append({"file": name, "uid": f"{uid or path.stem}-{n}", "history": [],
                       "digest": digest if (digest and n == 1) else report_digest(report),
                       "year": report.year, "unit": report.unit.name, "kind": report.kind, "title": report.title})
    manifest = {"format": F.FORMAT, "schema_version": schema_version, "kind": F.KIND_REPORTS,
                "app_version": "0.1.0", "created_at": created_at, "unit": reports[0].unit.name,
                "reports": listed,
                "files": {k: {"sha256": hashlib.sha256(v).hexdigest(), "size": len(v)} for k, v in payload.items()}}
    zip_bytes_to(path, manifest, payload)
    return path
