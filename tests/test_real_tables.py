"""Real published 自评表 from provinces without a seed (issue 12), read as a clerk would.

The tables and the reviewer's hand computations are in tests/fixtures/tables/real/README.md. Each
file goes through ``jixiao check FILE --template … --json`` in a subprocess — the execution row
scored from the funds block the file prints above its indicators (core.table_funds), or from
``--budget … --executed …`` where the reviewer's figures differ from the printed ones; the test then holds the program to the hand computation:

* the rule total, the clerk's total and the printed total, exact to 0.01;
* every real inconsistency of the table flagged, on its row (by finding code, or by any finding
  where the README says only "a finding that says why");
* no blocking error (severity ``error``) on a row that is fine, nor anywhere else except on the
  rows that are at fault and the few artefacts of a table cut short in its stored copy;
* every row with a weight that the rule cannot score carries a finding at that row.

The printed funds blocks are also checked through the core API, and every
real header row of headers.json is read through the importer with a one-row table.
"""
from __future__ import annotations

import csv
import fnmatch
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "tables" / "real"

NATIONAL = "national-10hao-project"
SICHUAN = "project-10-90"  # 预算执行率 10 + 绩效指标 90, 一级 weights free (the Sichuan 2023 form)
FRAMEWORK = "national-10hao-framework"  # 决策/过程/产出/效益, split 10/25/30/35 among others, 执行率 a row

PLACEHOLDER_NAMES = {"指标1", "指标2", "指标1:", "指标2:", "……"}


@dataclass(frozen=True)
class Case:
    file: str
    template: str | None  # None: jixiao check chooses
    budget: str | None
    executed: str | None
    rule_total: str
    reported_total: str | None
    stated_total: str | None
    # (finding codes, where): codes are fnmatch patterns ("*" = any finding), where is a 三级指标
    # name, "@funds" (the execution row), "@table", or "group:<一级 name beginning>"; "A|B" in
    # either means one of them
    flagged: tuple[tuple[str, str], ...] = ()
    rule_scores: dict = field(default_factory=dict)  # 三级指标 name -> rule score
    placeholders: int = 0  # form rows left in (“指标2”, “……”): each needs PLACEHOLDER_ROW
    # errors that are right although no row is at fault: the same weight deviation on a second
    # block, or artefacts of a table cut short in its stored copy; (code, where) as above
    tolerated: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return self.file.removesuffix(".csv").replace(".xlsx", "-xlsx")


YONGDE = dict(  # the funds block printed in 元: 387664.62 / 387664.62, 分值 10, 100%, 得分 10
    budget=None, executed=None, rule_total="99.80", reported_total="96", stated_total="96",
    flagged=(("SCORE_BELOW_RULE", "资金到位及时率"), ("DEVIATION_NOTE_MISSING", "资金到位及时率"),
             ("SCORE_BELOW_RULE", "政策知晓率"), ("DEVIATION_NOTE_MISSING", "政策知晓率"),
             # 产出 40 and 满意度 20 against the 10号 split 50/10: a finding on the weights or the fit
             ("WEIGHT_BLOCK_MISMATCH|TEMPLATE_*", "group:产出|@table")),
    rule_scores={"预算执行率": "10", "政策知晓率": "9.80", "资金到位及时率": "10", "生均补助标准达标率": "10",
                 "学生受资助人数": "10", "减轻贫困学生家庭经济负担": "10", "家长满意度": "10"},
    tolerated=(("WEIGHT_BLOCK_MISMATCH", "group:满意度"), ("TEMPLATE_*", "@table")))

