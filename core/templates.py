"""Regional templates as data: which are installed, found by id, loaded on demand and kept.

A template says how one province (or the national rules) lays out and scores a report: the
outline, the first-level blocks and weights, qualitative tiers, grade bands, the execution-rate
definition and formula indicators with their scoring steps. The format is documented in
docs/templates.md. Templates are named by id only: the built-in ones (``resources/templates``) and
the user's (``DATA/templates``, editions replaced by newer ones in ``DATA/templates/versions``).
``core.template_loader`` reads and checks one file; loading never raises for a broken file: it
returns findings that name the file and the key.
"""
from __future__ import annotations

from pathlib import Path

from core import model, validate
from core.findings import ERROR, HINT, Finding
from core.resources import resource_path
# the records live in core.template_records; importing them from here keeps working
from core.template_records import (Block, DirectionRule, FormulaDef, Grade, OutlineNode, Step,  # noqa: F401
                                   Template, Tier)
from core.template_ids import file_version, folder_templates, id_problem, looks_like_path, version_key
from core.template_loader import load_template_file


def templates_dir() -> Path:
    return resource_path("templates")


USER_TEMPLATES = "templates"  # the user's templates: DATA/templates/<id>.json (core.template_install)
_user_dir_override: Path | None = None


def user_templates_dir(data_dir: str | Path | None = None) -> Path:
    """The folder of the user's installed templates, ``DATA/templates`` (not created here).

    ``data_dir`` if given, else the one set by ``use_data_dir`` (``--data-dir``), else
    ``JIXIAO_DATA_DIR``, else the platform's per-user data directory (core.paths)."""
    import os

    from core import paths

    if data_dir is not None and str(data_dir).strip():
        return Path(data_dir).expanduser() / USER_TEMPLATES
    if _user_dir_override is not None:
        return _user_dir_override
    env = os.environ.get(paths.ENV_VAR, "").strip()
    return (Path(env).expanduser() if env else paths.default_data_dir()) / USER_TEMPLATES


def use_data_dir(data_dir: str | Path | None) -> None:
    """Take the user's templates from ``data_dir`` (the command's ``--data-dir``, the app's data
    folder) from now on; ``None`` goes back to the default. Forgets the loaded templates."""
    global _user_dir_override, _default
    _user_dir_override = user_templates_dir(data_dir) if data_dir is not None and str(data_dir).strip() else None
    _default = None


def installed(directory: Path | None = None, user_dir: Path | None = None) -> dict[str, Path]:
    """The installed templates: ``{id: file}`` for each ``<id>.json``.

    With ``directory`` alone: that folder only. Without: the built-in templates
    (resources/templates) and the user's (``user_templates_dir()``, installed from template
    packages); with ``user_dir``: ``directory`` (or the built-in folder) and ``user_dir``. A user
    template with the id of a built-in one is used only when its ``template_version`` is higher.

    This is the only way from an id to a file: a report's ``template``, a template's
    ``extends`` and ``project_template`` must be one of these keys exactly, so a path
    (``../../x``, ``/abs/x``, ``sub/x``, ``x.json``) can never name a file elsewhere."""
    if directory is not None and user_dir is None:
        return folder_templates(directory)
    out = folder_templates(directory or templates_dir())
    for tid, p in folder_templates(user_dir or user_templates_dir()).items():
        if tid not in out or version_key(file_version(p)) > version_key(file_version(out[tid])):
            out[tid] = p
    return out


def list_templates(directory: Path | None = None, user_dir: Path | None = None) -> list[tuple[str, str]]:
    """(id, name) of every usable template (built-in and the user's, see ``installed``), sorted by id."""
    out = []
    for tid, p in sorted(installed(directory, user_dir).items()):
        try:
            data = validate.loads(validate.read_limited(p, validate.MAX_TEMPLATE_BYTES).decode("utf-8-sig"))
        except (OSError, ValueError, RecursionError):
            continue
        if isinstance(data, dict) and not data.get("abstract"):
            name = data.get("name", tid)
            out.append((tid, validate.clean_text(name) if isinstance(name, str) else tid))
    return out


def _safe_load(path: Path, known: dict[str, Path] | None = None) -> tuple[Template | None, list[Finding]]:
    """``load_template_file``, with a loader bug turned into a finding instead of a traceback."""
    try:
        return load_template_file(path, known)
    except Exception as e:  # noqa: BLE001
        return None, [Finding("TEMPLATE_INVALID", ERROR, f"{path.name}:/", f"模板文件无法读取（{type(e).__name__}）",
                              "向发布模板的财政局索取正确版本，或把模板文件发给软件维护人员")]


