"""Reports carried between data folders, storage side (issue 11): uid and sync history,
plan_import's statuses, apply_import's choices in one transaction, the app-lock check for
command-line writers, and a restore that damage recovery never undoes."""
import dataclasses

import pytest

from conftest import app_holding
from core import paths
from core.report_digest import report_digest
from core.storage import (IMPORT_SNAPSHOT, IMPORT_SUFFIX, ImportItem, Incoming, Storage,
                          StorageError, app_holds, ensure_no_app, restore_database)

ORIGIN = {"package": "武昌区工商联-2022-部门整体.jxpkg", "unit": "武昌区工商联",
          "created_at": "2026-11-29T10:00:00+08:00", "imported_at": "2026-11-30T09:00:00+08:00"}


def _edited(report, title):
    return dataclasses.replace(report, title=title)


def _incoming(storage, draft_id, report=None):
    """What a package made from ``draft_id`` right now (after mark_exchanged) carries."""
    uid, history = storage.exchange_info(draft_id)
    return Incoming(uid, report or storage.get(draft_id), history,
                    report_digest(report or storage.get(draft_id)))


@pytest.fixture
def home(tmp_path, seeds):
    """A data folder with seed 001 packed once (its digest in the sync history)."""
    s = Storage.open(tmp_path / "home")
    draft = s.create(seeds["001"])
    s.mark_exchanged(draft)
    yield s, draft
    s.close()


def _state(storage):
    """Everything an import could change."""
    drafts = storage.db.execute(
        "SELECT id, uid, report_json, sync_history, origin, deleted_at, title FROM drafts"
        " ORDER BY id").fetchall()
    snaps = storage.db.execute("SELECT id, draft_id, report_json FROM snapshots ORDER BY id").fetchall()
    return drafts, snaps


# -- uid and history -----------------------------------------------------------------------
def test_new_copy_and_next_year_drafts_get_new_uids(tmp_path, seeds):
    with Storage.open(tmp_path) as s:
        a = s.create(seeds["001"])
        b = s.duplicate(a)
        c, _ = s.create_next_year(a)
        uids = {s.exchange_info(i)[0] for i in (a, b, c)}
        assert len(uids) == 3 and all(len(u) == 32 for u in uids)
        s.save(a, _edited(s.get(a), "改了标题"))
        assert s.exchange_info(a)[0] in uids  # saving keeps the uid


def test_mark_exchanged_appends_the_digest_once(tmp_path, seeds):
    with Storage.open(tmp_path) as s:
        draft = s.create(seeds["001"])
        assert s.exchange_info(draft)[1] == ()
        first = s.mark_exchanged(draft)
        assert first == report_digest(seeds["001"])
        assert s.mark_exchanged(draft) == first
        assert s.exchange_info(draft)[1] == (first,)  # no duplicate consecutive entry
        s.save(draft, _edited(seeds["001"], "第二版"))
        second = s.mark_exchanged(draft)
        assert second != first and s.exchange_info(draft)[1] == (first, second)


# -- plan_import ---------------------------------------------------------------------------
def test_plan_import_statuses(home, seeds, tmp_path):
    s, draft = home
    packed = _incoming(s, draft)  # as packed: same content as here
    uid = packed.uid

    def status(incoming):
        [item] = s.plan_import([incoming])
        assert isinstance(item, ImportItem)
        return item.status, item.status_text

    assert status(Incoming.of("f" * 32, seeds["004"])) == ("new", "新报告")
    assert status(packed) == ("same", "与本机相同")

    # the other office edited it after receiving it: its history holds our digest
    theirs = _edited(seeds["001"], "对方改过")
    assert status(Incoming(uid, theirs, packed.history, report_digest(theirs))) == \
        ("incoming_newer", "数据包中的较新")

    # we edited it after packing; the package holds the old version
    s.save(draft, _edited(seeds["001"], "本机改过"))
    assert status(packed) == ("local_newer", "本机的较新")

    # both edited since they parted
    assert status(Incoming(uid, theirs, packed.history, report_digest(theirs))) == \
        ("diverged", "两边都有修改")

    # a draft in the recycle bin still counts as existing, and says so
    s.delete(draft)
    [item] = s.plan_import([packed])
    assert item.local_id == draft and item.status == "local_newer"
    assert item.status_text == "本机的较新（在回收站中）"


def test_plan_import_writes_nothing(home, seeds):
    s, draft = home
    before = _state(s)
    s.plan_import([_incoming(s, draft), Incoming.of("a" * 32, seeds["004"])])
    assert _state(s) == before


