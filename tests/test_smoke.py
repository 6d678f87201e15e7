"""``jixiao --smoke-test`` and ``jixiao --version`` from the checkout (the bundle: test_bundle.py)."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from desktop import smoke

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_smoke_test_passes_and_keeps_what_it_wrote(tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"))
    env.pop("JIXIAO_DATA_DIR", None)
    done = subprocess.run([sys.executable, "-c", "import sys; from desktop.main import main; sys.exit(main())",
                           "--smoke-test", str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines[-1] == "SMOKE OK", done.stdout + done.stderr
    assert [line.split("]")[0] for line in lines[:-1]] == [f"[{n}/7" for n in range(1, 8)]
    assert len(list(out.glob("*.png"))) == 6
    assert (out / "冒烟测试结果.txt").read_text(encoding="utf-8") == done.stdout  # for a GUI exe without console
    assert (out / "冒烟测试.docx").stat().st_size > 0 and (out / "冒烟测试.pdf").stat().st_size > 0
    assert not (tmp_path / "home" / ".local" / "share" / "jixiao").exists()  # the clerk's folder untouched


def test_a_failed_step_is_one_chinese_line_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(smoke, "seed_path", lambda: tmp_path / "没有这个文件.json")
    out = io.StringIO()
    assert smoke.Smoke(tmp_path / "work", None, out=out).run() == 1
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("冒烟测试失败：第 3/7 步“导入示例报告”：无法读取示例报告 没有这个文件.json")
    assert "No such file" not in last and "Errno" not in last
    assert "SMOKE OK" not in out.getvalue()


def test_a_failed_check_inside_a_step_says_what_was_wrong(tmp_path, monkeypatch):
    from core import templates

    monkeypatch.setattr(templates, "list_templates", lambda directory=None: [])
    out = io.StringIO()
    assert smoke.Smoke(tmp_path / "work", None, out=out).run() == 1
    assert out.getvalue().strip().splitlines()[-1] == (
        "冒烟测试失败：第 2/7 步“从每个模板新建草稿”：没有找到任何报告模板（resources/templates 缺失）")


def test_smoke_test_usage(capsys):
    assert smoke.main(["--verbose"]) == 2
    assert "用法：jixiao --smoke-test" in capsys.readouterr().err


def test_version_is_pyprojects(capsys):
    from core.version import version, version_from_pyproject
    from desktop.main import main

    assert version() == _pyproject_version()
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"绩效自评助手 jixiao {_pyproject_version()}"


def test_version_reads_only_the_project_table(tmp_path):
    from core.version import version_from_pyproject

    p = tmp_path / "pyproject.toml"
    p.write_text('[tool.other]\nversion = "9.9"\n\n[project]\nname = "jixiao"\nversion = "1.2.3"\n'
                 '\n[tool.x]\nversion = "0"\n', encoding="utf-8")
    assert version_from_pyproject(p) == "1.2.3"
    assert version_from_pyproject(tmp_path / "missing.toml") is None
