"""导入表格（CSV/Excel）… on 绩效目标与指标: the import step with each column's meaning, as a clerk
uses it — the guess shown, corrected in a drop-down, remembered for the same header, and a
damaged memory file doing no harm."""
from decimal import Decimal as D

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from core import table_columns
from desktop.pages.indicators import IndicatorsPage
from desktop.table_mapping import ReplaceOrAppend

HEADER = ["一级指标", "二级指标", "三级指标", "指标值(A)", "全年实际值(B)", "参考分值", "得分计算方法",
          "得分系数", "指标得分", "未完成原因分析", "审核意见"]
ROWS = [["产出指标", "数量指标", "导入的培训人数", "≥100人", "120人", "20", "完成得满分", "1", "18", "组织不力", "同意"],
        ["", "质量指标", "导入的合格率", "≥95%", "90%", "10", "按比例", "0.9", "9", "", ""]]


@pytest.fixture
def page(open_draft, seeds, show_page, monkeypatch):
    # seed 004's table already has rows: the clerk is asked 替换 / 追加 — here 追加 unless a test says
    asked = []
    monkeypatch.setattr(ReplaceOrAppend, "ask", lambda page, existing, incoming: asked.append(
        (existing, incoming)) or asked_answer[0])
    asked_answer = ["append"]
    p = show_page(IndicatorsPage, open_draft(seeds["004"]))
    p.asked, p.asked_answer = asked, asked_answer
    return p


@pytest.fixture
def csv_file(tmp_path):
    p = tmp_path / "某县自评表.csv"
    p.write_text("\n".join(",".join(r) for r in [HEADER] + ROWS) + "\n", encoding="utf-8")
    return p


def _open(page, path, qtbot):
    """导入表格 on ``path``: the file is read off the UI thread, then the step opens."""
    page.import_dialog = None
    page.import_table(str(path))
    qtbot.waitUntil(lambda: page.import_dialog is not None and page.import_dialog.isVisible())
    return page.import_dialog


def _leaf(page, name):
    return next(leaf for g in page.session.report.table.groups for s in g.children for leaf in s.children
                if leaf.name == name)


def _choose(dialog, column, key):
    box = dialog.combos[column]
    box.setCurrentIndex(box.findData(key))


def _ok(dialog):
    return dialog.buttons.button(QDialogButtonBox.Ok)


def test_unknown_header_shows_the_import_step_with_the_guess(page, csv_file, qtbot):
    before = page.session.report
    dialog = _open(page, csv_file, qtbot)
    assert dialog.keys()[HEADER.index("指标得分")] == "score"
    assert dialog.keys()[HEADER.index("得分系数")] == "coefficient"
    assert dialog.keys()[HEADER.index("审核意见")] == table_columns.SKIP  # unknown: not imported
    assert "1 列列名无法识别" in dialog.status.text()
    assert dialog.grid.item(1, HEADER.index("审核意见")).background().color().name() == "#fff3cd"
    assert dialog.grid.item(1, 2).text() == "导入的培训人数"  # the preview shows the rows
    assert page.session.report == before  # nothing is imported before 导入
    dialog.reject()
    assert page.session.report == before


def test_import_puts_the_rows_in_the_table(page, csv_file, qtbot):
    dialog = _open(page, csv_file, qtbot)
    _ok(dialog).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    leaf = _leaf(page, "导入的培训人数")
    assert (leaf.weight, leaf.score, leaf.actual, leaf.deviation_note) == (20, 18, "120人", "组织不力")
    assert _leaf(page, "导入的合格率").score == 9
    assert "导入 2 行" in page.message.text()
    assert page.session.flush()  # autosaved like any edit


def _names(page):
    return [leaf.name for g in page.session.report.table.groups for _, leaf in g.leaves()]


def test_into_a_table_with_rows_the_clerk_chooses_replace_append_or_cancel(page, csv_file, qtbot):
    before = _names(page)
    assert before  # seed 004's own indicators
    page.asked_answer[0] = None  # 取消: nothing changes
    dialog = _open(page, csv_file, qtbot)
    _ok(dialog).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.asked == [(len(before), 2)] and _names(page) == before
    assert "未导入" in page.message.text()
    page.asked_answer[0] = "replace"  # 替换: only the file's rows, the old ones kept in the history
    dialog = _open(page, csv_file, qtbot)
    _ok(dialog).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert sorted(_names(page)) == ["导入的合格率", "导入的培训人数"]
    assert page.model.rowCount() > 0 and "导入 2 行" in page.message.text()
    assert page.session.flush()
    history = page.session.storage.snapshots(page.session.draft_id)
    assert any(h.description == "导入表格前自动保存" for h in history)


