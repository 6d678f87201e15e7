"""The validation gate on the report JSON way in (issue 8): hostile values become Chinese ERROR
findings naming the JSON path — never a traceback, a hang, or a report that cannot be read back."""
import json
import time
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import validate
from core.findings import ERROR
from core.report_io import dumps_report, load_report, report_from_dict, report_to_dict

ROW = '{"format": "jixiao-report", "table": {"groups": [{"name": "产出指标", "children": [{"name": "x", %s}]}]}}'
ROW_PATH = "table/groups/0/children/0"


def _load_text(tmp_path, text: str):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    start = time.monotonic()
    report, findings = load_report(path)
    assert time.monotonic() - start < 5, "a small hostile file must be refused promptly"
    return report, findings


def _assert_refused(report, findings, where: str, code: str = "JSON_VALUE"):
    assert report is None
    hits = [f for f in findings if f.code == code and f.severity == ERROR]
    assert hits, findings
    assert any(f.where.endswith(where) for f in hits), [f.where for f in hits]
    assert all(not f.message.isascii() for f in findings)  # Chinese, never a Python text
    assert all("Traceback" not in f.message and "Error" not in f.message for f in findings)


# -- report JSON files ------------------------------------------------------------------------
@pytest.mark.parametrize("text,where", [
    ('{"figures": {"executed": NaN}}', "figures/executed"),
    ('{"figures": {"executed": Infinity}}', "figures/executed"),
    ('{"figures": {"executed": -Infinity}}', "figures/executed"),
    (ROW % '"weight": NaN', ROW_PATH + "/weight"),
    (ROW % '"score": -Infinity', ROW_PATH + "/score"),
    ('{"year": NaN}', "year"),
    ('{"overview": {"actual_staff": Infinity}}', "overview/actual_staff"),
    ('{"stated": [{"key": "x", "value": NaN}]}', "stated/0/value"),
    # numbers beyond any budget: refused, never computed with
    (ROW % '"weight": 1e400', ROW_PATH + "/weight"),
    (ROW % ('"weight": ' + "7" * 5000), ROW_PATH + "/weight"),
    ('{"year": ' + "2" * 5000 + "}", "year"),
    ('{"year": %d}' % 2**70, "year"),
    ('{"year": -%d}' % 2**70, "year"),
    # text that cannot be stored or printed
    ('{"title": "2022年\\ud800报告"}', "title"),
    ('{"title": "2022年\\u0007报告"}', "title"),
    (ROW % '"target": "100\\u0000%"', ROW_PATH + "/target"),
    ('{"unit": {"name": "工商联\\u001b"}}', "unit/name"),
    ('{"sections": [{"key": "a", "text": "' + "字" * (validate.MAX_TEXT_CHARS + 1) + '"}]}', "sections/0/text"),
])
def test_hostile_values_in_a_report_file_are_refused_with_their_path(tmp_path, text, where):
    report, findings = _load_text(tmp_path, text)
    _assert_refused(report, findings, where)


@pytest.mark.parametrize("value", ['"1e400"', '"' + "9" * 30 + '"', '"1E+999999999"', '"-1E+999999999"',
                                  '"1E-999999999"', '"0E-999999999"', '"12345678901234567890123.5"'])
@pytest.mark.parametrize("field", ["weight", "score"])
def test_numbers_as_text_are_bounded_before_use(tmp_path, value, field):
    report, findings = _load_text(tmp_path, ROW % f'"{field}": {value}')
    assert report is None
    f = next(f for f in findings if f.where.endswith(f"{ROW_PATH}/{field}"))
    assert f.severity == ERROR and f.code in ("JSON_VALUE", "JSON_FIELD") and not f.message.isascii()


@pytest.mark.parametrize("field,value", [("figures", '{"executed": "1e400"}'),
                                         ("overview", '{"authorized_staff": "1E+999999999"}'),
                                         ("year", '"' + "1" * 30 + '"'), ("year", '"²"'), ("year", '"１２"')])
def test_other_fields_as_text_are_bounded(tmp_path, field, value):
    report, findings = _load_text(tmp_path, '{"%s": %s}' % (field, value))
    if field == "year" and value == '"１２"':  # full-width digits are digits
        assert report is not None and report.year == 12
        return
    assert report is None and any(f.where.startswith("bad.json:" + field) for f in findings), findings


def test_nesting_a_thousand_deep_is_refused(tmp_path):
    report, findings = _load_text(tmp_path, '{"table": {"groups": ' + "[" * 1000 + "]" * 1000 + "}}")
    assert report is None
    assert findings[0].code == "JSON_VALUE" and findings[0].where == "bad.json"
    assert "嵌套" in findings[0].message


