"""Recovery files: edits the autosave could not write to the database yet.

When a write of the open draft fails (disk full, database locked by another program, read-only
file …) the autosaver keeps the latest report in ``DATA/unsaved/draft-<id>.json`` beside the
database, written atomically, and rewrites it as the clerk goes on typing; it removes the file
once the draft is saved. A file still there at the next start holds edits that never reached the
database: the app offers them (restore into the draft, after a history point, or set aside).

The file is JSON::

    {"format": "jixiao-unsaved", "version": 1, "draft_id": 3,
     "since": "2026-11-30T09:12:03", "written_at": "2026-11-30T09:14:41",
     "reason": "磁盘空间不足 …", "report": { …the report JSON (docs/format.md)… }}

A file set aside (“不恢复”) is moved to ``DATA/unsaved/set-aside/`` as a plain report JSON that
``jixiao import-json`` reads. Nothing here touches the database.
"""
from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass
from pathlib import Path

from core import model
from core.atomic import atomic_write_text
from core.report_io import dumps_report, report_from_dict

FORMAT = "jixiao-unsaved"
VERSION = 1
FOLDER = "unsaved"
SET_ASIDE = "set-aside"


@dataclass(frozen=True)
class Unsaved:
    """One recovery file as read back."""
    draft_id: int
    path: Path
    report: model.Report
    since: datetime.datetime | None  # the first edit that was not saved
    written_at: datetime.datetime | None  # the newest edit kept in the file
    reason: str


def folder(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def path_for(data_dir: Path, draft_id: int) -> Path:
    return folder(data_dir) / f"draft-{int(draft_id)}.json"


def _stamp(t: datetime.datetime | None) -> str | None:
    return t.isoformat(timespec="seconds") if t else None


def _parse_stamp(text) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def write(data_dir: Path, draft_id: int, report: model.Report,
          since: datetime.datetime | None = None, reason: str = "") -> Path:
    """Keep ``report`` as the draft's unsaved edit (atomically). Raises OSError when it cannot."""
    target = path_for(data_dir, draft_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT, "version": VERSION, "draft_id": int(draft_id),
            "since": _stamp(since), "written_at": _stamp(datetime.datetime.now()),
            "reason": reason, "report": json.loads(dumps_report(report))}
    atomic_write_text(target, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return target


def read(path: Path) -> Unsaved | None:
    """The recovery file at ``path``; None when it is not one or cannot be read."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        return None
    draft_id = data.get("draft_id")
    if not isinstance(draft_id, int) or isinstance(draft_id, bool):
        return None
    report, _ = report_from_dict(data.get("report"), str(path))
    if report is None:
        return None
    reason = data.get("reason")
    return Unsaved(draft_id, Path(path), report, _parse_stamp(data.get("since")),
                   _parse_stamp(data.get("written_at")), reason if isinstance(reason, str) else "")


def find(data_dir: Path, draft_id: int) -> Unsaved | None:
    path = path_for(data_dir, draft_id)
    return read(path) if path.exists() else None


def list_unsaved(data_dir: Path) -> list[Unsaved]:
    """Every readable recovery file, oldest edit first. Unreadable files are left alone."""
    try:
        paths = sorted(folder(data_dir).glob("draft-*.json"))
    except OSError:
        return []
    found = [u for u in map(read, paths) if u is not None]
    return sorted(found, key=lambda u: (u.written_at or datetime.datetime.min, u.draft_id))


def remove(data_dir: Path, draft_id: int) -> bool:
    """Delete the draft's recovery file (the draft is saved); True when there was one."""
    try:
        path_for(data_dir, draft_id).unlink()
        return True
    except FileNotFoundError:
        return False


def set_aside(data_dir: Path, unsaved: Unsaved) -> Path:
    """Move a recovery file out of the way as a plain report JSON (``jixiao import-json`` reads
    it); returns where it went. Raises OSError when it cannot (the file then stays)."""
    aside = folder(data_dir) / SET_ASIDE
    aside.mkdir(parents=True, exist_ok=True)
    stamp = (unsaved.written_at or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = aside / f"草稿{unsaved.draft_id}-未保存的修改-{stamp}.json"
    n = 1
    while target.exists():
        n += 1
        target = aside / f"草稿{unsaved.draft_id}-未保存的修改-{stamp}-{n}.json"
    atomic_write_text(target, dumps_report(unsaved.report))
    os.unlink(unsaved.path)
    return target
