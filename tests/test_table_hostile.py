"""Tables read right or refused (issue 8): mixed encodings, merged xlsx cells, stray quotes,
oversized files and zip parts, cells outside the validation gate, and random input.

Each refusal is an ERROR finding in Chinese naming the line (or row and column), with no table
returned. Limits are lowered with monkeypatch where the real ones would need large files.
"""
from __future__ import annotations

import io
import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core import table_limits, validate
from core.findings import ERROR
from core.table_import import read_indicator_table, read_pasted_rows

HERE = Path(__file__).parent
TABLES = HERE / "fixtures" / "tables"
HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
          "偏差原因分析及改进措施"]
ROWS = [["产出指标", "数量指标", "培训人数", "100人", "120人", "20", "20", ""],
        ["", "", "培训场次", "5场", "5场", "10", "10", ""],
        ["", "质量指标", "合格率", "95%", "96%", "10", "10", ""],
        ["效益指标", "社会效益指标", "带动就业", "50人", "40人", "20", "16", "企业用工减少"],
        ["满意度指标", "服务对象满意度指标", "学员满意度", "90%", "95%", "10", "10", ""]]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _csv(rows, sep=",") -> str:
    return "\n".join(sep.join(r) for r in [HEADER, *rows]) + "\n"


def _names(table):
    return [leaf.name for g in table.groups for _, leaf in g.leaves()]


def _refused(path, code: str):
    table, findings = read_indicator_table(path)
    assert table is None, "bad input must change nothing"
    assert code in [f.code for f in findings], findings
    f = next(f for f in findings if f.code == code)
    assert f.severity == ERROR and CJK.search(f.message) and "Traceback" not in f.message
    return f


# -- encodings ---------------------------------------------------------------------------------
def test_gbk_csv_with_one_utf8_cell_is_refused_at_its_line(tmp_path):
    lines = _csv(ROWS).splitlines()
    lines[4] = lines[4].replace("企业用工减少", "\0")
    data = b"".join(ln.encode("gbk").replace(b"\0", "企业用工减少".encode("utf-8")) + b"\r\n"
                    for ln in lines)
    p = tmp_path / "混合.csv"
    p.write_bytes(data)
    assert "浼佷笟鐢ㄥ伐鍑忓皯" in data.decode("gb18030")  # "succeeds" — as mojibake
    f = _refused(p, "TABLE_ENCODING")
    assert "第 5 行的编码与文件其余部分不同" in f.message
    assert f.where == "混合.csv:第5行"
    assert "CSV UTF-8" in f.fix


def test_gbk_csv_with_one_utf8_line(tmp_path):
    lines = _csv(ROWS).splitlines()
    data = b"".join((ln.encode("utf-8") if i == 3 else ln.encode("gbk")) + b"\n"
                    for i, ln in enumerate(lines))
    p = tmp_path / "t.csv"
    p.write_bytes(data)
    assert "第 4 行的编码与文件其余部分不同" in _refused(p, "TABLE_ENCODING").message


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_csv_with_one_gbk_cell_is_refused_at_its_line(tmp_path, bom):
    lines = _csv(ROWS).splitlines()
    lines[5] = lines[5].replace("企业用工减少", "")  # this line: UTF-8 except one GBK cell
    data = bom + b"".join(ln.encode("utf-8") + (b"\xc6\xf3\xd2\xb5" if i == 4 else b"") + b"\n"
                          for i, ln in enumerate(lines))
    p = tmp_path / "t.csv"
    p.write_bytes(data)
    f = _refused(p, "TABLE_ENCODING")
    assert "第 5 行的编码与文件其余部分不同" in f.message


def test_the_fixture_mixed_encoding_csv():
    """seed 004's GBK table with one cell (line 10, 三级指标) pasted in as UTF-8."""
    (TABLES / "mixed_encoding.csv").read_bytes().decode("gb18030")  # no error: silent mojibake
    f = _refused(TABLES / "mixed_encoding.csv", "TABLE_ENCODING")
    assert "第 10 行" in f.message


