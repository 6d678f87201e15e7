"""汇总 core (core/summary): the five seeds as five units' packages plus three copies with
deliberate errors, gathered and summarised; every cell of both summary tables is written here by
hand from the seeds' numbers (tests/fixtures/seeds/*.json)."""
from decimal import Decimal as D
import shutil

import pytest

from conftest import ROOT
from summary_packages import make_package, seed_packages

from core.checks import run_checks
from core.findings import ERROR, WARNING
from core.scoring import score_report
from core.summary import Selection, build_summary, gather, group_versions, review_opinion, sources_from
from core.summary.findings import by_unit

BAD = ROOT / "tests" / "fixtures" / "packages"


@pytest.fixture(scope="module")
def gathered(tmp_path_factory, seeds):
    folder = tmp_path_factory.mktemp("pkgs")
    seed_packages(folder, seeds)
    return gather(sources_from([folder]))


@pytest.fixture(scope="module")
def summary(gathered):
    return build_summary(group_versions(gathered.reports), Selection())


def cells(rows, project):
    return [((r.unit, r.name) if project else (r.unit,))
            + (r.initial, r.annual, r.executed, r.rate, r.weight, r.rule, r.reported, r.grade) for r in rows]


def test_department_table_every_cell_by_hand(summary):
    # unit, 年初预算数, 全年预算数, 全年执行数, 执行率 (B/A, percent to 2 places), 分值, 规则得分, 自评得分, 等级
    assert cells(summary.dept_rows, False) == [
        ("大余县工商业联合会", None, D("21.3"), D("25.42"), D("1.1934"), D(100), D(94), D(94), "优"),  # 评分表; 25.42/21.3
        ("泸溪县工商业联合会", D("70.91"), D("86.07"), D("88.3"), D("1.0259"), D(90), D(85), D(95), "暂不评级"),
        ("测试丙单位", D("73.03"), None, D("107.49"), None, D(100), D(99), D(99), "优"),  # empty budget → —
        ("测试乙单位", D("73.03"), D("107.49"), D("107.49"), D(1), D(100), D(99), D(90), "优"),  # total written 90
        ("测试甲单位", D("73.03"), D("107.49"), D("107.49"), D(1), D(100), D(99), D(102), "优"),  # 8 of 5 points
        ("益阳市资阳区工商业联合会", D("73.03"), D("107.49"), D("107.49"), D(1), D(100), D(99), D(99), "优"),
        ("石峰区工商业联合会", D("126.14"), D("161.4"), D("161.4"), D(1), D(110), D(110), D(97), "暂不评级"),
    ]
    t = summary.dept_totals
    assert (t.count, t.initial, t.annual, t.executed) == (7, D("489.17"), D("591.24"), D("705.08"))
    # the rate only over rows with both A and B: (705.08 − 107.49) / 591.24 = 101.07 %
    assert t.rate == D("1.0107")
    assert (t.rule_avg, t.reported_avg, t.scored) == (D("97.86"), D("96.57"), 7)  # 685/7, 676/7


def test_project_table_every_cell_by_hand(summary):
    assert cells(summary.project_rows, True) == [
        ("大余县工商业联合会", "工商联业务费", D(2), D(2), D(2), D(1), D(100), D(99), D(99), "优"),
        ("大余县工商业联合会", "非公有制经济人士培训费", D(4), D(4), D(4), D(1), D(100), D(99), D(99), "优"),
        ("武汉市武昌区工商业联合会", "2018年武昌区工商联服务企业商会经费", None, D(48), D("44.9"), D("0.9354"),
         None, None, None, "未评分"),  # a plan-vs-completion table without weights
        ("泸溪县工商业联合会", "工商联事务工作经费", None, None, None, None, D(90), D("85.26"), D(99), "暂不评级"),
        ("泸溪县工商业联合会", "扶贫工作经费", None, None, None, None, D(90), D("87.72"), D(100), "暂不评级"),
        ("石峰区工商业联合会", "非公有制中小微企业发展项目", None, D(10), D(10), D(1), D(100), D(99), D(98), "优"),
    ]
    t = summary.project_totals
    assert (t.count, t.initial, t.annual, t.executed, t.rate) == (6, D(6), D(64), D("60.9"), D("0.9516"))
    assert (t.rule_avg, t.reported_avg, t.scored) == (D("94.00"), D(99), 5)  # 469.98/5, 495/5
    assert [r.no for r in summary.project_rows] == [1, 2, 3, 4, 5, 6]


