"""The funds block printed above the indicator header (issue 12): 项目资金 / 年度资金总额 …
年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分, read into ``SelfEvalTable.funds``
(core.table_funds) and used by ``jixiao check`` for the execution row.

The expected figures are written here from the files in tests/fixtures/tables/real/ (see their
README); the small tables are written by each test into tmp_path.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import model, validate
from core.findings import ERROR
from core.table_import import read_indicator_table

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "tables" / "real"
CJK = re.compile(r"[\u4e00-\u9fff]")
Row = model.FundsRow

# every real table that prints a funds block, with its figures as printed
PRINTED = {
    "yunnan-2022-yongde-nutrition.csv": model.FundsBlock(
        rows=(Row("年度资金总额", None, D("387664.62"), D("387664.62")),
              Row("其中:当年财政拨款", None, D("387664.62"), D("387664.62")),
              Row("上年结转资金"), Row("其他资金")),
        weight=D(10), stated_rate=D(100), score=D(10)),
    "anhui-2022-tianchang-flood.csv": model.FundsBlock(
        rows=(Row("年度资金总额", D(880), D(880), D(880)), Row("其中:本年财政拨款", D(880), D(880), D(880)),
              Row("上年结转资金"), Row("其他资金")),
        weight=D(10), stated_rate=None, score=D(10)),  # the 执行率 cell is empty in print
    "hebei-2019-langfang-heating.csv": model.FundsBlock(
        rows=(Row("年度资金总额", D("43.2"), D("43.2"), D("37.24")),
              Row("其中:当年财政拨款", D("43.2"), D("43.2"), D("37.24")),
              Row("上年结转资金"), Row("其他资金")),
        weight=D(10), stated_rate=D(86), score=D(9)),
    "anhui-2022-chizhou-commission.csv": model.FundsBlock(
        rows=(Row("年度资金总额", D(0), D(0), D(0)), Row("其中:本年财政拨款", D(90), D("89.974"), D("89.974")),
              Row("上年结转资金"), Row("其他资金")),
        weight=D(10), stated_rate=D(0), score=D(0)),
    # 宁夏: 年度资金总额 in the header row, its figures on the row below; no 分值, no 得分
    "ningxia-2021-yinchuan-school.csv": model.FundsBlock(
        rows=(Row("年度资金总额", D("64.8"), D("64.8"), D("64.8")),), weight=None, stated_rate=D(100), score=None),
    # 四川 2023: 年初预算 / 调整后预算数 / 预算执行数 / 预算执行率 / 权重 / 得分 (empty) / 原因
    "sichuan-2023-qingshen-salaries.csv": model.FundsBlock(
        rows=(Row("总额", D("238.93"), D("251.89"), D("251.89")),
              Row("其中:财政资金", D("238.93"), D("251.89"), D("251.89")),
              Row("财政专户管理资金", D("0.00"), D("0.00"), D("0.00")),
              Row("单位资金", D("0.00"), D("0.00"), D("0.00")), Row("其他资金")),
        weight=D(10), stated_rate=D("100.00"), score=None),
}
PRINTED["yunnan-2022-yongde-nutrition.xlsx"] = PRINTED["yunnan-2022-yongde-nutrition.csv"]

INDICATORS = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
              ["产出指标", "数量指标", "完成户数", "≥100户", "100户", "90", "90", ""],
              ["总分", "", "", "", "", "100", "100", ""]]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def funds_header(*cells: str) -> list[str]:
    return ["项目资金(万元)", "", *cells]


def check_json(path: Path, *args: str) -> dict:
    cmd = [sys.executable, "-m", "core.cli", "check", str(path), "--json", *args]
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=120)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("file", sorted(PRINTED))
def test_every_printed_funds_block_is_read_with_its_figures(file):
    table, findings = read_indicator_table(REAL / file)
    assert table is not None, findings
    assert table.funds == PRINTED[file]
    assert not [f for f in findings if f.code.startswith("TABLE_FUNDS")]


def test_every_real_table_is_covered():
    files = {p.name for p in REAL.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert files == set(PRINTED)  # all of them print a funds block: a new one needs its figures here


@pytest.mark.parametrize("file", ["yunnan-2022-yongde-nutrition.csv", "yunnan-2022-yongde-nutrition.xlsx"])
def test_yunnan_checks_without_budget_options(file):
    """The clerk's command of the issue: no --template, no --budget — the table is fine."""
    out = check_json(REAL / file)
    assert not [f for f in out["findings"] if f["code"] in ("WEIGHT_TOTAL", "CLI_NO_BUDGET")], out["findings"]
    assert not [f for f in out["findings"] if f["severity"] == "error"], out["findings"]
    execution = [r for r in out["indicators"] if r["path"] == "table/funds"]
    assert len(execution) == 1
    assert (execution[0]["rule_score"], execution[0]["reported_score"]) == ("10", "10")
    assert out["weight_total"] == "100" and out["reported_total"] == "96"


