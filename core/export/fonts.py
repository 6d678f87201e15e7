"""Finding Chinese TrueType fonts on this computer for the PDF exporter (no Qt).

A signed PDF must look the same in every viewer and on every printer, so every font in it is
embedded (reportlab subsets TrueType fonts into the file). Only TrueType outlines work:
reportlab cannot read PostScript/CFF outlines, so Noto Sans CJK, 思源 and many 方正 ``.otf``
files are skipped (registering them raises ``TTFError``, which we catch).

Roles and what we look for, best first (``ROLES``):

- body (正文, 3号): 仿宋_GB2312, 仿宋/FangSong, 华文仿宋; else a 宋体-like face (宋体/SimSun,
  AR PL UMing), else any CJK face (WenQuanYi Zen Hei, 微软雅黑, Droid Sans Fallback);
- heading (一级标题, 表题, 表头): 黑体/SimHei; else WenQuanYi Zen Hei, 微软雅黑; else the body font;
- kai (二级标题): 楷体_GB2312, 楷体/KaiTi, AR PL UKai; else the heading font;
- title (2号 标题): 方正小标宋简体 when installed; else the heading font;
- song (页码 digits): 宋体/SimSun; else the body font.

Where fonts come from (``system_candidates``):

- Windows: ``%WINDIR%\\Fonts`` and ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts`` for the stock
  files (simfang.ttf, simsun.ttc index 0, simhei.ttf, simkai.ttf, msyh.ttc), plus both
  registry keys (HKLM and HKCU ``…\\Windows NT\\CurrentVersion\\Fonts``) matched on the value
  name, which is how 仿宋_GB2312, 楷体_GB2312 and 方正小标宋简体 are found whatever their file
  is called.
- The bundle: ``resources/fonts`` (Linux bundles carry WenQuanYi Micro Hei, Apache-2.0), after
  the system's fonts, so it is used only where the system has no usable CJK TrueType face.
- Linux (Debian, UOS, Kylin): ``fc-list :lang=zh`` as the pool, plus ``fc-match`` for each
  wanted family; fc-match always answers something (仿宋 → DejaVuSans.ttf), so a result is
  kept only when its family really is the one asked for and its format is TrueType.

Fallback policy: when no CJK TrueType face can be registered, ``require_cjk_fonts`` raises
``ExportError`` with a Chinese message naming what to install. We never fall back to
reportlab's built-in ``STSong-Light`` CID font: it is not embedded, so the viewer substitutes
whatever it has and a signed or archived copy would not show what was signed.

Tests inject the search: ``find_cjk_fonts([FontCandidate(...), ...])`` (``[]`` = no fonts).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from core.export.output import ExportError


@dataclass(frozen=True, slots=True)
class FontCandidate:
    """One face in one font file: ``families`` as the system names it (any language)."""

    families: tuple[str, ...]
    path: str
    index: int = 0
    format: str = "TrueType"


@dataclass(frozen=True, slots=True)
class FontSet:
    """reportlab font names, registered and ready, one per role."""

    body: str
    heading: str
    kai: str
    title: str
    song: str
    sources: tuple[tuple[str, str], ...] = ()  # (role, "family — file#index") for messages/logs
    files: tuple[tuple[str, str, int], ...] = ()  # (role, path, subfont index)

    def file(self, role: str) -> tuple[str, int] | None:
        return next(((path, index) for r, path, index in self.files if r == role), None)


# Wanted family names per role, best first. A name ending in "*" matches as a prefix.
_FANG = ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "华文仿宋", "STFangsong", "方正仿宋*",
         "FZFangSong*")
_SONG = ("宋体", "SimSun", "AR PL UMing CN", "AR PL UMing*", "AR PL SungtiL GB", "华文宋体", "STSong")
_HEI = ("黑体", "SimHei", "华文黑体", "STHeiti", "方正黑体*", "WenQuanYi Zen Hei", "文泉驿正黑",
        "WenQuanYi Micro Hei", "文泉驿微米黑", "微软雅黑", "Microsoft YaHei")
_ANY = ("WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "微软雅黑", "Microsoft YaHei", "Droid Sans Fallback",
        "AR PL UKai CN")
ROLES: dict[str, tuple[str, ...]] = {
    "body": _FANG + _SONG + _ANY,
    "heading": _HEI,
    "kai": ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "华文楷体", "STKaiti", "方正楷体*", "AR PL UKai CN",
            "AR PL UKai*"),
    "title": ("方正小标宋简体", "方正小标宋_GBK", "方正小标宋*", "FZXiaoBiaoSong*", "小标宋*"),
    "song": ("宋体", "SimSun"),
}
_FALLS_BACK_TO = {"heading": "body", "kai": "heading", "title": "heading", "song": "body"}

_PROBE = "中文，。0123456789.%"  # a face must have these glyphs to be used (Droid Sans Fallback has no digits)


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]", "", name).casefold()


def _rank(cand: FontCandidate, wanted: Sequence[str]) -> int | None:
    """Position of the first wanted name this candidate carries (lower is better)."""
    fams = [_norm(f) for f in cand.families]
    for i, w in enumerate(wanted):
        if w.endswith("*"):
            p = _norm(w[:-1])
            if any(f.startswith(p) for f in fams):
                return i
        elif _norm(w) in fams:
            return i
    return None


def _is_truetype(cand: FontCandidate) -> bool:
    fmt = cand.format.replace(" ", "").casefold()
    return fmt in ("truetype", "") and not cand.path.lower().endswith(".otf")


# -- registering -----------------------------------------------------------------------------
_registered: dict[tuple[str, int], str | None] = {}


def _register(cand: FontCandidate) -> str | None:
    """Register the face with reportlab; its name, or None when it cannot be used."""
    key = (os.path.abspath(cand.path), cand.index)
    if key in _registered:
        return _registered[key]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    stem = re.sub(r"[^A-Za-z0-9]+", "", Path(cand.path).stem) or "cjk"
    name = f"JX-{stem}-{cand.index}"
    try:
        font = TTFont(name, cand.path, subfontIndex=cand.index)
        if not all(ord(ch) in font.face.charToGlyph for ch in _PROBE):
            raise TTFError("no CJK glyphs")
        pdfmetrics.registerFont(font)
    except (TTFError, OSError, ValueError, IndexError, KeyError, AssertionError):
        name = None  # CFF/OTF outlines, a bad index, a broken file, no Chinese glyphs
    _registered[key] = name
    return name


_system_fonts: FontSet | None = None  # the system's search, once per process (when it found a face)
_system_lock = threading.Lock()  # the start-up font check and an export may search at the same time


def find_cjk_fonts(candidates: Iterable[FontCandidate] | None = None) -> FontSet | None:
    """The best registered face per role, or None when no CJK TrueType face is usable.

    Without ``candidates`` the system is searched (fc-list/fc-match or the Windows font folders
    and registry) once per process: the answer is kept, so later exports run no subprocess and
    read no font file again. A search that found nothing is not kept: fonts installed while the
    program runs are found by the next export."""
    global _system_fonts
    if candidates is not None:
        return _choose(candidates)
    with _system_lock:
        if _system_fonts is None:
            _system_fonts = _choose(system_candidates())
        return _system_fonts


def _choose(candidates: Iterable[FontCandidate]) -> FontSet | None:
    pool = [c for c in candidates if _is_truetype(c)]
    chosen: dict[str, tuple[str, FontCandidate]] = {}
    for role, wanted in ROLES.items():
        ranked = sorted(((r, i, c) for i, c in enumerate(pool)
                         if (r := _rank(c, wanted)) is not None), key=lambda t: (t[0], t[1]))
        for _, _, cand in ranked:
            name = _register(cand)
            if name:
                chosen[role] = (name, cand)
                break
    if "body" not in chosen:
        if "heading" not in chosen:
            return None
        chosen["body"] = chosen["heading"]
    for role in ("heading", "kai", "title", "song"):
        if role not in chosen:
            chosen[role] = chosen[_FALLS_BACK_TO[role]]
    sources = tuple((role, f"{c.families[0]} — {c.path}#{c.index}") for role, (_, c) in chosen.items())
    files = tuple((role, c.path, c.index) for role, (_, c) in chosen.items())
    return FontSet(chosen["body"][0], chosen["heading"][0], chosen["kai"][0], chosen["title"][0],
                   chosen["song"][0], sources, files)


def missing_fonts_message(platform: str | None = None) -> str:
    platform = platform or sys.platform
    head = "未找到可用的中文 TrueType 字体，无法生成 PDF。"
    if platform.startswith("win"):
        return (head + "Windows 系统自带宋体、仿宋、黑体：请检查 C:\\Windows\\Fonts 文件夹中是否有 "
                "simsun.ttc、simfang.ttf、simhei.ttf，缺少时请从其他电脑复制并安装（右键 → 安装）。")
    return (head + "请安装中文字体后重试：sudo apt install fonts-wqy-zenhei（或 fonts-arphic-uming）。"
            "注意：Noto/思源等 OpenType（CFF）字体无法嵌入 PDF，不能代替。")


def require_cjk_fonts(candidates: Iterable[FontCandidate] | None = None) -> FontSet:
    """Like ``find_cjk_fonts`` but raises ``ExportError`` (Chinese) when there is none."""
    fonts = find_cjk_fonts(candidates)
    if fonts is None:
        raise ExportError(missing_fonts_message())
    return fonts


# -- the system's fonts ----------------------------------------------------------------------
def system_candidates() -> list[FontCandidate]:
    """The system's fonts, then the bundle's fallback (last: a system face of the same rank wins)."""
    found = windows_candidates() if sys.platform.startswith("win") else fontconfig_candidates()
    return found + bundled_candidates()


# The free TrueType fallback the Linux bundle carries in resources/fonts (installer/build.sh,
# installer/README.md "Fonts"); none in a checkout.
_BUNDLED_FAMILIES = {"wqy-microhei.ttc": ("WenQuanYi Micro Hei",)}


def bundled_candidates(folder: Path | None = None) -> list[FontCandidate]:
    from core.resources import resource_path

    folder = resource_path("fonts") if folder is None else folder
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".ttf", ".ttc"))
    except OSError:
        return []
    return [FontCandidate(_BUNDLED_FAMILIES.get(p.name, (p.stem,)), str(p)) for p in files]


def _wanted_names() -> list[str]:
    seen: list[str] = []
    for wanted in ROLES.values():
        seen += [w for w in wanted if not w.endswith("*") and w not in seen]
    return seen


def _run(args: list[str]) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


_FC_FORMAT = "%{file}|%{index}|%{fontformat}|%{family}\\n"


def _parse_fc(text: str) -> list[FontCandidate]:
    out = []
    for line in text.splitlines():
        parts = line.split("|", 3)
        if len(parts) != 4 or not parts[0]:
            continue
        try:
            index = int(parts[1] or 0)
        except ValueError:
            continue
        families = tuple(f.strip() for f in parts[3].split(",") if f.strip())
        out.append(FontCandidate(families, parts[0], index, parts[2]))
    return out


def fontconfig_candidates() -> list[FontCandidate]:
    """fc-list :lang=zh, plus fc-match per wanted family when the family really matches."""
    if not shutil.which("fc-list"):
        return []
    pool = _parse_fc(_run(["fc-list", "-f", _FC_FORMAT, ":lang=zh"]))
    known = {(c.path, c.index) for c in pool}
    if shutil.which("fc-match"):
        for name in _wanted_names():
            for cand in _parse_fc(_run(["fc-match", "-f", _FC_FORMAT, name])):
                if (cand.path, cand.index) not in known and _rank(cand, (name,)) is not None:
                    pool.append(cand)
                    known.add((cand.path, cand.index))
    return pool


# Stock Windows files: name → [(families, index)].
_WINDOWS_FILES = {
    "simfang.ttf": [(("仿宋", "FangSong"), 0)],
    "simsun.ttc": [(("宋体", "SimSun"), 0)],
    "simhei.ttf": [(("黑体", "SimHei"), 0)],
    "simkai.ttf": [(("楷体", "KaiTi"), 0)],
    "msyh.ttc": [(("微软雅黑", "Microsoft YaHei"), 0)],
    "msyh.ttf": [(("微软雅黑", "Microsoft YaHei"), 0)],
}
_REG_KEY = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts"


def _font_dirs() -> list[Path]:
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    if os.environ.get("LOCALAPPDATA"):
        dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def registry_candidates(entries: Iterable[tuple[str, str]], dirs: Sequence[Path]) -> list[FontCandidate]:
    """Candidates from registry (value name, data) pairs such as
    ("仿宋_GB2312 (TrueType)", "SIMFANG_GB2312.TTF") or ("SimSun & NSimSun (TrueType)", "simsun.ttc")."""
    wanted = tuple(w for names in ROLES.values() for w in names)
    out = []
    for value_name, data in entries:
        families = [f.strip() for f in re.sub(r"\s*\([^)]*\)\s*$", "", value_name).split("&") if f.strip()]
        if not data or not families:
            continue
        path = Path(data)
        if not path.is_absolute():
            path = next((d / data for d in dirs if (d / data).is_file()), dirs[0] / data if dirs else path)
        fmt = "CFF" if path.suffix.lower() == ".otf" else "TrueType"
        for index, fam in enumerate(families):
            cand = FontCandidate((fam,), str(path), index, fmt)
            if _rank(cand, wanted) is not None:
                out.append(cand)
    return out


def _registry_entries() -> list[tuple[str, str]]:
    try:
        import winreg  # type: ignore[import-not-found]
    except ImportError:
        return []
    out = []
    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(hive, _REG_KEY) as key:
                i = 0
                while True:
                    try:
                        name, data, _ = winreg.EnumValue(key, i)
                    except OSError:
                        break
                    if isinstance(data, str):
                        out.append((name, data))
                    i += 1
        except OSError:
            continue
    return out


def windows_candidates() -> list[FontCandidate]:
    dirs = _font_dirs()
    out = []
    for d in dirs:
        for fname, faces in _WINDOWS_FILES.items():
            if (d / fname).is_file():
                out += [FontCandidate(fams, str(d / fname), idx) for fams, idx in faces]
    out += [c for c in registry_candidates(_registry_entries(), dirs) if os.path.isfile(c.path)]
    return out


__all__ = ["FontCandidate", "FontSet", "find_cjk_fonts", "require_cjk_fonts", "missing_fonts_message",
           "system_candidates", "bundled_candidates", "fontconfig_candidates", "windows_candidates", "registry_candidates"]


# -- the Word file's font table ------------------------------------------------------------------
# The .docx names the official faces (GB/T 9704); stock Windows 10/11 has none of them but has
# 仿宋/楷体/黑体/宋体. Each official face is declared in word/fontTable.xml with w:altName — the
# names to try, in order, when the face itself is missing (ECMA-376 §17.8.3.1) — and with the
# GB2312 charset, family and pitch of its stock equivalent, which Word's own substitution matches
# on when no name is found. So the official face prints where it is installed, the stock one
# (仿宋, not 宋体) on a stock PC.
DOCX_FONT_ALTERNATES: dict[str, tuple[str, ...]] = {
    "仿宋_GB2312": ("仿宋", "FangSong", "华文仿宋", "STFangsong"),
    "楷体_GB2312": ("楷体", "KaiTi", "华文楷体", "STKaiti"),
    "方正小标宋简体": ("华文中宋", "STZhongsong", "宋体", "SimSun"),
    "黑体": ("SimHei",),
    "楷体": ("KaiTi", "楷体_GB2312"),
    "仿宋": ("FangSong", "仿宋_GB2312"),
    "宋体": ("SimSun",),
}
# (panose-1, family, pitch) of the stock face each official name falls back to
_STOCK_FACE = {"仿宋_GB2312": ("02010609060101010101", "modern"), "楷体_GB2312": ("02010609060101010101", "modern"),
               "方正小标宋简体": ("02010600030101010101", "auto"), "黑体": ("02010609060101010101", "modern"),
               "楷体": ("02010609060101010101", "modern"), "仿宋": ("02010609060101010101", "modern"),
               "宋体": ("02010600030101010101", "auto")}


def docx_font_table(blob: bytes, names: Iterable[str]) -> bytes:
    """word/fontTable.xml (``blob``) with an entry for each of ``names`` that has alternates:
    w:altName (comma-separated, tried in order), GB2312 charset (86), family, pitch and panose."""
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    q = lambda tag: f"{{{w}}}{tag}"  # noqa: E731
    root = etree.fromstring(blob)
    for name in dict.fromkeys(names):
        alternates = DOCX_FONT_ALTERNATES.get(name)
        if not alternates:
            continue
        for old in [f for f in root.findall(q("font")) if f.get(q("name")) == name]:
            root.remove(old)
        font = etree.SubElement(root, q("font"))
        font.set(q("name"), name)
        etree.SubElement(font, q("altName")).set(q("val"), ",".join(alternates))
        panose, family = _STOCK_FACE[name]
        etree.SubElement(font, q("panose1")).set(q("val"), panose)
        etree.SubElement(font, q("charset")).set(q("val"), "86")
        etree.SubElement(font, q("family")).set(q("val"), family)
        etree.SubElement(font, q("pitch")).set(q("val"), "variable" if family == "auto" else "fixed")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
