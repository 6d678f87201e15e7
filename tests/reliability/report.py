"""The tally of one suite run and its printed summary."""
from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

KINDS = ("crash", "hang", "loss", "typing")  # what makes the suite fail
LABELS = {"crash": "崩溃/traceback", "hang": "卡住 >10 s", "loss": "数据丢失", "typing": "打字丢失超限"}


@dataclass
class Summary:
    runs: int = 0  # processes attacked or commands run
    faults: int = 0  # kills + simulated environment faults
    kills: int = 0
    inputs: int = 0  # fuzz inputs tried (each through every command)
    max_typing_lost: float = 0.0
    failures: list[dict] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)  # harmless but worth knowing (e.g. stale .tmp)
    per_scenario: dict = field(default_factory=lambda: defaultdict(Counter))
    skipped: list[str] = field(default_factory=list)  # what could not be simulated, and why
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, scenario: str, *, runs: int = 0, kills: int = 0, faults: int = 0,
              inputs: int = 0) -> None:
        with self._lock:
            self.runs += runs
            self.kills += kills
            self.faults += faults + kills
            self.inputs += inputs
            c = self.per_scenario[scenario]
            c["runs"] += runs
            c["faults"] += faults + kills
            c["inputs"] += inputs

    def fail(self, kind: str, scenario: str, detail: str) -> None:
        assert kind in KINDS
        with self._lock:
            self.failures.append({"kind": kind, "scenario": scenario, "detail": detail})
            self.per_scenario[scenario][kind] += 1

    def note(self, text: str) -> None:
        with self._lock:
            self.notes[text] += 1

    def typing(self, seconds: float) -> None:
        with self._lock:
            self.max_typing_lost = max(self.max_typing_lost, seconds)

    def total(self, kind: str) -> int:
        return sum(f["kind"] == kind for f in self.failures)

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {"runs": self.runs, "faults": self.faults, "kills": self.kills,
                "inputs": self.inputs, "crashes": self.total("crash"), "hangs": self.total("hang"),
                "data_lost": self.total("loss"), "typing_over_limit": self.total("typing"),
                "max_typing_lost": round(self.max_typing_lost, 3), "seconds": round(self.seconds, 1),
                "skipped": self.skipped, "notes": dict(self.notes),
                "per_scenario": {k: dict(v) for k, v in sorted(self.per_scenario.items())},
                "failures": self.failures}

    def render(self, details: int = 3) -> str:
        lines = ["", "== 可靠性测试汇总 (reliability summary) ==",
                 f"runs {self.runs} · faults injected {self.faults} (kills {self.kills}) · "
                 f"inputs tried {self.inputs} · {self.seconds:.0f} s",
                 f"crashes {self.total('crash')} · hangs {self.total('hang')} · "
                 f"data lost {self.total('loss')} · typing lost over {_limit()} s "
                 f"{self.total('typing')} · max typing lost {self.max_typing_lost:.2f} s", ""]
        lines.append(f"{'scenario':<44}{'runs':>6}{'faults':>8}{'inputs':>8}"
                     + "".join(f"{k:>8}" for k in KINDS))
        for name, c in sorted(self.per_scenario.items()):
            lines.append(f"{name:<44}{c['runs']:>6}{c['faults']:>8}{c['inputs']:>8}"
                         + "".join(f"{c[k]:>8}" for k in KINDS))
        for s in self.skipped:
            lines.append(f"not simulated: {s}")
        for text, n in sorted(self.notes.items()):
            lines.append(f"note ({n}×): {text}")
        if self.failures:
            lines.append("")
            lines.append("failures (first few per scenario and kind):")
            seen: Counter = Counter()
            for f in self.failures:
                key = (f["scenario"], f["kind"])
                seen[key] += 1
                if seen[key] <= details:
                    lines.append(f"- [{f['kind']}] {f['scenario']}: {_short(f['detail'])}")
            for (scenario, kind), n in sorted(seen.items()):
                if n > details:
                    lines.append(f"  … {n - details} more [{kind}] in {scenario}")
        lines.append("")
        lines.append("RESULT: " + ("PASS" if self.ok else "FAIL"))
        return "\n".join(lines)

    def dump(self, path) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.as_dict(), fh, ensure_ascii=False, indent=1)


def _limit() -> float:
    from tests.reliability.common import TYPING_LIMIT

    return TYPING_LIMIT


def _short(text: str, n: int = 700) -> str:
    text = text.strip()
    return text if len(text) <= n else text[:n // 2] + " … " + text[-n // 2:]