def test_gbk_line_that_is_also_valid_utf8_is_not_mistaken(tmp_path):
    """"职" in GBK is D6 B0, valid UTF-8 for U+05B0: such a line is still GBK."""
    rows = [r[:] for r in ROWS]
    rows[0][2] = "职"
    rows[1][2] = "培训职工人数"
    p = tmp_path / "t.csv"
    p.write_bytes(_csv(rows).encode("gbk"))
    table, findings = read_indicator_table(p)
    assert findings == [] and _names(table)[:2] == ["职", "培训职工人数"]


def test_gbk_only_and_utf8_only_still_read(tmp_path):
    for enc in ("gbk", "utf-8", "utf-8-sig", "gb18030"):
        p = tmp_path / f"{enc}.csv"
        p.write_bytes(_csv(ROWS).encode(enc))
        table, findings = read_indicator_table(p)
        assert findings == [] and _names(table)[0] == "培训人数", enc


# -- stray quotes ------------------------------------------------------------------------------
def _stray(tmp_path, line_index: int, cell: str, later: dict | None = None) -> Path:
    rows = [r[:] for r in ROWS]
    rows[line_index - 2][2] = cell
    for i, c in (later or {}).items():
        rows[i - 2][7] = c
    p = tmp_path / "quote.csv"
    p.write_text(_csv(rows), encoding="utf-8")
    return p


def test_quote_never_closed_is_reported_at_its_line(tmp_path):
    f = _refused(_stray(tmp_path, 3, '"培训场次'), "TABLE_QUOTE")
    assert "第 3 行有一个引号" in f.message and f.where == "quote.csv:第3行"


def test_quote_closed_by_a_later_quoted_cell_is_reported(tmp_path):
    # the stray quote on line 3 pairs with the opening quote of a legitimate cell on line 5
    f = _refused(_stray(tmp_path, 3, '"培训场次', {5: '"用工减少，招聘放缓"'}), "TABLE_QUOTE")
    assert "第 3 行" in f.message and "第 5 行" in f.message


def test_quote_swallowing_whole_rows_and_closing_cleanly_is_reported(tmp_path):
    # line 3 opens a quote, line 5 ends a cell with a quote: the rows between vanish
    f = _refused(_stray(tmp_path, 3, '"培训场次', {5: '用工减少"'}), "TABLE_QUOTE")
    assert "第 3 行有一个多余的引号" in f.message


def test_text_after_a_closing_quote_is_reported(tmp_path):
    f = _refused(_stray(tmp_path, 4, '"合格"率'), "TABLE_QUOTE")
    assert "第 4 行" in f.message


def test_the_fixture_stray_quote_csv():
    f = _refused(TABLES / "stray_quote.csv", "TABLE_QUOTE")
    assert "第 4 行" in f.message


def test_multiline_cells_and_escaped_quotes_still_read(tmp_path):
    rows = [r[:] for r in ROWS]
    rows[3][7] = '"企业用工减少，\n下一年度加强对接；\n另见“附件”与""说明"""'
    rows[0][2] = '"培训,人数"'
    p = tmp_path / "ok.csv"
    p.write_text(_csv(rows), encoding="utf-8")
    table, findings = read_indicator_table(p)
    assert findings == []
    assert _names(table)[0] == "培训,人数"
    leaf = table.groups[1].children[0].children[0]
    assert leaf.deviation_note == '企业用工减少，\n下一年度加强对接；\n另见“附件”与"说明"'


# -- merged cells in xlsx ----------------------------------------------------------------------
def _merged_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年度项目支出绩效自评表"])
    ws.merge_cells("A1:H1")
    ws.append(HEADER)
    ws.append(["产出指标（40分）", "数量指标", "培训人数", "100人", "120人", 20, 20, None])
    ws.append([None, None, None, "5场", "5场", 10, 10, None])  # 三级指标 merged C3:C4
    ws.append([None, "质量指标", "合格率", "95%", "96%", 10, 10, None])
    ws.append(["效益指标（20分）", "社会效益指标", None, "50人", "40人", 20, 16, "企业用工减少"])
    ws.append(["满意度指标", "学员满意度", None, "90%", "95%", 10, 10, None])  # B7:C7
    ws.append(["总分", None, None, None, None, 70, 66, None])
    ws.merge_cells("A3:A5")
    ws.merge_cells("B3:B4")
    ws.merge_cells("C3:C4")
    ws.merge_cells("B6:C6")  # 二级 and 三级 as one wide cell
    ws.merge_cells("B7:C7")
    ws.merge_cells("A8:E8")
    wb.save(path)


