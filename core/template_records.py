"""The records a loaded template is made of (``Template`` and its parts), frozen and typed.

``core.template_loader`` reads, checks and resolves the template files into these; everything else
(scoring, checks, export, the wizard) only reads them. The file format is docs/templates.md.
"""
from __future__ import annotations

import functools
import re
import unicodedata
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
    criteria: bool = False  # rows with no target here are scored by criteria (决策, 过程)

    def matches(self, name: str) -> bool:
        n = _norm(name)
        return bool(n) and (n == _norm(self.name) or n in _norm_set(self.aliases))


@dataclass(frozen=True, slots=True)
class DirectionRule:
    """Rows whose name contains one of ``contains`` read a bare target with ``comparator``
    (预算调整率, 结转结余率 … are better when lower: ``<=``)."""

    contains: tuple[str, ...]
    comparator: str  # ">=", "<=" or "="


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
    execution_names: tuple[str, ...] = ()  # a row with one of these names is the execution row
    direction_rules: tuple[DirectionRule, ...] = ()  # name fragments → comparator of a bare target
    criteria_names: tuple[str, ...] = ()  # name fragments of rows scored by criteria (完整性 …)
    coefficient_places: int | None = None  # 得分 = 分值 × 系数, 系数 rounded to this many places
    weighted: bool = True  # False: the layout has no 分值 column (completion is checked, not scored)

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

    def is_execution_row(self, name: str) -> bool:
        return _norm(name) in _norm_set(self.execution_names)

    def direction_for(self, name: str) -> str:
        """The comparator the template's name rules give a bare target of the row ``name``; ""."""
        n = _norm(name)
        for rule in self.direction_rules:
            if any(c in n for c in _fragments(rule.contains)):
                return rule.comparator
        return ""

    def is_criteria_name(self, name: str) -> bool:
        n = _norm(name)
        return any(c in n for c in _fragments(self.criteria_names))

    def outline_nodes(self):
        for node in self.outline:
            yield from node.walk()


_LABEL_WEIGHT = re.compile(r"[(（]\s*(\d{1,3}(?:\.\d{1,2})?)\s*分?\s*[)）]$|(?<=[^\d.])(\d{1,3}(?:\.\d{1,2})?)分$")


@functools.lru_cache(maxsize=8192)
def split_label(name: str) -> tuple[str, Decimal | None]:
    """A label and the weight printed in it: "成本指标(10分)", "成本指标（10分）", "产出指标30分" →
    ("成本指标", 10) …; a label that is only a weight, "(50分)" → ("", 50); without one → (name, None)."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    m = _LABEL_WEIGHT.search(text)
    if not m:
        return name, None
    return text[:m.start()].strip(), Decimal(m.group(1) or m.group(2))  # "(50分)" alone → ("", 50)


@functools.lru_cache(maxsize=8192)
def _norm(name: str) -> str:
    """A label as compared: weight, spaces and full width taken out. Cached: the same few hundred
    row and block names are compared for every row of every report (bench/summary_ratio.py)."""
    bare = split_label(name)[0]
    return "".join(unicodedata.normalize("NFKC", bare).split())


@functools.lru_cache(maxsize=1024)
def _norm_set(names: tuple[str, ...]) -> frozenset[str]:
    """A template's list of names (aliases, execution rows) as compared, once per list."""
    return frozenset(_norm(n) for n in names)


@functools.lru_cache(maxsize=1024)
def _fragments(names: tuple[str, ...]) -> tuple[str, ...]:
    """A template's name fragments (direction and criteria rules) as compared, once per list;
    an empty entry is no rule."""
    return tuple(_norm(c) for c in names if c)


def same_label(a: str, b: str) -> bool:
    """Two 一级/二级 labels name the same thing (spaces, full width and a printed weight aside)."""
    na = _norm(a)
    return bool(na) and na == _norm(b)
