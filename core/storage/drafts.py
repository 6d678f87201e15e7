"""Drafts storage: the ``Storage`` class over the drafts database, its ``DraftInfo`` /
``SnapshotInfo`` records and the report/row helpers (``empty_report`` among them)."""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core import model, new_report
from core.carry_forward import next_year_draft
from core.findings import ERROR
from core.paths import database_path
from core.report_io import report_from_dict, report_to_dict
from core.storage.files import (_is_damaged, _parse_backup_name, _recover, _stamped_path,
                                backups_dir, list_backups)
from core.storage.schema import (AUTO_SNAPSHOT, BEFORE_MIGRATION, COPY_SUFFIX,
                                 MIGRATIONS, NEWER_DATABASE, STATUSES, StorageError,
                                 known_migrations)
from core.templates import load_template


@dataclass(frozen=True, slots=True)
class DraftInfo:
    """One row of the draft list (no report body)."""

    id: int
    unit: str
    year: int | None
    kind: str
    template: str
    title: str
    status: str
    updated_at: str
    deleted_at: str | None
    total: Decimal | None = None  # rule total of the main table; None when not scored
    grade: str = ""  # grade of that total; "" when not scored
    previous_id: int | None = None  # the draft this one was carried forward from


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    id: int
    draft_id: int
    created_at: str
    description: str


# -- helpers -------------------------------------------------------------------------------
def _now() -> str:
    """Local time with its UTC offset, to the second, e.g. 2024-03-01T09:30:00+08:00."""
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def _report_json(report: model.Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False)


def _list_columns(report: model.Report) -> dict[str, Any]:
    return {"unit": report.unit.name, "year": report.year, "kind": report.kind,
            "template": report.template, "title": report.title}


def score_report(report: model.Report):
    """core.scoring.score_report, imported on first use: opening the app needs no scoring."""
    from core.scoring import score_report as score

    return score(report)


def _score_columns(report: model.Report) -> dict[str, Any]:
    """rule_total (decimal string) and grade of the main (first) table; NULLs when it is not
    scored (no weights, or the clerk has scored nothing yet) or when scoring fails."""
    try:
        main = score_report(report).main
        if main is None or not main.has_scores:
            return {"rule_total": None, "grade": None}
        return {"rule_total": str(main.rule_total), "grade": main.grade or None}
    except Exception:  # noqa: BLE001 - a scoring bug must never block a save
        return {"rule_total": None, "grade": None}


def _info(row: tuple) -> DraftInfo:
    """A DraftInfo from a row of the ``list`` query (columns in DraftInfo order)."""
    *head, total, grade, previous_id = row
    try:
        total = Decimal(total) if total is not None else None
    except ArithmeticError:
        total = None
    return DraftInfo(*head, total, grade or "", previous_id)


def empty_report(template_id: str, unit: str, year: int) -> model.Report:
    """An empty report laid out by the template ``template_id`` (StorageError if unusable)."""
    tpl, findings = load_template(template_id)
    if tpl is None:
        first = next((f.message for f in findings if f.severity == ERROR), "")
        raise StorageError(f"模板“{template_id}”无法使用" + (f"：{first}" if first else ""))
    return new_report.empty_report(tpl, unit, year)


def _report_from_json(text: str, where: str) -> model.Report:
    try:
        data = json.loads(text, parse_float=Decimal)
    except (TypeError, ValueError) as e:
        raise StorageError(f"{where}的内容已损坏，无法读取（{e}）") from e
    report, findings = report_from_dict(data, where)
    if report is None:
        first = next((f.message for f in findings if f.severity == ERROR), "")
        raise StorageError(f"{where}的内容无法读取：{first}")
    return report