def test_merged_cells_are_filled_as_excel_shows_them(tmp_path):
    p = tmp_path / "merged.xlsx"
    _merged_workbook(p)
    table, findings = read_indicator_table(p)
    assert findings == []
    assert [(g.name, g.stated_weight) for g in table.groups] == [
        ("产出指标", Decimal(40)), ("效益指标", Decimal(20)), ("满意度指标", None)]
    assert [s.name for s in table.groups[0].children] == ["数量指标", "质量指标"]
    assert _names(table) == ["培训人数", "培训人数", "合格率", "社会效益指标", "学员满意度"]
    assert [leaf.target for g in table.groups for _, leaf in g.leaves()][:2] == ["100人", "5场"]
    assert table.stated_total == 66


def test_the_fixture_merged_xlsx():
    table, findings = read_indicator_table(TABLES / "merged_level3.xlsx")
    assert findings == [] and "" not in _names(table)
    assert _names(table)[:2] == ["拨付协会发展经费", "拨付协会发展经费"]


def test_xlsm_reads_like_xlsx(tmp_path):
    """The command line passes .xlsm (a workbook with macros, which are never run) through."""
    p = tmp_path / "宏.xlsm"
    p.write_bytes((TABLES / "merged_level3.xlsx").read_bytes())
    assert read_indicator_table(p) == read_indicator_table(TABLES / "merged_level3.xlsx")


def test_empty_level3_with_values_is_an_error_at_its_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["产出指标", "数量指标", "培训人数", "100人", "120人", 20, 20, None])
    ws.append([None, None, None, "5场", "5场", 10, 10, None])  # not merged: no name
    wb.save(tmp_path / "t.xlsx")
    f = _refused(tmp_path / "t.xlsx", "TABLE_NO_NAME")
    assert f.where == "t.xlsx:第3行“三级指标”列" and "三级指标" in f.message


def test_empty_level3_in_csv_is_an_error_too(tmp_path):
    rows = [r[:] for r in ROWS]
    rows[1][2] = ""
    p = tmp_path / "t.csv"
    p.write_text(_csv(rows), encoding="utf-8")
    assert _refused(p, "TABLE_NO_NAME").where == "t.csv:第3行“三级指标”列"


def test_weight_merged_over_two_rows_is_refused(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["产出指标", "数量指标", "培训人数", "100人", "120人", 20, 20, None])
    ws.append([None, None, "培训场次", "5场", "5场", None, 10, None])
    ws.merge_cells("F2:F3")
    wb.save(tmp_path / "t.xlsx")
    f = _refused(tmp_path / "t.xlsx", "TABLE_MERGED")
    assert f.where == "t.xlsx:第3行“分值”列"