CASES = (
    Case("yunnan-2022-yongde-nutrition.csv", NATIONAL, **YONGDE),
    # the same table as an Excel file with the merged cells of the printed form
    Case("yunnan-2022-yongde-nutrition.xlsx", NATIONAL, **YONGDE),
    Case("anhui-2022-tianchang-flood.csv", NATIONAL, None, None,  # printed 880 / 880, 分值 10, 得分 10
         rule_total="100", reported_total="100", stated_total="100",
         flagged=tuple(("*", name) for name in (
             "指标1:工程质量合格", "指标1:年度资金支付完成率100%", "指标1:资金执行在预算范围内",
             "指标1:全市安全度汛", "指标1:保护全市人口财产不受损失", "指标1:已建工程良性运行")),
         rule_scores={"预算执行率": "10", "指标1:完成中型灌区节水改造项目数量": "10", "指标2:完成农业综合水价改革项目": "10",
                      "指标1:服务对象满意度": "10"},
         placeholders=17),
    # printed 43.2 / 37.24, 执行率 86%, 得分 9: the clerk's total is the printed 98 (9 + 9 + 80)
    Case("hebei-2019-langfang-heating.csv", NATIONAL, None, None,
         rule_total="97.24", reported_total="98", stated_total=None,
         flagged=(("EXECUTION_LOW", "@funds"), ("SCORE_ABOVE_RULE", "@funds"),
                  ("SCORE_ABOVE_RULE", "指标1工程资金金额")),
         rule_scores={"预算执行率": "8.62", "指标1工程资金金额": "8.62", "指标2工程验收合格率": "10", "指标1成本控制率": "10"},
         placeholders=17),
    # printed 251.89 / 251.89, 100.00%, 权重 10 and no 得分: nothing of the clerk's to add up
    Case("sichuan-2023-qingshen-salaries.csv", SICHUAN, None, None,
         rule_total="10", reported_total="0", stated_total=None,
         rule_scores={"预算执行率": "10"},
         flagged=(("SCORE_MISSING", "@funds"), ("ACTUAL_BLANK", "发放(缴纳)覆盖率"), ("SCORE_MISSING", "发放(缴纳)覆盖率"),
                  ("ACTUAL_BLANK", "足额保障率(参保率)"), ("SCORE_MISSING", "足额保障率(参保率)"))),
    Case("ningxia-2021-yinchuan-school.csv", FRAMEWORK, None, None,
         rule_total="86", reported_total="84", stated_total=None,
         flagged=(("SCORE_BELOW_RULE", "预算执行率"), ("DEVIATION_NOTE_MISSING", "预算执行率"),
                  ("SCORE_BELOW_RULE", "公用经费完成时间"), ("DEVIATION_NOTE_MISSING", "公用经费完成时间"),
                  ("DEVIATION_NOTE_MISSING", "效果显著"),
                  ("DEVIATION_NOTE_MISSING", "使学生和老师有个更好的学习和工作环境,做到")),
         rule_scores={"预算执行率": "10", "公用经费完成时间": "5", "保障人数": "10", "完整性": "4",
                      "办公所需成本": "4", "效果显著": "13"},
         placeholders=8,
         # the 满意度 row (10 points) is cut off in the stored copy: 效益 holds 25 of 35, total 90
         tolerated=(("WEIGHT_TOTAL|TEMPLATE_MISFIT", "@table"), ("WEIGHT_BLOCK_MISMATCH", "group:项目效益"))),
    # the reviewer's figures: the printed 年度资金总额 is 0 / 0 / 0 (the command line wins, and says so)
    Case("anhui-2022-chizhou-commission.csv", NATIONAL, "89.974", "89.974",
         rule_total="90", reported_total="90", stated_total=None,
         flagged=(("CLI_FUNDS_OVERRIDE", "@table"),),
         rule_scores={"基建工程委托业务项目数量": "8", "委托业务报告合格率": "8", "项目总成本": "8",
                      "经费支出合规性": "8", "单项业务成本": "10"},
         # the 满意度 row is cut off in the stored copy: weights 90 of 100
         tolerated=(("WEIGHT_TOTAL|TEMPLATE_MISFIT", "@table"), ("WEIGHT_BLOCK_MISMATCH", "group:满意度"))),
)
IDS = [c.id for c in CASES]


_CHECKED: dict[str, dict] = {}


def checked(case: Case) -> dict:
    """``jixiao check`` on the case's file, as JSON (run once per case)."""
    key = f"{case.file} {case.template}"
    if key not in _CHECKED:
        _CHECKED[key] = _run_check(case)
    return _CHECKED[key]


def _run_check(case: Case) -> dict:
    cmd = [sys.executable, "-m", "core.cli", "check", str(REAL / case.file), "--json"]
    if case.template is not None:
        cmd += ["--template", case.template]
    if case.budget is not None:
        cmd += ["--budget", case.budget, "--executed", case.executed]
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=120)
    assert proc.returncode in (0, 1), f"exit {proc.returncode}: {proc.stdout}{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def _d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def row(out: dict, name: str) -> dict:
    found = [r for r in out["indicators"] if r["names"] and r["names"][-1] == name]
    assert len(found) == 1, f"row “{name}”: {len(found)} rows of that name in {[r['names'] for r in out['indicators']]}"
    return found[0]


def path_of(out: dict, where: str) -> str | None:
    """The path ``where`` names in the output; None for a row or group the table does not have."""
    if where == "@funds":
        return "table/funds"
    if where == "@table":
        return "table"
    if where.startswith("group:"):
        blocks = [b["where"] for b in out["blocks"] if b["name"].startswith(where[6:])]
        return blocks[0] if len(blocks) == 1 else None
    found = [r["path"] for r in out["indicators"] if r["names"] and r["names"][-1] == where]
    return found[0] if len(found) == 1 else None


