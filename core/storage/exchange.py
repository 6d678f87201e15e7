"""Reports carried between data folders (USB packages): what an incoming report is compared
with, and how it is brought in.

Every draft has a stable ``uid`` (uuid4 hex, kept across data folders; a copy or a carried-
forward draft gets a new one) and a ``sync_history``: the report digests
(``core.report_digest.report_digest``) it was exchanged at, oldest first. ``mark_exchanged``
appends the current digest when a draft is packed; an import records the sender's history.

``classify`` compares an ``Incoming`` report with the local draft of the same uid:

* ``new`` — no local draft has the uid (a draft in the recycle bin counts as existing);
* ``same`` — the local report has the same digest;
* ``incoming_newer`` — the local digest is in the sender's history: only the sender changed it;
* ``local_newer`` — the incoming digest is in the local history: only this side changed it;
* ``diverged`` — neither: both sides changed it since they parted.

``Storage.plan_import`` (read-only) and ``Storage.apply_import`` (one transaction) call
``plan_import`` / ``apply_import`` here. No Qt, no SQL outside ``Storage``'s connection.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from core.storage.schema import IMPORT_SNAPSHOT, IMPORT_SUFFIX, StorageError, new_uid

if TYPE_CHECKING:  # pragma: no cover
    from core import model
    from core.storage.drafts import Storage


def report_digest(report) -> str:
    """core.report_digest.report_digest, imported on first use (not needed to open the app)."""
    from core.report_digest import report_digest as digest

    return digest(report)

NEW, SAME, INCOMING_NEWER, LOCAL_NEWER, DIVERGED = (
    "new", "same", "incoming_newer", "local_newer", "diverged")
STATUSES = (NEW, SAME, INCOMING_NEWER, LOCAL_NEWER, DIVERGED)
STATUS_TEXT = {NEW: "新报告", SAME: "与本机相同", INCOMING_NEWER: "数据包中的较新",
               LOCAL_NEWER: "本机的较新", DIVERGED: "两边都有修改"}
IN_BIN_SUFFIX = "（在回收站中）"
KEEP_BOTH, REPLACE, SKIP = "keep_both", "replace", "skip"
CHOICES = (KEEP_BOTH, REPLACE, SKIP)
CHOICE_TEXT = {KEEP_BOTH: "两份都保留", REPLACE: "替换本机的", SKIP: "跳过"}


@dataclass(frozen=True)
class Incoming:
    """A report coming in from a package: its uid, the report, the sender's sync history
    (digests of earlier versions it was exchanged at) and ``report_digest(report)``."""

    uid: str
    report: model.Report
    history: tuple[str, ...]
    digest: str

    @classmethod
    def of(cls, uid: str, report: model.Report, history: Sequence[str] = ()) -> "Incoming":
        return cls(uid, report, tuple(history), report_digest(report))


@dataclass(frozen=True)
class ImportItem:
    """One incoming report with what it is compared to here."""

    incoming: Incoming
    local_id: int | None
    local_digest: str | None
    status: str
    in_bin: bool = False  # the local draft of that uid is in the recycle bin

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status] + (IN_BIN_SUFFIX if self.in_bin else "")


@dataclass(frozen=True)
class ImportResult:
    created: tuple[int, ...]
    replaced: tuple[int, ...]
    skipped: int
    snapshots: tuple[int, ...]


def classify(local_digest: str | None, local_history: Sequence[str], incoming: Incoming) -> str:
    """The status of ``incoming`` against a local draft (``local_digest`` None: none here)."""
    if local_digest is None:
        return NEW
    if local_digest == incoming.digest:
        return SAME
    if local_digest in incoming.history:
        return INCOMING_NEWER
    if incoming.digest in local_history:
        return LOCAL_NEWER
    return DIVERGED


def merged_history(*parts: Sequence[str]) -> list[str]:
    """The histories one after the other, order kept, each digest once (first place)."""
    out: list[str] = []
    for part in parts:
        for digest in part:
            if digest not in out:
                out.append(digest)
    return out


def load_history(text: str | None) -> tuple[str, ...]:
    """A stored ``sync_history`` (JSON list of strings); damaged text reads as empty."""
    try:
        data = json.loads(text or "[]")
    except (TypeError, ValueError):
        return ()
    if not isinstance(data, list):
        return ()
    return tuple(d for d in data if isinstance(d, str))


def load_origin(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def origin_text(origin: dict[str, Any] | None) -> str:
    """E.g. "来自 武昌区工商联 的数据包 xxx.jxpkg（2026-11-30 导入）"; "" without an origin."""
    if not origin:
        return ""
    unit = str(origin.get("unit") or "").strip()
    package = str(origin.get("package") or "").strip()
    text = "来自 " + (f"{unit} 的" if unit else "") + "数据包" + (f" {package}" if package else "")
    when = str(origin.get("imported_at") or "")[:10]
    return text + (f"（{when} 导入）" if when else "")


def _local(storage: "Storage", uid: str) -> dict[str, Any] | None:
    rows = storage.db.execute_returning_dicts(
        "SELECT id, report_json, sync_history, deleted_at FROM drafts WHERE uid = ?", [uid])
    return rows[0] if rows else None


def plan_import(storage: "Storage", incoming: Sequence[Incoming]) -> list[ImportItem]:
    """Each incoming report compared with the local draft of its uid (nothing is written)."""
    items = []
    for inc in incoming:
        row = _local(storage, inc.uid)
        if row is None:
            items.append(ImportItem(inc, None, None, NEW))
            continue
        local = storage.get(row["id"])
        digest = report_digest(local)
        status = classify(digest, load_history(row["sync_history"]), inc)
        items.append(ImportItem(inc, row["id"], digest, status, row["deleted_at"] is not None))
    return items


def _origin_json(origin: dict[str, Any]) -> str:
    data = dict(origin or {})
    data.setdefault("imported_at", datetime.datetime.now().astimezone().isoformat(timespec="seconds"))
    return json.dumps(data, ensure_ascii=False)


def apply_import(storage: "Storage", items: Sequence[ImportItem], choices: Sequence[str],
                 origin: dict[str, Any]) -> ImportResult:
    """Carry out the clerk's choices in one transaction (the caller translates errors)."""
    if len(items) != len(choices):
        raise StorageError("导入选项与报告数量不一致，未导入任何内容")
    for item, choice in zip(items, choices):
        if choice not in CHOICES:
            raise StorageError(f"未知的导入选项“{choice}”，未导入任何内容")
        if choice == REPLACE and item.local_id is None:
            raise StorageError(f"“{item.incoming.report.title}”在本机没有对应的草稿，不能替换")
    origin_json = _origin_json(origin)
    created, replaced, snapshots, skipped = [], [], [], 0
    with storage._write():
        for item, choice in zip(items, choices):
            inc = item.incoming
            if choice == SKIP or (choice == REPLACE and item.status == SAME):
                skipped += 1
                continue
            if choice == REPLACE:
                row = storage._row(item.local_id)
                if row["uid"] != inc.uid:
                    raise StorageError(f"草稿 {item.local_id} 已不是要替换的那一份，未导入任何内容")
                snapshots.append(storage._insert_snapshot(item.local_id, IMPORT_SNAPSHOT,
                                                          row["report_json"]))
                storage._write_report(item.local_id, inc.report)
                history = merged_history(load_history(row["sync_history"]), inc.history,
                                         [inc.digest])
                storage.db.execute(
                    "UPDATE drafts SET sync_history = ?, origin = ? WHERE id = ?",
                    [json.dumps(history), origin_json, item.local_id])
                replaced.append(item.local_id)
                continue
            # keep both (or import a new one)
            report = inc.report
            uid = inc.uid
            if _local(storage, uid) is not None:
                uid = new_uid()
                report = dataclasses.replace(report, title=report.title + IMPORT_SUFFIX)
            created.append(storage._insert_draft(
                report, uid=uid, sync_history=merged_history(inc.history, [inc.digest]),
                origin=origin_json))
    return ImportResult(tuple(created), tuple(replaced), skipped, tuple(snapshots))