def test_changing_a_drop_down_changes_what_is_imported(page, csv_file, qtbot):
    dialog = _open(page, csv_file, qtbot)
    _choose(dialog, HEADER.index("得分系数"), "score")
    assert not _ok(dialog).isEnabled() and "选了不止一列" in dialog.status.text()
    _choose(dialog, HEADER.index("指标得分"), table_columns.SKIP)
    assert _ok(dialog).isEnabled()
    _ok(dialog).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _leaf(page, "导入的合格率").score == D("0.9")


def test_a_required_column_set_to_skip_blocks_the_import(page, csv_file, qtbot):
    dialog = _open(page, csv_file, qtbot)
    _choose(dialog, HEADER.index("三级指标"), table_columns.SKIP)
    assert not _ok(dialog).isEnabled() and "三级指标" in dialog.status.text()


def test_the_choice_is_remembered_for_the_same_header(page, csv_file, qtbot):
    dialog = _open(page, csv_file, qtbot)
    assert not dialog.from_memory
    _choose(dialog, HEADER.index("得分系数"), "score")
    _choose(dialog, HEADER.index("指标得分"), table_columns.SKIP)
    _choose(dialog, HEADER.index("审核意见"), "remark")
    chosen = dialog.keys()
    _ok(dialog).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    again = _open(page, csv_file, qtbot)
    assert again.from_memory and again.keys() == chosen
    assert "上次" in again.intro.text()
    again.reject()


def test_a_damaged_memory_file_does_no_harm(page, csv_file, qtbot):
    memory = page.session.data_dir / table_columns.MEMORY_FILE
    for junk in (b"\xff\x00not json", b'{"format": "jixiao-column-choices", "headers": {"a": 5}}',
                 b'{"format": "jixiao-column-choices", "headers": {"%s": ["score", "nonsense"]}}'
                 % "|".join(HEADER).encode()):
        memory.write_bytes(junk)
        dialog = _open(page, csv_file, qtbot)
        assert not dialog.from_memory and dialog.keys()[HEADER.index("指标得分")] == "score"
        dialog.reject()
    dialog = _open(page, csv_file, qtbot)
    _ok(dialog).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert table_columns.remembered(page.session.data_dir, HEADER) is not None  # written afresh


def test_text_in_the_score_column_is_shown_and_nothing_changes(page, tmp_path, qtbot):
    p = tmp_path / "bad.csv"
    p.write_text(",".join(HEADER) + "\n" + ",".join(ROWS[0][:8] + ["很好"] + ROWS[0][9:]) + "\n", encoding="utf-8")
    before = page.session.report
    dialog = _open(page, p, qtbot)
    _ok(dialog).click()
    assert dialog.isVisible() and "无法导入" in dialog.status.text() and "很好" in dialog.status.text()
    assert page.session.report == before


def test_a_file_that_cannot_be_read_says_why(page, tmp_path, qtbot):
    p = tmp_path / "x.xlsx"
    p.write_text("not a workbook", encoding="utf-8")
    before = page.session.report
    page.import_table(str(p))
    qtbot.waitUntil(lambda: "无法导入" in page.message.text())
    assert "xlsx" in page.message.text() and page.import_dialog is None
    assert page.session.report == before


def test_the_step_names_the_best_fitting_template_and_the_drafts_fit(page, csv_file, qtbot):
    from core.table_import import build_table, read_sheet
    from core.template_fit import fit_of, suggest_templates

    dialog = _open(page, csv_file, qtbot)
    table, _ = build_table(read_sheet(csv_file)[0])
    best, own = suggest_templates(table)[0], fit_of(table, page.model.template)
    text = dialog.fit.text()
    assert page.model.template.id in text and f"吻合度 {int(own.score * 100)}%" in text
    assert best.template_id == own.template_id or best.template_id in text
    dialog.reject()


def test_a_table_without_a_weight_column_imports_and_says_so(page, tmp_path, qtbot):
    p = tmp_path / "无分值.csv"
    p.write_text("一级指标,二级指标,指标名称,指标值,完成值,指标得分\n产出指标,数量指标,无分值的指标,1次,1次,5\n",
                 encoding="utf-8")
    dialog = _open(page, p, qtbot)
    _ok(dialog).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    leaf = _leaf(page, "无分值的指标")
    assert (leaf.weight, leaf.score) == (None, 5)
    assert "导入 1 行" in page.message.text() and "没有“分值”列" in page.message.text()
