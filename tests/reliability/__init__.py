"""The reliability suite (issue 8, deliverable 9): ``python -m tests.reliability``.

It attacks the real program from outside and counts what breaks:

* ``kills``  – SIGKILLs at random moments during save, autosave, import-json, migration,
  backup, restore and recovery of a damaged database, each followed by a fresh start that
  checks the database (integrity, drafts kept, flushed edits present, typing lost);
* ``fuzz``   – hypothesis-generated and hostile report JSON and indicator tables run through
  every command (tracebacks, exit status 3, hangs over 10 s);
* ``faults`` – full disk, read-only folder, a held write lock, an empty/missing database
  beside good backups.

``runner.main(argv)`` runs it and returns the exit status (0 only with no crash, hang or loss).
docs/reliability.md describes it. ``tests/`` has no ``__init__.py`` on purpose (the tests import
``conftest`` by name); ``tests`` is a namespace package, so run it from the repository root.
"""
from tests.reliability.runner import main  # noqa: F401
