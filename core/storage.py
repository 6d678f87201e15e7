"""Drafts storage: the clerk's reports kept in one local SQLite database.

This is the only module that touches SQLite (through sqlite-utils). Everything above it
sees ``model.Report`` values and the small ``DraftInfo`` / ``SnapshotInfo`` records.

* A draft row holds the report as the JSON of ``core.report_io`` (Chinese unescaped) plus
  copies of the fields the draft list shows and filters on (unit, year, kind, template,
  title), kept in step on every save.
* Deleting moves a draft into the recycle bin (``deleted_at`` set); ``restore`` brings it
  back and ``purge`` removes a binned draft for good (its snapshots go with it, by the
  ``ON DELETE CASCADE`` foreign key).
* Each draft row also keeps the rule score of its main table (``rule_total``, a decimal
  string, and ``grade``), recomputed with ``core.scoring.score_report`` on every write; both
  are NULL when the table cannot be scored or scoring fails (a scoring failure never blocks
  a save). ``previous_id`` names the draft a carried-forward draft was made from.
* ``status`` is 'draft' or 'final' (``set_status``); writes never change it.
* Snapshots are named copies of a draft's report. Restoring one first snapshots the current
  state ("恢复前自动保存"), so a restore can itself be undone.
* Every write runs inside one transaction (``db.atomic()``): a failure leaves nothing behind.
* The schema comes from sqlite-utils migrations (set "jixiao"). A database that records a
  migration this build does not know was written by a newer version: it is refused and left
  untouched. The journal is the default rollback journal (DELETE), not WAL (tech-notes §4).
* Backups live in ``data_dir/backups`` as ``jixiao-YYYYMMDD-HHMMSS.db`` (rolling, at most one a
  day from ``auto_backup``), ``jixiao-before-migration-….db`` (taken before a pending migration
  is applied to an existing database) and ``jixiao-before-restore-….db``.
* Opening checks the file (``PRAGMA quick_check``). A damaged file is renamed aside to
  ``jixiao-damaged-….db`` (never deleted) and the newest good backup is put in its place;
  ``Storage.recovery_message`` then says so in Chinese.

Errors the user may see are raised as ``StorageError`` with a Chinese message.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import ForeignKey
from sqlite_utils.migrations import Migrations

from core import model
from core.carry_forward import next_year_draft
from core.findings import ERROR
from core.paths import DATABASE_NAME, database_path
from core.report_io import report_from_dict, report_to_dict
from core.scoring import score_report
from core.templates import load_template

NEWER_DATABASE = "数据库由更新版本的程序创建，请升级软件"
AUTO_SNAPSHOT = "恢复前自动保存"
COPY_SUFFIX = "（副本）"
BACKUPS_DIR = "backups"
BEFORE_MIGRATION = "before-migration"
BEFORE_RESTORE = "before-restore"
STATUSES = ("draft", "final")
FUNDS_ROWS = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")
_STAMP = "%Y%m%d-%H%M%S"
_BACKUP_RE = re.compile(r"^jixiao-(?:(?P<kind>[a-z-]+)-)?(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.db$")


class StorageError(Exception):
    """A storage failure with a message fit to show the user (Chinese)."""


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


# -- schema --------------------------------------------------------------------------------
MIGRATIONS = Migrations("jixiao")


@MIGRATIONS(name="0001_drafts_and_snapshots")
def _m0001_drafts_and_snapshots(db: Database) -> None:
    db["drafts"].create(
        {"id": int, "unit": str, "year": int, "kind": str, "template": str, "title": str,
         "status": str, "report_json": str, "created_at": str, "updated_at": str,
         "deleted_at": str},
        pk="id",
        not_null=["unit", "kind", "template", "title", "status", "report_json",
                  "created_at", "updated_at"],
        defaults={"status": "draft", "unit": "", "kind": "", "template": "", "title": ""},
    )
    db["drafts"].create_index(["unit", "year"])
    db["snapshots"].create(
        {"id": int, "draft_id": int, "created_at": str, "description": str,
         "report_json": str},
        pk="id",
        not_null=["draft_id", "created_at", "description", "report_json"],
        defaults={"description": ""},
        foreign_keys=[ForeignKey("snapshots", "draft_id", "drafts", "id", on_delete="CASCADE")],
    )
    db["snapshots"].create_index(["draft_id"])


@MIGRATIONS(name="0002_draft_scores_and_previous")
def _m0002_draft_scores_and_previous(db: Database) -> None:
    # Existing rows keep NULL scores until their next save. ``previous_id`` is cleared when
    # the draft it points to is purged.
    db.execute("ALTER TABLE drafts ADD COLUMN rule_total TEXT")
    db.execute("ALTER TABLE drafts ADD COLUMN grade TEXT")
    db.execute("ALTER TABLE drafts ADD COLUMN previous_id INTEGER"
               " REFERENCES drafts(id) ON DELETE SET NULL")
    db.execute("CREATE INDEX idx_drafts_previous_id ON drafts (previous_id)")


def known_migrations() -> list[str]:
    return [m.name for m in MIGRATIONS._migrations]


# -- helpers -------------------------------------------------------------------------------
def _now() -> str:
    """Local time with its UTC offset, to the second, e.g. 2024-03-01T09:30:00+08:00."""
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def _report_json(report: model.Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False)


def _list_columns(report: model.Report) -> dict[str, Any]:
    return {"unit": report.unit.name, "year": report.year, "kind": report.kind,
            "template": report.template, "title": report.title}


def _score_columns(report: model.Report) -> dict[str, Any]:
    """rule_total (decimal string) and grade of the main (first) table; NULLs when it is not
    scored (no weights, or no score of any kind yet) or when scoring fails."""
    try:
        main = score_report(report).main
        if main is None or not main.scored or not any(
                r.rule_score is not None or r.reported_score is not None
                for r in main.all_rows()):
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
    dept = tpl.kind == model.DEPARTMENT
    groups = tuple(
        model.IndicatorGroup(b.name, b.weight,
                             tuple(model.IndicatorGroup(n) for n in b.level2))
        for b in tpl.blocks)
    table = model.SelfEvalTable(
        name=unit if dept else "",
        funds=model.FundsBlock(rows=tuple(model.FundsRow(label) for label in FUNDS_ROWS),
                               weight=tpl.execution_weight),
        groups=groups)
    return model.Report(
        template=template_id, kind=tpl.kind, year=year,
        title=f"{year}年度{unit}{'部门整体支出' if dept else '项目支出'}绩效自评报告",
        unit=model.Unit(name=unit), table=table, framework=tpl.framework)


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


# -- files: backups, checks, recovery --------------------------------------------------------
def backups_dir(data_dir: Path) -> Path:
    return Path(data_dir) / BACKUPS_DIR


def _parse_backup_name(name: str) -> tuple[str, datetime.datetime, int] | None:
    """(kind, time, n) of a backup file name; kind "" for a rolling backup."""
    m = _BACKUP_RE.match(name)
    if not m or m["kind"] == "damaged":
        return None
    try:
        when = datetime.datetime.strptime(m["stamp"], _STAMP)
    except ValueError:
        return None
    return m["kind"] or "", when, int(m["n"] or 0)


def list_backups(data_dir: Path) -> list[Path]:
    """Every backup in ``data_dir/backups`` (rolling and before-…), newest first."""
    folder = backups_dir(data_dir)
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    found = []
    for p in entries:
        parsed = _parse_backup_name(p.name)
        if parsed is not None and p.is_file():
            found.append(((parsed[1], parsed[2], p.name), p))
    return [p for _, p in sorted(found, reverse=True)]


def _stamped_path(folder: Path, kind: str = "", now: datetime.datetime | None = None) -> Path:
    """A new, unused ``jixiao-[kind-]YYYYMMDD-HHMMSS[-n].db`` in ``folder``."""
    stamp = (now or datetime.datetime.now()).strftime(_STAMP)
    base = f"jixiao-{kind + '-' if kind else ''}{stamp}"
    path, n = folder / f"{base}.db", 1
    while path.exists():
        n += 1
        path = folder / f"{base}-{n}.db"
    return path


def check_database_file(path: Path) -> str | None:
    """None when ``path`` is a sound jixiao database; else why not (Chinese)."""
    path = Path(path)
    if not path.is_file():
        return f"文件“{path}”不存在"
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        return f"无法打开“{path.name}”：{e}"
    try:
        rows = con.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            return f"“{path.name}”已损坏（完整性检查未通过）"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "drafts" not in tables:
            return f"“{path.name}”不是本软件的数据库（没有草稿表）"
        if "_sqlite_migrations" in tables:
            names = [r[0] for r in con.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATIONS.name])]
            if any(n not in known_migrations() for n in names):
                return f"“{path.name}”{NEWER_DATABASE}"
    except sqlite3.DatabaseError as e:
        return f"“{path.name}”已损坏或不是本软件的数据库：{e}"
    finally:
        con.close()
    return None


def _is_damaged(path: Path) -> bool:
    """An existing, non-empty database file that SQLite cannot read or whose check fails."""
    try:
        if path.stat().st_size == 0:
            return False
    except OSError:
        return False
    # Not read-only: a hot journal left by a crash must be rolled back, not taken for damage.
    try:
        con = sqlite3.connect(path)
    except sqlite3.Error:
        return False  # cannot even open: the normal open reports why
    try:
        return con.execute("PRAGMA quick_check").fetchall() != [("ok",)]
    except sqlite3.OperationalError:
        return False  # locked, no permission …: not damage; the normal open reports it
    except sqlite3.DatabaseError:
        return True  # SQLITE_CORRUPT, SQLITE_NOTADB
    finally:
        con.close()


def _copy_into_place(source: Path, target: Path) -> None:
    """Copy ``source`` over ``target`` atomically (temp file beside it, fsync, replace)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _recover(data_dir: Path, path: Path) -> str:
    """Move a damaged database aside and put the newest good backup in its place.

    Returns the Chinese message for the user. Nothing is deleted.
    """
    damaged = _stamped_path(data_dir, "damaged")
    try:
        os.replace(path, damaged)
        for suffix in ("-journal", "-wal", "-shm"):  # a stale journal must not touch the new file
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, damaged.with_name(damaged.name + suffix))
    except OSError as e:
        raise StorageError(f"数据库文件“{path}”已损坏，且无法移到一旁：{e.strerror or e}") from e
    kept = f"损坏的文件已保留为“{damaged}”。"
    for backup in list_backups(data_dir):
        if check_database_file(backup) is not None:
            continue
        try:
            _copy_into_place(backup, path)
        except OSError:
            continue
        when = _parse_backup_name(backup.name)[1].strftime("%Y-%m-%d %H:%M")
        return (f"数据库文件已损坏，已自动从 {when} 的备份（{backup.name}）恢复。"
                f"该备份之后所做的修改可能缺失，请核对最近编辑的草稿。{kept}")
    return f"数据库文件已损坏，且没有可用的备份，已新建一个空数据库。{kept}"


def restore_database(data_dir: Path, source: Path) -> tuple[Path, int]:
    """Replace the data directory's database with the jixiao database ``source``.

    ``source`` is checked first (integrity, a drafts table, not from a newer version); the
    current database is backed up as ``jixiao-before-restore-….db``; then ``source`` is copied
    into place atomically. Returns (that backup, number of drafts now present, bin included).
    """
    source = Path(source)
    problem = check_database_file(source)
    if problem:
        raise StorageError(f"不能用该文件恢复：{problem}")
    data_dir = Path(data_dir)
    with Storage.open(data_dir) as current:
        if source.resolve() == current.path.resolve():
            raise StorageError("要恢复的文件就是当前数据库")
        before = current.backup_to_dir(BEFORE_RESTORE)
    path = database_path(data_dir)
    try:
        _copy_into_place(source, path)
    except OSError as e:
        raise StorageError(f"恢复失败，当前数据库未改动：{e.strerror or e}") from e
    with Storage.open(data_dir) as restored:
        count = len(restored.list(include_deleted=True))
    return before, count


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
