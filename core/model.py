"""The report model: immutable records for one 绩效自评报告.

Every amount, weight and score is a ``Decimal`` (or ``None`` when the report leaves it blank).
Records are frozen; edits make new values with ``dataclasses.replace``. Text the clerk typed
(targets, actuals) is kept verbatim: reading it is the job of ``core.values``.

The on-disk JSON form of these records is described in docs/format.md and implemented in
``core.report_io``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator, Union

DEPARTMENT = "department_overall"
PROJECT = "project"
REPORT_KINDS = (DEPARTMENT, PROJECT)


@dataclass(frozen=True, slots=True)
class Unit:
    """The reporting unit (部门/单位) and who supervises and implements."""

    name: str = ""
    code: str = ""
    supervisor: str = ""  # 主管部门
    implementer: str = ""  # 实施单位


@dataclass(frozen=True, slots=True)
class Overview:
    """部门概况: 职能职责, 机构设置, 人员, 资产负债."""

    duties: str = ""  # 职能职责
    organization: str = ""  # 机构设置
    staffing: str = ""  # 人员情况 (narrative)
    assets: str = ""  # 资产负债情况 (narrative); the amounts are figures
    authorized_staff: Decimal | None = None  # 编制数
    actual_staff: Decimal | None = None  # 实有在职人数


@dataclass(frozen=True, slots=True)
class Figures:
    """Budget figures keyed by the names of ``core.figures.FIGURES`` (万元 unless noted).

    Stored as sorted (key, value) pairs so the record stays hashable and immutable.
    """

    items: tuple[tuple[str, Decimal], ...] = ()

    def get(self, key: str) -> Decimal | None:
        for k, v in self.items:
            if k == key:
                return v
        return None

    def as_dict(self) -> dict[str, Decimal]:
        return dict(self.items)

    @staticmethod
    def of(mapping: dict[str, Decimal]) -> "Figures":
        return Figures(tuple(sorted((k, v) for k, v in mapping.items() if v is not None)))


@dataclass(frozen=True, slots=True)
class FundLine:
    """One line of spending detail (a 专项 or project) in the basic-data table."""

    name: str
    last_final: Decimal | None = None  # 上年决算数
    budget: Decimal | None = None  # 本年预算数
    final: Decimal | None = None  # 本年决算数
    parent: str = "project_expenditure"  # the figure key this line is a part of


@dataclass(frozen=True, slots=True)
class FundsRow:
    """A row of the 自评表 funds block (年度资金总额 / 其中：当年财政拨款 / 上年结转 / 其他资金)."""

    label: str
    initial: Decimal | None = None  # 年初预算数
    annual: Decimal | None = None  # 全年预算数 (A)
    executed: Decimal | None = None  # 全年执行数 (B)


@dataclass(frozen=True, slots=True)
class FundsBlock:
    """The funds block and its execution-rate row. ``rows[0]`` is the total (年度资金总额)."""

    rows: tuple[FundsRow, ...] = ()
    weight: Decimal | None = None  # 分值 of the execution row (normally 10)
    stated_rate: Decimal | None = None  # 执行率 as printed, in percent
    score: Decimal | None = None  # 得分 as the clerk entered it

    @property
    def total(self) -> FundsRow | None:
        return self.rows[0] if self.rows else None


@dataclass(frozen=True, slots=True)
class Goal:
    """年度总体目标: the approved goal beside what happened."""

    expected: str = ""
    achieved: str = ""


@dataclass(frozen=True, slots=True)
class Indicator:
    """A leaf row (三级指标, or the deepest level of a framework table)."""

    name: str
    target: str = ""  # 年度指标值 (A), as typed
    actual: str = ""  # 实际完成值 (B), as typed
    weight: Decimal | None = None  # 分值
    score: Decimal | None = None  # 得分 the clerk entered
    deviation_note: str = ""  # 偏差原因分析及改进措施
    tier: str = ""  # qualitative tier key chosen by the clerk (see the template's tiers)
    direction: str = ""  # 指标性质 as typed: ≥ ≤ = 定性 (optional column)
    unit: str = ""  # 度量单位 (optional column)
    basis: str = ""  # 绩效标准 / 评分依据及简要说明
    formula: str = ""  # key of a template formula indicator that scores this row


@dataclass(frozen=True, slots=True)
class IndicatorGroup:
    """An inner node: 一级 or 二级 (or deeper in four-level frameworks).

    ``stated_weight`` is the weight printed on the label, e.g. 产出指标 "(50分)".
    """

    name: str
    stated_weight: Decimal | None = None
    children: tuple[Union["IndicatorGroup", Indicator], ...] = ()

    def leaves(self) -> Iterator[tuple[tuple[int, ...], Indicator]]:
        """Yield (index path relative to this group, leaf) depth-first."""
        for i, child in enumerate(self.children):
            if isinstance(child, Indicator):
                yield (i,), child
            else:
                for sub, leaf in child.leaves():
                    yield (i, *sub), leaf


@dataclass(frozen=True, slots=True)
class SelfEvalTable:
    """One 自评表 (department or project) or a department framework score table."""

    name: str = ""  # 项目名称 / 部门名称
    supervisor: str = ""
    implementer: str = ""
    funds: FundsBlock | None = None
    goal: Goal = field(default_factory=Goal)
    groups: tuple[IndicatorGroup, ...] = ()  # the 一级 blocks in order
    stated_total: Decimal | None = None  # the total the table states
    stated_grade: str = ""
    template: str = ""  # template id that scores this table ('' = the report's template)


@dataclass(frozen=True, slots=True)
class Section:
    """A narrative section keyed by the outline key of the template."""

    key: str
    text: str = ""
    title: str = ""  # the heading as printed, when it differs from the template
    generated: str = ""  # the text the program last drafted; text != generated: the clerk edited it


@dataclass(frozen=True, slots=True)
class Signatories:
    preparer: str = ""  # 填表人
    reviewer: str = ""  # 审核人
    unit_head: str = ""  # 单位负责人
    phone: str = ""  # 联系电话
    date: str = ""  # 填报日期 (ISO date when known)


@dataclass(frozen=True, slots=True)
class StatedValue:
    """A number the report states in its text or tables, kept to check it (domain §8.9–10).

    ``key`` names a figure or a formula indicator; ``unit`` is '%' or '万元'.
    """

    key: str
    value: Decimal
    unit: str = ""
    where: str = ""  # where it was read, e.g. "sections/performance"
    quote: str = ""  # the words around it, for the message


@dataclass(frozen=True, slots=True)
class Explanation:
    """The clerk's written answer to a warning: matched on code and location."""

    code: str
    where: str
    text: str


