"""Schema migrations: every released schema version still opens (tests/fixtures/db/README.md)."""
import hashlib
import shutil
import sqlite3
from decimal import Decimal

import pytest

from core import paths
from core.storage import MIGRATIONS, Storage, known_migrations
from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "db"
SCHEMA_V1 = FIXTURES / "schema-v1.db"
NEW_COLUMNS = {"rule_total", "grade", "previous_id"}


def _columns(db_file) -> set[str]:
    con = sqlite3.connect(db_file)
    try:
        return {r[1] for r in con.execute("PRAGMA table_info(drafts)")}
    finally:
        con.close()


def _applied(db_file) -> list[str]:
    con = sqlite3.connect(db_file)
    try:
        return [r[0] for r in con.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'jixiao' ORDER BY rowid")]
    finally:
        con.close()


def _copy_v1(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    target = paths.database_path(data_dir)
    shutil.copyfile(SCHEMA_V1, target)
    return target


def test_schema_v1_fixture_is_what_the_readme_says():
    assert _applied(SCHEMA_V1) == ["0001_drafts_and_snapshots"]
    assert not _columns(SCHEMA_V1) & NEW_COLUMNS


def test_schema_v1_upgrades_keeping_both_drafts(tmp_path, seeds):
    fixture_hash = hashlib.sha256(SCHEMA_V1.read_bytes()).hexdigest()
    db_file = _copy_v1(tmp_path)
    with Storage.open(tmp_path) as s:
        assert [m.name for m in MIGRATIONS.applied(s.db)] == known_migrations()
        assert s.get(1) == seeds["001"]
        assert s.get(2) == seeds["004"]
        infos = {i.id: i for i in s.list()}
        assert set(infos) == {1, 2}
        assert all((i.total, i.grade, i.previous_id, i.status) == (None, "", None, "draft")
                   for i in infos.values())
        assert infos[1].updated_at == "2024-03-01T09:30:00+08:00"  # migrating is not an edit
        s.save(1, s.get(1))
        info = {i.id: i for i in s.list()}[1]
        assert (info.total, info.grade) == (Decimal("99.00"), "优")
        assert s.get(1) == seeds["001"]
    assert NEW_COLUMNS <= _columns(db_file)
    [backup] = (tmp_path / "backups").glob("jixiao-before-migration-*.db")
    assert _applied(backup) == ["0001_drafts_and_snapshots"]  # the backup is the v1 file
    assert not _columns(backup) & NEW_COLUMNS
    with Storage.open(tmp_path) as s:  # a second open migrates nothing and backs up nothing
        assert s.get(2) == seeds["004"]
    assert len(list((tmp_path / "backups").glob("*.db"))) == 1
    assert hashlib.sha256(SCHEMA_V1.read_bytes()).hexdigest() == fixture_hash


def test_empty_dir_gets_the_current_schema(tmp_path):
    with Storage.open(tmp_path / "new") as s:
        assert [m.name for m in MIGRATIONS.applied(s.db)] == known_migrations()
        assert s.list(include_deleted=True) == []
    db_file = paths.database_path(tmp_path / "new")
    assert NEW_COLUMNS <= _columns(db_file)
    assert _applied(db_file) == known_migrations()
    assert not (tmp_path / "new" / "backups").exists()  # nothing to back up


def test_known_migrations_are_in_order():
    assert known_migrations() == ["0001_drafts_and_snapshots", "0002_draft_scores_and_previous",
                                  "0003_exchange", "0004_list_index"]


def _uids(db_file) -> dict[int, tuple]:
    con = sqlite3.connect(db_file)
    try:
        return {r[0]: r[1:] for r in con.execute(
            "SELECT id, uid, sync_history, origin FROM drafts ORDER BY id")}
    finally:
        con.close()


def test_schema_v2_upgrades_to_exchange_keeping_drafts_and_bin(tmp_path, seeds):
    """v2 (scores) → 0003_exchange: drafts, bin and snapshots as stored, each draft a uid."""
    tmp_path.mkdir(exist_ok=True)
    db_file = paths.database_path(tmp_path)
    shutil.copyfile(FIXTURES / "schema-v2.db", db_file)
    with Storage.open(tmp_path) as s:
        assert [m.name for m in MIGRATIONS.applied(s.db)] == known_migrations()
        assert s.get(1) == seeds["001"] and s.get(2) == seeds["004"]
        assert [i.id for i in s.list()] == [1]
        assert {i.id: i.deleted_at is not None for i in s.list(include_deleted=True)} == {1: False, 2: True}
        assert [x.description for x in s.snapshots(1)] == ["离开“部门概况”页"]
        assert (s.list()[0].total, s.list()[0].grade) == (Decimal("99.00"), "优")
        assert s.list()[0].origin_text == ""
        assert s.origin(1) is None
        assert s.exchange_info(1)[1] == () and s.exchange_info(2)[1] == ()
    uids = _uids(db_file)
    assert set(uids) == {1, 2}
    assert all(len(uid) == 32 and int(uid, 16) >= 0 for uid, _, _ in uids.values())
    assert uids[1][0] != uids[2][0]
    assert all(history == "[]" and origin is None for _, history, origin in uids.values())
    [backup] = (tmp_path / "backups").glob("jixiao-before-migration-*.db")
    assert _applied(backup) == ["0001_drafts_and_snapshots", "0002_draft_scores_and_previous"]
    assert "uid" not in _columns(backup)
    with Storage.open(tmp_path) as s:  # uids are stable: a second open changes nothing
        assert s.exchange_info(1)[0] == uids[1][0]
    assert _uids(db_file) == uids


def test_schema_v1_upgrade_gives_every_draft_a_uid(tmp_path):
    db_file = _copy_v1(tmp_path)
    with Storage.open(tmp_path):
        pass
    uids = _uids(db_file)
    assert set(uids) == {1, 2} and len({u for u, _, _ in uids.values()}) == 2
    assert {"uid", "sync_history", "origin"} <= _columns(db_file)


def test_uid_is_unique(tmp_path, seeds):
    with Storage.open(tmp_path) as s:
        a = s.create(seeds["001"])
        b = s.create(seeds["004"])
        uid = s.exchange_info(a)[0]
        with pytest.raises(sqlite3.IntegrityError):
            s.db.execute("UPDATE drafts SET uid = ? WHERE id = ?", [uid, b])


def test_schema_v3_gains_the_list_index_after_a_backup(tmp_path, seeds):
    """0004: the draft list is read from one covering index, in its order (no table rows read,
    no temporary sort); the v3 file is backed up first."""
    tmp_path.mkdir(exist_ok=True)
    db_file = paths.database_path(tmp_path)
    shutil.copyfile(FIXTURES / "schema-v3.db", db_file)
    with Storage.open(tmp_path) as s:
        assert [m.name for m in MIGRATIONS.applied(s.db)] == known_migrations()
        assert {i.id for i in s.list()} == {1, 2}
        assert s.get(1) == seeds["001"]
        plan = " ".join(r[-1] for r in s.db.execute(
            "EXPLAIN QUERY PLAN SELECT id, unit, year, kind, template, title, status, updated_at,"
            " deleted_at, rule_total, grade, previous_id, origin FROM drafts WHERE deleted_at IS NULL"
            " ORDER BY updated_at DESC, id DESC").fetchall())
        assert "COVERING INDEX idx_drafts_list" in plan and "TEMP B-TREE" not in plan, plan
    assert [p.name for p in (tmp_path / "backups").iterdir() if "before-migration" in p.name]


def test_schema_v4_opens_unchanged(tmp_path, seeds):
    """The schema of this release: nothing to migrate, nothing backed up, uids, histories and
    origins as stored."""
    tmp_path.mkdir(exist_ok=True)
    db_file = paths.database_path(tmp_path)
    shutil.copyfile(FIXTURES / "schema-v4.db", db_file)
    with Storage.open(tmp_path) as s:
        assert [m.name for m in MIGRATIONS.applied(s.db)] == known_migrations()
        assert s.get(1) == seeds["001"] and s.get(2) == seeds["004"]
        assert s.exchange_info(1) == ("95d1a943b3dc4f6294b867b64c833e81", ("96ER-1V35-FR2D-4XCJ",))
        assert s.exchange_info(2) == ("4" * 32, ("0000-0000-0000-0004", "5GVF-WXBR-VS04-H81F"))
        assert s.origin(1) is None
        assert s.origin(2)["unit"] == "石峰区工商业联合会"
        infos = {i.id: i for i in s.list()}
        assert infos[2].origin_text == "来自 石峰区工商业联合会 的数据包 石峰区工商业联合会-2020.jxpkg（2026-11-30 导入）"
        assert infos[1].origin_text == ""
        [item] = s.plan_import([_incoming_v3(seeds["001"])])
        assert (item.local_id, item.status) == (1, "same")
    assert not (tmp_path / "backups").exists()


def _incoming_v3(report):
    from core.storage import Incoming

    return Incoming.of("95d1a943b3dc4f6294b867b64c833e81", report)