def test_command_line_figures_win_and_say_so(tmp_path):
    path = write_csv(tmp_path / "t.csv", [
        funds_header("年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"),
        ["", "年度资金总额", "10", "10", "10", "10", "100%", "10"], *INDICATORS])
    out = check_json(path, "--template", "national-10hao-project", "--budget", "10", "--executed", "8")
    execution = next(r for r in out["indicators"] if r["path"] == "table/funds")
    assert execution["rule_score"] == "8"  # 8 of 10 from the command line, not 10 of 10 as printed
    hint = [f for f in out["findings"] if f["code"] == "CLI_FUNDS_OVERRIDE"]
    assert len(hint) == 1 and "全年预算数 10" in hint[0]["message"], out["findings"]


def test_stated_rate_off_the_figures_is_flagged_by_check(tmp_path):
    path = write_csv(tmp_path / "t.csv", [
        funds_header("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
        ["", "年度资金总额:", "50", "50", "40", "10", "95%", "10"],
        ["", "其中:当年财政拨款", "50", "50", "40", "—", "", ""], *INDICATORS])
    out = check_json(path, "--template", "national-10hao-project")
    codes = {f["code"] for f in out["findings"] if f["where"].startswith("table/funds")}
    assert {"EXECUTION_RATE_STATED", "SCORE_ABOVE_RULE", "EXECUTION_LOW"} <= codes, out["findings"]


@pytest.mark.parametrize("printed, percent", [("100%", "100"), ("99.97 %", "99.97"), ("0.9997", "99.97"),
                                              ("1", "100"), ("0", "0"), ("86", "86"), ("１００％", "100")])
def test_rate_read_as_percent(tmp_path, printed, percent):
    path = write_csv(tmp_path / "t.csv", [
        funds_header("全年预算数", "全年执行数", "分值", "执行率", "得分"),
        ["", "年度资金总额", "20", "20", "10", printed, "10"], *INDICATORS])
    table, findings = read_indicator_table(path)
    assert table is not None and table.funds.stated_rate == D(percent), findings


def test_header_and_total_on_one_row_in_any_order(tmp_path):
    """江西 (seed 002): “项目资金 (万元) | 年度资金总额 | 年初预算数 | 全年预算数(A) | …” then 其中 rows."""
    path = write_csv(tmp_path / "t.csv", [
        ["项目资金 (万元)", "年度资金总额", "分值", "年初预算数", "全年执行数(B)", "全年预算数(A)", "得分", "执行率(B/A)"],
        ["", "", "10", "4", "3", "4", "7.5", "75%"],
        ["", "其中：当年财政拨款", "—", "4", "3", "4", "—", "75%"],
        ["", "上年结转资金", "", "", "", "", "", ""],
        ["年度总体目标", "预期目标", "", "", "实际完成情况", "", "", ""], *INDICATORS])
    table, findings = read_indicator_table(path)
    assert table is not None, findings
    assert table.funds == model.FundsBlock(
        rows=(Row("年度资金总额", D(4), D(4), D(3)), Row("其中：当年财政拨款", D(4), D(4), D(3)), Row("上年结转资金")),
        weight=D(10), stated_rate=D(75), score=D("7.5"))
    assert not [f for f in findings if f.code.startswith("TABLE_FUNDS")]


def test_malformed_funds_number_is_a_finding_at_its_row(tmp_path):
    path = write_csv(tmp_path / "t.csv", [
        ["项目支出绩效自评表"],
        funds_header("年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"),
        ["", "年度资金总额", "10", "10", "十块钱左右", "10", "百分百", "10"], *INDICATORS])
    table, findings = read_indicator_table(path)
    assert table is not None  # the indicators are imported; the two cells are not
    assert table.funds.total == Row("年度资金总额", D(10), D(10), None)
    assert table.funds.stated_rate is None and table.funds.score == D(10)
    bad = [f for f in findings if f.code == "TABLE_FUNDS_NUMBER"]
    assert [f.where for f in bad] == ["t.csv:第3行“全年执行数(B)”列", "t.csv:第3行“执行率(B/A)”列"]
    assert all("第3行" in f.message and "十块钱左右" in bad[0].message for f in bad)
    assert all(f.severity != ERROR for f in bad)


def test_out_of_bounds_xlsx_number_is_a_finding(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(funds_header("全年预算数", "全年执行数", "分值", "执行率", "得分"))
    ws.append(["", "年度资金总额", 1e300, 20, 10, 1, 10])
    for r in INDICATORS:
        ws.append(r)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    table, findings = read_indicator_table(path)
    assert table is not None and table.funds.total.annual is None and table.funds.stated_rate == D(100)
    assert [f.where for f in findings if f.code == "TABLE_FUNDS_NUMBER"] == ["t.xlsx:第2行“全年预算数”列"]


def test_a_table_without_funds_block_reads_as_before(tmp_path):
    path = write_csv(tmp_path / "t.csv", [["项目名称", "某项目"], *INDICATORS])
    table, findings = read_indicator_table(path)
    assert table is not None and table.funds is None
    assert not findings


def test_many_bad_cells_are_counted_not_listed(tmp_path):
    bad = ["", "年度资金总额", "x", "x", "x", "x", "x", "x"]
    path = write_csv(tmp_path / "t.csv", [
        funds_header("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
        bad, [*bad[:1], "其中：当年财政拨款", *bad[2:]], *INDICATORS])
    table, findings = read_indicator_table(path)
    funds = [f for f in findings if f.code == "TABLE_FUNDS_NUMBER"]
    assert table is not None and len(funds) == 6 and "另有 7 格" in funds[-1].message


# -- hostile funds rows never raise ------------------------------------------------------------
CELL = st.one_of(st.text(max_size=12), st.sampled_from(["—", "/", "100%", "0.5", "1e999", "NaN", "-0", "10分",
                                                         "１２.５", "%", "年度资金总额", "其中", "∞", "\x00",
                                                         "其中\x07\u202e拨款", "总额\ud800"]))


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=9), max_size=8),
       header=st.permutations(["年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率", "得分"]))