class TemplateSet:
    """Loads templates by id on demand and remembers the findings of broken ones."""

    def __init__(self, directory: Path | None = None, user_dir: Path | None = None):
        """``directory`` alone: that folder only; otherwise the built-in templates (or ``directory``)
        and the user's (``user_dir``, by default ``user_templates_dir()``), as ``installed``."""
        self.directory = directory or templates_dir()
        self.user_dir = user_dir if user_dir is not None or directory is not None else user_templates_dir()
        self._cache: dict[str, tuple[Template | None, list[Finding]]] = {}

    def get(self, template_id: str, version: str = "") -> tuple[Template | None, list[Finding]]:
        """The template with this id — only ever one installed in ``directory``.

        ``version`` (a report's ``template_version``): when it differs from the installed
        edition, the edition kept in ``DATA/templates/versions/<id>/<version>.json`` (by
        core.template_install when a newer one replaced it); when that is not kept here, the
        installed one with a TEMPLATE_VERSION hint."""
        if version and isinstance(version, str) and isinstance(template_id, str):
            return self._versioned(template_id, version)
        if not isinstance(template_id, str):
            template_id = repr(template_id)
        if template_id not in self._cache:
            if not template_id:
                self._cache[template_id] = (None, [Finding(
                    "TEMPLATE_MISSING", ERROR, "template", "报告没有指定模板",
                    "在报告中选择一个模板（jixiao templates 列出可用模板）")])
            else:
                known = self.installed()
                problem = id_problem(template_id, known)
                if problem:
                    self._cache[template_id] = (None, [Finding(
                        "TEMPLATE_UNKNOWN", ERROR, "template", problem,
                        "选择已安装的模板（jixiao templates 列出可用模板）；新模板须先放入模板文件夹")])
                else:
                    self._cache[template_id] = _safe_load(known[template_id], known)
        return self._cache[template_id]

    def for_report(self, report: model.Report) -> tuple[Template | None, list[Finding]]:
        """The report's own template in the edition it was written with (see ``get``)."""
        return self.get(report.template, report.template_version)

    def _versioned(self, template_id: str, version: str) -> tuple[Template | None, list[Finding]]:
        key = f"{template_id}\n{version}"
        if key in self._cache:
            return self._cache[key]
        tpl, findings = self.get(template_id)
        if tpl is None or tpl.template_version == version:
            return tpl, findings
        archived = archived_template(template_id, version, self.user_dir) if self.user_dir is not None else None
        if archived is not None:
            old, old_findings = _safe_load(archived, self.installed())
            if old is not None:
                self._cache[key] = (old, old_findings)
                return self._cache[key]
        shown = validate.clean_text(version)[:20]
        now = tpl.template_version or "未标"
        self._cache[key] = (tpl, findings + [Finding(
            "TEMPLATE_VERSION", HINT, "template",
            f"报告按模板 {template_id} 版本 {shown} 编写，本机只有版本 {now}，已按版本 {now} 评分",
            "如需按原版本评分，请向财政局索取该版本的模板包并安装；否则核对按新版本得出的分数")])
        return self._cache[key]

    def installed(self) -> dict[str, Path]:
        return installed(self.directory, self.user_dir) if self.user_dir is not None else installed(self.directory)


_default: TemplateSet | None = None


def default_set() -> TemplateSet:
    global _default
    if _default is None:
        _default = TemplateSet()
    return _default


def load_template(template_id: str, version: str = "") -> tuple[Template | None, list[Finding]]:
    return default_set().get(template_id, version)


VERSIONS = "versions"  # DATA/templates/versions/<id>/<template_version>.json: editions replaced by newer ones


def archive_path(template_id: str, version: str, user_dir: Path | None = None) -> Path | None:
    """Where the replaced edition ``version`` of ``template_id`` is kept; None when either is not
    a plain id / version (never a path elsewhere)."""
    if (not isinstance(template_id, str) or not template_id or looks_like_path(template_id)
            or not version_key(version)):
        return None
    return (user_dir if user_dir is not None else user_templates_dir()) / VERSIONS / template_id / f"{version}.json"


def archived_template(template_id: str, version: str, user_dir: Path | None = None) -> Path | None:
    """The kept file of edition ``version`` of ``template_id``, or None when there is none."""
    path = archive_path(template_id, version, user_dir)
    try:
        return path if path is not None and path.is_file() else None
    except OSError:
        return None


def reset_default() -> None:
    """Forget the loaded templates (after a template is installed: the next lookup reads the folders again)."""
    global _default
    _default = None


__all__ = ["templates_dir", "USER_TEMPLATES", "user_templates_dir", "use_data_dir", "installed", "list_templates",
           "TemplateSet", "default_set", "load_template", "VERSIONS", "archive_path", "archived_template",
           "reset_default",
           # the records, re-exported from core.template_records (see the import above)
           "Block", "DirectionRule", "FormulaDef", "Grade", "OutlineNode", "Step", "Template", "Tier"]
