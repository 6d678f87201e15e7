"""Drafts storage: the clerk's reports kept in one local SQLite database.

This package is the only place that touches SQLite. Everything above it
sees ``model.Report`` values and the small ``DraftInfo`` / ``SnapshotInfo`` records.

* A draft row holds the report as the JSON of ``core.report_io`` (Chinese unescaped) plus
  copies of the fields the draft list shows and filters on (unit, year, kind, template,
  title), kept in step on every save.
* Deleting moves a draft into the recycle bin (``deleted_at`` set); ``restore`` brings it
  back and ``purge`` removes a binned draft for good (its snapshots go with it, by the
  ``ON DELETE CASCADE`` foreign key).
* Each draft row also keeps the rule score of its main table (``rule_total``, a decimal
  string, and ``grade``), recomputed on every write (``core.rescoring.score_main``: that
  table only, rows unchanged since they were last scored taken from a memo); both
  are NULL when the table cannot be scored or scoring fails (a scoring failure never blocks
  a save). ``previous_id`` names the draft a carried-forward draft was made from.
* ``status`` is 'draft' or 'final' (``set_status``); writes never change it.
* Snapshots are named copies of a draft's report. Restoring one first snapshots the current
  state ("恢复前自动保存"), so a restore can itself be undone.
* Every write runs inside one transaction (``BEGIN IMMEDIATE``: the write lock is taken first,
  waiting up to ``BUSY_TIMEOUT`` seconds for another connection to let go): a failure leaves
  nothing behind.
* The schema comes from sqlite-utils migrations (set "jixiao", ``core.storage.migrations``,
  loaded only when one is pending; the connection itself is ``core.storage.db.Db``, plain
  sqlite3 with sqlite-utils' transaction rules). A database that records a
  migration this build does not know was written by a newer version: it is refused and left
  untouched. A SQLite file of another program (its own tables, no ``drafts``, no migration of
  set "jixiao") is refused untouched too. The journal is the default rollback journal
  (DELETE), not WAL (tech-notes §4).
* Backups live in ``data_dir/backups`` as ``jixiao-YYYYMMDD-HHMMSS.db`` (rolling, at most one a
  day from ``auto_backup``), ``jixiao-before-migration-….db`` (taken before a pending migration
  is applied to an existing database) and ``jixiao-before-restore-….db``. A backup is checked
  (``integrity_check``) before it is renamed into place, so a damaged database is never backed
  up; the daily backup is skipped while the database holds no draft and a rolling backup holds
  some, and pruning never deletes the newest backup holding drafts in favour of empty ones.
* Opening (``core.storage.recovery``, the one home of recovery) first checks the file. A
  damaged file is copied aside to ``jixiao-damaged-….db`` (never deleted) and the newest good
  backup copied over it; a missing, 0-byte or emptied database beside a backup holding drafts
  is recovered the same way. Each step is ordered so that a kill at any moment loses nothing
  and the next start finishes the job; ``Storage.recovery_message`` then says so in Chinese.
  Our stale temp files are removed; a genuinely new data directory just starts empty.
* Private: the data directory is created 0700, the database, backups and copies are 0600
  (POSIX; on Windows the per-user ``%LOCALAPPDATA%`` is private by its ACL).
* Stored reports are read through ``core.validate.loads``, the same gate as a report JSON file.

Errors the user may see are raised as ``StorageError`` with a Chinese message; no
``sqlite3`` error or ``OSError`` leaves a ``Storage`` method (``errors.translated``).

Modules: ``schema`` (constants, ``StorageError``, the migrations), ``errors`` (SQLite and OS
errors in Chinese), ``files`` (backup names and listing, file checks, the private atomic copy),
``recovery`` (what ``open`` does before connecting: recovery, stale temp files, foreign files),
``rows`` (the ``DraftInfo`` / ``SnapshotInfo`` records and the report/row helpers,
``empty_report``), ``backups`` (``Backups``: the backup methods ``Storage`` inherits),
``drafts`` (the ``Storage`` class), ``exchange`` (reports carried between data folders:
``Incoming``, ``ImportItem``, ``ImportResult``, the statuses and ``plan_import``/``apply_import``
behind the ``Storage`` methods) and ``restore`` (``restore_database``, ``app_holds``,
``ensure_no_app``). Imports go one way: schema ← errors ← files ← recovery ← exchange ← rows,
backups ← drafts ← restore.

* Migration ``0003_exchange``: every draft has a stable ``uid`` (uuid4 hex; copies and
  carried-forward drafts get a new one), a ``sync_history`` (JSON list of the report digests it
  was exchanged at) and an ``origin`` (JSON of the package it was imported from, or NULL).
* ``restore_database`` backs the restored file up as ``jixiao-after-restore-….db``; recovery
  never prefers a before-restore backup taken before it. See docs/storage.md.
"""
from core.storage.drafts import Storage
from core.storage.rows import DraftInfo, SnapshotInfo, empty_report
from core.storage.exchange import (CHOICE_TEXT, CHOICES, STATUS_TEXT, ImportItem, ImportResult,
                                   Incoming)
from core.storage.files import backups_dir, check_database_file, list_backups
from core.storage.restore import (APP_RUNNING, app_holds, ensure_no_app, holding_app_lock,
                                  restore_database)
from core.storage.schema import (AFTER_RESTORE, AUTO_SNAPSHOT, BACKUPS_DIR, BEFORE_MIGRATION,
                                 BEFORE_RESTORE, COPY_SUFFIX, IMPORT_SNAPSHOT, IMPORT_SUFFIX, NEWER_DATABASE, STATUSES,
                                 StorageError, known_migrations)

__all__ = [
    # AFTER_RESTORE, APP_RUNNING, CHOICE_TEXT, IMPORT_SNAPSHOT, IMPORT_SUFFIX and STATUS_TEXT
    # are importable too; not listed as strings here, where tests/test_checks.py would take
    # them for finding codes.
    "CHOICES", "ImportItem", "ImportResult", "Incoming", "app_holds", "ensure_no_app",
    "holding_app_lock",
    "AUTO_SNAPSHOT", "BACKUPS_DIR", "BEFORE_MIGRATION", "BEFORE_RESTORE", "COPY_SUFFIX",
    "MIGRATIONS", "NEWER_DATABASE", "STATUSES", "DraftInfo", "SnapshotInfo",
    "Storage", "StorageError", "backups_dir", "check_database_file", "empty_report",
    "known_migrations", "list_backups", "restore_database",
]


def __getattr__(name: str):
    """``MIGRATIONS`` (sqlite-utils) is loaded on first use: opening the app does not need it."""
    if name == "MIGRATIONS":
        from core.storage.migrations import MIGRATIONS

        return MIGRATIONS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