# -- apply_import --------------------------------------------------------------------------
def test_replace_snapshots_first_and_can_be_undone(home, seeds):
    s, draft = home
    packed = _incoming(s, draft)
    theirs = _edited(seeds["001"], "对方改过")
    incoming = Incoming(packed.uid, theirs, packed.history, report_digest(theirs))
    [item] = s.plan_import([incoming])
    assert item.status == "incoming_newer"
    result = s.apply_import([item], ["replace"], ORIGIN)
    assert result.replaced == (draft,) and result.created == () and result.skipped == 0
    [snap] = result.snapshots
    assert s.get(draft) == theirs
    assert [x.description for x in s.snapshots(draft)] == [IMPORT_SNAPSHOT]
    assert s.exchange_info(draft) == (packed.uid, packed.history + (incoming.digest,))
    assert s.origin(draft) == ORIGIN
    info = next(i for i in s.list() if i.id == draft)
    assert info.origin_text == "来自 武昌区工商联 的数据包 武昌区工商联-2022-部门整体.jxpkg（2026-11-30 导入）"
    assert info.title == "对方改过"
    s.restore_snapshot(snap)  # undo
    assert s.get(draft) == seeds["001"]
    # and importing the same again now reads as newer again, never as "same"
    assert s.plan_import([incoming])[0].status == "incoming_newer"


def test_replace_merges_histories_in_order(home, seeds):
    s, draft = home
    local_first = s.exchange_info(draft)[1][0]
    s.save(draft, _edited(seeds["001"], "本机改过"))
    theirs = _edited(seeds["001"], "对方改过")
    incoming = Incoming(s.exchange_info(draft)[0], theirs, ("X1", local_first, "X2"),
                        report_digest(theirs))
    [item] = s.plan_import([incoming])
    s.apply_import([item], ["replace"], ORIGIN)
    assert s.exchange_info(draft)[1] == (local_first, "X1", "X2", incoming.digest)


def test_keep_both_new_uid_and_title_suffix_when_the_uid_exists(home, seeds):
    s, draft = home
    packed = _incoming(s, draft)
    s.save(draft, _edited(seeds["001"], "本机改过"))
    [item] = s.plan_import([packed])
    result = s.apply_import([item], ["keep_both"], ORIGIN)
    [new] = result.created
    assert result.replaced == () and result.snapshots == ()
    assert s.get(draft).title == "本机改过"  # local untouched
    assert s.get(new).title == seeds["001"].title + IMPORT_SUFFIX
    uid, history = s.exchange_info(new)
    assert uid != packed.uid and len(uid) == 32
    assert history == packed.history  # incoming.history + digest (already its last entry)
    assert s.origin(new) == ORIGIN
    assert s.origin(draft) is None


def test_new_report_keeps_its_uid_and_skip_imports_nothing(home, seeds):
    s, _ = home
    first = Incoming.of("b" * 32, seeds["004"], ("OLD1",))
    second = Incoming.of("c" * 32, seeds["000"])
    items = s.plan_import([first, second])
    assert [i.status for i in items] == ["new", "new"]
    count = len(s.list(include_deleted=True))
    result = s.apply_import(items, ["keep_both", "skip"], ORIGIN)
    assert result.skipped == 1 and len(result.created) == 1
    [new] = result.created
    assert s.exchange_info(new) == ("b" * 32, ("OLD1", first.digest))
    assert s.get(new) == seeds["004"]
    assert len(s.list(include_deleted=True)) == count + 1
    # importing the same package again: "same", and skip changes nothing
    again = s.plan_import([first])
    assert again[0].status == "same" and again[0].local_id == new
    before = _state(s)
    assert s.apply_import(again, ["skip"], ORIGIN).skipped == 1
    assert _state(s) == before


def test_bad_choices_are_refused_and_change_nothing(home, seeds):
    s, draft = home
    items = s.plan_import([Incoming.of("d" * 32, seeds["004"])])
    before = _state(s)
    with pytest.raises(StorageError, match="不能替换"):
        s.apply_import(items, ["replace"], ORIGIN)
    with pytest.raises(StorageError, match="未知的导入选项"):
        s.apply_import(items, ["overwrite"], ORIGIN)
    with pytest.raises(StorageError, match="数量不一致"):
        s.apply_import(items, [], ORIGIN)
    assert _state(s) == before


