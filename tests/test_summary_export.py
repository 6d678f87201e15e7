"""汇总 export: the Excel workbook reopened with openpyxl (numbers, not text, in number columns;
no error values, no formulas) and the Word file opened with python-docx (the cells a bureau
officer reads); an unwritable target leaves the old file untouched."""
import dataclasses as dc
import os
import stat

import openpyxl
import pytest
from docx import Document

from summary_packages import make_package, seed_packages

from core.export.output import ExportError
from core.export.summary_docx import write_summary_docx
from core.export.summary_xlsx import write_summary_xlsx
from core.summary import Selection, build_summary, gather, group_versions, sources_from


@pytest.fixture(scope="module")
def summary_and_refused(tmp_path_factory, seeds):
    folder = tmp_path_factory.mktemp("pkgs")
    seed_packages(folder, seeds)
    (folder / "zz-broken.jxpkg").write_bytes(b"PK\x03\x04 not really")
    res = gather(sources_from([folder]))
    return build_summary(group_versions(res.reports), Selection()), res.refused


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, summary_and_refused):
    s, refused = summary_and_refused
    out = tmp_path_factory.mktemp("x") / "汇总.xlsx"
    findings = out.with_name("审核意见.xlsx")
    write_summary_xlsx(s, out, findings, refused=refused)
    return openpyxl.load_workbook(out), openpyxl.load_workbook(findings)


NUMBER_COLUMNS = {"项目支出汇总": (*range(4, 11), 12, 13), "部门整体汇总": (*range(3, 10), 11, 12)}


def test_xlsx_sheets_numbers_and_no_error_values(workbook):
    wb, _ = workbook
    assert wb.sheetnames == ["项目支出汇总", "部门整体汇总", "等级分布", "审核意见", "说明"]
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate  # no formula that could error
                assert not (isinstance(cell.value, str) and cell.value.startswith("#")), (ws.title, cell.coordinate)
    for title, cols in NUMBER_COLUMNS.items():
        ws = wb[title]
        assert ws.freeze_panes == "C3"
        for r in range(3, ws.max_row + 1):
            for c in cols:
                v = ws.cell(r, c).value
                assert v is None or v in ("", "—") or isinstance(v, (int, float)), (title, r, c, v)
        full = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 2).value in ("大余县工商业联合会", "益阳市资阳区工商业联合会")
                   and all(ws.cell(r, c).value != "—" for c in cols))
        assert all(isinstance(ws.cell(full, c).value, (int, float)) for c in cols), title  # numbers, not text


