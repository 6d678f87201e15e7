"""The 审核 registry: explanations answer warnings, a crashing rule is a finding, codes are documented."""
import re
from dataclasses import replace
from decimal import Decimal as D

from conftest import ROOT
from core import model
from core.checks import RULES, run_checks
from core.findings import ERROR


def test_a_stored_explanation_answers_the_warning(seeds):
    report = seeds["004"]
    where = "table/groups/2/children/0/children/0"
    before = {(f.code, f.where): f for f in run_checks(report)}
    assert not before[("DEVIATION_NOTE_MISSING", where)].answered
    answered = replace(report, explanations=(model.Explanation("DEVIATION_NOTE_MISSING", where, "个别企业反映办事效率"),))
    after = {(f.code, f.where): f for f in run_checks(answered)}
    assert after[("DEVIATION_NOTE_MISSING", where)].answered
    assert after[("DEVIATION_NOTE_MISSING", where)].explanation == "个别企业反映办事效率"


def test_an_explanation_never_silences_an_error(seeds):
    report = replace(seeds["004"], explanations=(model.Explanation("WEIGHT_TOTAL", "table", "历来如此"),))
    f = next(f for f in run_checks(report) if f.code == "WEIGHT_TOTAL")
    assert f.severity == ERROR and not f.answered


def test_a_crashing_rule_becomes_a_finding(seeds):
    def broken(ctx):
        raise KeyError("boom")
        yield
    findings = run_checks(seeds["001"], rules=RULES + (broken,))
    crash = [f for f in findings if f.code == "CHECK_CRASHED"]
    assert crash and crash[0].where == "broken"


def test_correcting_the_weights_clears_the_weight_errors(seeds):
    # fix seed 004 as a clerk would: halve two 10-point rows so the rows hold 65 + 20 + 5 (+ 10
    # execution) = 100, label the blocks with what they hold; the stated 97 then adds up
    t = seeds["004"].table
    output, benefit, satisfaction = t.groups
    quantity = output.children[0]
    rows = tuple(replace(r, weight=D(5), score=D(5)) if i < 2 else r for i, r in enumerate(quantity.children))
    output = replace(output, stated_weight=D(65), children=(replace(quantity, children=rows),) + output.children[1:])
    fixed = replace(seeds["004"], table=replace(t, groups=(output, replace(benefit, stated_weight=D(20)),
                                                           replace(satisfaction, stated_weight=D(5)))))
    codes = {f.code for f in run_checks(fixed) if f.where.startswith("table")}
    assert not codes & {"WEIGHT_BLOCK_MISMATCH", "WEIGHT_TOTAL", "TOTAL_STATED_MISMATCH", "TOTAL_ABOVE_MAX"}
    assert "WEIGHT_TOTAL" in {f.code for f in run_checks(seeds["004"])}


def test_every_finding_code_is_documented():
    # every upper-case code literal in core, whoever builds the finding (Finding(...), a
    # reader's error("TABLE_…"), TableError("…")); names that are not codes are left out
    not_codes = re.compile(r"^(SQLITE_|JIXIAO_|O_)|^(AUTO_SNAPSHOT|BACKUPS_DIR|BEFORE_MIGRATION|"
                           r"BEFORE_RESTORE|COPY_SUFFIX|NEWER_DATABASE)$")
    codes, names = set(), set()
    for p in (ROOT / "core").rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        codes |= {c for c in re.findall(r'"([A-Z][A-Z0-9]*_[A-Z0-9_]+)"', text) if not not_codes.search(c)}
        names |= set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*[:=]", text, re.M))  # module constants (in __all__)
    codes -= names
    doc = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert codes, "no codes found"
    assert sorted(c for c in codes if f"`{c}`" not in doc) == []


def test_parts_that_do_not_sum_to_their_parent(seeds):
    report = seeds["001"]
    assert "FIGURE_PARTS_SUM" not in {f.code for f in run_checks(report)}  # seed 001's identities hold
    figures = report.figures.as_dict() | {"personnel_cost": D("90.81")}
    broken = replace(report, figures=model.Figures.of(figures))
    f = next(f for f in run_checks(broken) if f.code == "FIGURE_PARTS_SUM")
    assert f.where == "figures/basic_expenditure" and "97.20" in f.message and "99.2" in f.message
