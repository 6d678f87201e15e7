"""The backup methods of ``Storage`` (mixed in from ``Backups``): the checked atomic copy, the
backups folder, the daily and rolling backups and their pruning (names: ``core.storage.files``)."""
from __future__ import annotations

import datetime
import os
import sqlite3
import tempfile
from pathlib import Path

from core.os_errors import os_error_text
from core.paths import make_private
from core.storage.db import Db
from core.storage.errors import error_text, translated
from core.storage.files import _parse_backup_name, _stamped_path, backups_dir, draft_count, list_backups
from core.storage.schema import StorageError


class Backups:
    """Backup methods over ``self.db`` (the open database) and ``self.path`` (its file), which
    ``Storage`` sets; not used on its own."""

    db: Db
    path: Path

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
            raise StorageError(f"无法在“{target.parent}”中写入备份：{os_error_text(e)}") from e
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
                raise StorageError(f"备份失败：{error_text(e)}") from e
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

    @translated("备份")
    def backup_to_dir(self, kind: str = "") -> Path:
        """A new backup ``jixiao-[kind-]YYYYMMDD-HHMMSS.db`` in the backups folder; its path."""
        try:
            self.backups_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            raise StorageError(f"无法创建备份目录“{self.backups_dir}”：{os_error_text(e)}") from e
        make_private(self.backups_dir, 0o700)
        target = _stamped_path(self.backups_dir, kind)
        self.backup(target)
        return target

    @translated("备份")
    def rolling_backup(self, keep: int = 10) -> Path:
        """Write a rolling backup now, then delete the oldest rolling ones beyond ``keep``."""
        target = self.backup_to_dir()
        self._prune(keep)
        return target

    @translated("自动备份")
    def auto_backup(self, keep: int = 10) -> Path | None:
        """The daily backup: written only when no rolling backup exists from today, and not
        when the database holds no draft while a rolling backup holds some (a backup of
        nothing must not start pushing the good ones out of the rotation).

        Returns the new backup's path, or None when none was written.
        """
        today = datetime.date.today()
        rolling = self._rolling()
        for p in rolling:
            if _parse_backup_name(p.name)[1].date() == today:
                self._prune(keep)
                return None
        if not self._has_drafts() and any(draft_count(p) for p in rolling):
            return None
        return self.rolling_backup(keep)

    def _has_drafts(self) -> bool:
        return bool(self.db.execute("SELECT EXISTS (SELECT 1 FROM drafts)").fetchone()[0])

    def _rolling(self) -> list[Path]:
        """The rolling backups, newest first."""
        return [p for p in self.list_backups() if _parse_backup_name(p.name)[0] == ""]

    def _prune(self, keep: int) -> None:
        """Delete the rolling backups beyond the newest ``keep`` — except the newest one that
        holds drafts when none of those kept does: backups of an empty database (asked for
        with ``jixiao backup``) never push the last good one out."""
        rolling = self._rolling()
        kept, doomed = rolling[:max(keep, 1)], rolling[max(keep, 1):]
        if doomed and not any(draft_count(p) for p in kept):
            good = next((p for p in doomed if draft_count(p)), None)
            if good is not None:
                doomed.remove(good)
        for old in doomed:
            try:
                old.unlink()
            except OSError:
                pass