def matches(finding: dict, codes: str, wheres: str, out: dict) -> bool:
    """The finding has one of ``codes`` (fnmatch patterns, "|"-separated) at one of ``wheres``."""
    return any(fnmatch.fnmatchcase(finding["code"], c) for c in codes.split("|")) and any(
        (p := path_of(out, w)) is not None and at(finding, p) for w in wheres.split("|"))


def at(finding: dict, path: str) -> bool:
    w = finding["where"]
    if path == "table":  # a table-level finding: the table itself, its template, its total
        return w in ("table", "template", "table/stated_total") or not w.startswith("table/")
    return w == path or w.startswith(path + "/")


def _show(findings) -> str:
    return "\n".join(f"  {f['severity']} {f['code']} @ {f['where']}: {f['message']}" for f in findings)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_totals_match_the_hand_computation(case):
    out = checked(case)
    assert "indicators" in out, f"the table was not read:\n{_show(out['findings'])}"
    assert _d(out["rule_total"]) == Decimal(case.rule_total), out["rule_total"]
    assert _d(out["reported_total"]) == _d(case.reported_total), out["reported_total"]
    assert _d(out["stated_total"]) == _d(case.stated_total), out["stated_total"]


@pytest.mark.parametrize("case", [c for c in CASES if c.rule_scores], ids=[c.id for c in CASES if c.rule_scores])
def test_row_rule_scores(case):
    out = checked(case)
    got = {name: _d(row(out, name)["rule_score"]) for name in case.rule_scores}
    assert got == {name: Decimal(v) for name, v in case.rule_scores.items()}