@dataclass(frozen=True, slots=True)
class Report:
    schema_version: int = 1
    template: str = ""
    kind: str = DEPARTMENT
    year: int | None = None
    title: str = ""
    unit: Unit = field(default_factory=Unit)
    overview: Overview = field(default_factory=Overview)
    figures: Figures = field(default_factory=Figures)
    fund_lines: tuple[FundLine, ...] = ()
    goal: Goal = field(default_factory=Goal)
    table: SelfEvalTable | None = None  # the main 自评表 (department or project)
    projects: tuple[SelfEvalTable, ...] = ()  # project 自评表 carried as annexes
    framework: SelfEvalTable | None = None  # department framework score table
    sections: tuple[Section, ...] = ()
    signatories: Signatories = field(default_factory=Signatories)
    stated: tuple[StatedValue, ...] = ()
    explanations: tuple[Explanation, ...] = ()
    # where-paths (as in findings) of values carried from last year that the clerk has not
    # confirmed yet: set by core.carry_forward, dropped when the clerk edits or confirms them
    carried: tuple[str, ...] = ()
    # the ``template_version`` of ``template`` the report was written with ("" = not known): its
    # tables keep being scored by that edition after a newer one is installed (core.templates)
    template_version: str = ""

    def section(self, key: str) -> str:
        for s in self.sections:
            if s.key == key:
                return s.text
        return ""

    @staticmethod
    def table_kind(where: str) -> str:
        """What a table at ``where`` is called: 自评表, 项目自评表 or 评分表."""
        return {"table": "自评表", "framework": "评分表"}.get(where, "项目自评表")

    def tables(self) -> Iterator[tuple[str, SelfEvalTable]]:
        """All score tables with their location prefix: table, projects/N, framework."""
        if self.table is not None:
            yield "table", self.table
        for i, p in enumerate(self.projects):
            yield f"projects/{i}", p
        if self.framework is not None:
            yield "framework", self.framework
