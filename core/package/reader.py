"""Reading a ``.jxpkg``: every check before anything is used, nothing written (docs/package.md).

``read_package(path)`` → ``(Package | None, findings)``: the manifest and the verified bytes of
every payload file, read into memory (never ``extractall``). ``reports_of(package)`` →
``(incomings, findings)``: each report JSON through the validation gate
(``core.report_io.report_from_dict``). Every refusal is a Chinese ``PACKAGE_*`` error finding;
neither function raises for bad content.
"""
from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from core import validate
from core.findings import ERROR, Finding
from core.package import format as F

_FIX_COPY = "请重新从发送方拷贝数据包；拷贝后用“安全弹出”拔出 U 盘"
_NOT_PACKAGE = "文件不是有效的数据包（可能已损坏或拷贝不完整）"


@dataclass(frozen=True)
class Package:
    """A package that passed every check: its manifest and the bytes of its payload files."""
    path: Path
    manifest: dict
    files: dict[str, bytes] = field(repr=False)

    @property
    def kind(self) -> str:
        return self.manifest.get("kind", "")

    @property
    def unit(self) -> str:
        u = self.manifest.get("unit", "")
        return u if isinstance(u, str) else ""

    @property
    def created_at(self) -> str:
        c = self.manifest.get("created_at", "")
        return c if isinstance(c, str) else ""


def _err(code: str, where: str, message: str, fix: str = _FIX_COPY) -> list[Finding]:
    return [Finding(code, ERROR, where, message, fix)]


def read_package(path: str | Path) -> tuple[Package | None, list[Finding]]:
    """The package at ``path`` with every check of docs/package.md passed, or None and why."""
    p = Path(path)
    name = validate.clean_text(p.name)
    try:
        return _read(p, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
            RuntimeError, KeyError, OverflowError, IndexError) as e:  # zipfile's many ways to fail
        return None, _err("PACKAGE_UNREADABLE", name, f"{_NOT_PACKAGE}（{type(e).__name__}）")
    except OSError as e:
        from core.os_errors import os_error_text
        return None, _err("PACKAGE_UNREADABLE", name, f"无法读取文件：{os_error_text(e)}",
                          "检查文件路径是否正确、U 盘是否插好")


