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


# -- templates by id only (issue 8) ------------------------------------------------------------
@pytest.fixture
def outside(tdir):
    """A valid template file outside the template folder, with its own (wrong) rules."""
    path = tdir.parent / "x.json"
    data = json.loads((tdir / "national-10hao-project.json").read_text(encoding="utf-8"))
    data["name"] = "外来模板"
    data["extends"] = str(tdir / "base-national")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tdir / "sub").mkdir()
    (tdir / "sub" / "y.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("make_id", [
    lambda tdir, out: "../x", lambda tdir, out: "../../../x", lambda tdir, out: str(out.with_suffix("")),
    lambda tdir, out: str(out), lambda tdir, out: "x.json", lambda tdir, out: "sub/y", lambda tdir, out: "sub\\y",
    lambda tdir, out: "national-10hao-project.json", lambda tdir, out: ".", lambda tdir, out: "\x00",
    lambda tdir, out: "national-10hao-project/../national-10hao-project", lambda tdir, out: "x" * 5000,
])
def test_a_template_is_named_by_an_installed_id_only(tdir, outside, make_id):
    tid = make_id(tdir, outside)
    tpl, findings = TemplateSet(tdir).get(tid)
    assert tpl is None
    assert findings and all(f.severity == "error" and not f.message.isascii() for f in findings)
    assert any(f.code == "TEMPLATE_UNKNOWN" for f in findings), findings
    assert all(len(f.message) < 400 for f in findings)


@pytest.mark.parametrize("extends", ["../x", "/etc/passwd", "ABS", "sub/y", "base-national.json", 5, ["base-national"]])
def test_extends_names_an_installed_id_only(tdir, outside, extends):
    value = str(outside.with_suffix("")) if extends == "ABS" else extends
    edit(tdir, "national-10hao-project", lambda d: d.update(extends=value))
    tpl, findings = TemplateSet(tdir).get("national-10hao-project")
    assert tpl is None
    assert any(f.code == "TEMPLATE_INVALID" and f.where.endswith(":extends") for f in findings), findings


def test_the_outside_file_is_never_read(tdir, outside, monkeypatch):
    import core.template_loader as TL
    opened = []
    real = TL._read_json

    def spy(path, loader):
        opened.append(path.resolve())
        return real(path, loader)
    monkeypatch.setattr(TL, "_read_json", spy)
    TemplateSet(tdir).get("../x")
    edit(tdir, "generic-project", lambda d: d.update(extends="../x"))
    TemplateSet(tdir).get("generic-project")
    assert outside.resolve() not in opened


def test_a_report_naming_a_path_is_not_scored_with_it(tdir, outside, seeds):
    from dataclasses import replace

    from core.checks import run_checks
    from core.scoring import score_report
    report = replace(seeds["003"], template="../x")
    score = score_report(report, TemplateSet(tdir))
    assert score.tables == () and any(f.code == "TEMPLATE_UNKNOWN" for f in score.template_findings)
    assert any(f.code == "TEMPLATE_UNKNOWN" for f in run_checks(report, templates=TemplateSet(tdir)))


@pytest.mark.parametrize("content", ["{\"format\": NaN}", "{\"format\": \"jixiao-template\", \"name\": \"\\ud800\"}",
                                     "[" * 1000 + "]" * 1000, "{\"version\": " + "1" * 5000 + "}"])
def test_template_json_passes_the_gate(tdir, content):
    (tdir / "generic-project.json").write_text(content, encoding="utf-8")
    tpl, findings = TemplateSet(tdir).get("generic-project")
    assert tpl is None and findings[0].code == "TEMPLATE_INVALID" and not findings[0].message.isascii()
    assert "generic-project" not in [t for t, _ in list_templates(tdir)] or True  # listing never raises


@pytest.mark.parametrize("key,value,where", [
    ("total", "1E+999999999", "total"), ("total", "NaN", "total"), ("execution_low", True, "execution_low"),
    ("project_template", "../x", "project_template"), ("project_template", "no-such", "project_template"),
])
def test_template_values_are_bounded(tdir, key, value, where):
    edit(tdir, "hunan-dept-2022", lambda d: d.update({key: value}))
    tpl, findings = TemplateSet(tdir).get("hunan-dept-2022")
    assert tpl is None and any(f.where.endswith(":" + where) for f in findings), findings


# -- template formulas that could never be evaluated are refused at load ------------------------
def _formula(expr="executed / annual_budget * 100", steps=None):
    return lambda d: d.update(formulas={"x": {"label": "某比率", "expr": expr, "steps": steps or [{"score": "weight"}]}})


