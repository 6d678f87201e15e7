"""Random and hostile tables (issue 8): reading never raises, a refusal is an ERROR in Chinese,
well-formed tables read back exactly, and the cost grows linearly with the input.

Hypothesis runs derandomized (the same examples every run) and without its example database,
so the suite is reproducible and writes nothing outside tmp_path.
"""
from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import table_limits
from core.findings import ERROR
from core.table_import import read_indicator_table, read_pasted_rows

HERE = Path(__file__).parent
TABLES = HERE / "fixtures" / "tables"
HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
          "偏差原因分析及改进措施"]
CJK = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _check_contract(path: Path):
    """What every read must satisfy, whatever the bytes: no exception, a table exactly when no
    finding is an error, every finding in Chinese, findings capped."""
    table, findings = read_indicator_table(path)
    errors = [f for f in findings if f.severity == ERROR]
    assert (table is None) == bool(errors), findings
    assert all(CJK.search(f.message) and "Traceback" not in f.message for f in findings)
    assert len(findings) <= table_limits.MAX_FINDINGS + 1
    return table, findings


# -- random bytes and text never raise ---------------------------------------------------------
@FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes_as_csv(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("b") / "t.csv"
    p.write_bytes(data)
    _check_contract(p)


@FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes_after_a_header(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("h") / "t.csv"
    p.write_bytes((",".join(HEADER) + "\n").encode("gbk") + data)
    _check_contract(p)


_PIECES = ['"', '""', ",", ";", "\t", "\n", "\r\n", "\r", " ", "产出指标", "数量指标", "三级指标",
           "一级指标", "总分", "合计", "10", "1e400", "五分", "95%", "≥", "\x07", "\ufeff", "（50分）",
           "满意度", "abc", "，", "“", "\x00", "9" * 45]
csv_text = st.lists(st.sampled_from(_PIECES), max_size=120).map("".join)


@FUZZ
@given(text=csv_text, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       with_header=st.booleans())
def test_random_csv_text(tmp_path_factory, text, encoding, with_header):
    if with_header:
        text = ",".join(HEADER) + "\n" + text
    p = tmp_path_factory.mktemp("c") / "t.csv"
    p.write_bytes(text.encode(encoding))
    _check_contract(p)


@FUZZ
@given(text=csv_text)
def test_random_paste(text):
    rows, findings = read_pasted_rows(text.replace(",", "\t"))
    assert (rows is None) == any(f.severity == ERROR for f in findings)
    assert all(CJK.search(f.message) for f in findings)


def test_damaged_xlsx_never_raises(tmp_path):
    """Every single-byte corruption at 64 spread positions of a real xlsx, and truncations."""
    good = (TABLES / "seed004_project.xlsx").read_bytes()
    step = max(len(good) // 64, 1)
    for i in range(0, len(good), step):
        for data in (good[:i] + bytes([good[i] ^ 0xFF]) + good[i + 1:], good[:i]):
            p = tmp_path / "t.xlsx"
            p.write_bytes(data)
            _check_contract(p)


cell_value = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                       st.sampled_from(["", "产出指标", "数量指标", "培训人数", "总分", "10分", "abc",
                                        "_x0007_x", "95%", "一级指标", "三级指标"]))


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.lists(cell_value, max_size=10), max_size=12),
       merges=st.lists(st.tuples(st.integers(1, 14), st.integers(1, 10), st.integers(0, 3),
                                 st.integers(0, 3)), max_size=6),
       header_at=st.integers(0, 3))
def test_random_xlsx_with_merges(tmp_path_factory, rows, merges, header_at):
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = rows[:header_at] + [HEADER] + rows[header_at:]
    for r in rows:
        ws.append([v if not isinstance(v, float) or v == v else None for v in r])
    taken: set[tuple[int, int]] = set()
    for r, c, dr, dc in merges:  # non-overlapping, as Excel allows
        cells = {(r + i, c + j) for i in range(dr + 1) for j in range(dc + 1)}
        if (dr or dc) and not cells & taken:
            taken |= cells
            ws.merge_cells(start_row=r, start_column=c, end_row=r + dr, end_column=c + dc)
    p = tmp_path_factory.mktemp("x") / "t.xlsx"
    wb.save(p)
    _check_contract(p)


# -- well-formed tables read back exactly -------------------------------------------------------
name_text = st.text(alphabet=st.sampled_from(list("培训人数合格率 ,\"“”（）%≥≤/-ab12")),
                    min_size=1, max_size=12).filter(lambda s: s.strip() and not s.strip().startswith(("总分", "合计")))
