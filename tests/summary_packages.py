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


def _first_leaf_score(table, score):
    """``table`` with its first indicator row's score set to ``score``."""
    import dataclasses as dc

    g0 = table.groups[0]
    sub = g0.children[0]
    leaf = dc.replace(sub.children[0], score=score)
    sub = dc.replace(sub, children=(leaf, *sub.children[1:]))
    return dc.replace(table, groups=(dc.replace(g0, children=(sub, *g0.children[1:])), *table.groups[1:]))


def error_copies(seed001):
    """Three copies of seed 001 (2022, 益阳市资阳区工商业联合会) as other units, each with one
    deliberate error: 甲 a row scored 8 of its 5 points (and the total written as 102), 乙 a
    total written as 90 that the rows (99) do not add up to, 丙 an empty 全年预算数."""
    import dataclasses as dc
    from decimal import Decimal

    def as_unit(name):
        return dc.replace(seed001, unit=dc.replace(seed001.unit, name=name),
                          title=seed001.title.replace("益阳市资阳区工商业联合会", name))

    jia = as_unit("测试甲单位")
    jia = dc.replace(jia, table=dc.replace(_first_leaf_score(jia.table, Decimal(8)), stated_total=Decimal(102)))
    yi = as_unit("测试乙单位")
    yi = dc.replace(yi, table=dc.replace(yi.table, stated_total=Decimal(90)))
    bing = as_unit("测试丙单位")
    funds = bing.table.funds
    funds = dc.replace(funds, rows=(dc.replace(funds.rows[0], annual=None), *funds.rows[1:]))
    bing = dc.replace(bing, table=dc.replace(bing.table, funds=funds))
    return {"jia": jia, "yi": yi, "bing": bing}


def seed_packages(folder: Path, seeds) -> dict[str, Path]:
    """The five seeds as five units' packages plus the three error copies, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for key, report in seeds.items():
        out[key] = make_package(folder / f"seed{key}.jxpkg", [report], uid=f"seed{key}")
    for key, report in (error_copies(seeds["001"]) if "001" in seeds else {}).items():
        out[key] = make_package(folder / f"{key}.jxpkg", [report], uid=key)
    return out