@pytest.mark.parametrize("change,where", [
    (_formula("min()"), "formulas/x/expr"),
    (_formula("max(executed)"), "formulas/x/expr"),
    (_formula("abs(executed, annual_budget)"), "formulas/x/expr"),
    (_formula("abs()"), "formulas/x/expr"),
    (_formula("True"), "formulas/x/expr"),
    (_formula("executed * False"), "formulas/x/expr"),
    (_formula("executed / 0"), "formulas/x/expr"),
    (_formula("executed / 0.0"), "formulas/x/expr"),
    (_formula("no_such_figure * 100"), "formulas/x/expr"),
    (_formula("executed > 1"), "formulas/x/expr"),
    (_formula("1e400 * executed"), "formulas/x/expr"),
    (_formula("1" * 5000), "formulas/x/expr"),
    (_formula("(" * 300 + "executed" + ")" * 300), "formulas/x/expr"),
    (_formula("-" * 300 + "executed"), "formulas/x/expr"),
    (_formula("executed" + " + executed" * 2000), "formulas/x/expr"),
    (_formula(steps=[{"score": "weight / 0"}]), "formulas/x/steps/0/score"),
    (_formula(steps=[{"if": "True", "score": "weight"}]), "formulas/x/steps/0/if"),
    (_formula(steps=[{"if": "value", "score": "weight"}]), "formulas/x/steps/0/if"),
    (_formula(steps=[{"score": "value > 1"}]), "formulas/x/steps/0/score"),
    (_formula(steps=[{"score": "min()"}]), "formulas/x/steps/0/score"),
    (_formula(steps=[{"if": 1, "score": "weight"}]), "formulas/x/steps/0/if"),
    (_formula(steps=[{"score": "executed"}]), "formulas/x/steps/0/score"),
    (lambda d: d.update(formulas=[1, 2]), "formulas"),
    (lambda d: d.update(formulas={"x": 1}), "formulas/x"),
    (lambda d: d.update(formulas={"x": {"label": "x", "expr": "executed", "steps": "weight"}}), "formulas/x/steps"),
    (lambda d: d["execution"].update(expr="min()"), "execution/expr"),
    (lambda d: d["execution"].update(steps=[{"score": "abs(value, weight)"}]), "execution/steps/0/score"),
])
def test_a_formula_that_cannot_be_evaluated_makes_the_template_unusable(tdir, change, where):
    edit(tdir, "base-national", change)
    tpl, findings = TemplateSet(tdir).get("national-10hao-project")
    assert tpl is None
    assert any(f.code == "TEMPLATE_INVALID" and f.where.endswith(":" + where) for f in findings), findings
    assert all(not f.message.isascii() and len(f.message) < 400 for f in findings)


# -- fuzz: a template that loads can score and check any report without raising -----------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.sampled_from(
        ["", "weight", "value", "1e400", "min()", "abs(value, weight)", "weight / 0", "True", "value <= 10",
         "weight * 0.5", "executed / annual_budget * 100", "reached", "../x", "0.8", "-1", "NaN"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["if", "score", "label", "expr", "steps", "key", "low", "high", "name", "weight", "x"]),
        inner, max_size=4), max_leaves=10)
_KEYS = ["execution", "formulas", "tiers", "grades", "blocks", "splits", "total", "execution_low", "extends",
         "equal_target", "over_achievement_ratio", "outline", "project_template", "framework", "kind"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from(_KEYS), _json, min_size=1, max_size=3))
def test_fuzzed_templates_never_crash_loading_scoring_or_checks(tdir, seeds, changes):
    from dataclasses import replace

    from core.checks import run_checks
    from core.scoring import score_report
    edit(tdir, "national-10hao-project", lambda d: d.update(changes))
    templates = TemplateSet(tdir)
    tpl, findings = templates.get("national-10hao-project")
    assert tpl is not None or findings
    assert all(not f.message.isascii() for f in findings)
    for seed in ("002", "004"):
        report = replace(seeds[seed], template="national-10hao-project")
        found = run_checks(report, score_report(report, templates), templates)
        assert not [f for f in found if f.code == "CHECK_CRASHED"], found


@pytest.mark.parametrize("tid,formulas", [("national-10hao-project", [1, 2]), ("hunan-dept-2020", [1, 2]),
                                          ("hunan-dept-2020", "x"), ("hunan-dept-2020", 5)])
def test_formulas_of_the_wrong_shape_in_a_child_template(tdir, tid, formulas):
    edit(tdir, tid, lambda d: d.update(formulas=formulas))
    tpl, findings = TemplateSet(tdir).get(tid)
    assert tpl is None
    assert any(f.code == "TEMPLATE_INVALID" and f.where.endswith(":formulas") for f in findings), findings
