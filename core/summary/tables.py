"""The 汇总 tables (docs/summary.md): versions of one unit's report grouped, the selection, the
项目支出绩效自评汇总表 and 部门整体支出绩效自评情况汇总表 rows, totals and grade counts.

Every number is a ``Decimal`` or ``None``; nothing is a float. 执行率 = 全年执行数 ÷ 全年预算数,
rounded once (percent to two decimals, ``core.rounding.q2``) and kept as a fraction (1.0000 =
100%); an empty or zero denominator gives ``None``, printed "—" (never ``#DIV/0!``).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from core import model
from core.rounding import q2
from core.scoring_records import NO_GRADE
from core.summary.gather import Funds, UnitReport

HUNDRED = Decimal(100)
NOT_GRADED = "暂不评级"  # the weights do not add up (NO_GRADE)
NOT_SCORED = "未评分"


@dataclass(frozen=True)
class UnitEntry:
    """One unit's report with every version gathered (newest first); ``chosen`` counts."""
    key: str
    versions: tuple[UnitReport, ...]
    chosen: int = 0

    @property
    def report(self) -> UnitReport:
        return self.versions[self.chosen if 0 <= self.chosen < len(self.versions) else 0]


@dataclass(frozen=True)
class Selection:
    """What goes in: None = all. ``chosen``: entry key → version index (overrides the entry's)."""
    year: int | None = None
    kinds: frozenset[str] | None = None
    keys: frozenset[str] | None = None
    chosen: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """One row of a summary table (a project, or a unit's 部门整体)."""
    no: int
    unit: str
    name: str  # 预算项目名称 (project rows) or the report title (department rows)
    initial: Decimal | None  # 年初预算数
    annual: Decimal | None  # 全年预算数 (A)
    executed: Decimal | None  # 全年执行数 (B)
    rate: Decimal | None  # B/A as a fraction, None when A is empty or 0
    weight: Decimal | None  # 分值合计
    rule: Decimal | None  # 规则得分
    reported: Decimal | None  # 单位自评得分: the total the table prints, else its rows added up
    grade: str
    errors: int
    warnings: int
    key: str
    where: str  # the table inside the report (table, projects/0, framework)
    label: str  # the package file or 草稿 #id


@dataclass(frozen=True)
class Totals:
    count: int
    initial: Decimal | None
    annual: Decimal | None
    executed: Decimal | None
    rate: Decimal | None
    rule_avg: Decimal | None
    reported_avg: Decimal | None
    scored: int  # rows with a rule score (the averages' denominator)


@dataclass(frozen=True)
class GradeCount:
    label: str
    dept: int
    project: int


@dataclass(frozen=True)
class Summary:
    year: int | None
    project_rows: tuple[Row, ...]
    dept_rows: tuple[Row, ...]
    project_totals: Totals
    dept_totals: Totals
    grade_counts: tuple[GradeCount, ...]
    findings: tuple = ()  # SummaryFinding, by unit
    reports: tuple[UnitReport, ...] = ()  # the versions that count, in row order


# -- versions -----------------------------------------------------------------------------------
def _stamp(text: str) -> float:
    try:
        d = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return float("-inf")
    if d.tzinfo is None:
        d = d.astimezone()
    return d.timestamp()


def group_versions(reports: Iterable[UnitReport]) -> list[UnitEntry]:
    """One entry per unit report: the same key (unit, year, kind, title) or the same uid is
    one report in several versions, newest (packing or saving time) first; the same content
    (digest) twice is kept once. Entries in order of first appearance."""
    groups: dict[str, list[UnitReport]] = {}
    by_uid: dict[str, str] = {}
    for r in reports:
        gkey = by_uid.get(r.uid) if r.uid else None
        gkey = gkey or r.key
        versions = groups.setdefault(gkey, [])
        if all(v.digest != r.digest for v in versions):
            versions.append(r)
        if r.uid:
            by_uid.setdefault(r.uid, gkey)
    out = []
    for gkey, versions in groups.items():
        versions.sort(key=lambda v: _stamp(v.saved_at), reverse=True)  # stable: same time keeps order
        out.append(UnitEntry(gkey, tuple(versions)))
    return out


# -- numbers ------------------------------------------------------------------------------------
def rate(executed: Decimal | None, annual: Decimal | None) -> Decimal | None:
    """B/A as a fraction, its percent rounded to two decimals; None for an empty or zero A."""
    if executed is None or annual is None or annual == 0:
        return None
    return q2(executed * HUNDRED / annual) / HUNDRED


