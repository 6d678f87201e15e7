"""The bundle as a clerk gets it: built by installer/build.sh, run with a clean environment.

The build (PyInstaller one-folder, then the .deb and the .tar.gz) takes one to two minutes on a
2-core machine, so it runs once per test session into ``.venv/bundle-cache/<hash>/``, keyed by a
hash of everything that goes into it (code, resources, installer files, the installed packages'
versions, Python's): an unchanged checkout reuses it, any change rebuilds. PyInstaller is in the
``test`` extra, so a missing PyInstaller is a failure here, not a skip.

The bundled program runs under ``env -i`` (no virtualenv, no PYTHONPATH, a fresh HOME), in a
network namespace of its own where ``unshare -n`` works (as root; elsewhere with the network).
"""
from __future__ import annotations

import configparser
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".venv" / "bundle-cache"
SEED = ROOT / "tests" / "fixtures" / "seeds" / "seed004.json"
INPUTS = ("core", "desktop", "resources", "installer", "pyproject.toml", "tests/fixtures/seeds/seed004.json")
FALLBACK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _inputs_hash() -> str:
    h = hashlib.sha256()
    for name in INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for f in files:
            if "__pycache__" in f.parts or f.suffix == ".pyc":
                continue
            h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes() + b"\0")
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    h.update("\n".join(dists).encode() + sys.version.encode())
    h.update(str(FALLBACK_FONT.is_file()).encode())
    return h.hexdigest()[:16]


