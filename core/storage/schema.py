"""Drafts storage schema: constants, ``StorageError`` and the sqlite-utils migrations ("jixiao").

A database that records a migration this build does not know was written by a newer version
(``known_migrations``); the callers in ``core.storage`` refuse it.
"""
from __future__ import annotations

import re
import uuid

from sqlite_utils import Database
from sqlite_utils.db import ForeignKey
from sqlite_utils.migrations import Migrations

NEWER_DATABASE = "数据库由更新版本的程序创建，请升级软件"
AUTO_SNAPSHOT = "恢复前自动保存"
COPY_SUFFIX = "（副本）"
BACKUPS_DIR = "backups"
BEFORE_MIGRATION = "before-migration"
BEFORE_RESTORE = "before-restore"
#: The restored database, backed up right after ``restore_database`` put it in place: recovery
#: never prefers a before-restore backup taken before it (the restore is not undone).
AFTER_RESTORE = "after-restore"
#: Description of the history point taken before an import replaces a draft.
IMPORT_SNAPSHOT = "导入前自动保存"
#: Title suffix of a draft imported beside a local one that already has its uid.
IMPORT_SUFFIX = "（导入）"
STATUSES = ("draft", "final")
#: ``PRAGMA user_version`` of a database the clerk emptied on purpose (the last draft purged, or
#: an empty backup restored): opening it finds no drafts and that is not a loss to recover.
#: 0, SQLite's default, on every other database. sqlite-utils does not use user_version.
EMPTIED_BY_CLERK = 1
_STAMP = "%Y%m%d-%H%M%S"
_BACKUP_RE = re.compile(r"^jixiao-(?:(?P<kind>[a-z-]+)-)?(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.db$")


class StorageError(Exception):
    """A storage failure with a message fit to show the user (Chinese)."""


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


def new_uid() -> str:
    """A new stable draft id (uuid4, 32 hex digits)."""
    return uuid.uuid4().hex


@MIGRATIONS(name="0003_exchange")
def _m0003_exchange(db: Database) -> None:
    # uid: the draft's stable id across data folders (a package carries it); sync_history: JSON
    # list of the report digests it was exchanged at, oldest first; origin: JSON object of the
    # package it was imported from, or NULL. Existing drafts each get a fresh uid.
    db.execute("ALTER TABLE drafts ADD COLUMN uid TEXT")
    db.execute("ALTER TABLE drafts ADD COLUMN sync_history TEXT NOT NULL DEFAULT '[]'")
    db.execute("ALTER TABLE drafts ADD COLUMN origin TEXT")
    for (draft_id,) in db.execute("SELECT id FROM drafts").fetchall():
        db.execute("UPDATE drafts SET uid = ? WHERE id = ?", [new_uid(), draft_id])
    db.execute("CREATE UNIQUE INDEX idx_drafts_uid ON drafts (uid)")


def known_migrations() -> list[str]:
    """Names of the migrations this build registers, in order."""
    # sqlite-utils (4.2) has no public way to list a set's registered migrations
    # (``pending``/``applied`` need a database), so this is the one place that reads the
    # private ``Migrations._migrations`` list. Keep it here if sqlite-utils changes.
    return [m.name for m in MIGRATIONS._migrations]
