"""Template packages (issue 11, item 4): a bureau's template checked, shown and installed into
DATA/templates beside the built-in ones; a newer version replaces an older one only when confirmed."""
import json
from types import SimpleNamespace

import pytest

from core import templates as T
from core.template_ids import id_problem
from core.template_install import describe_template, install_template, install_template_package

BUILTIN = T.templates_dir()


def template_bytes(tid="bureau-dept-2024", version="2024.1", name="某县 部门整体支出绩效自评（2024）", **extra):
    data = json.loads((BUILTIN / "hunan-dept-2022.json").read_text(encoding="utf-8"))
    data.update({"id": tid, "name": name, "region": "某县", "year": 2024, **extra})
    if version is not None:
        data["template_version"] = version
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@pytest.fixture(autouse=True)
def fresh_default(monkeypatch, tmp_path):
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    T.use_data_dir(None)
    yield
    T.use_data_dir(None)


def test_describe_shows_what_the_template_is(tmp_path):
    info, findings = describe_template(template_bytes(), tmp_path / "data")
    assert info is not None, findings
    assert (info.id, info.region, info.year, info.version, info.kind) == (
        "bureau-dept-2024", "某县", 2024, "2024.1", "department_overall")
    assert "2024.1" in info.summary() and "某县" in info.summary()


def test_install_new_then_used_by_load_and_list(tmp_path):
    data_dir = tmp_path / "data"
    assert not (data_dir / "templates").exists()  # created lazily
    status, findings = install_template(data_dir, template_bytes())
    assert status == "installed", findings
    assert (data_dir / "templates" / "bureau-dept-2024.json").is_file()
    assert ("bureau-dept-2024", "某县 部门整体支出绩效自评（2024）") in T.list_templates()
    tpl, findings = T.load_template("bureau-dept-2024")  # through default_set (JIXIAO_DATA_DIR)
    assert tpl is not None, findings
    assert tpl.template_version == "2024.1" and tpl.year == 2024
    # extends base-national and project_template national-10hao-project resolve to the built-ins
    assert tpl.project_template == "national-10hao-project" and tpl.grades
    # --data-dir of a command: the same through use_data_dir
    other = tmp_path / "other"
    T.use_data_dir(other)
    assert T.load_template("bureau-dept-2024")[0] is None
    install_template(other, template_bytes())
    assert T.load_template("bureau-dept-2024")[0] is not None


def test_same_or_older_refused_newer_needs_confirm_then_replaced(tmp_path):
    data_dir = tmp_path / "data"
    assert install_template(data_dir, template_bytes(version="2024.2"))[0] == "installed"
    target = data_dir / "templates" / "bureau-dept-2024.json"
    before = target.read_bytes()
    for version in ("2024.2", "2024.1", "2023.9", None):
        status, findings = install_template(data_dir, template_bytes(version=version, name="旧"), confirm_replace=True)
        assert status == "older" and any("不比此模板" in f.message for f in findings)
        assert target.read_bytes() == before
    status, findings = install_template(data_dir, template_bytes(version="2024.10", name="新"))
    assert status == "needs_confirm" and any("2024.10" in f.message for f in findings)
    assert target.read_bytes() == before
    status, _ = install_template(data_dir, template_bytes(version="2024.10", name="新"), confirm_replace=True)
    assert status == "replaced"
    assert T.load_template("bureau-dept-2024")[0].name == "新"


def test_builtin_id_replaced_only_by_a_higher_version(tmp_path):
    data_dir = tmp_path / "data"
    unversioned = template_bytes(tid="hunan-dept-2022", version=None, name="冒名")
    assert install_template(data_dir, unversioned, confirm_replace=True)[0] == "older"
    assert not (data_dir / "templates").exists()
    # a file dropped in by hand without a higher version does not shadow the built-in one
    (data_dir / "templates").mkdir(parents=True)
    (data_dir / "templates" / "hunan-dept-2022.json").write_bytes(unversioned)
    assert T.installed()["hunan-dept-2022"] == BUILTIN / "hunan-dept-2022.json"
    assert install_template(data_dir, template_bytes(tid="hunan-dept-2022", version="2025.1", name="新版"))[0] \
        == "needs_confirm"
    assert install_template(data_dir, template_bytes(tid="hunan-dept-2022", version="2025.1", name="新版"),
                            confirm_replace=True)[0] == "replaced"
    assert T.load_template("hunan-dept-2022")[0].name == "新版"


@pytest.mark.parametrize("data,words", [
    (b"{not json", "JSON"),
    (template_bytes(version="第二版"), "template_version"),
    (template_bytes(year="2024"), "year"),
    (template_bytes(grades="x"), "grades"),
    (template_bytes(extends="../../etc/passwd"), "不是模板名称"),
    (template_bytes(tid="../evil"), "无效"),
    (template_bytes(tid="evil.json"), "无效"),
    (template_bytes(tid=None), "缺少“id”"),
    (b"\xff\xfe", "UTF-8"),
    (b"x" * (3 * 1024 * 1024), "过大"),
])
def test_broken_template_refused_with_findings_and_nothing_written(tmp_path, data, words):
    data_dir = tmp_path / "data"
    if data == template_bytes(tid=None):
        tree = json.loads(data)
        tree.pop("id")
        data = json.dumps(tree).encode()
    status, findings = install_template(data_dir, data, confirm_replace=True)
    assert status == "invalid"
    assert findings and any(words in f.message for f in findings), [f.message for f in findings]
    assert not (data_dir / "templates").exists()
    assert not list(tmp_path.rglob("*.json"))


def test_user_template_ids_are_never_paths(tmp_path):
    user = tmp_path / "data" / "templates"
    user.mkdir(parents=True)
    (user / "mine.json").write_bytes(template_bytes(tid="mine"))
    known = T.installed()
    assert "mine" in known and "hunan-dept-2022" in known
    for bad in ("../templates/mine", str(user / "mine.json"), "mine.json", "sub/mine"):
        tpl, findings = T.load_template(bad)
        assert tpl is None and id_problem(bad, known)


def test_package_install(tmp_path):
    data_dir = tmp_path / "data"
    pkg = SimpleNamespace(manifest={"kind": "template"}, files={"template.json": template_bytes()})
    assert install_template_package(data_dir, pkg)[0] == "installed"
    assert install_template_package(data_dir, pkg)[0] == "older"
    report_pkg = SimpleNamespace(manifest={"kind": "reports"}, files={"template.json": template_bytes()})
    assert install_template_package(data_dir, report_pkg)[0] == "invalid"
    empty = SimpleNamespace(manifest={"kind": "template"}, files={})
    status, findings = install_template_package(data_dir, empty)
    assert status == "invalid" and "template.json" in findings[0].message
