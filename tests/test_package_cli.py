"""jixiao pack / unpack / verify (docs/package.md): round trip through two data folders, the
preview and its statuses, no silent overwrite, --dry-run changes nothing, every bad package is
exit 2 with its PACKAGE_* code and the database unchanged, the app's lock is respected."""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, app_holding
from core.cli import main
from core.report_digest import report_digest
from core.storage import Storage

FIXTURES = Path(__file__).parent / "fixtures" / "packages"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _db_state(data: Path):
    with Storage.open(data) as s:
        return [(d.id, d.title, d.updated_at) for d in s.list(include_deleted=True)], \
            [s.get(d.id) for d in s.list(include_deleted=True)]


@pytest.fixture
def home(tmp_path, seeds):
    """A data folder holding every seed as a draft: (folder, {seed: id})."""
    data = tmp_path / "home"
    with Storage.open(data) as s:
        ids = {k: s.create(r) for k, r in seeds.items()}
    return data, ids


def test_pack_unpack_round_trip_of_every_seed(tmp_path, capsys, home, seeds):
    data, ids = home
    out = tmp_path / "stick" / "all.jxpkg"
    out.parent.mkdir()
    code, text, err = run(capsys, "pack", *ids.values(), out, "--data-dir", data)
    assert code == 0, err
    assert "已写入" in text and "安全弹出" in text
    other = tmp_path / "office"
    code, text, err = run(capsys, "unpack", out, "--data-dir", other)
    assert code == 0, err
    assert text.count("新报告") == len(seeds)
    with Storage.open(other) as s:
        got = [s.get(d.id) for d in sorted(s.list(), key=lambda d: d.id)]
        assert [report_digest(r) for r in got] == [report_digest(r) for r in seeds.values()]
        assert got == list(seeds.values())
        uids = {s.exchange_info(d.id)[0] for d in s.list()}
    with Storage.open(data) as s:
        assert uids == {s.exchange_info(i)[0] for i in ids.values()}
    # a second unpack: every report the same, nothing imported
    code, text, _ = run(capsys, "unpack", out, "--data-dir", other)
    assert code == 0 and text.count("与本机相同") == len(seeds) and "新建 0 份" in text


def test_pack_into_a_folder_names_the_package(tmp_path, capsys, home, seeds):
    data, ids = home
    stick = tmp_path / "stick"
    stick.mkdir()
    code, text, err = run(capsys, "pack", ids["000"], stick, "--data-dir", data)
    assert code == 0, err
    [made] = list(stick.iterdir())
    r = seeds["000"]
    assert made.suffix == ".jxpkg" and made.name.startswith(f"{r.unit.name}{r.year}年度")


def test_changed_elsewhere_then_brought_back(tmp_path, capsys, home, seeds):
    data, ids = home
    pkg = tmp_path / "a.jxpkg"
    assert run(capsys, "pack", ids["000"], ids["001"], pkg, "--data-dir", data)[0] == 0
    other = tmp_path / "office"
    assert run(capsys, "unpack", pkg, "--data-dir", other)[0] == 0
    with Storage.open(other) as s:
        first = min(d.id for d in s.list())
        s.save(first, replace(s.get(first), title="改过的标题"))
    back = tmp_path / "b.jxpkg"
    with Storage.open(other) as s:
        both = sorted(d.id for d in s.list())
    assert run(capsys, "pack", *both, back, "--data-dir", other)[0] == 0
    before = _db_state(data)
    code, text, _ = run(capsys, "unpack", back, "--dry-run", "--data-dir", data)
    assert code == 0 and "数据包中的较新" in text and "与本机相同" in text and "没有做任何改动" in text
    assert _db_state(data) == before
    # without a choice the newer one is skipped and listed — never overwritten
    code, text, _ = run(capsys, "unpack", back, "--data-dir", data)
    assert code == 0 and "未加选择，已跳过" in text
    assert _db_state(data)[1] == before[1]
    code, text, _ = run(capsys, "unpack", back, "--replace", "--data-dir", data)
    assert code == 0 and "替换 1 份" in text and "历史版本" in text
    with Storage.open(data) as s:
        assert s.get(ids["000"]).title == "改过的标题"
        assert s.snapshots(ids["000"])  # the replaced content can be restored


def test_diverged_keep_both(tmp_path, capsys, home):
    data, ids = home
    pkg = tmp_path / "a.jxpkg"
    assert run(capsys, "pack", ids["002"], pkg, "--data-dir", data)[0] == 0
    other = tmp_path / "office"
    assert run(capsys, "unpack", pkg, "--data-dir", other)[0] == 0
    with Storage.open(other) as s:
        [d] = s.list()
        s.save(d.id, replace(s.get(d.id), title="那边改的"))
        other_id = d.id
    with Storage.open(data) as s:
        s.save(ids["002"], replace(s.get(ids["002"]), title="这边改的"))
    back = tmp_path / "b.jxpkg"
    assert run(capsys, "pack", other_id, back, "--data-dir", other)[0] == 0
    code, text, _ = run(capsys, "unpack", back, "--keep-both", "--data-dir", data)
    assert code == 0 and "两边都有修改" in text and "新建 1 份" in text
    with Storage.open(data) as s:
        titles = {d.title for d in s.list()}
    assert "这边改的" in titles and any(t.startswith("那边改的") for t in titles)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.jxpkg")), ids=lambda p: p.name)
def test_bad_packages_exit_2_and_change_nothing(tmp_path, capsys, home, path):
    data, _ = home
    before = _db_state(data)
    code, out, err = run(capsys, "unpack", path, "--replace", "--data-dir", data)
    assert code == 2 and path.stem.split("-")[0] in err and "没有做任何改动" in err
    assert _db_state(data) == before