def test_hostile_funds_rows_never_raise(tmp_path_factory, rows, header):
    path = tmp_path_factory.mktemp("f") / "t.csv"
    text_rows = [[c.replace("\x00", "").encode("utf-8", "replace").decode("utf-8") for c in r] for r in rows]
    write_csv(path, [funds_header(*header), *text_rows, *INDICATORS])
    table, findings = read_indicator_table(path)
    assert (table is None) == any(f.severity == ERROR for f in findings)
    assert all(CJK.search(f.message) for f in findings)
    if table is not None and table.funds is not None:
        for r in table.funds.rows:
            assert all(v is None or isinstance(v, D) and v.is_finite() for v in (r.initial, r.annual, r.executed))
            assert validate.text_problem(r.label) is None


# -- the app's import step ----------------------------------------------------------------------
@pytest.fixture
def indicators_page(open_draft, seeds, show_page, monkeypatch):
    from desktop.pages.indicators import IndicatorsPage
    from desktop.table_mapping import ReplaceOrAppend

    # seed 004's table has rows: the clerk is asked 替换/追加 — the published table replaces them
    monkeypatch.setattr(ReplaceOrAppend, "ask", lambda page, existing, incoming: "replace")
    return show_page(IndicatorsPage, open_draft(seeds["004"]))


def _import_step(page, path, qtbot):
    page.import_dialog = None
    page.import_table(str(path))
    qtbot.waitUntil(lambda: page.import_dialog is not None and page.import_dialog.isVisible())
    return page.import_dialog


def test_import_step_brings_the_funds_block_with_the_rows(indicators_page, qtbot, tmp_path):
    from PySide6.QtWidgets import QDialogButtonBox

    page = indicators_page
    before = page.session.report.table.funds
    dialog = _import_step(page, REAL / "yunnan-2022-yongde-nutrition.csv", qtbot)
    assert "资金表：年度资金总额 全年预算数 387664.62、全年执行数 387664.62（元），分值 10，执行率 100%，得分 10" \
        in dialog.status.text()
    assert page.session.report.table.funds == before  # nothing before 导入
    dialog.grab().save(str(tmp_path / "import-step-funds.png"))  # looked at while writing this
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    printed = PRINTED["yunnan-2022-yongde-nutrition.csv"]  # in 元; the report keeps 万元
    got = page.session.report.table.funds
    assert got.total.annual == D("38.766462") and got.total.executed == D("38.766462")
    assert [(r.label, r.initial, r.annual, r.executed) for r in got.rows] == [
        (r.label, *(None if v is None else v / 10000 for v in (r.initial, r.annual, r.executed))) for r in printed.rows]
    assert (got.weight, got.stated_rate, got.score) == (printed.weight, printed.stated_rate, printed.score)
    assert "资金表也已导入" in page.message.text() and "由元换算为万元" in page.message.text()
    page.resize(1366, 768)
    page.grab().save(str(tmp_path / "page-after-import.png"))
    assert page.session.flush()


def test_import_step_leaves_the_funds_alone_when_the_file_prints_none(indicators_page, qtbot, tmp_path):
    from PySide6.QtWidgets import QDialogButtonBox

    page = indicators_page
    before = page.session.report.table.funds
    assert before is not None  # the seed's own funds block
    path = write_csv(tmp_path / "t.csv", [["项目名称", "某项目"], *INDICATORS])
    dialog = _import_step(page, path, qtbot)
    assert "资金表" not in dialog.status.text()
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.session.report.table.funds == before
    assert "资金表" not in page.message.text() and "导入 1 行" in page.message.text()