def test_grade_counts_per_band(summary):
    assert [(g.label, g.dept, g.project) for g in summary.grade_counts] == [
        ("优", 5, 3), ("良", 0, 0), ("中", 0, 0), ("差", 0, 0), ("暂不评级", 2, 2), ("未评分", 0, 1)]


def test_each_report_checked_with_the_review_pages_functions(gathered):
    assert len(gathered.reports) == 8 and not gathered.refused
    for r in gathered.reports:
        found = run_checks(r.report, score_report(r.report))
        assert r.errors == sum(1 for f in found if f.severity == ERROR)
        assert r.warnings == sum(1 for f in found if f.severity == WARNING and not f.answered)
        assert r.digest_ok is True
    codes = {r.unit: {f.code for f in r.findings} for r in gathered.reports}
    assert {"SCORE_ABOVE_WEIGHT", "TOTAL_ABOVE_MAX"} <= codes["测试甲单位"]
    assert "TOTAL_STATED_MISMATCH" in codes["测试乙单位"]
    assert "TOTAL_STATED_MISMATCH" not in codes["益阳市资阳区工商业联合会"]


def test_findings_list_names_unit_table_and_row(summary):
    jia = [f for f in summary.findings if f.unit == "测试甲单位"]
    above = [f for f in jia if f.row.endswith("帮助其依法维护合法权益") and f.severity == ERROR]
    assert above and above[0].table == "自评表“益阳市资阳区工商业联合会”"
    assert above[0].row.startswith("产出指标 / 数量指标 / ")
    assert all(f.severity == ERROR or f.severity == WARNING for f in summary.findings)
    text = review_opinion(by_unit(summary.findings)[jia[0].key])
    assert text.startswith("测试甲单位：\n经审核，你单位报送的《2022年度测试甲单位部门整体支出绩效自评报告》存在以下问题")
    assert "一、须修改的错误" in text and "请核实修改后重新报送" in text


def test_findings_in_the_text_name_the_section_as_the_clerk_sees_it(summary):
    # a check on 报告正文 points at a section key ("effect"); the officer reads its title
    in_text = [f for f in summary.findings if f.table == "报告正文"]
    assert in_text
    assert not [f.row for f in in_text if f.row and f.row.isascii()]
    assert "履职效果情况" in {f.row for f in in_text}  # seed 000's section 'effect'


def test_filter_by_year_and_kind(gathered):
    entries = group_versions(gathered.reports)
    s = build_summary(entries, Selection(year=2022))
    assert {r.unit for r in s.dept_rows} == {"测试甲单位", "测试乙单位", "测试丙单位", "益阳市资阳区工商业联合会"}
    assert s.project_rows == () and s.year == 2022
    s = build_summary(entries, Selection(kinds=frozenset({"project"})))
    assert [r.unit for r in s.project_rows] == ["武汉市武昌区工商业联合会"] and s.dept_rows == ()
    keys = frozenset(e.key for e in entries if e.versions[0].unit == "泸溪县工商业联合会")
    s = build_summary(entries, Selection(keys=keys))
    assert [r.name for r in s.project_rows] == ["工商联事务工作经费", "扶贫工作经费"]
    assert {f.unit for f in s.findings} == {"泸溪县工商业联合会"}


def test_bad_packages_are_refused_with_their_reason_the_rest_summarised(tmp_path, seeds):
    seed_packages(tmp_path, {"001": seeds["001"], "004": seeds["004"]})
    shutil.copy(BAD / "PACKAGE_NOT_ZIP-truncated.jxpkg", tmp_path / "a-truncated.jxpkg")
    shutil.copy(BAD / "PACKAGE_VERSION-too-new.jxpkg", tmp_path / "b-new.jxpkg")
    seen = []
    res = gather(sources_from([tmp_path, tmp_path / "missing.jxpkg"]), progress=lambda d, t, lb: seen.append((d, t)))
    refused = {x.label: x.reason for x in res.refused}
    assert "不是有效的数据包" in refused["a-truncated.jxpkg"]
    assert "请升级到新版本" in refused["b-new.jxpkg"]
    assert "不存在" in refused["missing.jxpkg"]
    assert len(res.reports) == 5 and not res.cancelled  # 001, 004 and the three copies of 001
    assert seen[-1] == (8, 8)
    s = build_summary(group_versions(res.reports))
    assert len(s.dept_rows) == 5


