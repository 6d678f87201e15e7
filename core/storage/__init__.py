"""Drafts storage: the clerk's reports kept in one local SQLite database.

This package is the only place that touches SQLite (through sqlite-utils). Everything above it
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

Modules: ``schema`` (constants, ``StorageError``, the migrations), ``files`` (backups, file
checks, recovery of a damaged file, ``restore_database``) and ``drafts`` (the ``Storage`` class,
the ``DraftInfo`` / ``SnapshotInfo`` records and the report/row helpers).
"""
from core.storage.drafts import (DraftInfo, SnapshotInfo, Storage, _info, _list_columns, _now,
                                 _report_from_json, _report_json, _score_columns, empty_report)
from core.storage.files import backups_dir, check_database_file, list_backups
from core.storage.restore import restore_database
from core.storage.schema import (AUTO_SNAPSHOT, BACKUPS_DIR, BEFORE_MIGRATION, BEFORE_RESTORE,
                                 COPY_SUFFIX, MIGRATIONS, NEWER_DATABASE, STATUSES,
                                 StorageError, known_migrations)

__all__ = [
    "AUTO_SNAPSHOT", "BACKUPS_DIR", "BEFORE_MIGRATION", "BEFORE_RESTORE", "COPY_SUFFIX",
    "MIGRATIONS", "NEWER_DATABASE", "STATUSES", "DraftInfo", "SnapshotInfo",
    "Storage", "StorageError", "backups_dir", "check_database_file", "empty_report",
    "known_migrations", "list_backups", "restore_database",
]
