"""The records a loaded template is made of (``Template`` and its parts), frozen and typed.

``core.templates`` reads, checks and resolves the template files into these; everything else
(scoring, checks, export, the wizard) only reads them. The file format is docs/templates.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core import model


@dataclass(frozen=True, slots=True)
class Block:
    """A first-level block (一级指标) with its default weight and its 二级 names."""

    name: str
    weight: Decimal
    aliases: tuple[str, ...] = ()
    level2: tuple[str, ...] = ()
    reverse_level2: tuple[str, ...] = ()  # 二级 whose unmarked targets are 反向 (成本指标)

    def matches(self, name: str) -> bool:
        n = _norm(name)
        return n == _norm(self.name) or n in {_norm(a) for a in self.aliases}


@dataclass(frozen=True, slots=True)
class Tier:
    key: str
    label: str
    low: Decimal  # share of the weight, inclusive
    high: Decimal  # share of the weight; inclusive only for the top tier


@dataclass(frozen=True, slots=True)
class Grade:
    label: str
    low: Decimal  # inclusive lower bound of the total


@dataclass(frozen=True, slots=True)
class Step:
    condition: str  # formula over ``value`` and ``weight``; "" = always
    score: str  # formula over ``value`` and ``weight``


@dataclass(frozen=True, slots=True)
class FormulaDef:
    key: str
    label: str
    expr: str
    unit: str = "%"
    steps: tuple[Step, ...] = ()  # first matching step gives the score
    tolerance: Decimal | None = None  # stated vs computed difference allowed; None = half the last printed digit


@dataclass(frozen=True, slots=True)
class OutlineNode:
    key: str
    title: str
    feeds: tuple[str, ...] = ()  # what fills the section: model paths or generated items
    tables: tuple[str, ...] = ()  # tables placed here: basic_data, self_eval, projects, framework
    children: tuple["OutlineNode", ...] = ()
    optional: bool = False  # an empty optional section is left out; an empty required one is SECTION_EMPTY

    def walk(self, depth: int = 1):
        yield depth, self
        for c in self.children:
            yield from c.walk(depth + 1)


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    name: str
    kind: str
    region: str = ""
    source: str = ""
    total: Decimal = Decimal(100)
    execution: FormulaDef | None = None
    execution_weight: Decimal | None = None
    blocks: tuple[Block, ...] = ()
    splits: tuple[tuple[tuple[str, Decimal], ...], ...] = ()
    tiers: tuple[Tier, ...] = ()
    grades: tuple[Grade, ...] = ()
    equal_target: str = "proportional"  # or "all_or_nothing"
    over_achievement_ratio: Decimal | None = None
    execution_low: Decimal = Decimal(90)  # percent; below needs an explanation
    formulas: tuple[FormulaDef, ...] = ()
    outline: tuple[OutlineNode, ...] = ()
    framework: model.SelfEvalTable | None = None
    project_template: str = ""
    signature: str = "end"  # where the signature block prints: "end" (after the last section) or "tables"
    file: str = ""
    template_version: str = ""  # the bureau's edition, e.g. "2024.1" (docs/templates.md); "" when not given
    year: int | None = None  # the budget year the template is for, when given

    def formula(self, key: str) -> FormulaDef | None:
        if self.execution is not None and key == self.execution.key:
            return self.execution
        for f in self.formulas:
            if f.key == key:
                return f
        return None

    def block_for(self, name: str) -> Block | None:
        for b in self.blocks:
            if b.matches(name):
                return b
        return None

    def grade_for(self, total: Decimal) -> str:
        for g in sorted(self.grades, key=lambda g: g.low, reverse=True):
            if total >= g.low:
                return g.label
        return ""

    def outline_nodes(self):
        for node in self.outline:
            yield from node.walk()


def _norm(name: str) -> str:
    return "".join(name.split()).replace("（", "(").replace("）", ")")