def _add_merges(src: Path, out: Path, refs: list[str]) -> None:
    """Copy an xlsx adding <mergeCells> by hand (openpyxl would create every merged cell)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cells = "".join(f'<mergeCell ref="{r}"/>' for r in refs)
                data = data.replace(b"</sheetData>", f'</sheetData><mergeCells count="{len(refs)}">'
                                    f"{cells}</mergeCells>".encode())
            zout.writestr(item, data)


def test_merged_range_over_the_whole_sheet_costs_nothing(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["产出指标", "数量指标", "培训人数", "100人", "120人", 20, 20, None])
    ws["J1"] = "备注"
    wb.save(tmp_path / "src.xlsx")
    _add_merges(tmp_path / "src.xlsx", tmp_path / "t.xlsx", ["J1:XFD1048576", "A3:B1048576"])
    start = time.perf_counter()
    table, findings = read_indicator_table(tmp_path / "t.xlsx")
    assert time.perf_counter() - start < 5
    assert findings == [] and _names(table) == ["培训人数"]


def test_cli_check_on_the_merged_fixture_reports_the_names():
    from core.cli import main
    out = io.StringIO()
    import contextlib
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["score", str(TABLES / "merged_level3.xlsx"), "--template",
                     "national-10hao-project", "--budget", "10", "--executed", "10", "--json"])
    assert code in (0, 1), out.getvalue()
    import json
    names = [tuple(r["names"]) for r in json.loads(out.getvalue())["indicators"]]
    assert all(n[-1] for n in names), names


# -- size limits -------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_oversized_file_refused_before_reading(tmp_path, suffix):
    p = tmp_path / f"big{suffix}"
    with open(p, "wb") as f:  # sparse: no disk used
        f.truncate(validate.MAX_TABLE_BYTES + 1)
    start = time.perf_counter()
    f = _refused(p, "TABLE_TOO_LARGE")
    assert time.perf_counter() - start < 0.5
    assert "20 MB" in f.message


def test_file_growing_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(validate, "MAX_TABLE_BYTES", 100)
    p = tmp_path / "t.csv"
    p.write_text(_csv(ROWS), encoding="utf-8")
    _refused(p, "TABLE_TOO_LARGE")


def _xlsx_with_shared_string(tmp_path: Path, size: int, pieces: int = 1) -> Path:
    """A valid xlsx whose shared strings hold one string of ``size`` characters, used by a
    cell below the table (so a reader that parses it would still find a table)."""
    src = tmp_path / "src.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["产出指标", "数量指标", "培训人数", "100人", "120人", 20, 20, None])
    wb.save(src)
    out = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/sharedStrings_big.xml", b"")  # unused member: harmless
    # rewrite with a shared strings part holding the huge string
    with zipfile.ZipFile(out) as zin:
        members = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    members.pop("xl/sharedStrings_big.xml")
    big = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/' \
          b'spreadsheetml/2006/main">' + (b"<si><t>" + b"a" * (size // pieces) + b"</t></si>") * pieces + b"</sst>"
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("</sheetData>", '<row r="10"><c r="A10" t="s"><v>0</v></c></row></sheetData>')
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    members["xl/sharedStrings.xml"] = big
    ct = members["[Content_Types].xml"].decode()
    if "sharedStrings" not in ct:
        ct = ct.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        members["[Content_Types].xml"] = ct.encode()
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    if "sharedStrings" not in rels:
        rels = rels.replace("</Relationships>", '<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/'
                            'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                            "</Relationships>")
        members["xl/_rels/workbook.xml.rels"] = rels.encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in members.items():
            zout.writestr(name, data)
    return out


def test_xlsx_with_huge_shared_string_refused_from_the_zip_directory(tmp_path, monkeypatch):
    p = _xlsx_with_shared_string(tmp_path, 8 * 1024 * 1024)  # 8 MB of "a": ~8 KB on disk
    assert p.stat().st_size < 100_000
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed"))
    start = time.perf_counter()
    f = _refused(p, "TABLE_TOO_LARGE")
    assert time.perf_counter() - start < 1
    assert "xl/sharedStrings.xml" in f.message and "压缩比" in f.message


def test_xlsx_part_over_the_size_limit_refused(tmp_path, monkeypatch):
    p = _xlsx_with_shared_string(tmp_path, 300_000, pieces=100)
    table, findings = read_indicator_table(p)  # within the real limits: the table reads
    assert findings == [] and _names(table) == ["培训人数"]
    monkeypatch.setattr(table_limits, "MAX_XLSX_PART_BYTES", 200_000)
    f = _refused(p, "TABLE_TOO_LARGE")
    assert "xl/sharedStrings.xml" in f.message and "解压后" in f.message
    monkeypatch.setattr(table_limits, "MAX_XLSX_PART_BYTES", 10**9)
    monkeypatch.setattr(table_limits, "MAX_XLSX_TOTAL_BYTES", 200_000)
    assert "共有" in _refused(p, "TABLE_TOO_LARGE").message


def test_too_many_rows_and_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(table_limits, "MAX_TABLE_ROWS", 4)
    p = tmp_path / "rows.csv"
    p.write_text(_csv(ROWS), encoding="utf-8")
    assert _refused(p, "TABLE_TOO_LARGE").where == "rows.csv:第5行"
    monkeypatch.undo()
    wide = [r + [""] * 50 + ["备注"] for r in ROWS]
    p = tmp_path / "wide.csv"
    p.write_text(_csv(wide), encoding="utf-8")
    assert "50 列" in _refused(p, "TABLE_TOO_LARGE").message
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [HEADER, *ROWS]:
        ws.append(r)
    ws.cell(row=3, column=60, value="x")
    wb.save(tmp_path / "wide.xlsx")
    assert _refused(tmp_path / "wide.xlsx", "TABLE_TOO_LARGE").where == "wide.xlsx:第3行"
    ws.cell(row=3, column=60).value = None
    ws.cell(row=200_000, column=1, value="填表人")
    wb.save(tmp_path / "far.xlsx")
    start = time.perf_counter()
    assert _refused(tmp_path / "far.xlsx", "TABLE_TOO_LARGE").where == "far.xlsx:第200000行"
    assert time.perf_counter() - start < 5


def test_blank_trailing_columns_and_rows_are_fine(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("\n".join(",".join(r + [""] * 200) for r in [HEADER, *ROWS]) + "\n" * 5000,
                 encoding="utf-8")
    table, findings = read_indicator_table(p)
    assert findings == [] and len(_names(table)) == 5


# -- the validation gate on cells --------------------------------------------------------------
def test_control_character_in_a_cell_is_reported_at_row_and_column(tmp_path):
    rows = [r[:] for r in ROWS]
    rows[2][2] = "合格\x07率"
    p = tmp_path / "t.csv"
    p.write_text(_csv(rows), encoding="utf-8")
    f = _refused(p, "TABLE_TEXT")
    assert f.where == "t.csv:第4行“三级指标”列" and "U+0007" in f.message


@pytest.mark.parametrize("bad", ["1e400", "1" * 30, "9" * 41, "1E+999999999"])
def test_numbers_outside_the_gate(tmp_path, bad):
    rows = [r[:] for r in ROWS]
    rows[0][5] = bad
    p = tmp_path / "t.csv"
    p.write_text(_csv(rows), encoding="utf-8")
    start = time.perf_counter()
    f = _refused(p, "TABLE_NUMBER")
    assert time.perf_counter() - start < 1
    assert f.where == "t.csv:第2行“分值”列"


def test_huge_number_in_xlsx_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["产出指标", "数量指标", "培训人数", 1e300, "120人", 1e300, 20, None])
    wb.save(tmp_path / "t.xlsx")
    table, findings = read_indicator_table(tmp_path / "t.xlsx")
    assert table is None
    assert {f.where for f in findings} == {"t.xlsx:第2行“年度指标值”列", "t.xlsx:第2行“分值”列"}


def test_many_problems_are_capped(tmp_path):
    rows = [["产出指标", "数量指标", f"指标{i}", "1", "1", "abc", "x", ""] for i in range(200)]
    p = tmp_path / "t.csv"
    p.write_text(_csv(rows), encoding="utf-8")
    table, findings = read_indicator_table(p)
    assert table is None and len(findings) == table_limits.MAX_FINDINGS + 1
    assert findings[-1].code == "TABLE_MORE" and "380" in findings[-1].message


def test_pasted_rows_pass_the_gate():
    rows, findings = read_pasted_rows("培训\x00人数\t100\t120\t10\t10\t")
    assert rows is None and findings[0].code == "TABLE_TEXT"
    rows, findings = read_pasted_rows("培训人数\t100\t120\t1e400\t10\t")
    assert rows is None and findings[0].code == "TABLE_NUMBER"
    rows, findings = read_pasted_rows("培训人数\t100\t120\t10\t10\t")
    assert findings == [] and rows[0][2].name == "培训人数"
