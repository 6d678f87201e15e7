"""Drafts storage (core.storage) and the data directory (core.paths)."""
import dataclasses
import sqlite3
from decimal import Decimal

import pytest

from core import model, paths
from core.storage import (AUTO_SNAPSHOT, MIGRATIONS, NEWER_DATABASE, DraftInfo, Storage,
                          StorageError, known_migrations)


@pytest.fixture
def store(tmp_path):
    s = Storage.open(tmp_path / "data")
    yield s
    s.close()


def _report(unit="甲单位", year=2023, title="报告", kind=model.DEPARTMENT):
    return model.Report(template="t", kind=kind, year=year, title=title,
                        unit=model.Unit(name=unit),
                        figures=model.Figures.of({"budget": Decimal("107.49")}))


# -- paths ---------------------------------------------------------------------------------
def test_data_dir_override_env_and_default(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "env"))
    assert paths.data_dir(tmp_path / "over") == tmp_path / "over"
    assert (tmp_path / "over").is_dir()
    assert paths.data_dir() == tmp_path / "env"
    assert (tmp_path / "env").is_dir()
    monkeypatch.delenv("JIXIAO_DATA_DIR")
    calls = []

    def fake(name, appauthor=None, roaming=None):
        calls.append((name, appauthor, roaming))
        return tmp_path / "default"
    monkeypatch.setattr(paths.platformdirs, "user_data_path", fake)
    assert paths.data_dir() == tmp_path / "default"
    assert calls == [("jixiao", False, False)]
    assert paths.database_path(tmp_path) == tmp_path / "jixiao.db"


# -- round trip ----------------------------------------------------------------------------
def test_every_seed_round_trips_through_reopen(tmp_path, seeds):
    assert len(seeds) == 5
    with Storage.open(tmp_path) as s:
        ids = {key: s.create(report) for key, report in seeds.items()}
    with Storage.open(tmp_path) as s:
        for key, report in seeds.items():
            assert s.get(ids[key]) == report, key
        infos = {i.id: i for i in s.list()}
    for key, report in seeds.items():
        info = infos[ids[key]]
        assert (info.unit, info.year, info.kind, info.template, info.title, info.status) == (
            report.unit.name, report.year, report.kind, report.template, report.title, "draft")
        assert info.deleted_at is None


def test_json_is_stored_with_chinese_unescaped(store):
    draft = store.create(_report(unit="财政局"))
    text = store.db.execute("SELECT report_json FROM drafts WHERE id = ?", [draft]).fetchone()[0]
    assert "财政局" in text and "\\u" not in text


def test_save_updates_report_and_list_columns(store):
    draft = store.create(_report())
    edited = dataclasses.replace(_report(unit="乙单位", year=2024, title="新标题",
                                         kind=model.PROJECT), template="t2")
    store.save(draft, edited)
    assert store.get(draft) == edited
    [info] = store.list()
    assert info == DraftInfo(draft, "乙单位", 2024, model.PROJECT, "t2", "新标题", "draft",
                             info.updated_at, None)


def test_missing_draft_is_a_chinese_error(store):
    for call in (lambda: store.get(99), lambda: store.save(99, _report()),
                 lambda: store.rename(99, "x"), lambda: store.delete(99),
                 lambda: store.snapshot(99, "x"), lambda: store.restore_snapshot(99)):
        with pytest.raises(StorageError, match="找不到"):
            call()


# -- list, rename, duplicate, recycle bin --------------------------------------------------
def test_list_filters_by_unit_and_year(store):
    a = store.create(_report("甲单位", 2023))
    b = store.create(_report("甲单位", 2024))
    c = store.create(_report("乙单位", 2023))
    assert {i.id for i in store.list()} == {a, b, c}
    assert {i.id for i in store.list(unit="甲单位")} == {a, b}
    assert {i.id for i in store.list(year=2023)} == {a, c}
    assert [i.id for i in store.list(unit="甲单位", year=2024)] == [b]
    assert store.list(unit="丙单位") == []


def test_rename_changes_list_and_report(store):
    draft = store.create(_report(title="旧"))
    store.rename(draft, "新名字")
    assert store.list()[0].title == "新名字"
    assert store.get(draft).title == "新名字"
    assert store.get(draft) == dataclasses.replace(_report(), title="新名字")


def test_duplicate_copies_report_under_a_new_title(store):
    draft = store.create(_report(title="原稿"))
    store.snapshot(draft, "s")
    copy = store.duplicate(draft)
    assert copy != draft
    assert store.get(copy) == dataclasses.replace(store.get(draft), title="原稿（副本）")
    assert store.snapshots(copy) == []
    assert len(store.list()) == 2


def test_delete_goes_to_recycle_bin_and_restore_brings_it_back(store):
    keep = store.create(_report(title="留"))
    gone = store.create(_report(title="删"))
    store.delete(gone)
    assert [i.id for i in store.list()] == [keep]
    binned = {i.id: i for i in store.list(include_deleted=True)}
    assert set(binned) == {keep, gone}
    assert binned[gone].deleted_at and binned[keep].deleted_at is None
    assert store.get(gone).title == "删"  # a binned draft can still be opened
    store.restore(gone)
    assert {i.id for i in store.list()} == {keep, gone}
    assert all(i.deleted_at is None for i in store.list())


