"""The command line as a clerk or a finance bureau script uses it: real processes, real files."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT, SEEDS

TABLES = ROOT / "tests" / "fixtures" / "tables"


def jixiao(*args, check=False):
    proc = subprocess.run([sys.executable, "-m", "desktop", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8")
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


@pytest.mark.parametrize("seed,rule,reported,stated,grade", [
    ("001", "99", "99", "99", "优"),
    ("004", "110", "107", "97", None),  # weights add up to 110: no grade (issue 10 item 12)
    ("002", "99", "99", "99", "优"),
])
def test_score_json_totals(seed, rule, reported, stated, grade):
    proc = jixiao("score", SEEDS / f"seed{seed}.json", "--json")
    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert (out["rule_total"], out["reported_total"], out["stated_total"], out["grade"]) == (rule, reported, stated, grade)
    assert {"name", "weight", "rule_score", "reported_score"} <= set(out["blocks"][0])
    assert {"path", "weight", "rule", "rule_score", "reported_score"} <= set(out["indicators"][0])
    assert out["indicators"][0]["rule"] == "execution"
    assert {"code", "severity", "where", "message"} <= set(out["findings"][0])


def test_score_json_every_table_of_seed002():
    out = json.loads(jixiao("score", SEEDS / "seed002.json", "--json").stdout)
    assert [(t["where"], t["rule_total"]) for t in out["tables"]] == [
        ("projects/0", "99"), ("projects/1", "99"), ("framework", "94")]


def test_check_seed004_exits_1_and_names_the_weight_error():
    proc = jixiao("check", SEEDS / "seed004.json")
    assert proc.returncode == 1
    assert "WEIGHT_BLOCK_MISMATCH" in proc.stdout and "标注 50 分" in proc.stdout and "75 分" in proc.stdout


def test_check_json_exit_code_and_clean_table():
    proc = jixiao("check", SEEDS / "seed003.json", "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["errors"] == 0


def test_score_prints_a_chinese_sheet():
    out = jixiao("score", SEEDS / "seed001.json").stdout
    assert "产出指标" in out and "规则得分" in out and "等级：优" in out


@pytest.mark.parametrize("table", ["seed004_project.csv", "seed004_project_gbk.csv", "seed004_project.xlsx"])
def test_a_table_typed_from_a_published_report_is_scored(table):
    proc = jixiao("score", TABLES / table, "--template", "national-10hao-project", "--budget", "10",
                  "--executed", "10", "--json")
    out = json.loads(proc.stdout)
    assert proc.returncode == 0
    # seed 004's project table: 100 points, the clerk's 98, the rule's 99 (satisfaction 100% of a 98% target)
    assert (out["reported_total"], out["stated_total"], out["rule_total"]) == ("98", "98", "99")
    assert out["blocks"][0] == {"name": "产出指标", "where": "table/groups/0", "weight": "50", "stated_weight": "50",
                                "rule_score": "50", "reported_score": "50"}
    assert jixiao("check", TABLES / table, "--template", "national-10hao-project", "--budget", "10",
                  "--executed", "10").returncode == 0


def test_table_without_template_is_checked_against_the_best_fitting_one():
    proc = jixiao("check", TABLES / "seed004_project.csv")
    # 产出 50 / 效益 30 / 满意度 10 without the execution row: checked, WEIGHT_TOTAL remains (exit 1)
    assert proc.returncode == 1 and "TEMPLATE_SUGGESTED" in proc.stdout and "national-10hao-project" in proc.stdout
    assert "WEIGHT_TOTAL" in proc.stdout


def test_table_that_fits_no_template_is_refused_in_chinese(tmp_path):
    table = tmp_path / "odd.csv"
    table.write_text("一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分,偏差原因分析及改进措施\n"
                     "甲类,乙,丙,5个,5个,60,60,\n丁类,戊,己,3次,3次,40,40,\n", encoding="utf-8")
    proc = jixiao("check", table)
    assert proc.returncode == 2 and "--template" in proc.stderr and "没有与该表明显吻合的模板" in proc.stderr


@pytest.mark.parametrize("name,content,needle", [
    ("empty.json", b"", "文件是空的"),
    ("broken.json", b'{"year": ', "JSON 格式错误"),
    ("gbk.csv", "一级指标,三级指标\n产出,培训\n".encode("gbk"), "缺少列"),
    ("words.csv", "一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分,偏差原因分析及改进措施\n"
                  "产出指标,数量指标,培训,10次,10次,很多,5,\n".encode("utf-8"), "分值"),
])
def test_malformed_input_gets_a_chinese_message_naming_the_place(tmp_path, name, content, needle):
    path = tmp_path / name
    path.write_bytes(content)
    args = ["check", path] + (["--template", "national-10hao-project"] if name.endswith(".csv") else [])
    proc = jixiao(*args)
    assert proc.returncode == 2
    assert needle in proc.stderr and name in proc.stderr


def test_bad_budget_option(tmp_path):
    proc = jixiao("score", TABLES / "seed004_project.csv", "--template", "national-10hao-project", "--budget", "十万块")
    assert proc.returncode == 2 and "--budget" in proc.stderr


def test_broken_template_is_named(tmp_path):
    proc = jixiao("score", TABLES / "seed004_project.csv", "--template", "no-such-template")
    assert proc.returncode == 2 and "no-such-template.json" in proc.stderr