def test_a_failure_half_way_rolls_everything_back(home, seeds, monkeypatch):
    s, draft = home
    packed = _incoming(s, draft)
    theirs = _edited(seeds["001"], "对方改过")
    items = s.plan_import([
        Incoming(packed.uid, theirs, packed.history, report_digest(theirs)),  # replace
        Incoming.of("e" * 32, seeds["004"]),  # keep_both = import
        Incoming.of("9" * 32, seeds["000"]),  # fails here
    ])
    before = _state(s)
    real = Storage._insert_draft
    calls = []

    def failing(self, report, *args, **kwargs):
        calls.append(report.title)
        if len(calls) == 2:
            raise RuntimeError("stick pulled")
        return real(self, report, *args, **kwargs)

    monkeypatch.setattr(Storage, "_insert_draft", failing)
    with pytest.raises(StorageError, match="导入失败，本机数据未改动"):
        s.apply_import(items, ["replace", "keep_both", "keep_both"], ORIGIN)
    assert len(calls) == 2  # the replacement and one new draft had been written
    assert _state(s) == before


def test_a_plan_gone_stale_never_makes_two_drafts_with_one_uid(home, seeds):
    s, _ = home
    [item] = s.plan_import([Incoming.of("9" * 32, seeds["000"])])
    assert item.status == "new"
    first = s.apply_import([item], ["keep_both"], ORIGIN).created[0]
    second = s.apply_import([item], ["keep_both"], ORIGIN).created[0]  # the same plan again
    assert s.exchange_info(first)[0] == "9" * 32
    assert s.exchange_info(second)[0] != "9" * 32
    assert s.get(second).title == seeds["000"].title + IMPORT_SUFFIX


# -- one writer at a time ------------------------------------------------------------------
def test_ensure_no_app_refuses_while_another_process_holds_the_folder(tmp_path, seeds):
    data = tmp_path / "data"
    with Storage.open(data) as s:
        s.create(seeds["001"])
    assert not app_holds(data)
    ensure_no_app(data)  # nobody: fine, and the lock is not kept
    assert not app_holds(data)
    assert not app_holds(tmp_path / "no-such-folder")
    assert not (tmp_path / "no-such-folder").exists()
    backup = tmp_path / "copy.db"
    with Storage.open(data) as s:
        s.backup(backup)
    db_bytes = paths.database_path(data).read_bytes()
    with app_holding(data):
        assert app_holds(data)
        with pytest.raises(StorageError) as e:
            ensure_no_app(data)
        assert str(e.value) == "绩效自评助手正在使用该数据目录，请先关闭程序再执行此命令"
        with pytest.raises(StorageError, match="请先关闭程序再执行此命令"):
            restore_database(data, backup)
        assert app_holds(data)  # our failed attempts did not take the lock from the app
    assert paths.database_path(data).read_bytes() == db_bytes
    assert not (data / "backups").exists()
    assert not app_holds(data)
    ensure_no_app(data)


# -- a restore is never undone by recovery -------------------------------------------------
def test_damage_after_a_restore_recovers_the_restored_state(tmp_path, seeds):
    data = tmp_path / "data"
    with Storage.open(data) as s:
        old = s.create(seeds["004"])
        chosen = tmp_path / "chosen.db"
        s.backup(chosen)  # the backup the clerk will restore: seed 004 only
        s.create(seeds["001"])  # the state before the restore: two drafts
    restore_database(data, chosen)
    with Storage.open(data) as s:
        assert [i.id for i in s.list()] == [old]
    # the next start finds the file damaged
    db = paths.database_path(data)
    db.write_bytes(b"\x00garbage\xff" * 5000)
    with Storage.open(data) as s:
        assert "已损坏" in s.recovery_message and "after-restore" in s.recovery_message
        assert [i.id for i in s.list(include_deleted=True)] == [old]  # not the pre-restore two
        assert s.get(old) == seeds["004"]


def test_missing_file_after_a_restore_recovers_the_restored_state(tmp_path, seeds):
    data = tmp_path / "data"
    with Storage.open(data) as s:
        s.create(seeds["004"])
        s.create(seeds["000"])
        chosen = tmp_path / "chosen.db"
        s.backup(chosen)
        s.create(seeds["001"])
    restore_database(data, chosen)
    paths.database_path(data).unlink()
    with Storage.open(data) as s:
        assert s.recovery_message
        assert sorted(i.title for i in s.list()) == sorted([seeds["004"].title, seeds["000"].title])
