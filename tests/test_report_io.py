"""The report JSON format: seeds round-trip unchanged; malformed input gives findings, never a traceback."""
import json

import pytest

from core.findings import ERROR
from core.report_io import SCHEMA_VERSION, dumps_report, load_report, report_from_dict, save_report


def test_seeds_round_trip_unchanged(seeds, tmp_path):
    for name, report in seeds.items():
        path = tmp_path / f"{name}.json"
        save_report(report, path)
        again, findings = load_report(path)
        assert again == report, name
        assert findings == []


def test_amounts_are_written_as_decimal_strings(seeds):
    data = json.loads(dumps_report(seeds["001"]))
    assert data["figures"]["executed"] == "107.49"
    assert data["format"] == "jixiao-report" and data["schema_version"] == SCHEMA_VERSION


@pytest.mark.parametrize("content,code,where", [
    (b"", "FILE_EMPTY", None),
    (b"   \n", "FILE_EMPTY", None),
    ('{"year": 2022,'.encode(), "JSON_SYNTAX", "第1行"),
    ("[1, 2]".encode(), "JSON_FIELD", None),
    ('{"format": "jixiao-package"}'.encode(), "JSON_FIELD", "format"),
    ('{"schema_version": 99}'.encode(), "JSON_VERSION", "schema_version"),
    ('{"year": "去年"}'.encode(), "JSON_FIELD", "year"),
    ('{"kind": "汇总"}'.encode(), "JSON_FIELD", "kind"),
    ('{"table": {"groups": [{"name": "产出", "children": [{"name": "x", "weight": "五分"}]}]}}'.encode(),
     "JSON_FIELD", "table/groups/0/children/0/weight"),
    ('{"figures": {"executed": "1,0,0abc"}}'.encode(), "JSON_FIELD", "figures/executed"),
    ('{"table": {"groups": "产出"}}'.encode(), "JSON_FIELD", "table/groups"),
    ("名称,分值\n产出,50\n".encode("gbk"), "JSON_ENCODING", None),
])
def test_malformed_input_gives_a_chinese_finding_naming_the_place(tmp_path, content, code, where):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    report, findings = load_report(path)
    assert report is None
    f = next(f for f in findings if f.code == code)
    assert f.severity == ERROR and not f.message.isascii()
    if where:
        assert where in f.where
    assert f.where.startswith("bad.json")


def test_newer_version_says_upgrade(tmp_path):
    path = tmp_path / "new.json"
    path.write_text('{"format": "jixiao-report", "schema_version": 2}', encoding="utf-8")
    _, findings = load_report(path)
    assert "请升级软件" in findings[0].message


def test_missing_file():
    report, findings = load_report("/no/such/report.json")
    assert report is None and findings[0].code == "FILE_UNREADABLE"


def test_unknown_keys_are_hints_not_errors():
    report, findings = report_from_dict({"year": 2022, "colour": "red"})
    assert report is not None and report.year == 2022
    assert [f.code for f in findings] == ["JSON_UNKNOWN_KEY"]


def test_save_is_atomic_and_leaves_old_file_on_failure(tmp_path, seeds, monkeypatch):
    path = tmp_path / "r.json"
    save_report(seeds["004"], path)
    before = path.read_bytes()
    import os

    def boom(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save_report(seeds["001"], path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no half file left behind


@pytest.mark.parametrize("where, value", [
    ("template", "../../../x"), ("template", "/etc/x"), ("template", "C:\\t\\x.json"),
    ("template", "national-10hao-project.json"), ("table", "../x")])
def test_a_template_path_in_a_report_is_refused_at_load(seeds, where, value):
    data = json.loads(dumps_report(seeds["004"]))
    if where == "template":
        data["template"] = value
    else:
        data["table"]["template"] = value
    report, findings = report_from_dict(data, "r.json")
    assert report is None
    assert any(f.code == "TEMPLATE_UNKNOWN" for f in findings)