def test_a_raw_control_character_is_a_syntax_error_in_chinese(tmp_path):
    report, findings = _load_text(tmp_path, '{"title": "a\x01b"}')
    assert report is None and findings[0].code == "JSON_SYNTAX" and not findings[0].message.isascii()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(validate, "MAX_REPORT_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text('{"title": "' + "x" * 2000 + '"}', encoding="utf-8")
    report, findings = load_report(path)
    assert report is None and findings[0].code == "FILE_TOO_LARGE"
    assert findings[0].where == "big.json" and "MB" in findings[0].message


def test_many_problems_are_listed_but_bounded(tmp_path):
    rows = ",".join('{"name": "x%d", "weight": NaN}' % i for i in range(500))
    report, findings = _load_text(tmp_path, '{"table": {"groups": [{"name": "a", "children": [%s]}]}}' % rows)
    assert report is None and 1 < len(findings) <= 60


# -- report_from_dict: values built in Python (drafts storage, packages) ------------------------
@pytest.mark.parametrize("data,where", [
    ({"figures": {"executed": float("nan")}}, "figures/executed"),
    ({"figures": {"executed": D("NaN")}}, "figures/executed"),
    ({"figures": {"executed": D("sNaN")}}, "figures/executed"),
    ({"figures": {"executed": float("inf")}}, "figures/executed"),
    ({"figures": {"executed": D("1E+999999999")}}, "figures/executed"),
    ({"figures": {"executed": D("0E-999999999")}}, "figures/executed"),
    ({"figures": {"executed": 10**5000}}, "figures/executed"),
    ({"figures": {"executed": 10**16}}, "figures/executed"),
    ({"figures": {1: "5"}}, "figures"),
    ({"year": 2**70}, "year"),
    ({"year": 10**5000}, "year"),
    ({"title": 10**5000}, "title"),
    ({"title": "a\ud800b"}, "title"),
    ({"title": "a\x0bb"}, "title"),
    ({"unit": {"name\x00": "x"}}, "unit"),
])
def test_report_from_dict_refuses_what_cannot_be_stored(data, where):
    report, findings = report_from_dict(data, "d")
    _assert_refused(report, findings, where)


def test_numbers_are_kept_exactly_and_trailing_zeros_do_not_grow_the_file():
    report, findings = report_from_dict({"figures": {"a": "107.490", "b": "1.0000000000000000000000000000000E-10",
                                                     "c": "1,234.5", "d": 5, "e": D("0E-30")}})
    assert findings == [] and report is not None
    assert report.figures.as_dict() == {"a": D("107.49"), "b": D("1E-10"), "c": D("1234.5"), "d": 5, "e": 0}
    assert str(report.figures.get("a")) == "107.490"  # as written: the seeds round-trip unchanged
    assert all(len(v) <= validate.MAX_NUMBER_CHARS for v in report_to_dict(report)["figures"].values())


# -- the property: whatever loads, saves and loads again to the same report -------------------
_text = st.text(st.characters(codec="utf-8"), max_size=8) | st.sampled_from(["", "完成", "≥95%", "\x07", "\ud800"])
_number = (st.decimals(allow_nan=True, allow_infinity=True, places=None)
           | st.integers(-(2**70), 2**70)
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.sampled_from(["1e400", "1E+999999999", "107.49", "1,234.5", " 5 ", "0E-30", "-0", "五分", "9" * 30,
                              "1.0000000000000000000000000000000E-10", "１２", "٣"]))
_scalar = st.none() | st.booleans() | _text | _number
_value = st.recursive(_scalar, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(_text, inner, max_size=3), max_leaves=8)
_indicator = st.fixed_dictionaries({"name": _text}, optional={
    k: _scalar for k in ("target", "actual", "weight", "score", "tier", "formula", "unit")})
_group = st.fixed_dictionaries({"name": _text, "children": st.lists(_indicator, max_size=3)},
                               optional={"stated_weight": _scalar})
_table = st.fixed_dictionaries({}, optional={
    "name": _text, "stated_total": _number, "groups": st.lists(_group, max_size=2), "stated_grade": _scalar,
    "funds": st.fixed_dictionaries({}, optional={"weight": _number, "score": _number, "rows": st.lists(
        st.fixed_dictionaries({"label": _text}, optional={"annual": _number, "executed": _number}), max_size=2)})})
_report = st.fixed_dictionaries({}, optional={
    "template": _text, "kind": st.sampled_from(["project", "department_overall", "x"]), "year": _scalar,
    "title": _text, "figures": st.dictionaries(_text, _number, max_size=3), "table": _table,
    "overview": st.fixed_dictionaries({}, optional={"authorized_staff": _number, "duties": _text}),
    "stated": st.lists(st.fixed_dictionaries({"key": _text, "value": _number | st.sampled_from([None, ""])}),
                       max_size=2),
    "carried": st.lists(_scalar, max_size=2), "extra": _value,
})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_report)
def test_whatever_loads_round_trips(data):
    report, findings = report_from_dict(data, "d")
    assert all(not f.message.isascii() for f in findings)
    if report is None:
        assert any(f.severity == ERROR for f in findings)
        return
    text = dumps_report(report)
    again, findings2 = report_from_dict(validate.loads(text), "d")
    assert again == report, [f.message for f in findings2]
    assert not [f for f in findings2 if f.severity == ERROR]
    assert json.loads(text) == report_to_dict(again)  # and the file is the same the second time


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_load_report_never_raises(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("r") / "r.json"
    path.write_bytes(raw)
    report, findings = load_report(path)
    assert report is not None or findings


# -- the gate itself -------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["1E+999999999", "0E-999999999", "1e400", "9" * 30, "NaN", "-Infinity", "sNaN",
                                  "1" * 41, "abc", ""])
