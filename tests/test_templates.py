"""Templates are data: every shipped file loads; a broken file gives findings naming file and key."""
import json
import shutil
from decimal import Decimal as D

import pytest

from core.templates import TemplateSet, list_templates, load_template, templates_dir

SHIPPED = ["national-10hao-project", "hunan-dept-2022", "hunan-dept-2020", "jiangxi-dept-framework",
           "generic-project", "hunan-dept-short", "hunan-project-2020"]


def test_all_required_templates_ship_and_load():
    ids = [t for t, _ in list_templates()]
    assert set(SHIPPED) <= set(ids)
    assert "base-national" not in ids  # abstract
    for tid in ids:
        tpl, findings = load_template(tid)
        assert tpl is not None, findings
        assert tpl.grades and tpl.tiers and tpl.outline


def test_weights_per_template():
    def weights(tid):
        tpl, _ = load_template(tid)
        return tpl.execution_weight, [(b.name, b.weight) for b in tpl.blocks]
    assert weights("national-10hao-project") == (10, [("产出指标", 50), ("效益指标", 30), ("满意度指标", 10)])
    tpl, _ = load_template("hunan-dept-2022")
    assert {"产出指标": 50, "效益指标": 40} in [dict(s) for s in tpl.splits]
    fw, _ = load_template("jiangxi-dept-framework")
    assert [(g.name, g.stated_weight) for g in fw.framework.groups][:4] == [
        ("履职效能", 35), ("管理效率", 52), ("服务满意", 8), ("可持续性", 5)]


def test_outline_order_of_current_hunan_template():
    tpl, _ = load_template("hunan-dept-2022")
    assert [n.key for n in tpl.outline][:6] == ["basic_info", "income_expenditure", "gov_fund", "state_capital",
                                               "social_insurance", "performance"]


def test_grade_bands_and_tiers():
    tpl, _ = load_template("national-10hao-project")
    assert [tpl.grade_for(D(x)) for x in (100, 90, "89.99", 80, 60, "59.99")] == ["优", "优", "良", "良", "中", "差"]
    assert [(t.key, t.low, t.high) for t in tpl.tiers] == [("reached", D("0.8"), 1), ("partial", D("0.5"), D("0.8")),
                                                          ("missed", 0, D("0.5"))]


@pytest.fixture
def tdir(tmp_path):
    for p in templates_dir().glob("*.json"):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path


def edit(tdir, tid, change):
    p = tdir / f"{tid}.json"
    data = json.loads(p.read_text(encoding="utf-8"))
    change(data)
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("tid,change,where", [
    ("national-10hao-project", lambda d: d.update(blocks=[{"name": "产出指标", "weight": "五十"}]), "blocks/0/weight"),
    ("national-10hao-project", lambda d: d.update(formulas={"x": {"label": "x", "expr": "__import__('os')"}}),
     "formulas/x/expr"),
    ("national-10hao-project", lambda d: d.update(version=9), "version"),
    ("hunan-dept-2022", lambda d: d["outline"][0].pop("title"), "outline/0/title"),
    ("jiangxi-dept-framework", lambda d: d["framework"]["groups"][0]["children"][1]["children"][0]["children"][0]
     .update(formula="no_such_formula"), "framework/groups/0/children/1/children/0/children/0/formula"),
    ("base-national", lambda d: d["tiers"][0].update(low="1.5"), "tiers/0"),
])
def test_broken_template_names_file_and_key(tdir, tid, change, where):
    edit(tdir, tid, change)
    target = "national-10hao-project" if tid == "base-national" else tid
    tpl, findings = TemplateSet(tdir).get(target)
    assert tpl is None
    assert any(f.code == "TEMPLATE_INVALID" and f.where.endswith(":" + where) and f.where.startswith(target + ".json") for f in findings), findings
    assert all(f.message and not f.message.isascii() for f in findings)  # Chinese messages


def test_template_that_is_not_json(tdir):
    (tdir / "national-10hao-project.json").write_text('{"format": "jixiao-template",', encoding="utf-8")
    tpl, findings = TemplateSet(tdir).get("national-10hao-project")
    assert tpl is None and findings[0].where.startswith("national-10hao-project.json:第1行")


def test_unknown_template_id():
    tpl, findings = TemplateSet().get("no-such-template")
    assert tpl is None and "no-such-template.json" in findings[0].message