def test_xlsx_department_rows_and_formats(workbook):
    ws = workbook[0]["部门整体汇总"]
    rows = {ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(3, 13)] for r in range(3, ws.max_row + 1)}
    assert rows["泸溪县工商业联合会"] == [70.91, 86.07, 88.3, 1.0259, 90, 85, 95, "暂不评级",
                                         rows["泸溪县工商业联合会"][8], rows["泸溪县工商业联合会"][9]]
    assert rows["测试丙单位"][1] == "—" and rows["测试丙单位"][3] == "—"  # empty budget: no rate
    total = next(r for r in range(3, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("合计"))
    assert [ws.cell(total, c).value for c in range(3, 7)] == [489.17, 591.24, 705.08, 1.0107]
    assert ws.cell(total, 6).number_format == "0.00%" and ws.cell(total, 3).number_format == "#,##0.00"
    assert [ws.cell(total + 1, c).value for c in (8, 9)] == [97.86, 96.57]  # 平均得分
    assert ws.cell(3, 9).number_format == "0.00"
    assert ws.column_dimensions["B"].width >= 20


def test_xlsx_findings_sheet_and_separate_findings_file(workbook, summary_and_refused):
    wb, alone = workbook
    s, refused = summary_and_refused
    for book in (wb, alone):
        ws = book["审核意见"]
        assert [c.value for c in ws[2]][:6] == ["单位", "年度", "报告", "表", "行", "类别"]
        assert ws.max_row - 2 == len(s.findings) + len(refused)
        units = {ws.cell(r, 1).value for r in range(3, ws.max_row + 1)}
        assert "测试乙单位" in units
        assert any(ws.cell(r, 10).value == "zz-broken.jxpkg" for r in range(3, ws.max_row + 1))


def test_xlsx_text_that_looks_like_a_formula_stays_text(tmp_path, seeds):
    r = seeds["001"]
    make_package(tmp_path / "p.jxpkg", [dc.replace(r, unit=dc.replace(r.unit, name="=1+1"))])
    s = build_summary(group_versions(gather(sources_from([tmp_path])).reports))
    write_summary_xlsx(s, tmp_path / "o.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["部门整体汇总"]
    assert ws.cell(3, 2).value == "=1+1" and ws.cell(3, 2).data_type == "s"


def test_read_only_target_refused_old_file_untouched(tmp_path, summary_and_refused):
    s, _ = summary_and_refused
    for name, write in (("o.xlsx", write_summary_xlsx), ("o.docx", write_summary_docx)):
        target = tmp_path / name
        target.write_bytes(b"old")
        os.chmod(target, stat.S_IRUSR)
        with pytest.raises(ExportError, match="只读"):
            write(s, target)
        assert target.read_bytes() == b"old"
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def _table_texts(table):
    return [[c.text for c in row.cells] for row in table.rows]


def test_docx_tables_have_the_right_cells(tmp_path, summary_and_refused):
    s, refused = summary_and_refused
    out = write_summary_docx(s, tmp_path / "汇总.docx", refused=refused)
    doc = Document(str(out))
    sec = doc.sections[0]
    assert sec.page_width > sec.page_height  # landscape: thirteen columns
    proj, dept, grades = (_table_texts(t) for t in doc.tables[:3])
    assert proj[1][3:7] == ["年初预算数", "全年预算数", "全年执行数", "执行率"]
    wuchang = next(r for r in proj if r[1] == "武汉市武昌区工商业联合会")
    assert wuchang[3:11] == ["—", "48.00", "44.90", "93.54%", "—", "—", "—", "未评分"]
    luxi = next(r for r in dept if r[1] == "泸溪县工商业联合会")
    assert luxi[2:10] == ["70.91", "86.07", "88.30", "102.59%", "90", "85", "95", "暂不评级"]
    bing = next(r for r in dept if r[1] == "测试丙单位")
    assert bing[3] == "—" and bing[5] == "—"
    total = next(r for r in dept if r[0].startswith("合计"))
    assert total[2:6] == ["489.17", "591.24", "705.08", "101.07%"]
    avg = next(r for r in dept if r[0].startswith("平均得分"))
    assert avg[7:9] == ["97.86", "96.57"]
    assert grades[1][:3] == ["优", "5", "3"]
    assert not any("#DIV/0!" in c for t in doc.tables for row in _table_texts(t) for c in row)
    # header rows repeat on every page; numbers right-aligned
    assert doc.tables[1].rows[0]._tr.trPr.xml.count("tblHeader") == 1
    assert doc.tables[1].rows[2].cells[4].paragraphs[0].alignment == 2  # RIGHT
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "测试乙单位" in body and "审核意见" in body and "zz-broken.jxpkg" in body
    assert "经审核，你单位报送的《2022年度测试乙单位部门整体支出绩效自评报告》存在以下问题" in body


def test_xlsx_prints_each_table_a4_landscape_one_page_wide_header_repeated(workbook):
    wb, _ = workbook
    for ws in wb.worksheets:
        if ws.title == "说明":
            continue
        setup = ws.page_setup
        assert setup.orientation == "landscape" and str(setup.paperSize) == str(ws.PAPERSIZE_A4), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1, ws.title
        assert setup.fitToHeight == 0, ws.title  # as many pages down as the rows need
        assert ws.print_title_rows.replace("$", "") == "2:2", ws.title


def test_xlsx_findings_rows_are_tall_enough_for_their_wrapped_text(workbook):
    # openpyxl writes no row heights: without them LibreOffice/WPS print each finding one line high
    wb, _ = workbook
    ws = wb["审核意见"]
    header = [c.value for c in ws[2]]
    problem = header.index("问题") + 1
    long_rows = [r for r in range(3, ws.max_row + 1) if len(str(ws.cell(r, problem).value or "")) > 60]
    assert long_rows
    for r in long_rows:
        assert ws.cell(r, problem).alignment.wrap_text
        assert ws.row_dimensions[r].height and ws.row_dimensions[r].height >= 30, r
