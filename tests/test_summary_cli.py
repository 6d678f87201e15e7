"""jixiao summary (docs/summary.md): packages and folders in, Word/Excel out; refused packages
listed with their reasons (exit 1), nothing to summarise or a wrong option exit 2, two versions
of one unit named on stderr and chosen with --prefer, drafts with --drafts."""
from __future__ import annotations

import dataclasses as dc
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
from docx import Document

from conftest import ROOT
from summary_packages import make_package, seed_packages

from core.cli import main
from core.storage import Storage

FIXTURES = ROOT / "tests" / "fixtures" / "packages"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_folder_to_word_and_excel(tmp_path, capsys, seeds):
    seed_packages(tmp_path / "in", seeds)
    code, out, err = run(capsys, "summary", tmp_path / "in", "--year", 2022, "--docx", tmp_path / "s.docx",
                         "--xlsx", tmp_path / "s.xlsx", "--findings", tmp_path / "f.xlsx")
    assert code == 0, err
    assert "汇总 4 个单位的 4 份报告" in out
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["部门整体汇总"]
    assert ws.cell(1, 1).value == "2022年度部门整体支出绩效自评情况汇总表"
    assert sorted(ws.cell(r, 2).value for r in range(3, 7)) == sorted(
        ["测试甲单位", "测试乙单位", "测试丙单位", "益阳市资阳区工商业联合会"])
    assert openpyxl.load_workbook(tmp_path / "f.xlsx").sheetnames == ["审核意见"]
    doc = Document(str(tmp_path / "s.docx"))
    assert doc.tables[1].rows[-2].cells[0].text.startswith("合计（4 项）")


def test_bad_package_among_good_ones_is_listed_the_rest_summarised(tmp_path, capsys, seeds):
    seed_packages(tmp_path, {"000": seeds["000"], "004": seeds["004"]})
    shutil.copy(FIXTURES / "PACKAGE_CHECKSUM-tampered.jxpkg", tmp_path / "tampered.jxpkg")
    code, out, err = run(capsys, "summary", tmp_path, "--kind", "部门整体", "--xlsx", tmp_path / "o.xlsx")
    assert code == 1
    assert "以下 1 个数据包未能读取" in err and "tampered.jxpkg：文件校验失败" in err
    assert "汇总 2 个单位的 2 份报告" in out and "1 个数据包未能读取" in out
    assert (tmp_path / "o.xlsx").exists()


def test_nothing_to_summarise_and_wrong_options_exit_2(tmp_path, capsys, seeds):
    (tmp_path / "bad.jxpkg").write_bytes(b"")
    code, _, err = run(capsys, "summary", tmp_path / "bad.jxpkg", "--xlsx", tmp_path / "o.xlsx")
    assert code == 2 and "文件是空的" in err and "没有可汇总的报告" in err
    assert not (tmp_path / "o.xlsx").exists()
    make_package(tmp_path / "a.jxpkg", [seeds["001"]])
    code, _, err = run(capsys, "summary", tmp_path / "a.jxpkg", "--year", 1999)
    assert code == 2 and "没有可汇总的1999年度报告" in err
    code, _, err = run(capsys, "summary", tmp_path / "a.jxpkg", "--docx", tmp_path / "no" / "o.docx")
    assert code == 2 and "文件夹不存在" in err
    code, _, err = run(capsys, "summary")
    assert code == 2 and "请给出数据包文件或文件夹" in err


def test_unwritable_output_exit_2_old_file_kept(tmp_path, capsys, seeds):
    make_package(tmp_path / "a.jxpkg", [seeds["001"]])
    target = tmp_path / "o.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o444)
    code, _, err = run(capsys, "summary", tmp_path / "a.jxpkg", "--xlsx", target)
    assert code == 2 and "只读" in err and target.read_bytes() == b"old"


def test_two_versions_named_and_prefer_chooses(tmp_path, capsys, seeds):
    new = seeds["001"]
    old = dc.replace(new, table=dc.replace(new.table, stated_total=Decimal(95)))
    make_package(tmp_path / "old.jxpkg", [old], uid="u", created_at="2023-01-10T02:00:00Z")
    make_package(tmp_path / "new.jxpkg", [new], uid="u", created_at="2023-03-10T02:00:00Z")
    code, out, err = run(capsys, "summary", tmp_path)
    assert code == 0
    assert "有 2 个版本，采用 new.jxpkg" in err and "未采用：old.jxpkg" in err and "--prefer" in err
    assert "  99  " in out.split("部门整体")[1]
    code, out, err = run(capsys, "summary", tmp_path, "--prefer", "old.jxpkg")
    assert code == 0 and "采用 old.jxpkg" in err
    dept = out.split("部门整体支出绩效自评情况汇总表")[1]
    assert "  95  " in dept and "  99  " in dept  # 自评得分 95 from the older version; 规则得分 stays 99
    code, _, err = run(capsys, "summary", tmp_path, "--prefer", "nosuch.jxpkg")
    assert code == 2 and "nosuch.jxpkg" in err


def test_drafts_of_the_data_folder(tmp_path, capsys, seeds):
    data = tmp_path / "data"
    with Storage.open(data) as s:
        s.create(seeds["001"])
        s.create(seeds["003"])
    code, out, err = run(capsys, "summary", "--drafts", "--data-dir", data, "--xlsx", tmp_path / "o.xlsx")
    assert code == 0, err
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx")
    assert wb["部门整体汇总"].cell(3, 2).value == "益阳市资阳区工商业联合会"
    assert wb["项目支出汇总"].cell(3, 14).value.startswith("草稿 #")


def test_many_packages_show_progress(tmp_path, capsys, seeds):
    r = seeds["001"]
    for i in range(25):
        make_package(tmp_path / f"p{i:02d}.jxpkg", [dc.replace(r, unit=dc.replace(r.unit, name=f"单位{i:02d}"))])
    code, out, err = run(capsys, "summary", tmp_path)
    assert code == 0 and "已读取 25/25 个数据包" in err and "汇总 25 个单位的 25 份报告" in out
    assert Path(tmp_path).exists()