def _read(p: Path, name: str) -> tuple[Package | None, list[Finding]]:
    with open(p, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > F.MAX_FILE_BYTES:
            return None, _err("PACKAGE_TOO_LARGE", name,
                              f"文件过大（{size / F.MB:.1f} MB，数据包最多 {F.MAX_FILE_BYTES / F.MB:.0f} MB），"
                              "不是本软件的数据包", "确认选对了文件")
        raw = fh.read(F.MAX_FILE_BYTES + 1)
    if len(raw) > F.MAX_FILE_BYTES:
        return None, _err("PACKAGE_TOO_LARGE", name, "文件过大，不是本软件的数据包", "确认选对了文件")
    if not raw:
        return None, _err("PACKAGE_EMPTY", name, "文件是空的（0 字节），可能拷贝没有完成", _FIX_COPY)
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, IndexError, KeyError):
        return None, _err("PACKAGE_NOT_ZIP", name, _NOT_PACKAGE)
    with zf:
        infos = zf.infolist()
        if len(infos) > F.MAX_ENTRIES:
            return None, _err("PACKAGE_ENTRIES", name, f"数据包内文件过多（{len(infos)} 个，最多 {F.MAX_ENTRIES} 个）")
        names = [i.filename for i in infos]
        dups = sorted({n for n in names if names.count(n) > 1}) if len(set(names)) != len(names) else []
        if dups:
            return None, _err("PACKAGE_DUPLICATE", name,
                              f"数据包内有重名文件：{validate.clean_text(dups[0])[:80]}（数据包可能被篡改）")
        total = 0
        for info in infos:
            entry = validate.clean_text(info.filename)[:80]
            problem = F.name_problem(info.filename)
            if problem:
                return None, _err("PACKAGE_NAME", f"{name}:{entry}",
                                  f"数据包内文件“{entry}”{problem}，已拒绝导入（数据包可能被篡改）")
            mode = info.external_attr >> 16
            if info.is_dir() or stat.S_ISDIR(mode) or stat.S_ISLNK(mode):
                return None, _err("PACKAGE_ENTRY_TYPE", f"{name}:{entry}",
                                  f"数据包内“{entry}”是文件夹或快捷方式（链接），本软件的数据包不含这类条目")
            if info.flag_bits & 0x1:
                return None, _err("PACKAGE_ENCRYPTED", f"{name}:{entry}",
                                  f"数据包内“{entry}”已加密，本软件无法读取", "请发送方不要加密数据包")
            if info.file_size > F.MAX_ENTRY_BYTES:
                return None, _bomb(name, entry, f"解压后 {info.file_size / F.MB:.1f} MB，单个文件最多 "
                                                f"{F.MAX_ENTRY_BYTES / F.MB:.0f} MB")
            if info.file_size > F.MAX_RATIO * max(info.compress_size, 1):
                return None, _bomb(name, entry, f"压缩比超过 {F.MAX_RATIO} 倍")
            total += info.file_size
            if total > F.MAX_TOTAL_BYTES:
                return None, _bomb(name, entry, f"解压后总计超过 {F.MAX_TOTAL_BYTES / F.MB:.0f} MB")
        if F.MANIFEST not in names:
            return None, _err("PACKAGE_MANIFEST", name, "数据包内没有 manifest.json，不是本软件的数据包",
                              "确认选对了文件")
        manifest_info = zf.getinfo(F.MANIFEST)
        if manifest_info.file_size > F.MAX_MANIFEST_BYTES:
            return None, _err("PACKAGE_MANIFEST", name, f"manifest.json 过大（最多 {F.MAX_MANIFEST_BYTES // 1024} KB）")
        manifest, findings = _manifest(_capped(zf, manifest_info, F.MAX_MANIFEST_BYTES), name)
        if manifest is None:
            return None, findings
        listed = manifest["files"]
        present = set(names) - {F.MANIFEST}
        if present != set(listed):
            extra = sorted(present - set(listed))
            missing = sorted(set(listed) - present)
            what = (f"多出未登记的文件 {extra[0]}" if extra else f"缺少文件 {validate.clean_text(str(missing[0]))[:80]}")
            return None, _err("PACKAGE_FILES", name, f"数据包内文件与清单不一致：{what}（数据包可能已损坏或被改动）")
        files: dict[str, bytes] = {}
        for entry_name in sorted(present):
            info = zf.getinfo(entry_name)
            meta = listed[entry_name]
            data = _capped(zf, info, F.MAX_ENTRY_BYTES)
            if len(data) != meta["size"] or hashlib.sha256(data).hexdigest() != meta["sha256"].lower():
                return None, _err("PACKAGE_CHECKSUM", f"{name}:{entry_name}",
                                  f"文件校验失败：{entry_name}（数据包可能已损坏或被改动）")
            files[entry_name] = data
    return Package(p, manifest, files), []


def _bomb(name: str, entry: str, why: str) -> list[Finding]:
    return _err("PACKAGE_TOO_BIG_INSIDE", f"{name}:{entry}",
                f"数据包内“{entry}”{why}，已拒绝（可能是恶意构造的压缩包）", "确认选对了文件")


def _capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """An entry's bytes, never more than ``cap + 1`` decompressed (a lying header cannot
    make it more); zipfile's own CRC and size checks raise BadZipFile."""
    with zf.open(info) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise zipfile.BadZipFile("entry larger than its cap")
    return data