class Storage:
    """The drafts database. Open with ``Storage.open(data_dir)``; ``close()`` when done."""

    def __init__(self, db: Database, path: Path):
        self.db = db
        self.path = path
        #: Chinese text for the user when ``open`` had to recover a damaged file, else "".
        self.recovery_message = ""

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, data_dir: Path) -> "Storage":
        data_dir = Path(data_dir)
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError(f"无法创建数据目录“{data_dir}”：{e.strerror or e}") from e
        path = database_path(data_dir)
        recovery = ""
        if _is_damaged(path):
            recovery = _recover(data_dir, path)
        existed = path.exists() and path.stat().st_size > 0
        try:
            db = Database(path, execute_plugins=False)
        except sqlite3.Error as e:
            raise StorageError(f"无法打开数据库“{path}”：{e}") from e
        try:
            # Read-only until the version check has passed: a refused file stays as it was.
            unknown = [m.name for m in MIGRATIONS.applied(db) if m.name not in known_migrations()]
            if unknown:
                raise StorageError(NEWER_DATABASE)
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA journal_mode=DELETE").fetchall()
            if existed and MIGRATIONS.pending(db):
                cls(db, path).backup_to_dir(BEFORE_MIGRATION)
            MIGRATIONS.apply(db)
        except StorageError:
            db.close()
            raise
        except sqlite3.DatabaseError as e:
            db.close()
            raise StorageError(f"数据库文件“{path}”已损坏或不是本软件的数据库：{e}") from e
        except BaseException:
            db.close()
            raise
        storage = cls(db, path)
        storage.recovery_message = recovery
        return storage

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Storage":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- rows ------------------------------------------------------------------------------
    def _row(self, draft_id: int) -> dict[str, Any]:
        rows = self.db.execute_returning_dicts("SELECT * FROM drafts WHERE id = ?", [draft_id])
        if not rows:
            raise StorageError(f"找不到编号为 {draft_id} 的草稿，可能已被彻底删除")
        return rows[0]

    def _snapshot_row(self, snapshot_id: int) -> dict[str, Any]:
        rows = self.db.execute_returning_dicts(
            "SELECT * FROM snapshots WHERE id = ?", [snapshot_id])
        if not rows:
            raise StorageError(f"找不到编号为 {snapshot_id} 的快照")
        return rows[0]

    def _write_report(self, draft_id: int, report: model.Report) -> None:
        """Update one draft's report and list columns (the caller holds the transaction)."""
        cur = self.db.execute(
            "UPDATE drafts SET report_json = :json, unit = :unit, year = :year, kind = :kind,"
            " template = :template, title = :title, rule_total = :rule_total,"
            " grade = :grade, updated_at = :now WHERE id = :id",
            {"json": _report_json(report), "now": _now(), "id": draft_id,
             **_list_columns(report), **_score_columns(report)})
        if cur.rowcount != 1:
            raise StorageError(f"找不到编号为 {draft_id} 的草稿，可能已被彻底删除")

    def _insert_snapshot(self, draft_id: int, description: str, report_json: str) -> int:
        cur = self.db.execute(
            "INSERT INTO snapshots (draft_id, created_at, description, report_json)"
            " VALUES (?, ?, ?, ?)", [draft_id, _now(), description, report_json])
        return int(cur.lastrowid)

    def _insert_draft(self, report: model.Report, previous_id: int | None = None) -> int:
        now = _now()
        cur = self.db.execute(
            "INSERT INTO drafts (unit, year, kind, template, title, status, report_json,"
            " rule_total, grade, previous_id, created_at, updated_at) VALUES (:unit, :year,"
            " :kind, :template, :title, 'draft', :json, :rule_total, :grade, :previous_id,"
            " :now, :now)",
            {"json": _report_json(report), "now": now, "previous_id": previous_id,
             **_list_columns(report), **_score_columns(report)})
        return int(cur.lastrowid)

    # -- drafts ----------------------------------------------------------------------------
    def create(self, report: model.Report) -> int:
        """Store a new draft; returns its id."""
        with self.db.atomic():
            return self._insert_draft(report)

    def create_from_template(self, template_id: str, unit: str, year: int) -> int:
        """A new, empty draft laid out by a template; returns its id."""
        return self.create(empty_report(template_id, unit, year))

    def create_next_year(self, draft_id: int) -> tuple[int, tuple[str, ...]]:
        """Next year's draft carried forward from ``draft_id`` (``previous_id`` set).

        Returns the new id and the where-paths of the carried values to review.
        """
        with self.db.atomic():
            draft, marks = next_year_draft(self.get(draft_id))
            return self._insert_draft(draft, previous_id=draft_id), marks

    def set_status(self, draft_id: int, status: str) -> None:
        """Mark a draft 'draft' (still being edited) or 'final' (定稿)."""
        if status not in STATUSES:
            raise StorageError(f"草稿状态只能是 draft（草稿）或 final（定稿），不能是“{status}”")
        with self.db.atomic():
            self._row(draft_id)
            self.db.execute("UPDATE drafts SET status = ? WHERE id = ?", [status, draft_id])

    def get(self, draft_id: int) -> model.Report:
        """The draft's report (also for drafts in the recycle bin)."""
        return _report_from_json(self._row(draft_id)["report_json"], f"草稿 {draft_id} ")

    def save(self, draft_id: int, report: model.Report) -> None:
        with self.db.atomic():
            self._write_report(draft_id, report)

    def list(self, include_deleted: bool = False, unit: str | None = None,
             year: int | None = None) -> list[DraftInfo]:
        """Drafts, most recently changed first. Binned drafts only with ``include_deleted``."""
        where, params = [], []
        if not include_deleted:
            where.append("deleted_at IS NULL")
        if unit is not None:
            where.append("unit = ?")
            params.append(unit)
        if year is not None:
            where.append("year = ?")
            params.append(year)
        sql = ("SELECT id, unit, year, kind, template, title, status, updated_at, deleted_at,"
               " rule_total, grade, previous_id FROM drafts" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY updated_at DESC, id DESC")
        return [_info(row) for row in self.db.execute(sql, params).fetchall()]

    def rename(self, draft_id: int, title: str) -> None:
        """Set the title (in the list and in the report itself, so a later save keeps it)."""
        with self.db.atomic():
            report = self.get(draft_id)
            self._write_report(draft_id, dataclasses.replace(report, title=title))

    def duplicate(self, draft_id: int) -> int:
        """Copy a draft (without its snapshots) under the title “… （副本）”; returns the new id."""
        with self.db.atomic():
            report = self.get(draft_id)
            return self._insert_draft(
                dataclasses.replace(report, title=report.title + COPY_SUFFIX))

    def delete(self, draft_id: int) -> None:
        """Move a draft into the recycle bin."""
        with self.db.atomic():
            row = self._row(draft_id)
            if row["deleted_at"] is None:
                self.db.execute("UPDATE drafts SET deleted_at = ? WHERE id = ?",
                                [_now(), draft_id])

    def restore(self, draft_id: int) -> None:
        """Take a draft back out of the recycle bin."""
        with self.db.atomic():
            self._row(draft_id)
            self.db.execute("UPDATE drafts SET deleted_at = NULL WHERE id = ?", [draft_id])

    def purge(self, draft_id: int) -> None:
        """Remove a binned draft and its snapshots for good."""
        with self.db.atomic():
            if self._row(draft_id)["deleted_at"] is None:
                raise StorageError("只能彻底删除回收站中的草稿，请先删除到回收站")
            self.db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])

    # -- snapshots -------------------------------------------------------------------------
    def snapshot(self, draft_id: int, description: str) -> int:
        """Keep a copy of the draft's current report; returns the snapshot id."""
        with self.db.atomic():
            row = self._row(draft_id)
            return self._insert_snapshot(draft_id, description, row["report_json"])

    def snapshots(self, draft_id: int) -> list[SnapshotInfo]:
        """The draft's snapshots, oldest first."""
        self._row(draft_id)
        rows = self.db.execute_returning_dicts(
            "SELECT id, draft_id, created_at, description FROM snapshots"
            " WHERE draft_id = ? ORDER BY id", [draft_id])
        return [SnapshotInfo(**row) for row in rows]

    def snapshot_report(self, snapshot_id: int) -> model.Report:
        """The report kept in a snapshot (to preview it before restoring)."""
        row = self._snapshot_row(snapshot_id)
        return _report_from_json(row["report_json"], f"快照 {snapshot_id} ")

    def restore_snapshot(self, snapshot_id: int) -> int:
        """Put a snapshot's report back into its draft.

        The draft's current state is snapshotted first ("恢复前自动保存"); returns the id of
        that automatic snapshot, so the restore can be undone.
        """
        with self.db.atomic():
            snap = self._snapshot_row(snapshot_id)
            report = _report_from_json(snap["report_json"], f"快照 {snapshot_id} ")
            current = self._row(snap["draft_id"])
            auto_id = self._insert_snapshot(snap["draft_id"], AUTO_SNAPSHOT,
                                            current["report_json"])
            self._write_report(snap["draft_id"], report)
            return auto_id

    # -- maintenance -----------------------------------------------------------------------
    def integrity_ok(self) -> bool:
        """``PRAGMA integrity_check`` reports no problem."""
        try:
            rows = self.db.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError:
            return False
        return rows == [("ok",)]

    def backup(self, target: Path) -> None:
        """Write a consistent copy of the database to ``target``, atomically.

        The copy is made with SQLite's backup API into a temp file beside ``target``,
        checked, fsynced and then renamed over ``target``. On failure ``target`` is untouched.
        """
        target = Path(target)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                       dir=target.parent)
        except OSError as e:
            raise StorageError(f"无法在“{target.parent}”中写入备份：{e.strerror or e}") from e
        os.close(fd)
        try:
            dest = sqlite3.connect(tmp)
            try:
                self.db.conn.backup(dest)
                ok = dest.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            finally:
                dest.close()
            if not ok:
                raise StorageError("备份文件校验失败，未写入备份")
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException as e:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            if isinstance(e, (OSError, sqlite3.Error)):
                raise StorageError(f"备份失败：{e}") from e
            raise

    @property
    def data_dir(self) -> Path:
        return self.path.parent

    @property
    def backups_dir(self) -> Path:
        return backups_dir(self.data_dir)

    def list_backups(self) -> list[Path]:
        """Every backup in the backups folder, newest first."""
        return list_backups(self.data_dir)

    def backup_to_dir(self, kind: str = "") -> Path:
        """A new backup ``jixiao-[kind-]YYYYMMDD-HHMMSS.db`` in the backups folder; its path."""
        try:
            self.backups_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError(f"无法创建备份目录“{self.backups_dir}”：{e.strerror or e}") from e
        target = _stamped_path(self.backups_dir, kind)
        self.backup(target)
        return target

    def rolling_backup(self, keep: int = 10) -> Path:
        """Write a rolling backup now, then delete the oldest rolling ones beyond ``keep``."""
        target = self.backup_to_dir()
        self._prune(keep)
        return target

    def auto_backup(self, keep: int = 10) -> Path | None:
        """The daily backup: written only when no rolling backup exists from today.

        Returns the new backup's path, or None when today's already exists.
        """
        today = datetime.date.today()
        for p in self.list_backups():
            kind, when, _ = _parse_backup_name(p.name)
            if kind == "" and when.date() == today:
                self._prune(keep)
                return None
        return self.rolling_backup(keep)

    def _prune(self, keep: int) -> None:
        rolling = [p for p in self.list_backups() if _parse_backup_name(p.name)[0] == ""]
        for old in rolling[max(keep, 1):]:
            try:
                old.unlink()
            except OSError:
                pass
