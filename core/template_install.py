"""Installing a template handed out by the finance bureau (issue 11, item 4).

A template package (``.jxpkg`` whose manifest ``kind`` is ``"template"``, one entry
``template.json``) or a bare template file is checked by the same loader and gate as the
installed templates (``core.template_loader.load_template_file``), shown (``describe_template``: id,
name, region, year, version, kind) and written to the user's templates, ``DATA/templates/<id>.json``
(``core.templates.user_templates_dir``), beside the built-in ones:

* ``"installed"``: no template with this id yet;
* ``"needs_confirm"``: the one installed has an older ``template_version``; replaced only when the
  clerk confirms (``confirm_replace=True``), then ``"replaced"``;
  the edition replaced is kept in ``DATA/templates/versions/<id>/<old version>.json`` so the
  reports written with it (``Report.template_version``) keep being scored by it;
* ``"older"``: refused, the one installed is as new or newer (a template without a
  ``template_version`` never replaces one);
* ``"invalid"``: refused with the template's findings; nothing is written;
* ``"failed"``: the file could not be written (disk full, no permission); nothing half-written.

The file is written whole or not at all (``core.atomic``). The template's id is its ``"id"`` key:
letters, digits, ``-`` and ``_`` only, never a path.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core import templates as T
from core import validate
from core.findings import ERROR, HINT, Finding
from core.template_ids import file_version, looks_like_path, version_key
from core.template_loader import load_template_file

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
PACKAGE_ENTRY = "template.json"
FIX = "向发布模板的财政局索取正确的模板包"


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    id: str
    name: str
    region: str
    year: int | None
    version: str  # template_version, "" when not given
    kind: str

    def summary(self) -> str:
        """One line for the clerk: “某县部门整体（某县，2024 年度，版本 2024.1）”."""
        parts = [p for p in (self.region, f"{self.year} 年度" if self.year else "",
                             f"版本 {self.version}" if self.version else "未标版本") if p]
        return f"{self.name}（{'，'.join(parts)}）"


def _bad(message: str, fix: str = FIX, where: str = "template.json:/") -> Finding:
    return Finding("TEMPLATE_INVALID", ERROR, where, message, fix)


def _template_id(data: bytes) -> tuple[str | None, list[Finding]]:
    """The ``"id"`` written in the template, or why there is none (JSON errors are left to the loader)."""
    try:
        tree = validate.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None, []  # the loader names the line and column
    if not isinstance(tree, dict):
        return None, []
    tid = tree.get("id")
    if tid is None:
        return None, [_bad("模板文件缺少“id”（模板名称，如 bureau-dept-2024），无法安装", where="template.json:id")]
    if not isinstance(tid, str) or not ID_RE.fullmatch(tid) or looks_like_path(tid):
        shown = validate.clean_text(str(tid))[:60]
        return None, [_bad(f"模板名称“{shown}”无效：只能由字母、数字、- 和 _ 组成（最多 64 个），不能是文件路径",
                           where="template.json:id")]
    return tid, []


def describe_template(data: bytes, data_dir: str | Path | None = None) -> tuple[TemplateInfo | None, list[Finding]]:
    """What the template in ``data`` is, checked like an installed one; (None, findings) when it
    cannot be used. Its ``extends``/``project_template`` may name built-in or installed templates."""
    if not isinstance(data, (bytes, bytearray)):
        return None, [_bad("模板内容无法读取")]
    if len(data) > validate.MAX_TEMPLATE_BYTES:
        return None, [_bad(f"模板文件过大（{len(data) // 1024} KB，最多 {validate.MAX_TEMPLATE_BYTES // 1024} KB）")]
    tid, findings = _template_id(bytes(data))
    if findings:
        return None, findings
    try:
        with tempfile.TemporaryDirectory(prefix="jixiao-tpl-") as tmp:
            path = Path(tmp) / f"{tid or 'template'}.json"
            path.write_bytes(bytes(data))
            known = T.installed(None, T.user_templates_dir(data_dir))
            known[path.stem] = path
            template, findings = load_template_file(path, known)
    except OSError as e:
        from core.os_errors import os_error_text

        return None, [_bad(f"无法检查模板：{os_error_text(e)}", "检查临时文件夹的空间后重试")]
    except Exception as e:  # noqa: BLE001 — a loader bug is a finding, never a traceback
        return None, [_bad(f"模板文件无法读取（{type(e).__name__}）")]
    findings = [f if not f.where.startswith(f"{path.name}") else
                Finding(f.code, f.severity, "template.json" + f.where[len(path.name):], f.message, f.fix,
                        f.answered) for f in findings]
    if template is None or tid is None:
        return None, findings or [_bad("模板无法使用")]
    return TemplateInfo(tid, template.name, template.region, template.year, template.template_version,
                        template.kind), findings


def install_template(data_dir: str | Path, data: bytes, confirm_replace: bool = False) -> tuple[str, list[Finding]]:
    """Check and install the template in ``data`` into ``DATA/templates``; (status, findings), see
    the module text. Nothing is written unless the status is ``installed`` or ``replaced``."""
    info, findings = describe_template(data, data_dir)
    if info is None:
        return "invalid", findings
    user_dir = T.user_templates_dir(data_dir)
    existing = T.installed(None, user_dir).get(info.id)
    if existing is not None:
        old = file_version(existing)
        if version_key(info.version) <= version_key(old):
            return "older", findings + [Finding(
                "TEMPLATE_NOT_NEWER", ERROR, "template", f"已安装的模板“{info.id}”（版本 {old or '未标'}）不比此模板"
                f"（版本 {info.version or '未标'}）旧，未安装", "无需安装；如确需更换，请向财政局索取更高版本的模板")]
        if not confirm_replace:
            return "needs_confirm", findings + [Finding(
                "TEMPLATE_REPLACE", HINT, "template", f"将用版本 {info.version} 替换已安装的模板“{info.id}”"
                f"（版本 {old or '未标'}）", "确认后替换；已写好的报告仍按其编写时的版本评分（旧版本保留在模板文件夹的 versions 中）")]
    from core import atomic
    from core.paths import PRIVATE_FILE, make_data_dir

    try:
        make_data_dir(data_dir)
        make_data_dir(user_dir)
        if existing is not None:
            _keep_old(existing, info.id, user_dir)
        atomic.atomic_write_bytes(user_dir / f"{info.id}.json", bytes(data), mode=PRIVATE_FILE)
    except OSError as e:
        from core.os_errors import os_error_text

        return "failed", findings + [Finding("TEMPLATE_WRITE", ERROR, "template", f"无法安装模板：{os_error_text(e)}",
                                             "检查数据文件夹的磁盘空间和权限后重试；原有模板未改动")]
    T.reset_default()
    return ("replaced" if existing is not None else "installed"), findings


def _keep_old(existing: Path, template_id: str, user_dir: Path) -> None:
    """Keep the edition being replaced in ``DATA/templates/versions/<id>/<version>.json`` so the
    reports written with it keep being scored by it (never deleted, never overwritten; an edition
    without a ``template_version`` cannot be named by a report and is not kept). Raises OSError."""
    from core import atomic
    from core.paths import PRIVATE_FILE, make_data_dir

    target = T.archive_path(template_id, file_version(existing), user_dir)
    if target is None or target.exists():
        return
    make_data_dir(target.parent.parent)
    make_data_dir(target.parent)
    atomic.atomic_write_bytes(target, existing.read_bytes(), mode=PRIVATE_FILE)


def install_template_package(data_dir: str | Path, package, confirm_replace: bool = False) -> tuple[str, list[Finding]]:
    """Install the template of a verified package (``package.manifest`` with ``"kind": "template"``
    and ``package.files["template.json"]``, as core.package reads it)."""
    manifest = getattr(package, "manifest", None)
    files = getattr(package, "files", None)
    if not isinstance(manifest, dict) or manifest.get("kind") != "template":
        return "invalid", [_bad("这不是模板包", "模板包由财政局发布；报告包请用“导入”", "manifest:kind")]
    if not isinstance(files, dict) or not isinstance(files.get(PACKAGE_ENTRY), (bytes, bytearray)):
        return "invalid", [_bad(f"模板包中没有 {PACKAGE_ENTRY}", where="manifest")]
    return install_template(data_dir, files[PACKAGE_ENTRY], confirm_replace)


__all__ = ["TemplateInfo", "describe_template", "install_template", "install_template_package"]