def _manifest(raw: bytes, name: str) -> tuple[dict | None, list[Finding]]:
    where = f"{name}:manifest.json"
    try:
        data = validate.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # InputError and JSONDecodeError are ValueErrors
        return None, _err("PACKAGE_MANIFEST", where, "数据包清单（manifest.json）不是有效的 JSON，数据包可能已损坏")
    if not isinstance(data, dict) or data.get("format") != F.FORMAT:
        return None, _err("PACKAGE_MANIFEST", where, "文件不是本软件的数据包（清单格式不符）", "确认选对了文件")
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version not in F.SUPPORTED_VERSIONS:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > max(F.SUPPORTED_VERSIONS)
        shown = version if isinstance(version, int) and abs(version) < 10**6 else "未知"
        if newer:
            return None, _err("PACKAGE_VERSION", where,
                              f"数据包格式版本为 {shown}，本程序支持 {list(F.SUPPORTED_VERSIONS)}。请升级到新版本后再导入。",
                              "请升级本程序")
        return None, _err("PACKAGE_VERSION", where,
                          f"数据包格式版本为 {shown}，本程序支持 {list(F.SUPPORTED_VERSIONS)}，数据包可能已损坏")
    files = data.get("files")
    ok = isinstance(files, dict) and len(files) <= F.MAX_ENTRIES and all(
        isinstance(k, str) and F.name_problem(k) is None and k != F.MANIFEST and isinstance(v, dict)
        and isinstance(v.get("sha256"), str) and len(v["sha256"]) == 64
        and isinstance(v.get("size"), int) and not isinstance(v.get("size"), bool)
        for k, v in files.items())
    if not ok or not isinstance(data.get("kind"), str):
        return None, _err("PACKAGE_MANIFEST", where, "数据包清单（manifest.json）内容不完整，数据包可能已损坏")
    return data, []


def reports_of(package: Package):
    """``(list[Incoming], findings)``: each report of a ``kind: reports`` package through the
    validation gate; any refused report refuses the package (nothing half imported)."""
    from core.report_digest import report_digest
    from core.report_io import report_from_dict
    from core.storage import Incoming

    where = validate.clean_text(package.path.name)
    if package.kind != F.KIND_REPORTS:
        return [], _err("PACKAGE_KIND", where,
                        f"这是{'模板' if package.kind == F.KIND_TEMPLATE else '其他类型的'}数据包，不含报告",
                        "模板数据包请在“模板”中导入")
    listed = package.manifest.get("reports")
    if not isinstance(listed, list) or not listed:
        return [], _err("PACKAGE_MANIFEST", where, "数据包清单中没有报告")
    out, findings, seen = [], [], set()
    for i, entry in enumerate(listed):
        ok = (isinstance(entry, dict) and isinstance(entry.get("file"), str) and entry["file"] in package.files
              and entry["file"] not in seen and isinstance(entry.get("uid"), str) and entry["uid"]
              and isinstance(entry.get("history"), list) and all(isinstance(h, str) for h in entry["history"]))
        if not ok:
            return [], _err("PACKAGE_MANIFEST", f"{where}:reports/{i}", f"数据包清单中第 {i + 1} 份报告的登记不完整")
        seen.add(entry["file"])
        try:
            data = validate.loads(package.files[entry["file"]].decode("utf-8-sig"), lenient=True)
        except (UnicodeDecodeError, ValueError, RecursionError):
            return [], _err("PACKAGE_REPORT", f"{where}:{entry['file']}",
                            f"数据包中的报告 {entry['file']} 不是有效的 JSON")
        report, rf = report_from_dict(data, f"{where}:{entry['file']}")
        if report is None:
            return [], [Finding("PACKAGE_REPORT", ERROR, f"{where}:{entry['file']}",
                                f"数据包中的报告 {entry['file']} 无法导入", _FIX_COPY), *rf]
        findings.extend(rf)
        out.append(Incoming(entry["uid"], report, tuple(entry["history"]), report_digest(report)))
    return out, findings