# -- snapshots -----------------------------------------------------------------------------
def test_restore_snapshot_brings_old_report_back_and_is_undoable(store):
    original = _report(title="初稿")
    draft = store.create(original)
    snap = store.snapshot(draft, "提交前")
    edited = dataclasses.replace(original, title="改稿", year=2030)
    store.save(draft, edited)
    assert store.get(draft) == edited

    auto = store.restore_snapshot(snap)
    assert store.get(draft) == original
    assert store.list()[0].title == "初稿" and store.list()[0].year == 2023
    infos = store.snapshots(draft)
    assert [(i.id, i.description) for i in infos] == [(snap, "提交前"), (auto, AUTO_SNAPSHOT)]
    assert all(i.draft_id == draft for i in infos)
    assert store.snapshot_report(auto) == edited

    store.restore_snapshot(auto)  # undo the restore
    assert store.get(draft) == edited
    assert len(store.snapshots(draft)) == 3


def test_foreign_keys_on_and_purge_cascades_snapshots(store, tmp_path):
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    draft = store.create(_report())
    other = store.create(_report())
    store.snapshot(draft, "a")
    store.snapshot(draft, "b")
    store.snapshot(other, "c")
    with pytest.raises(StorageError, match="回收站"):
        store.purge(draft)
    store.delete(draft)
    store.purge(draft)
    assert store.db.execute("SELECT draft_id FROM snapshots").fetchall() == [(other,)]
    assert [i.id for i in store.list(include_deleted=True)] == [other]
    with pytest.raises(sqlite3.IntegrityError):  # no orphan snapshot can be written
        store.db.execute("INSERT INTO snapshots (draft_id, created_at, report_json)"
                         " VALUES (999, 'x', '{}')")


# -- transactions --------------------------------------------------------------------------
def test_failure_mid_transaction_leaves_nothing_behind(store, monkeypatch):
    draft = store.create(_report(title="初稿"))
    snap = store.snapshot(draft, "s")
    store.save(draft, _report(title="改稿"))
    before = store.db.execute("SELECT * FROM drafts").fetchall()

    def boom(*args):
        raise RuntimeError("disk pulled")
    # the automatic snapshot is inserted, then writing the draft fails
    monkeypatch.setattr(store, "_write_report", boom)
    with pytest.raises(RuntimeError):
        store.restore_snapshot(snap)
    assert [i.id for i in store.snapshots(draft)] == [snap]
    assert store.db.execute("SELECT * FROM drafts").fetchall() == before
    assert not store.db.conn.in_transaction
    monkeypatch.undo()
    store.restore_snapshot(snap)  # the connection is still usable
    assert store.get(draft).title == "初稿"


def test_failed_create_stores_nothing(store, monkeypatch):
    import core.storage.drafts as storage_mod

    def boom(report):
        raise ValueError("bad report")
    monkeypatch.setattr(storage_mod, "_report_json", boom)
    with pytest.raises(ValueError):
        store.create(_report())
    assert store.list(include_deleted=True) == []


# -- versions ------------------------------------------------------------------------------
def test_database_from_a_newer_version_is_refused_untouched(tmp_path):
    with Storage.open(tmp_path) as s:
        s.create(_report())
        assert [m.name for m in MIGRATIONS.applied(s.db)] == known_migrations()
        s.db["_sqlite_migrations"].insert({"migration_set": "jixiao", "name": "9999_future",
                                           "applied_at": "2099-01-01"})
    db_file = paths.database_path(tmp_path)
    before = db_file.read_bytes()
    with pytest.raises(StorageError) as err:
        Storage.open(tmp_path)
    assert str(err.value) == NEWER_DATABASE and "请升级软件" in str(err.value)
    assert db_file.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jixiao.db"]


def test_other_migration_sets_do_not_count_as_newer(tmp_path):
    with Storage.open(tmp_path) as s:
        s.db["_sqlite_migrations"].insert({"migration_set": "plugin", "name": "x",
                                           "applied_at": "2099-01-01"})
    with Storage.open(tmp_path) as s:
        assert s.integrity_ok()


def test_reopen_does_not_reapply_migrations(tmp_path):
    for _ in range(3):
        with Storage.open(tmp_path) as s:
            s.create(_report())
    with Storage.open(tmp_path) as s:
        assert len(s.list()) == 3
        assert s.db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(
            known_migrations())


def test_not_a_database_is_kept_aside_and_an_empty_one_started(tmp_path):
    garbage = b"this is not sqlite " * 100
    paths.database_path(tmp_path).write_bytes(garbage)
    with Storage.open(tmp_path) as s:
        assert "已损坏" in s.recovery_message and "没有可用的备份" in s.recovery_message
        assert s.list(include_deleted=True) == [] and s.integrity_ok()
    kept = list(tmp_path.glob("jixiao-damaged-*.db"))
    assert len(kept) == 1 and kept[0].read_bytes() == garbage


# -- maintenance ---------------------------------------------------------------------------
def test_backup_is_consistent_and_replaces_target(store, tmp_path, seeds):
    ids = [store.create(r) for r in seeds.values()]
    store.delete(ids[0])
    store.snapshot(ids[1], "快照")
    assert store.integrity_ok()
    target = tmp_path / "backups" / "jixiao-backup.db"
    target.parent.mkdir()
    target.write_bytes(b"old backup")
    store.backup(target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["jixiao-backup.db"]
    con = sqlite3.connect(target)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("SELECT count(*) FROM drafts").fetchone()[0] == 5
        assert con.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1
    finally:
        con.close()
    # the backup opens as a data directory of its own
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    paths.database_path(restored_dir).write_bytes(target.read_bytes())
    with Storage.open(restored_dir) as s:
        assert [s.get(i) for i in ids] == list(seeds.values())
        assert len(s.list()) == 4


def test_backup_failure_leaves_target_untouched(store, tmp_path):
    store.create(_report())
    with pytest.raises(StorageError, match="备份"):
        store.backup(tmp_path / "no-such-dir" / "b.db")
    assert not (tmp_path / "no-such-dir").exists()
