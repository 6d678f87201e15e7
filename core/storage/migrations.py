"""The drafts database migrations (sqlite-utils, set "jixiao"), in order.

Loaded only when a database has a migration pending (``Storage.open``): an up-to-date database
opens without importing sqlite-utils. Their names are ``core.storage.schema.MIGRATION_NAMES``.
Before a pending migration is applied to an existing database, ``Storage.open`` backs it up
(``jixiao-before-migration-….db``).
"""
from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.db import ForeignKey
from sqlite_utils.migrations import Migrations

from core.storage.schema import MIGRATION_NAMES, MIGRATION_SET, new_uid

MIGRATIONS = Migrations(MIGRATION_SET)


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


@MIGRATIONS(name="0004_list_index")
def _m0004_list_index(db: Database) -> None:
    # The draft list (Storage.list) reads only these columns, newest change first: from this
    # index alone, in its order — never past each row's large report_json, no sort.
    db.execute("CREATE INDEX idx_drafts_list ON drafts (deleted_at, updated_at DESC, id DESC,"
               " unit, year, kind, template, title, status, rule_total, grade, previous_id, origin)")


def registered() -> list[str]:
    """Names of the migrations registered here, in order."""
    # sqlite-utils (4.2) has no public way to list a set's registered migrations
    # (``pending``/``applied`` need a database), so this is the one place that reads the
    # private ``Migrations._migrations`` list. Keep it here if sqlite-utils changes.
    return [m.name for m in MIGRATIONS._migrations]


if tuple(registered()) != MIGRATION_NAMES:  # pragma: no cover - a migration added in one place only
    raise RuntimeError("core.storage.schema.MIGRATION_NAMES differs from the registered migrations")
