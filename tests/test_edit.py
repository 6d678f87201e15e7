"""Edits by path make new reports and leave the old one as it was."""
from decimal import Decimal as D

from core import edit, model


def test_set_a_row_field_by_its_finding_path(seeds):
    old = seeds["004"]
    path = "table/groups/2/children/0/children/0/deviation_note"
    new = edit.set_at(old, path, "个别企业反映办事效率")
    assert edit.get_at(new, path) == "个别企业反映办事效率"
    assert edit.get_at(old, path) == ""  # the old report is untouched
    assert new.table.groups[0] == old.table.groups[0]


def test_figures_set_and_clear(seeds):
    new = edit.set_at(seeds["001"], "figures/executed", D("100.5"))
    assert new.figures.get("executed") == D("100.5")
    assert edit.set_at(new, "figures/executed", None).figures.get("executed") is None


def test_insert_delete_move_rows(seeds):
    path = "table/groups/0/children/0/children"
    old = seeds["004"]
    rows = edit.get_at(old, path)
    new = edit.insert_at(old, path, 1, model.Indicator("新指标", target="≥1次"))
    assert [r.name for r in edit.get_at(new, path)][:2] == [rows[0].name, "新指标"]
    assert edit.delete_at(new, path, 1) == old
    moved = edit.move_at(old, path, 0, 2)
    assert [r.name for r in edit.get_at(moved, path)] == [rows[1].name, rows[2].name, rows[0].name, rows[3].name]