@pytest.mark.parametrize("case", [c for c in CASES if c.flagged], ids=[c.id for c in CASES if c.flagged])
def test_every_real_inconsistency_is_flagged(case):
    out = checked(case)
    missing = [f"{code} @ {where}" for code, where in case.flagged
               if not any(matches(f, code, where, out) for f in out["findings"])]
    assert not missing, "not flagged: " + "; ".join(missing) + "\nfindings:\n" + _show(out["findings"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_blocking_error_where_the_table_is_fine(case):
    out = checked(case)
    allowed = case.flagged + case.tolerated
    wrong = [f for f in out["findings"] if f["severity"] == "error"
             and not any(matches(f, code, where, out) for code, where in allowed)]
    assert not wrong, "blocking errors on parts that are fine:\n" + _show(wrong)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_unscored_row_says_why(case):
    out = checked(case)
    silent = [r for r in out["indicators"] if r["weight"] is not None and r["rule_score"] is None
              and not any(at(f, r["path"]) for f in out["findings"])]
    assert not silent, "rows without a rule score and without a finding: " + ", ".join(
        " / ".join(r["names"]) for r in silent)


@pytest.mark.parametrize("case", [c for c in CASES if c.placeholders], ids=[c.id for c in CASES if c.placeholders])
def test_form_placeholders_left_in_are_flagged(case):
    out = checked(case)
    rows = [r for r in out["indicators"] if r["names"] and r["names"][-1] in PLACEHOLDER_NAMES
            and r["weight"] is None]
    flagged = [r for r in rows if any(f["code"] == "PLACEHOLDER_ROW" and at(f, r["path"]) for f in out["findings"])]
    assert (len(rows), len(flagged)) == (case.placeholders, case.placeholders)


# -- no --template: the template a reviewer would hold the table against ------------------------
# (the two tables cut short in their stored copies are left out: the cut changes their weights)
SUGGESTED = {
    "yunnan-2022-yongde-nutrition.csv": {"project-10-90", NATIONAL},  # 10号 form, split 40/30/20
    "yunnan-2022-yongde-nutrition.xlsx": {"project-10-90", NATIONAL},
    "anhui-2022-tianchang-flood.csv": {NATIONAL, "generic-project"},  # 10/50/30/10 printed in labels
    "hebei-2019-langfang-heating.csv": {NATIONAL, "generic-project"},
    "sichuan-2023-qingshen-salaries.csv": {SICHUAN},
}


@pytest.mark.parametrize("case", [c for c in CASES if c.file in SUGGESTED],
                         ids=[c.id for c in CASES if c.file in SUGGESTED])
def test_without_a_template_the_fitting_one_is_chosen(case):
    out = checked(replace(case, template=None))
    assert out.get("template") in SUGGESTED[case.file], (out.get("template"), _show(out["findings"]))
    assert _d(out["rule_total"]) == Decimal(case.rule_total)


# -- the printed funds blocks, through the core API ------------------------------------------------
def _report_with_funds(file: str, template: str, funds):
    from core import model
    from core.table_import import read_indicator_table
    from core.templates import load_template

    tpl, tf = load_template(template)
    assert tpl is not None, tf
    table, findings = read_indicator_table(REAL / file)
    assert table is not None, _show(f.as_dict() for f in findings)
    table = replace(table, funds=funds, name=file)
    return model.Report(template=tpl.id, kind=tpl.kind, title=file, table=table, unit=model.Unit(name=""))


def _check(report) -> list[dict]:
    from core.checks import run_checks
    from core.scoring import score_report

    return [f.as_dict() for f in run_checks(report, score_report(report))]


def test_hebei_printed_execution_score_above_the_rule():
    """廊坊 2019: 37.24 of 43.2 is 86.20 %, worth 8.62 of 10; the table prints 86% and 9."""
    from core import model

    D = Decimal
    funds = model.FundsBlock(rows=(model.FundsRow("年度资金总额", D("43.2"), D("43.2"), D("37.24")),
                                   model.FundsRow("其中:当年财政拨款", D("43.2"), D("43.2"), D("37.24"))),
                             weight=D(10), stated_rate=D(86), score=D(9))
    findings = _check(_report_with_funds("hebei-2019-langfang-heating.csv", NATIONAL, funds))
    at_funds = {f["code"] for f in findings if at(f, "table/funds")}
    assert {"SCORE_ABOVE_RULE", "EXECUTION_LOW"} <= at_funds, _show(findings)
    assert "EXECUTION_RATE_STATED" not in at_funds  # 86% is 86.20 % printed to whole percent


def test_chizhou_printed_funds_total_of_zero_is_flagged():
    """棠溪镇 2022: 年度资金总额 printed 0 / 0 / 0, 执行率 0, 得分 0, under it 90 / 89.974 / 89.974."""
    from core import model

    D = Decimal
    funds = model.FundsBlock(rows=(model.FundsRow("年度资金总额:", D(0), D(0), D(0)),
                                   model.FundsRow("其中:本年财政拨款", D(90), D("89.974"), D("89.974"))),
                             weight=D(10), stated_rate=D(0), score=D(0))
    findings = _check(_report_with_funds("anhui-2022-chizhou-commission.csv", NATIONAL, funds))
    # the unit spent all of 89.974 and printed 0 of 10 points: something to act on, not a hint
    assert [f for f in findings if at(f, "table/funds") and f["severity"] in ("warning", "error")], _show(findings)


# -- header rows ------------------------------------------------------------------------------------
HEADERS = json.loads((REAL / "headers.json").read_text(encoding="utf-8"))
FILL = {"score": "7", "weight": "9", "actual": "实际值乙", "target": "目标值甲", "level3": "指标名丙"}


def _one_row_table(entry: dict, tmp_path: Path) -> Path:
    """The header as printed, then one indicator row whose cells say which column they are in:
    the expected columns get the values of FILL, 一级/二级 get names, every other column a number
    of its own (so a column taken for 得分 or 分值 by mistake shows)."""
    header = entry["header"]
    cols = {v: k for k, v in entry["expect"].items() if v is not None}
    cells = []
    for i, name in enumerate(header):
        flat = "".join(name.split())
        if name in cols:
            cells.append(FILL[cols[name]])
        elif flat.startswith("一级"):
            cells.append("产出指标")
        elif flat.startswith("二级"):
            cells.append("数量指标")
        else:
            cells.append(str(31 + i))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for printed in entry.get("printed_rows") or [header]:
        writer.writerow(printed)
    writer.writerow(cells)
    path = tmp_path / "header.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("entry", HEADERS, ids=[f"{i}-{e['header'][0][:6]}" for i, e in enumerate(HEADERS)])
def test_real_header_rows_are_read_by_meaning(entry, tmp_path):
    from core.table_import import read_indicator_table

    table, findings = read_indicator_table(_one_row_table(entry, tmp_path))
    assert table is not None, f"{entry['source']}\n" + _show(f.as_dict() for f in findings)
    leaves = [leaf for g in table.groups for sub in g.children for leaf in sub.children]
    assert len(leaves) == 1, leaves
    leaf, exp = leaves[0], entry["expect"]
    got = {"level3": leaf.name, "score": leaf.score, "weight": leaf.weight, "actual": leaf.actual or None,
           "target": leaf.target or None}
    want = {"level3": FILL["level3"],
            "score": Decimal(FILL["score"]) if exp["score"] else None,
            "weight": Decimal(FILL["weight"]) if exp["weight"] else None,
            "actual": FILL["actual"] if exp["actual"] else None,
            "target": FILL["target"] if exp["target"] else None}
    if exp["weight"] is None:  # no 分值 column: a weight may still come from a label, never a column
        got.pop("weight"), want.pop("weight")
        assert leaf.weight is None or leaf.weight not in {Decimal(31 + i) for i in range(len(entry["header"]))}
    assert got == want, entry["source"]
