"""How the finished report prints numbers, heading numbers and dates: 万元 and percentages with two
decimals, scores as the clerk's table prints them, 一、（一）1.（1）, “2019年5月30日”."""
from __future__ import annotations

from decimal import Decimal

from core.narrative import chinese_number  # one way to write 一 … 九十九 (outlines never go past 99)
from core.rounding import fmt_score, q2

__all__ = ["money", "pct", "score", "chinese_number", "heading_number", "chinese_date"]


def money(v: Decimal | None) -> str:
    return "" if v is None else f"{q2(v):.2f}"


def pct(v: Decimal | None) -> str:
    return "" if v is None else f"{q2(v):.2f}%"


def score(v: Decimal | None) -> str:
    return "" if v is None else fmt_score(v)


def heading_number(level: int, n: int) -> str:
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def chinese_date(text: str) -> str:
    """“2019-05-30” → “2019年5月30日”; other text as typed."""
    import re
    m = re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*", text or "")
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日" if m else (text or "")