def test_a_package_whose_report_fails_the_gate_is_refused(tmp_path, capsys, home):
    data, _ = home
    bad = b'{"format": "jixiao-report", "schema_version": 1, "kind": "nonsense", "year": 1e999}'
    files = {"reports/0001.json": bad}
    p = tmp_path / "g.jxpkg"
    import json
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("manifest.json", json.dumps({
            "format": "jixiao-package", "schema_version": 1, "kind": "reports", "unit": "x",
            "reports": [{"file": "reports/0001.json", "uid": "u1", "history": [], "digest": "",
                         "year": 1, "unit": "", "kind": "", "title": ""}],
            "files": {k: {"sha256": hashlib.sha256(v).hexdigest(), "size": len(v)} for k, v in files.items()}}))
        zf.writestr("reports/0001.json", bad)
    before = _db_state(data)
    code, _, err = run(capsys, "unpack", p, "--data-dir", data)
    assert code == 2 and "PACKAGE_REPORT" in err and _db_state(data) == before


def test_verify(tmp_path, capsys, home, seeds):
    data, ids = home
    pkg = tmp_path / "v.jxpkg"
    assert run(capsys, "pack", ids["003"], ids["004"], pkg, "--data-dir", data)[0] == 0
    digest = report_digest(seeds["004"])
    code, out, _ = run(capsys, "verify", pkg)
    assert code == 0 and digest in out and report_digest(seeds["003"]) in out
    typed = digest.lower().replace("-", " ").replace("0", "o")
    code, out, _ = run(capsys, "verify", pkg, typed)
    assert code == 0 and "一致" in out and "不一致" not in out
    code, out, _ = run(capsys, "verify", pkg, report_digest(seeds["000"]))
    assert code == 1 and "不一致" in out
    code, out, _ = run(capsys, "verify", ROOT / "tests/fixtures/seeds/seed004.json", digest)
    assert code == 0 and "一致" in out
    code, _, err = run(capsys, "verify", pkg, "ABC")
    assert code == 2 and "不是摘要" in err
    code, _, err = run(capsys, "verify", FIXTURES / "PACKAGE_CHECKSUM-tampered.jxpkg")
    assert code == 2 and "PACKAGE_CHECKSUM" in err


def test_pack_bad_arguments(tmp_path, capsys, home):
    data, ids = home
    assert run(capsys, "pack", tmp_path / "x.jxpkg", "--data-dir", data)[0] == 2
    code, _, err = run(capsys, "pack", ids["000"], tmp_path / "x.zip", "--data-dir", data)
    assert code == 2 and ".jxpkg" in err
    code, _, err = run(capsys, "pack", "abc", tmp_path / "x.jxpkg", "--data-dir", data)
    assert code == 2 and "草稿编号" in err
    code, _, err = run(capsys, "pack", 9999, tmp_path / "x.jxpkg", "--data-dir", data)
    assert code == 2 and not (tmp_path / "x.jxpkg").exists()
    code, _, err = run(capsys, "pack", ids["000"], tmp_path / "no-such-folder" / "x.jxpkg", "--data-dir", data)
    assert code == 2 and "错误" in err and "Errno" not in err


def test_writing_commands_refuse_while_the_app_holds_the_folder(tmp_path, capsys, home):
    data, ids = home
    pkg = tmp_path / "a.jxpkg"
    assert run(capsys, "pack", ids["000"], pkg, "--data-dir", data)[0] == 0
    other = tmp_path / "office"
    Storage.open(other).close()
    with app_holding(other):
        before = _db_state(other)
        code, _, err = run(capsys, "unpack", pkg, "--data-dir", other)
        assert code == 2 and "关闭" in err
        code, _, err = run(capsys, "pack", ids["000"], tmp_path / "b.jxpkg", "--data-dir", other)
        assert code == 2 and not (tmp_path / "b.jxpkg").exists()
        code, _, err = run(capsys, "import-json", SEEDS / "seed001.json", "--data-dir", other)
        assert code == 2 and "关闭" in err
        code, out, _ = run(capsys, "unpack", pkg, "--dry-run", "--data-dir", other)
        assert code == 0 and "新报告" in out  # a preview writes nothing: allowed
        assert _db_state(other) == before


def test_pack_with_exports_carries_word_and_pdf(tmp_path, capsys, home):
    data, ids = home
    pkg = tmp_path / "e.jxpkg"
    code, out, err = run(capsys, "pack", ids["004"], pkg, "--with-exports", "--data-dir", data)
    assert code == 0, err
    with zipfile.ZipFile(pkg) as zf:
        names = zf.namelist()
        assert names == ["manifest.json", "reports/0001.json", "exports/0001.docx", "exports/0001.pdf"]
        assert zf.read("exports/0001.pdf").startswith(b"%PDF")
    code, out, _ = run(capsys, "unpack", pkg, "--dry-run", "--data-dir", data)
    assert code == 0 and "与本机相同" in out and "打包于" in out


def test_help_lists_the_package_commands(capsys):
    with pytest.raises(SystemExit) as e:
        main(["-h"])
    out = capsys.readouterr().out
    assert e.value.code == 0 and all(c in out for c in ("pack", "unpack", "verify", "摘要不一致"))
    with pytest.raises(SystemExit):
        main(["unpack", "-h"])
    out = capsys.readouterr().out
    assert all(o in out for o in ("--dry-run", "--replace", "--keep-both", "--skip-existing", "绝不悄悄覆盖"))
