"""The one place where scores, amounts and percentages are rounded.

Rule (domain.md §3): two decimals, 四舍五入 (ROUND_HALF_UP, not banker's rounding). Each
row's score is rounded once; totals are sums of rounded rows and need no further rounding.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    """650/2000 × 5 = 1.625 → 1.63."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal | None, suffix: str = "") -> str:
    """Print a number the same way everywhere: two decimals, or '—' when there is none."""
    if value is None:
        return "—"
    return f"{q2(value):.2f}{suffix}"


def fmt_score(value: Decimal | None) -> str:
    """Scores: two decimals, trailing zeros dropped (99, 1.63, 14.5)."""
    if value is None:
        return "—"
    text = f"{q2(value):.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
