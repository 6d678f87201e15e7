"""Findings: the one record for everything the app has to say about a report or a file.

A finding has a stable ``code`` (for tests and for stored explanations), a ``severity``
(``error`` blocks the final export, ``warning`` needs a written explanation, ``hint`` is
advice), ``where`` (a path such as ``table/groups/0/children/1/children/2`` or
``figures/executed`` or a file name and key), a Chinese ``message`` and a suggested ``fix``.
"""
from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
HINT = "hint"
SEVERITIES = (ERROR, WARNING, HINT)
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", HINT: "提示"}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str
    where: str
    message: str
    fix: str = ""
    answered: bool = False  # a warning the clerk explained
    explanation: str = ""

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "where": self.where,
            "message": self.message,
            "fix": self.fix,
            "answered": self.answered,
        }


def has_errors(findings) -> bool:
    return any(f.severity == ERROR for f in findings)


def format_finding(f: Finding) -> str:
    """One line of Chinese text for a finding, as the command line prints it."""
    label = SEVERITY_LABELS.get(f.severity, f.severity)
    tail = f"（已说明：{f.explanation}）" if f.answered else ""
    fix = f" 建议：{f.fix}" if f.fix else ""
    return f"[{label}] {f.code} @ {f.where}：{f.message}{fix}{tail}"