@pytest.fixture(scope="session")
def built() -> Path:
    """DIST folder holding jixiao/ (the bundle), the .deb and the .tar.gz."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller 未安装：README 的测试命令（sh scripts/setup.sh）会安装它，"
                    "打包测试不能跳过")
    where = CACHE / _inputs_hash()
    dist = where / "dist"
    if not (where / "complete").is_file():
        if CACHE.is_dir():  # one cached build at a time: they are 300 MB each
            for old in CACHE.iterdir():
                shutil.rmtree(old, ignore_errors=True)
        where.mkdir(parents=True)
        env = dict(os.environ, PYTHON=sys.executable, DIST=str(dist), WORK=str(where / "work"),
                   JIXIAO_SKIP_SMOKE="1")
        done = subprocess.run(["sh", str(ROOT / "installer" / "build.sh")], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, f"installer/build.sh 失败：\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
        shutil.rmtree(where / "work", ignore_errors=True)
        (where / "complete").write_text(done.stdout, encoding="utf-8")
    return dist


def _version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def _clean_run(args: list[str], home: Path, *, display: bool = True, cwd: Path | None = None,
               timeout: int = 300, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """``env -i HOME=… [QT_QPA_PLATFORM=offscreen] ARGS``, without network where we can."""
    home.mkdir(parents=True, exist_ok=True)
    env = ["env", "-i", f"HOME={home}", *extra] + (["QT_QPA_PLATFORM=offscreen"] if display else [])
    prefix = ["unshare", "-n"] if _can_unshare() else []
    return subprocess.run(prefix + env + args, capture_output=True, text=True, timeout=timeout,
                          cwd=cwd or home)


_UNSHARE: list[bool] = []


def _can_unshare() -> bool:
    if not _UNSHARE:
        try:
            ok = shutil.which("unshare") is not None and subprocess.run(
                ["unshare", "-n", "true"], capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
        _UNSHARE.append(ok)
    return _UNSHARE[0]


def test_bundled_smoke_test_passes_in_a_clean_environment(built, tmp_path):
    out = tmp_path / "smoke"
    done = _clean_run([str(built / "jixiao" / "jixiao"), "--smoke-test", str(out)], tmp_path / "home")
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines[-1] == "SMOKE OK", done.stdout + done.stderr
    assert len([line for line in lines if "：通过" in line]) == 7
    pages = sorted(p.name for p in out.glob("*.png"))
    assert pages[0] == "00-草稿列表.png" and len(pages) == 6, pages
    unit = json.loads(SEED.read_text(encoding="utf-8"))["unit"]["name"]

    from docx import Document

    doc = Document(str(out / "冒烟测试.docx"))  # the bundle's python-docx wrote it from its own templates
    text = "\n".join(p.text for p in doc.paragraphs)
    assert unit in text and "绩效" in text
    assert doc.sections[0].footer.is_linked_to_previous is False  # the footer part from docx/templates

    pdf = out / "冒烟测试.pdf"
    pdf_text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    assert unit in re.sub(r"\s+", "", pdf_text)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts  # every font embedded


def test_on_a_machine_without_any_font_the_bundled_one_makes_the_pdf(built, tmp_path):
    """UOS/Kylin with only OpenType CJK look, to the PDF exporter, like a machine with no font at all."""
    conf = tmp_path / "fonts.conf"  # fontconfig sees no font folder
    conf.write_text('<?xml version="1.0"?><fontconfig><dir>/nonexistent-fonts</dir>'
                    f'<cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>', encoding="utf-8")
    out = tmp_path / "smoke"
    done = _clean_run([str(built / "jixiao" / "jixiao"), "--smoke-test", str(out)], tmp_path / "home",
                      extra=(f"FONTCONFIG_FILE={conf}",))
    assert done.returncode == 0 and done.stdout.strip().endswith("SMOKE OK"), done.stdout + done.stderr
    fonts = subprocess.run(["pdffonts", str(out / "冒烟测试.pdf")], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all("WenQuanYiMicroHei" in row and " yes " in row for row in fonts), fonts
    text = subprocess.run(["pdftotext", str(out / "冒烟测试.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "161.4" in text or "161.40" in text  # numbers too: the fallback face has digits


def test_bundled_export_command_writes_word_and_pdf(built, tmp_path):
    """The command-line export of the bundle (python-docx's header/footer templates, the PDF fonts)."""
    done = _clean_run([str(built / "jixiao" / "jixiao"), "export", str(SEED), "--docx", "r.docx",
                       "--pdf", "r.pdf"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "r.docx").stat().st_size > 10_000 and (tmp_path / "r.pdf").stat().st_size > 10_000


def test_bundle_version_is_the_projects(built, tmp_path):
    done = _clean_run([str(built / "jixiao" / "jixiao"), "--version"], tmp_path)
    assert done.returncode == 0 and done.stdout.split()[-1] == _version(), done.stdout + done.stderr


def test_bundle_without_a_display_says_so_in_chinese_and_exits_2(built, tmp_path):
    done = _clean_run([str(built / "jixiao" / "jixiao")], tmp_path / "home", display=False, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "图形界面" in done.stderr and "qt.qpa" not in done.stderr and "Aborted" not in done.stderr


def test_bundle_carries_what_it_reads_and_not_what_it_never_loads(built):
    internal = built / "jixiao" / "_internal"
    assert (internal / "docx" / "templates" / "default-footer.xml").is_file()
    assert (internal / "docx" / "parts").is_dir()  # docx/parts/../templates must resolve
    assert sorted(p.name for p in (internal / "resources" / "templates").glob("*.json")) == \
        sorted(p.name for p in (ROOT / "resources" / "templates").glob("*.json"))
    assert (internal / "resources" / "VERSION").read_text(encoding="utf-8").strip() == _version()
    assert (internal / "smoke" / "seed004.json").is_file()
    names = [p.relative_to(internal).as_posix() for p in internal.rglob("*")]
    for never in ("Qt6Network", "Qt6Qml", "Qt6Quick", "QtNetwork", "QtQml", "QtQuick",
                  "plugins/tls/", "plugins/networkinformation/", "libqgtk3", "libgtk-3"):
        assert not [n for n in names if never in n], never
    translations = [n for n in names if n.endswith(".qm")]
    assert translations == ["PySide6/Qt/translations/qtbase_zh_CN.qm"], translations
    for needed in ("PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
                   "PySide6/Qt/plugins/platforms/libqwayland.so", "PySide6/Qt/lib/libQt6XcbQpa.so.6"):
        assert needed in names, needed
    if FALLBACK_FONT.is_file():
        fonts = internal / "resources" / "fonts"
        assert (fonts / FALLBACK_FONT.name).is_file()
        assert (fonts / f"{FALLBACK_FONT.name}.LICENSE.txt").is_file()


def _deb(built: Path) -> Path:
    debs = list(built.glob("jixiao_*.deb"))
    assert len(debs) == 1, debs
    return debs[0]


def test_deb_installs_under_opt_with_menu_entry_icon_mime_type_and_dependencies(built, tmp_path):
    deb = _deb(built)
    info = subprocess.run(["dpkg-deb", "--info", str(deb)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^ Package: jixiao$", info, re.M) and f" Version: {_version()}\n" in info
    depends = re.search(r"^ Depends: (.*)$", info, re.M).group(1)
    assert re.search(r"libc6 \(>= 2\.\d+\)", depends) and "libxcb1" in depends and "fontconfig" in depends
    contents = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True,
                              check=True).stdout
    for path in ("./opt/jixiao/jixiao", "./usr/share/applications/jixiao.desktop",
                 "./usr/share/icons/hicolor/256x256/apps/jixiao.png", "./usr/share/mime/packages/jixiao.xml",
                 "./usr/bin/jixiao -> /opt/jixiao/jixiao",
                 "./opt/jixiao/_internal/docx/templates/default-header.xml"):
        assert path in contents, path
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(root / "usr/share/applications/jixiao.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"].split()[0] == "/opt/jixiao/jixiao" and desktop["Icon"] == "jixiao"
    assert desktop["Name"] == "绩效自评助手"
    mime = (root / "usr/share/mime/packages/jixiao.xml").read_text(encoding="utf-8")
    assert 'glob pattern="*.jxpkg"' in mime and desktop["MimeType"].rstrip(";") in mime
    done = _clean_run([str(root / "opt/jixiao/jixiao"), "--version"], tmp_path)  # the unpacked copy runs
    assert done.returncode == 0 and _version() in done.stdout


def test_tar_holds_the_same_folder(built):
    tars = list(built.glob("jixiao-*-linux-*.tar.gz"))
    assert len(tars) == 1, tars
    with tarfile.open(tars[0]) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert members["jixiao/jixiao"].mode & 0o111 and "jixiao/使用说明.txt" in members
    bundle = built / "jixiao"
    on_disk = {"jixiao/" + p.relative_to(bundle).as_posix() for p in bundle.rglob("*")}
    assert on_disk <= set(members)