def test_cancel_stops_and_keeps_what_was_read(tmp_path, seeds):
    seed_packages(tmp_path, seeds)
    calls = []
    res = gather(sources_from([tmp_path]), cancelled=lambda: len(calls) >= 3,
                 progress=lambda d, t, lb: calls.append(d))
    assert res.cancelled and len(res.reports) == 3


def test_two_versions_one_entry_choosing_the_older_changes_totals(tmp_path, seeds):
    import dataclasses as dc

    new = seeds["001"]
    old = dc.replace(new, table=dc.replace(new.table, stated_total=D(95)))
    make_package(tmp_path / "old.jxpkg", [old], uid="u", created_at="2023-01-10T02:00:00Z")
    make_package(tmp_path / "new.jxpkg", [new], uid="u", created_at="2023-03-10T02:00:00Z")
    make_package(tmp_path / "other.jxpkg", [seeds["004"]], uid="v")
    entries = group_versions(gather(sources_from([tmp_path])).reports)
    assert len(entries) == 2
    e = next(e for e in entries if len(e.versions) == 2)
    assert [v.label for v in e.versions] == ["new.jxpkg", "old.jxpkg"]  # newest first
    s = build_summary(entries)
    assert s.dept_totals.reported_avg == D(98)  # (99 + 97) / 2
    s = build_summary(entries, Selection(chosen={e.key: 1}))
    assert s.dept_totals.reported_avg == D(96)  # (95 + 97) / 2
    assert [r.reported for r in s.dept_rows if r.unit == "益阳市资阳区工商业联合会"] == [D(95)]


def test_a_digest_that_does_not_match_the_manifest(tmp_path, seeds):
    make_package(tmp_path / "x.jxpkg", [seeds["001"]], digest="0000-0000-0000-0000")
    (r,) = gather(sources_from([tmp_path])).reports
    assert r.digest_ok is False


def test_drafts_are_sources_too(tmp_path, seeds):
    from core.storage import Storage
    from core.summary import Source

    storage = Storage.open(tmp_path / "data")
    try:
        draft_id = storage.create(seeds["001"])
        res = gather([Source(draft_id=draft_id), Source(draft_id=9999)], storage)
    finally:
        storage.close()
    assert [r.label for r in res.reports] == [f"草稿 #{draft_id}"]
    assert res.reports[0].saved_at and res.reports[0].digest_ok is None
    assert [x.label for x in res.refused] == ["草稿 #9999"]


def test_a_reworded_department_title_is_still_a_version_a_project_title_is_not(tmp_path, seeds):
    import dataclasses as dc

    dept = seeds["001"]
    make_package(tmp_path / "a.jxpkg", [dept], uid="a", created_at="2023-01-10T02:00:00Z")
    make_package(tmp_path / "b.jxpkg", [dc.replace(dept, title="部门整体支出绩效自评报告（更正）")], uid="b",
                 created_at="2023-02-10T02:00:00Z")
    proj = seeds["003"]
    make_package(tmp_path / "c.jxpkg", [proj], uid="c")
    make_package(tmp_path / "d.jxpkg", [dc.replace(proj, title="另一个项目的自评报告")], uid="d")
    entries = group_versions(gather(sources_from([tmp_path])).reports)
    assert sorted(len(e.versions) for e in entries) == [1, 1, 2]
    (two,) = [e for e in entries if len(e.versions) == 2]
    assert [v.label for v in two.versions] == ["b.jxpkg", "a.jxpkg"]


def test_findings_filtered_by_severity_and_unit(summary):
    from core.summary.findings import filter_findings

    yi = filter_findings(summary.findings, unit="测试乙单位")
    errors = filter_findings(summary.findings, severity=ERROR, unit="测试乙单位")
    assert errors and all(f.severity == ERROR and f.unit == "测试乙单位" for f in errors)
    assert len(errors) < len(yi) == len([f for f in summary.findings if f.unit == "测试乙单位"])
    assert "TOTAL_STATED_MISMATCH" in {f.code for f in errors}