def _sum(values: Sequence[Decimal | None]) -> Decimal | None:
    got = [v for v in values if v is not None]
    return sum(got, Decimal(0)) if got else None


def _avg(values: Sequence[Decimal | None]) -> Decimal | None:
    got = [v for v in values if v is not None]
    return q2(sum(got, Decimal(0)) / len(got)) if got else None


def totals(rows: Sequence[Row]) -> Totals:
    initial = _sum([r.initial for r in rows])
    annual = _sum([r.annual for r in rows])
    executed = _sum([r.executed for r in rows])
    both = [r for r in rows if r.annual is not None and r.executed is not None]  # a row missing A or B
    # would skew the rate: it counts only rows with both
    total_rate = rate(_sum([r.executed for r in both]), _sum([r.annual for r in both]))
    return Totals(len(rows), initial, annual, executed, total_rate,
                  _avg([r.rule for r in rows]), _avg([r.reported for r in rows]),
                  sum(1 for r in rows if r.rule is not None))


def grade_label(grade: str) -> str:
    if grade == NO_GRADE:
        return NOT_GRADED
    return grade or NOT_SCORED


# -- the tables ---------------------------------------------------------------------------------
def selected(entries: Iterable[UnitEntry], selection: Selection) -> list[UnitReport]:
    """The version that counts of every entry the selection takes."""
    out = []
    for e in entries:
        if selection.keys is not None and e.key not in selection.keys:
            continue
        i = selection.chosen.get(e.key, e.chosen)
        r = e.versions[i] if 0 <= i < len(e.versions) else e.versions[0]
        if selection.year is not None and r.year != selection.year:
            continue
        if selection.kinds is not None and r.kind not in selection.kinds:
            continue
        out.append(r)
    return out


def _row(no: int, r: UnitReport, t, name: str) -> Row:
    reported = t.stated_total if t.stated_total is not None else t.reported_total
    f: Funds = t.funds
    return Row(no, r.unit, name, f.initial, f.annual, f.executed, rate(f.executed, f.annual),
               t.weight, t.rule_total, reported, grade_label(t.grade), r.errors, r.warnings,
               r.key, t.where, r.label)


def project_tables(r: UnitReport):
    """The project 自评表 of a report: a project report's own, a department report's annexes."""
    if r.kind == model.PROJECT:
        return [t for t in r.tables if t.where == "table" or t.where.startswith("projects/")]
    return [t for t in r.tables if t.where.startswith("projects/")]


def build_summary(entries: Iterable[UnitEntry], selection: Selection = Selection()) -> Summary:
    from core.summary.findings import findings_of

    entries = list(entries)
    chosen = sorted(selected(entries, selection), key=lambda r: (r.unit, r.kind, r.title, r.key))
    dept_src = [r for r in chosen if r.kind == model.DEPARTMENT]
    proj_src = [(r, t) for r in chosen for t in project_tables(r)]
    dept_rows = []
    for r in dept_src:
        t = next((t for t in r.tables if t.where == r.headline), None)
        if t is None:
            dept_rows.append(Row(len(dept_rows) + 1, r.unit, r.title, r.funds.initial, r.funds.annual,
                                 r.funds.executed, rate(r.funds.executed, r.funds.annual), None, None,
                                 None, NOT_SCORED, r.errors, r.warnings, r.key, "", r.label))
        else:
            dept_rows.append(_row(len(dept_rows) + 1, r, t, r.title))
    proj_rows = [_row(i, r, t, t.name or r.title) for i, (r, t) in enumerate(proj_src, start=1)]
    bands: list[str] = []
    for r in chosen:
        for t in r.tables:
            bands.extend(b for b in t.bands if b not in bands)
    dept_count = _count(dept_rows)
    proj_count = _count(proj_rows)
    labels = list(bands)
    for x in (*dept_count, *proj_count):
        if x not in labels:
            labels.append(x)
    for extra in (NOT_GRADED, NOT_SCORED):  # these two last
        if extra in labels:
            labels.remove(extra)
            labels.append(extra)
    grades = tuple(GradeCount(lb, dept_count.get(lb, 0), proj_count.get(lb, 0)) for lb in labels)
    years = {r.year for r in chosen}
    year = selection.year if selection.year is not None else (years.pop() if len(years) == 1 else None)
    return Summary(year, tuple(proj_rows), tuple(dept_rows), totals(proj_rows), totals(dept_rows), grades,
                   tuple(findings_of(entries, selection)), tuple(chosen))


def _count(rows: Sequence[Row]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        out[r.grade] = out.get(r.grade, 0) + 1
    return out
