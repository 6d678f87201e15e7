"""core/ never imports Qt: importing every core module loads no PySide6 and no desktop module."""
import subprocess
import sys

from conftest import ROOT


def test_importing_core_loads_no_qt():
    code = (
        "import pkgutil, importlib, sys, core\n"
        "for m in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('core.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'desktop'))\n"
        "print(len([n for n in sys.modules if n.startswith('core.')]), bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    count, bad = out.stdout.split(" ", 1)
    assert int(count) >= 10  # every core module was imported
    assert bad.strip() == "[]"


def test_command_line_runs_without_loading_qt():
    code = ("import sys\nfrom desktop.main import main\nmain(['templates'])\n"
            "assert 'PySide6' not in sys.modules, 'Qt loaded by the command line'\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)


def test_a_command_after_the_data_folder_option_is_still_a_command(tmp_path):
    # "jixiao --data-dir D list" must list D's drafts, not try to open the window
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # no display: the window would exit 2
    for argv in (["--data-dir", str(tmp_path / "d"), "list"], [f"--data-dir={tmp_path / 'd'}", "list"]):
        done = subprocess.run([sys.executable, "-m", "desktop.main", *argv], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "图形界面" not in done.stderr and "没有草稿" in done.stdout + done.stderr