def test_decimal_from_text_refuses_promptly(text):
    with pytest.raises(validate.InputError) as e:
        validate.decimal_from_text(text)
    assert not e.value.message.isascii()


@pytest.mark.parametrize("value,problem", [
    (D("1E+999999999"), True), (D("0E-999999999"), True), (D("0E+999999999"), True), (D("0E+5"), False), (D("NaN"), True),
    (D("107.49"), False), (D("1.0000000000000000000000000000000"), False), (D("1E-11"), True),
    (D("123456789012345678901"), True), (D("99999999999999.99"), False), (D("1E+15"), True),
])
def test_number_problem(value, problem):
    assert (validate.number_problem(value) is not None) is problem


# -- the editor's fields ---------------------------------------------------------------------
def test_pasted_control_characters_are_dropped_not_refused(qtbot, open_draft, seeds):
    from desktop.fields import TextField
    session = open_draft(seeds["001"])
    line = TextField(session, "title", "报告标题")
    qtbot.addWidget(line)
    line.load()
    line.editor.textEdited.emit("2022年\x07部门\x1b整体")  # what a paste from a PDF can bring
    assert session.report.title == "2022年部门整体" and line.editor.text() == "2022年部门整体"
    assert not line.note.isHidden() and "控制字符" in line.note.text()
    box = TextField(session, "overview/duties", "职能职责", multiline=True)
    qtbot.addWidget(box)
    box.load()
    box.editor.setPlainText("负责\x00全区\n工商联\t工作")
    assert session.report.overview.duties == "负责全区\n工商联\t工作"
    assert box.editor.toPlainText() == "负责全区\n工商联\t工作"


@pytest.mark.parametrize("text", ["1E+999999999", "9" * 30, "1" * 5000, "0.000000000001", "1e400"])
def test_number_fields_refuse_numbers_beyond_the_bounds(qtbot, open_draft, seeds, text):
    from desktop.fields import NumberField
    session = open_draft(seeds["001"])
    before = session.report.figures.get("executed")
    field = NumberField(session, "figures/executed", "全年执行数")
    qtbot.addWidget(field)
    field.load()
    start = time.monotonic()
    field.editor.textEdited.emit(text)
    assert time.monotonic() - start < 1
    assert field.has_error and "全年执行数" in field.error.text()
    assert session.report.figures.get("executed") == before
    year = NumberField(session, "year", "年度", as_int=True)
    qtbot.addWidget(year)
    year.editor.textEdited.emit(str(2**70))
    assert year.has_error and session.report.year == seeds["001"].year


def test_report_from_dict_refuses_deep_nesting_built_in_python():
    data: dict = {"name": "x"}
    for _ in range(5000):
        data = {"name": "g", "children": [data]}
    report, findings = report_from_dict({"table": {"groups": [data]}}, "d")
    assert report is None and findings[0].code == "JSON_VALUE" and "嵌套" in findings[0].message


def test_every_edit_of_text_passes_the_gate(seeds):
    from core import edit
    where = "table/groups/0/children/0/children/0/actual"
    report = edit.set_at(seeds["004"], where, "100\x00%\ud800")
    assert edit.get_at(report, where) == "100%\ufffd"
    again, findings = report_from_dict(validate.loads(dumps_report(report)))
    assert again == report and not findings


@pytest.mark.parametrize("value", [None, ""])
def test_a_required_number_left_empty_is_refused(value):
    # it used to load, then could not be read back after saving (the empty value is not written)
    report, findings = report_from_dict({"stated": [{"key": "x", "value": value}]}, "d")
    assert report is None
    assert [(f.code, f.where) for f in findings] == [("JSON_FIELD", "d:stated/0/value")]


@pytest.mark.parametrize("value,want", [("0.33333333333333", "0.3333333333"), ("0.30000000000000004", "0.3000000000"),
                                        ("3.33333333333335", "3.3333333333"), ("-0.000000000051", "-0.0000000001")])
def test_too_many_decimals_are_rounded_with_a_hint_not_refused(value, want):
    # drafts (numbers written as text) saved before the gate could hold numbers pasted from Excel:
    # they must still open
    report, findings = report_from_dict({"figures": {"executed": value}}, "d")
    assert report is not None and format(report.figures.get("executed"), "f") == want
    assert [(f.code, f.severity, f.where) for f in findings] == [("JSON_ROUNDED", "hint", "d:figures/executed")]
    again, _ = report_from_dict(validate.loads(dumps_report(report)))
    assert again == report
