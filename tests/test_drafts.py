"""Drafts from templates and from last year's draft; the score and status columns."""
import dataclasses
from decimal import Decimal

import pytest

from core import model
from core.storage import Storage, StorageError
from core.templates import list_templates, load_template


@pytest.fixture
def store(tmp_path):
    s = Storage.open(tmp_path / "data")
    yield s
    s.close()


def test_next_year_from_seed_001(store, seeds):
    last = seeds["001"]
    assert last.year == 2022
    old = store.create(last)
    new, marks = store.create_next_year(old)
    draft = store.get(new)
    assert draft.year == 2023 and draft.title.startswith("2023年度")
    assert draft.unit == last.unit and draft.template == last.template
    old_leaves = [leaf for g in last.table.groups for _, leaf in g.leaves()]
    new_leaves = [leaf for g in draft.table.groups for _, leaf in g.leaves()]
    assert [(x.name, x.target, x.weight) for x in new_leaves] == [
        (x.name, x.target, x.weight) for x in old_leaves]
    assert any(x.actual for x in old_leaves)
    assert all(x.actual == "" and x.score is None for x in new_leaves)
    assert marks and any(m.endswith("/target") for m in marks)
    [info] = store.list(year=2023)
    assert (info.id, info.previous_id, info.year) == (new, old, 2023)
    assert store.get(old) == last  # the old draft is untouched
    store.delete(old)
    store.purge(old)  # purging the source leaves the carried draft, link cleared
    assert store.list()[0].previous_id is None and store.get(new) == draft


def test_next_year_of_a_missing_draft(store):
    with pytest.raises(StorageError, match="找不到"):
        store.create_next_year(42)
    assert store.list(include_deleted=True) == []


@pytest.mark.parametrize("template_id", [t for t, _ in list_templates()])
def test_create_from_template_lays_out_the_blocks(store, template_id):
    tpl, _ = load_template(template_id)
    draft = store.create_from_template(template_id, "某某局", 2024)
    report = store.get(draft)
    dept = tpl.kind == model.DEPARTMENT
    assert (report.template, report.kind, report.year, report.unit.name) == (
        template_id, tpl.kind, 2024, "某某局")
    assert report.title == ("2024年度某某局部门整体支出绩效自评报告" if dept
                            else "2024年度某某局项目支出绩效自评报告")
    table = report.table
    assert [(g.name, g.stated_weight) for g in table.groups] == [
        (b.name, b.weight) for b in tpl.blocks]
    assert [[c.name for c in g.children] for g in table.groups] == [
        list(b.level2) for b in tpl.blocks]
    assert [r.label for r in table.funds.rows] == [
        "年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"]
    assert table.funds.weight == tpl.execution_weight
    assert report.framework == tpl.framework
    [info] = store.list()
    assert (info.total, info.grade, info.status) == (None, "", "draft")  # nothing scored yet


def test_create_from_unknown_or_abstract_template(store):
    with pytest.raises(StorageError, match="模板“no-such”无法使用"):
        store.create_from_template("no-such", "甲", 2024)
    with pytest.raises(StorageError, match="无法使用"):
        store.create_from_template("base-national", "甲", 2024)
    assert store.list(include_deleted=True) == []


def test_scores_follow_every_write(store, seeds):
    draft = store.create(seeds["001"])
    assert (store.list()[0].total, store.list()[0].grade) == (Decimal("99.00"), "优")
    row = store.db.execute("SELECT rule_total FROM drafts WHERE id = ?", [draft]).fetchone()
    assert row == ("99.00",)
    store.save(draft, dataclasses.replace(seeds["001"], table=None, template="no-such"))
    assert (store.list()[0].total, store.list()[0].grade) == (None, "")


def test_scoring_failure_never_blocks_a_save(store, seeds, monkeypatch):
    import core.storage.rows as rows_mod

    def boom(report):
        raise RuntimeError("scoring bug")
    monkeypatch.setattr(rows_mod, "score_main", boom)
    draft = store.create(seeds["001"])
    store.save(draft, seeds["001"])
    assert store.get(draft) == seeds["001"]
    assert (store.list()[0].total, store.list()[0].grade) == (None, "")


def test_set_status(store, seeds):
    draft = store.create(seeds["004"])
    assert store.list()[0].status == "draft"
    store.set_status(draft, "final")
    assert store.list()[0].status == "final"
    store.save(draft, seeds["004"])  # saving keeps the status
    assert store.list()[0].status == "final"
    store.set_status(draft, "draft")
    assert store.list()[0].status == "draft"
    with pytest.raises(StorageError, match="状态"):
        store.set_status(draft, "submitted")
    with pytest.raises(StorageError, match="找不到"):
        store.set_status(99, "final")