note_text = st.text(alphabet=st.sampled_from(list("加强管理，；。\"\n ab“”")), max_size=30)


@FUZZ
@given(leaves=st.lists(st.tuples(name_text, st.integers(0, 100), st.integers(0, 100), note_text),
                       min_size=1, max_size=15),
       sep=st.sampled_from([",", "\t", ";"]), encoding=st.sampled_from(["utf-8-sig", "gb18030"]))
def test_quoted_csv_reads_back_exactly(tmp_path_factory, leaves, sep, encoding):
    """Cells with separators, quotes and line breaks, quoted as Excel quotes them, come back
    as they were written — no stray-quote false alarm, no row lost."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    w.writerow(HEADER)
    for i, (name, weight, score, note) in enumerate(leaves):
        w.writerow(["产出指标" if i == 0 else "", "数量指标" if i == 0 else "", name, "1", "1",
                    weight, score, note])
    p = tmp_path_factory.mktemp("q") / "t.csv"
    p.write_bytes(out.getvalue().encode(encoding))
    table, findings = _check_contract(p)
    assert findings == []
    got = [leaf for g in table.groups for _, leaf in g.leaves()]
    assert [(x.name, x.weight, x.score, x.deviation_note) for x in got] == [
        ("".join(n.split("\n")).strip(), Decimal(w), Decimal(s), note.strip())
        for n, w, s, note in leaves]


# -- cost ---------------------------------------------------------------------------------------
def _cpu_seconds(*paths: Path) -> list[float]:
    """The least CPU time of five reads of each path, interleaved (robust to a busy machine)."""
    best = [float("inf")] * len(paths)
    for _ in range(5):
        for i, path in enumerate(paths):
            start = time.process_time()
            read_indicator_table(path)
            best[i] = min(best[i], time.process_time() - start)
    return best


def _rows(n: int) -> str:
    body = "".join(f'产出指标,数量指标,"指标{i},""甲""",100,120,1,1,"偏差\n说明{i}"\n' for i in range(n))
    return ",".join(HEADER) + "\n" + body


def test_cost_is_linear_in_rows(tmp_path):
    small, big = tmp_path / "s.csv", tmp_path / "b.csv"
    small.write_text(_rows(500), encoding="gb18030")
    big.write_text(_rows(4000), encoding="gb18030")
    t_small, t_big = _cpu_seconds(small, big)
    assert t_big < 16 * t_small + 0.05, (t_small, t_big)  # 8× the rows: linear is ~8×
    assert t_big < 10  # about 0.3 s on an idle machine


def test_cost_is_linear_in_xlsx_rows(tmp_path):
    def book(n: int) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(HEADER)
        for i in range(n):
            ws.append(["产出指标", "数量指标", f"指标{i}", "100人", "120人", 1, 1, "说明"])
        ws.merge_cells(start_row=2, start_column=1, end_row=n + 1, end_column=1)
        p = tmp_path / f"{n}.xlsx"
        wb.save(p)
        return p

    t_small, t_big = _cpu_seconds(book(200), book(1600))
    assert t_big < 16 * t_small + 0.05, (t_small, t_big)
    assert t_big < 15  # about 0.7 s on an idle machine


def test_huge_hostile_csv_inputs_are_refused_quickly(tmp_path, monkeypatch):
    """Inputs built to be slow, at a lowered file limit of 2 MB (each costs ~10× more at 20 MB)."""
    from core import validate
    monkeypatch.setattr(validate, "MAX_TABLE_BYTES", 2 * 1024 * 1024)
    n = validate.MAX_TABLE_BYTES - 10
    header = (",".join(HEADER) + "\n").encode()
    cases = {"quotes": b'"' * n, "open": header + b'"' + b"x" * (n - 200),
             "commas": (b"," * 900 + b"\n") * (n // 901), "pairs": (b'"",' * 300 + b"\n") * (n // 901),
             "lines": b"\n" * n, "mixed": header + ("产出指标,数量指标,培训人数,1,1,1,1,好\n".encode("gbk")
                                                      + "学员满意度,".encode()) * (n // 60)}
    for name, data in cases.items():
        p = tmp_path / f"{name}.csv"
        p.write_bytes(data[:n])
        start = time.perf_counter()
        table, findings = read_indicator_table(p)
        assert time.perf_counter() - start < 2, name  # 0.01–0.4 s on an idle machine
        assert table is None and findings, name
