"""Drafts storage: the ``Storage`` class over the drafts database (opening, the write
transaction, drafts, exchange and snapshots). Its backup methods come from ``core.storage.backups``,
its records and row helpers (``empty_report`` among them) from ``core.storage.rows``."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.os_errors import os_error_text
from core.paths import database_path, make_data_dir, make_private
from core.storage import clean, recovery
from core.storage.backups import Backups
from core.storage.db import Db
from core.storage.errors import error_text, translated
from core.storage import exchange
from core.storage.rows import (DraftInfo, SnapshotInfo, _info, _list_columns, _now, _report_from_json,
                               _report_json, _score_columns, empty_report)
from core.storage.schema import (AUTO_SNAPSHOT, BEFORE_MIGRATION, COPY_SUFFIX, EMPTIED_BY_CLERK,
                                 MIGRATION_NAMES, MIGRATION_SET, NEWER_DATABASE, STATUSES,
                                 StorageError, new_uid)

if TYPE_CHECKING:  # pragma: no cover
    from core import model

#: Seconds a write waits for another connection's write lock before it gives up (SQLite's
#: busy timeout): a briefly held lock (a backup, a command-line import) is waited for.
BUSY_TIMEOUT = 5.0


class Storage(Backups):
    """The drafts database. Open with ``Storage.open(data_dir)``; ``close()`` when done."""

    def __init__(self, db: Db, path: Path):
        self.db = db
        self.path = path
        #: Chinese text for the user when ``open`` had to recover a damaged file, else "".
        self.recovery_message = ""
        self._checked: float | None = None  # when every page was last checked (set by ``open``)

    # -- opening -----------------------------------------------------------------------------
    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT)

    @classmethod
    def open(cls, data_dir: Path) -> "Storage":
        """Open (or create) ``data_dir``'s database. A damaged, missing or emptied database
        is first recovered from a backup (``core.storage.recovery``; ``recovery_message``)."""
        data_dir = Path(data_dir)
        try:
            make_data_dir(data_dir)
        except OSError as e:
            raise StorageError(f"无法创建数据目录“{data_dir}”：{os_error_text(e)}") from e
        path = database_path(data_dir)
        checked = clean.last_full_check(data_dir, path)  # None: every page is checked now
        try:
            clean.forget(data_dir)  # only a clean close marks the file again
            message = recovery.prepare(data_dir, full=checked is None)
            existed = path.exists() and path.stat().st_size > 0
            db = Db(cls._connect(path))
        except (sqlite3.Error, OSError) as e:
            raise StorageError(f"无法打开数据库“{path}”：{error_text(e)}") from e
        try:
            # Read-only until the version check has passed: a refused file stays as it was.
            applied = db.applied_migrations(MIGRATION_SET)
            if any(name not in MIGRATION_NAMES for name in applied):
                raise StorageError(NEWER_DATABASE)
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA journal_mode=DELETE").fetchall()
            if any(name not in applied for name in MIGRATION_NAMES):  # sqlite-utils only now
                from core.storage.migrations import MIGRATIONS

                if existed:
                    cls(db, path).backup_to_dir(BEFORE_MIGRATION)
                MIGRATIONS.apply(db.full)
        except StorageError:
            db.close()
            raise
        except (sqlite3.Error, OSError) as e:
            db.close()
            raise StorageError(f"无法打开数据库“{path}”：{error_text(e)}") from e
        except BaseException:
            db.close()
            raise
        make_private(path)  # older versions and SQLite itself leave it 0644
        storage = cls(db, path)
        storage.recovery_message = message
        storage._checked = time.time() if checked is None else checked
        return storage

    def close(self) -> None:
        """Close the connection; then mark the file as closed cleanly (``core.storage.clean``)."""
        try:
            in_transaction = self.db.conn.in_transaction
        except sqlite3.Error:  # closed already
            in_transaction = True
        self.db.close()
        checked = self._checked
        if checked is not None and not in_transaction:
            self._checked = None
            clean.remember(self.path.parent, self.path, checked)

    def __enter__(self) -> "Storage":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self):
        """One write transaction. ``BEGIN IMMEDIATE`` takes the write lock (waiting up to
        ``BUSY_TIMEOUT``) before anything is read: a deferred transaction that reads first
        and then must write cannot wait for a lock held elsewhere and fails at once. Inside
        another transaction: a savepoint. Any failure rolls everything back."""
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.rollback()
            raise

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

    def _insert_draft(self, report: model.Report, previous_id: int | None = None, *,
                      uid: str | None = None, sync_history: list[str] | None = None,
                      origin: str | None = None) -> int:
        """A new draft row; a new uid unless one is given (an import keeps the sender's)."""
        now = _now()
        cur = self.db.execute(
            "INSERT INTO drafts (unit, year, kind, template, title, status, report_json,"
            " rule_total, grade, previous_id, created_at, updated_at, uid, sync_history, origin)"
            " VALUES (:unit, :year, :kind, :template, :title, 'draft', :json, :rule_total,"
            " :grade, :previous_id, :now, :now, :uid, :history, :origin)",
            {"json": _report_json(report), "now": now, "previous_id": previous_id,
             "uid": uid or new_uid(), "history": json.dumps(sync_history or []),
             "origin": origin, **_list_columns(report), **_score_columns(report)})
        return int(cur.lastrowid)

    # -- drafts ----------------------------------------------------------------------------
    @translated("新建草稿")
    def create(self, report: model.Report) -> int:
        """Store a new draft; returns its id."""
        with self._write():
            return self._insert_draft(report)

    @translated("新建草稿")
    def create_from_template(self, template_id: str, unit: str, year: int) -> int:
        """A new, empty draft laid out by a template; returns its id."""
        return self.create(empty_report(template_id, unit, year))

    @translated("生成下一年度的草稿")
    def create_next_year(self, draft_id: int) -> tuple[int, tuple[str, ...]]:
        """Next year's draft carried forward from ``draft_id`` (``previous_id`` set).

        Returns the new id and the where-paths of the carried values to review.
        """
        with self._write():
            from core.carry_forward import next_year_draft

            draft, marks = next_year_draft(self.get(draft_id))
            return self._insert_draft(draft, previous_id=draft_id), marks

    @translated("更改草稿状态")
    def set_status(self, draft_id: int, status: str) -> None:
        """Mark a draft 'draft' (still being edited) or 'final' (定稿)."""
        if status not in STATUSES:
            raise StorageError(f"草稿状态只能是 draft（草稿）或 final（定稿），不能是“{status}”")
        with self._write():
            self._row(draft_id)
            self.db.execute("UPDATE drafts SET status = ? WHERE id = ?", [status, draft_id])

    @translated("读取草稿")
    def get(self, draft_id: int) -> model.Report:
        """The draft's report (also for drafts in the recycle bin)."""
        return _report_from_json(self._row(draft_id)["report_json"], f"草稿 {draft_id} ")

    @translated("保存草稿")
    def save(self, draft_id: int, report: model.Report) -> None:
        with self._write():
            self._write_report(draft_id, report)

    @translated("读取草稿列表")
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
               " rule_total, grade, previous_id, origin FROM drafts" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY updated_at DESC, id DESC")
        return [_info(row) for row in self.db.execute(sql, params).fetchall()]

    @translated("读取草稿列表")
    def exists(self, draft_id: int) -> bool:
        """Is there a draft ``draft_id`` that is not in the recycle bin? (One indexed lookup: the
        start reopens the last draft without reading the whole list.)"""
        rows = self.db.execute_returning_dicts(
            "SELECT 1 AS found FROM drafts WHERE id = ? AND deleted_at IS NULL", [draft_id])
        return bool(rows)

    @translated("重命名草稿")
    def rename(self, draft_id: int, title: str) -> None:
        """Set the title (in the list and in the report itself, so a later save keeps it)."""
        with self._write():
            report = self.get(draft_id)
            self._write_report(draft_id, dataclasses.replace(report, title=title))

    @translated("复制草稿")
    def duplicate(self, draft_id: int) -> int:
        """Copy a draft (without its snapshots) under the title “… （副本）”; returns the new id."""
        with self._write():
            report = self.get(draft_id)
            return self._insert_draft(
                dataclasses.replace(report, title=report.title + COPY_SUFFIX))

    @translated("删除草稿")
    def delete(self, draft_id: int) -> None:
        """Move a draft into the recycle bin."""
        with self._write():
            row = self._row(draft_id)
            if row["deleted_at"] is None:
                self.db.execute("UPDATE drafts SET deleted_at = ? WHERE id = ?",
                                [_now(), draft_id])

    @translated("从回收站还原草稿")
    def restore(self, draft_id: int) -> None:
        """Take a draft back out of the recycle bin."""
        with self._write():
            self._row(draft_id)
            self.db.execute("UPDATE drafts SET deleted_at = NULL WHERE id = ?", [draft_id])

    @translated("彻底删除草稿")
    def purge(self, draft_id: int) -> None:
        """Remove a binned draft and its snapshots for good."""
        with self._write():
            if self._row(draft_id)["deleted_at"] is None:
                raise StorageError("只能彻底删除回收站中的草稿，请先删除到回收站")
            self.db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])
            if not self._has_drafts():  # empty on purpose: not a loss for recovery to undo
                self.db.execute(f"PRAGMA user_version = {EMPTIED_BY_CLERK}")

    # -- exchange (USB packages; core.storage.exchange) -------------------------------------
    @translated("读取草稿的交换信息")
    def exchange_info(self, draft_id: int) -> tuple[str, tuple[str, ...]]:
        """(uid, sync history) of a draft: what a package carries with its report."""
        row = self._row(draft_id)
        return row["uid"], exchange.load_history(row["sync_history"])

    @translated("记录草稿的交换")
    def mark_exchanged(self, draft_id: int) -> str:
        """Append the draft's current report digest to its sync history (not twice in a row);
        returns the digest. Called when the draft is packed."""
        from core.report_digest import report_digest

        with self._write():
            row = self._row(draft_id)
            digest = report_digest(_report_from_json(row["report_json"], f"草稿 {draft_id} "))
            history = list(exchange.load_history(row["sync_history"]))
            if not history or history[-1] != digest:
                history.append(digest)
                self.db.execute("UPDATE drafts SET sync_history = ? WHERE id = ?",
                                [json.dumps(history), draft_id])
            return digest

    @translated("读取草稿来源")
    def origin(self, draft_id: int) -> dict[str, Any] | None:
        """Where an imported draft came from ({"package", "unit", "created_at", "imported_at"});
        None for a draft written here."""
        return exchange.load_origin(self._row(draft_id)["origin"])

    @translated("比较数据包中的报告")
    def plan_import(self, incoming) -> list["exchange.ImportItem"]:
        """Each incoming report against the local draft of its uid; nothing is written."""
        return exchange.plan_import(self, incoming)

    @translated("导入报告")
    def apply_import(self, items, choices, origin: dict[str, Any]) -> "exchange.ImportResult":
        """The clerk's choices per item ("keep_both", "replace", "skip") in one transaction;
        a replaced draft is first snapshotted ("导入前自动保存")."""
        try:
            return exchange.apply_import(self, items, choices, origin)
        except (StorageError, sqlite3.Error, OSError):
            raise
        except Exception as e:  # noqa: BLE001 - rolled back by _write; say so in Chinese
            raise StorageError(f"导入失败，本机数据未改动（{type(e).__name__}）") from e

    # -- snapshots -------------------------------------------------------------------------
    @translated("保存历史版本")
    def snapshot(self, draft_id: int, description: str) -> int:
        """Keep a copy of the draft's current report; returns the snapshot id."""
        with self._write():
            row = self._row(draft_id)
            return self._insert_snapshot(draft_id, description, row["report_json"])

    @translated("读取历史版本")
    def snapshots(self, draft_id: int) -> list[SnapshotInfo]:
        """The draft's snapshots, oldest first."""
        self._row(draft_id)
        rows = self.db.execute_returning_dicts(
            "SELECT id, draft_id, created_at, description FROM snapshots"
            " WHERE draft_id = ? ORDER BY id", [draft_id])
        return [SnapshotInfo(**row) for row in rows]

    @translated("读取历史版本")
    def snapshot_report(self, snapshot_id: int) -> model.Report:
        """The report kept in a snapshot (to preview it before restoring)."""
        row = self._snapshot_row(snapshot_id)
        return _report_from_json(row["report_json"], f"快照 {snapshot_id} ")

    @translated("恢复历史版本")
    def restore_snapshot(self, snapshot_id: int) -> int:
        """Put a snapshot's report back into its draft.

        The draft's current state is snapshotted first ("恢复前自动保存"); returns the id of
        that automatic snapshot, so the restore can be undone.
        """
        with self._write():
            snap = self._snapshot_row(snapshot_id)
            report = _report_from_json(snap["report_json"], f"快照 {snapshot_id} ")
            current = self._row(snap["draft_id"])
            auto_id = self._insert_snapshot(snap["draft_id"], AUTO_SNAPSHOT,
                                            current["report_json"])
            self._write_report(snap["draft_id"], report)
            return auto_id

    # -- maintenance -----------------------------------------------------------------------
    @translated("检查数据库")
    def integrity_ok(self) -> bool:
        """``PRAGMA integrity_check`` reports no problem."""
        try:
            rows = self.db.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError:
            return False
        return rows == [("ok",)]
