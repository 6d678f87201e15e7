"""Template formulas for one report (domain.md §3): the figures they read (``formula_env``),
their values (``compute``) and the score of their scoring steps (``step_score``)."""
from __future__ import annotations

from decimal import Decimal

from core import formula as fx
from core import model
from core.rounding import q2
from core.scoring_records import ZERO, FormulaValue
from core.templates import FormulaDef


def formula_env(report: model.Report) -> dict[str, Decimal]:
    env = dict(report.figures.items)
    if report.overview.authorized_staff is not None:
        env["authorized_staff"] = report.overview.authorized_staff
    if report.overview.actual_staff is not None:
        env["actual_staff"] = report.overview.actual_staff
    return env


def compute(fd: FormulaDef, env: dict[str, Decimal]) -> FormulaValue:
    """The value of a template formula for this report; never raises (``missing`` says why
    there is none: a figure's name, ``zero`` for a division by zero, ``error`` otherwise)."""
    try:
        v = fx.evaluate(fd.expr, env)
        return FormulaValue(fd.key, fd.label, Decimal(v), unit=fd.unit)
    except fx.MissingValue as e:
        return FormulaValue(fd.key, fd.label, None, missing=e.name, unit=fd.unit)
    except fx.ZeroDivide:
        return FormulaValue(fd.key, fd.label, None, missing="zero", unit=fd.unit)
    except Exception:  # noqa: BLE001 - a formula that cannot be computed is not a crash
        return FormulaValue(fd.key, fd.label, None, missing="error", unit=fd.unit)


class StepFailed(Exception):
    """A scoring step of a template formula cannot be evaluated; ``str(e)`` says why (Chinese)."""


def step_score(fd: FormulaDef, value: Decimal, weight: Decimal) -> Decimal:
    """The score of the first step whose condition holds (0 when none), within [0, weight].
    Raises StepFailed (Chinese) when a step cannot be evaluated for these numbers."""
    env = {"value": value, "weight": weight}
    for step in fd.steps:
        expr = step.condition
        try:
            if not step.condition or fx.evaluate(step.condition, env):
                expr = step.score
                return q2(min(max(Decimal(fx.evaluate(step.score, env)), ZERO), weight))
        except fx.ZeroDivide:
            raise StepFailed(f"模板中“{fd.label}”的评分公式“{_short(expr)}”在指标值 {q2(value)}、分值 {weight} 时"
                             "除以 0") from None
        except Exception as e:  # noqa: BLE001 - a template bug must not stop the scoring
            raise StepFailed(f"模板中“{fd.label}”的评分公式“{_short(expr)}”无法计算"
                             f"（{type(e).__name__}）") from None
    return ZERO


def _short(expr: str) -> str:
    return expr if len(expr) <= 60 else expr[:60] + "…"
