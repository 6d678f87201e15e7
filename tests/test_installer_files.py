"""The installer recipes that cannot be run here (Inno Setup on Windows) or need no build: read and checked."""
from __future__ import annotations

import configparser
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path, PureWindowsPath

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
sys.path.insert(0, str(INSTALLER))

import package_linux  # noqa: E402


def _iss() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in (INSTALLER / "jixiao.iss").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            current = m.group(1)
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def _setup() -> dict[str, str]:
    return dict(line.split("=", 1) for line in _iss()["Setup"])


def test_windows_installer_is_per_user_with_start_menu_desktop_shortcut_and_association():
    setup, iss = _setup(), _iss()
    assert setup["PrivilegesRequired"] == "lowest" and "PrivilegesRequiredOverridesAllowed" not in setup
    assert setup["ChangesAssociations"] == "yes"
    icons = " ".join(iss["Icons"])
    assert "{autoprograms}" in icons and "{autodesktop}" in icons
    tasks = " ".join(iss["Tasks"])
    assert "desktopicon" in tasks and "unchecked" not in tasks  # the desktop shortcut is on by default
    registry = iss["Registry"]
    assert all(line.startswith("Root: HKA;") for line in registry)  # HKCU for a per-user install
    assert any(r'Subkey: "Software\Classes\.jxpkg"' in line and '"Jixiao.Package"' in line for line in registry)
    assert any(r"Jixiao.Package\shell\open\command" in line for line in registry)


def test_uninstall_keeps_the_data_folder():
    """The program goes to %LOCALAPPDATA%\\Programs\\jixiao; the data folder is %LOCALAPPDATA%\\jixiao."""
    from core.paths import APP_NAME

    setup, iss = _setup(), _iss()
    program = PureWindowsPath(setup["DefaultDirName"].replace("{autopf}", r"C:\Users\u\AppData\Local\Programs"))
    data = PureWindowsPath(r"C:\Users\u\AppData\Local") / APP_NAME
    assert program != data and data not in program.parents and program not in data.parents
    assert setup["DisableDirPage"] == "yes"  # nobody picks the data folder as the program folder
    deleted = " ".join(iss.get("UninstallDelete", []) + iss.get("InstallDelete", []))
    assert "localappdata" not in deleted.lower() and "{userappdata}" not in deleted.lower()
    assert re.findall(r'Name: "([^"]+)"', deleted) == ["{app}"]


def test_desktop_entry_and_mime_type_agree():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(INSTALLER / "linux" / "jixiao.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Terminal"] == "false"
    assert desktop["Exec"].split()[0] == "/opt/jixiao/jixiao" and desktop["Icon"] == "jixiao"
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(INSTALLER / "linux" / "jixiao-mime.xml").getroot().find("m:mime-type", ns)
    assert desktop["MimeType"].rstrip(";") == mime.get("type")
    assert mime.find("m:glob", ns).get("pattern") == "*.jxpkg"


@pytest.mark.parametrize("soname, package", [
    ("libc.so.6", "libc6"), ("libm.so.6", "libc6"), ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"), ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libGL.so.1", "libgl1"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
])
def test_system_libraries_map_to_debian_packages(soname, package):
    assert package_linux.package_of(soname) == package


def test_an_unknown_library_stops_the_package_build_in_chinese(monkeypatch):
    class Done:
        stdout = ""

    monkeypatch.setattr(package_linux.subprocess, "run", lambda *a, **k: Done())
    with pytest.raises(SystemExit, match="无法确定系统库 libnothing.so.9 属于哪个软件包"):
        package_linux.package_of("libnothing.so.9")


def test_depends_lists_what_the_bundle_links_but_does_not_carry(tmp_path, monkeypatch):
    bundle = tmp_path / "jixiao"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "libQt6Core.so.6").write_bytes(b"\x7fELF carried")
    (bundle / "jixiao").write_bytes(b"\x7fELF main")
    links = {"jixiao": ["libc.so.6", "libQt6Core.so.6"], "libQt6Core.so.6": ["libxcb-icccm.so.4", "libGL.so.1"]}
    monkeypatch.setattr(package_linux, "needed", lambda path: links[path.name])
    monkeypatch.setattr(package_linux, "glibc_version", lambda: "2.36")
    assert package_linux.system_libraries(bundle) == {"libc.so.6", "libxcb-icccm.so.4", "libGL.so.1"}
    assert package_linux.depends(bundle) == "libc6 (>= 2.36), fontconfig, libgl1, libxcb-icccm4"


def test_build_scripts_use_the_one_spec():
    for script in ("build.sh", "build.ps1"):
        text = (INSTALLER / script).read_text(encoding="utf-8")
        assert "installer/jixiao.spec" in text.replace("\\", "/") and "--noconfirm" in text
    spec = (INSTALLER / "jixiao.spec").read_text(encoding="utf-8")
    assert "exclude_binaries=True" in spec and "COLLECT(" in spec  # one folder, never one file
