"""Drafts storage schema: constants, ``StorageError`` and the names of the migrations.

The migrations themselves (sqlite-utils, set "jixiao") are in ``core.storage.migrations``, loaded
only when a database has one pending: opening an up-to-date database needs no sqlite-utils.
A database that records a migration this build does not know was written by a newer version
(``known_migrations``); the callers in ``core.storage`` refuse it.
"""
from __future__ import annotations

import re
import uuid

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


# -- migrations ----------------------------------------------------------------------------
MIGRATION_SET = "jixiao"
#: Every migration of set "jixiao" this build has, in order (``core.storage.migrations`` registers
#: them under these names; tests/test_migrations.py keeps the two in step).
MIGRATION_NAMES = ("0001_drafts_and_snapshots", "0002_draft_scores_and_previous", "0003_exchange",
                   "0004_list_index")


def known_migrations() -> list[str]:
    """Names of the migrations this build registers, in order."""
    return list(MIGRATION_NAMES)


def new_uid() -> str:
    """A new stable draft id (uuid4, 32 hex digits)."""
    return uuid.uuid4().hex
