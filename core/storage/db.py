"""The drafts database connection: the few calls ``Storage`` makes, without sqlite-utils.

Importing sqlite-utils pulls in click, dateutil and pluggy (~70 ms, more on an old PC) before
the app's first paint, for a connection that only ever runs SQL. ``Db`` does what
``sqlite_utils.Database`` does for the calls we make, with the same transaction rules:

* ``execute``: a write outside a transaction is committed at once (the statement's implicit
  transaction is committed; a failed one rolled back), inside one it joins it;
* ``atomic()``: ``BEGIN`` … ``COMMIT`` (rolled back on any exception), a savepoint when nested;
* ``PRAGMA recursive_triggers=on`` at connect, as sqlite-utils sets it.

Anything else (the migrations, a test reading the schema through sqlite-utils) goes to a
``sqlite_utils.Database`` over the same connection, made on first use (``full``).
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import Any, Iterator, Sequence

_CONTROL = ("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE")


def _first_keyword(sql: str) -> str:
    """The statement's first keyword, upper case (comments and blanks skipped)."""
    i, n = 0, len(sql)
    while i < n:
        if sql[i].isspace() or sql[i] in (";", "\ufeff"):
            i += 1
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            if newline == -1:
                return ""
            i = newline + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            if end == -1:
                return ""
            i = end + 2
        else:
            break
    j = i
    while j < n and (sql[j].isalpha() or sql[j] == "_"):
        j += 1
    return sql[i:j].upper()


class Db:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._full = None
        self.execute("PRAGMA recursive_triggers=on;")

    def execute(self, sql: str, parameters: Sequence | dict[str, Any] | None = None) -> sqlite3.Cursor:
        was_in_transaction = self.conn.in_transaction
        try:
            cursor = self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")  # the failed statement's implicit transaction
            raise
        if (not was_in_transaction and self.conn.in_transaction and cursor.description is None
                and _first_keyword(sql) not in _CONTROL):
            self.conn.execute("COMMIT")  # a write outside a transaction is committed at once
        return cursor

    def execute_returning_dicts(self, sql: str, params: Sequence | dict[str, Any] | None = None) -> list[dict]:
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        return [dict(zip(keys, row)) for row in cursor.fetchall()]

    @contextlib.contextmanager
    def atomic(self) -> Iterator["Db"]:
        conn = self.conn
        if conn.in_transaction:
            savepoint = f"jixiao_{os.urandom(16).hex()}"
            conn.execute(f"SAVEPOINT {savepoint};")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint};")
                    conn.execute(f"RELEASE SAVEPOINT {savepoint};")
                raise
            else:
                conn.execute(f"RELEASE SAVEPOINT {savepoint};")
            return
        conn.execute("BEGIN")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()

    def applied_migrations(self, migration_set: str) -> list[str]:
        """Names of the migrations of ``migration_set`` this database records, in order."""
        if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                                 " AND name = '_sqlite_migrations'").fetchone():
            return []
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
            [migration_set])]

    # -- everything else: sqlite-utils, loaded on first use ---------------------------------
    @property
    def full(self):
        if self._full is None:
            from sqlite_utils import Database

            self._full = Database(self.conn, execute_plugins=False)
        return self._full

    def __getitem__(self, name: str):
        return self.full[name]

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("_full", "conn"):
            raise AttributeError(name)
        return getattr(self.full, name)
