"""Package the one-folder bundle for UOS/Kylin/Debian: a .deb (dpkg-deb only) and a .tar.gz.

``python installer/package_linux.py DIST_DIR VERSION`` — DIST_DIR holds the bundle folder
``jixiao/`` (PyInstaller's output); writes ``DIST_DIR/jixiao_VERSION_ARCH.deb`` and
``DIST_DIR/jixiao-VERSION-linux-ARCH.tar.gz`` and prints their paths.

The .deb installs the bundle under /opt/jixiao, ``/usr/bin/jixiao`` (a link, for the command line),
the menu entry, the icon and the ``.jxpkg`` MIME type. ``Depends:`` is computed, not guessed: every
library an ELF file of the bundle links (``objdump -p`` NEEDED) that the bundle does not carry
itself is looked up with ``dpkg -S`` (a table of sonames covers libraries the build machine
lacks), so the package asks exactly for what the bundled Qt and Python need from the system —
glibc at least the build machine's (the bundle does not run on an older one).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# sonames the bundled Qt links that a build machine may not have installed (so dpkg -S cannot say)
KNOWN = {
    "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0", "libxcb.so.1": "libxcb1", "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1", "libOpenGL.so.0": "libopengl0", "libGLX.so.0": "libglx0",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3", "libglib-2.0.so.0": "libglib2.0-0",
    "libwayland-client.so.0": "libwayland-client0", "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1", "libX11.so.6": "libx11-6", "libX11-xcb.so.1": "libx11-xcb1",
}
GLIBC = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libutil.so.1",
         "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libresolv.so.2", "libmvec.so.1"}
RECOMMENDS = "fonts-wqy-zenhei | fonts-wqy-microhei | fonts-arphic-uming"


def elf_files(folder: Path) -> list[Path]:
    out = []
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            with p.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    out.append(p)
    return out


def needed(path: Path) -> list[str]:
    text = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=False).stdout
    return re.findall(r"^\s*NEEDED\s+(\S+)", text, re.M)


def system_libraries(bundle: Path) -> set[str]:
    """Sonames the bundle's binaries link and the bundle does not carry."""
    carried = {p.name for p in bundle.rglob("*")}
    wanted: set[str] = set()
    for f in elf_files(bundle):
        wanted.update(needed(f))
    return {n for n in wanted if n not in carried}


def package_of(soname: str) -> str:
    if soname in GLIBC:
        return "libc6"
    if soname in KNOWN:
        return KNOWN[soname]
    found = subprocess.run(["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True, check=False).stdout
    for line in found.splitlines():
        pkg = line.split(":", 1)[0].strip()
        if pkg and "," not in pkg:
            return pkg
    raise SystemExit(f"无法确定系统库 {soname} 属于哪个软件包：请在 installer/package_linux.py 的 KNOWN 表中补上")


def glibc_version() -> str:
    out = subprocess.run(["ldd", "--version"], capture_output=True, text=True, check=False).stdout
    m = re.search(r"(\d+\.\d+)\s*$", out.splitlines()[0] if out else "")
    return m.group(1) if m else "2.28"


def depends(bundle: Path) -> str:
    pkgs = sorted({package_of(n) for n in system_libraries(bundle)} - {"libc6"})
    # fontconfig: the bundled libfontconfig reads the system's /etc/fonts to find any font at all
    return ", ".join([f"libc6 (>= {glibc_version()})", *sorted(set(pkgs) | {"fontconfig"})])


def arch() -> str:
    try:
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)


def _copy(src: Path, dst: Path, mode: int = 0o644) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    dst.chmod(mode)


def build_deb(bundle: Path, version: str, out_dir: Path) -> Path:
    a = arch()
    with tempfile.TemporaryDirectory(prefix="jixiao-deb-") as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(bundle, root / "opt" / "jixiao", symlinks=True)
        (root / "usr" / "bin").mkdir(parents=True)
        (root / "usr" / "bin" / "jixiao").symlink_to("/opt/jixiao/jixiao")
        _copy(HERE / "linux" / "jixiao.desktop", root / "usr/share/applications/jixiao.desktop")
        _copy(ROOT / "resources" / "icons" / "jixiao.png", root / "usr/share/icons/hicolor/256x256/apps/jixiao.png")
        _copy(HERE / "linux" / "jixiao-mime.xml", root / "usr/share/mime/packages/jixiao.xml")
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
        control = (
            "Package: jixiao\n"
            f"Version: {version}\n"
            f"Architecture: {a}\n"
            "Maintainer: 绩效自评助手 <jixiao@localhost>\n"
            f"Installed-Size: {size}\n"
            f"Depends: {depends(bundle)}\n"
            f"Recommends: {RECOMMENDS}\n"
            "Section: misc\n"
            "Priority: optional\n"
            "Description: 绩效自评助手：预算绩效自评报告的填写、评分、审核与导出\n"
            " 离线桌面软件。向导式填写预算绩效自评报告，逐字自动保存；按省级规则评分、\n"
            " 按财政部门的方式审核，导出 Word 与 PDF。数据保存在用户目录\n"
            " ~/.local/share/jixiao，卸载软件不会删除。\n"
        )
        debian = root / "DEBIAN"
        debian.mkdir()
        (debian / "control").write_text(control, encoding="utf-8")
        _copy(HERE / "linux" / "postinst", debian / "postinst", 0o755)
        _copy(HERE / "linux" / "postrm", debian / "postrm", 0o755)
        for p in root.rglob("*"):  # root-owned, world-readable, executables stay executable
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o755)
        out = out_dir / f"jixiao_{version}_{a}.deb"
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(root), str(out)],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def build_tar(bundle: Path, version: str, out_dir: Path) -> Path:
    out = out_dir / f"jixiao-{version}-linux-{arch()}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        def owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            return info
        tar.add(bundle, arcname="jixiao", filter=owner)
        readme = HERE / "linux" / "README-tar.txt"
        tar.add(readme, arcname="jixiao/使用说明.txt", filter=owner)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("用法：python installer/package_linux.py DIST_DIR VERSION", file=sys.stderr)
        return 2
    dist, version = Path(argv[0]), argv[1]
    bundle = dist / "jixiao"
    if not (bundle / "jixiao").is_file():
        print(f"找不到打包好的程序 {bundle / 'jixiao'}：请先运行 sh installer/build.sh", file=sys.stderr)
        return 2
    for p in (build_deb(bundle, version, dist), build_tar(bundle, version, dist)):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
