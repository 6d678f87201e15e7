"""A clerk types the whole of seed 004 through the widgets; the score sheet then equals
``jixiao score`` on the seed 004 fixture (issue 4's acceptance test)."""
import json
import subprocess
import sys
from decimal import Decimal

from PySide6.QtGui import QGuiApplication

from conftest import ROOT, SEEDS
from core.cli import result_json
from core.checks import run_checks
from core.report_io import load_report
from core.scoring import score_report
from core.storage import Storage
from desktop.dialogs import NewDraftDialog
from desktop.main_window import MainWindow
from desktop.pages.indicators import IndicatorsPage
from desktop.pages.overview import OverviewPage

SEED, _ = load_report(SEEDS / "seed004.json")


def tsv(table):
    """The indicator rows as a clerk copies them from the published table in Excel."""
    lines = []
    for g in table.groups:
        for sub in g.children:
            for leaf in sub.children:
                cells = (g.name, sub.name, leaf.name, leaf.target, leaf.actual,
                         "" if leaf.weight is None else str(leaf.weight),
                         "" if leaf.score is None else str(leaf.score), leaf.deviation_note)
                lines.append("\t".join(cells))
    return "\n".join(lines)


def type_into(fields, path, text):
    f = next(f for f in fields if f.path == path)
    if hasattr(f.editor, "setPlainText"):
        f.editor.setPlainText(text)
    else:
        f.editor.setText(text)
        f.editor.textEdited.emit(text)


def fill_table(page, where, table):
    page.show_table(where)
    type_into(page.fields, f"{where}/name", table.name)
    type_into(page.fields, f"{where}/goal/expected", table.goal.expected)
    type_into(page.fields, f"{where}/goal/achieved", table.goal.achieved)
    for r, row in enumerate(table.funds.rows):
        for key in ("initial", "annual", "executed"):
            value = getattr(row, key)
            if value is not None:
                type_into(page.fields, f"{where}/funds/rows/{r}/{key}", str(value))
    type_into(page.fields, f"{where}/funds/weight", str(table.funds.weight))
    type_into(page.fields, f"{where}/funds/score", str(table.funds.score))
    QGuiApplication.clipboard().setText(tsv(table))
    page.tree.setFocus()
    page.tree.setCurrentIndex(page.model.index(0, 0))
    page.paste()
    assert page.message.text().startswith("已粘贴")


def test_enter_seed004_through_the_widgets(qtbot, tmp_path, monkeypatch):
    storage = Storage.open(tmp_path)
    w = MainWindow(storage, tmp_path)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    monkeypatch.setattr(NewDraftDialog, "ask", classmethod(lambda cls, parent=None: (
        "hunan-dept-short", SEED.unit.name, SEED.year)))
    w.drafts.new_draft()
    editor = w.editor
    overview = next(p for p in editor.pages if isinstance(p, OverviewPage))
    for path, text in (("overview/duties", SEED.overview.duties), ("overview/organization", SEED.overview.organization),
                       ("overview/staffing", SEED.overview.staffing)):
        type_into(overview.fields, path, text)
    type_into(overview.fields, "overview/authorized_staff", "3")
    type_into(overview.fields, "overview/actual_staff", "8")

    page = next(p for p in editor.pages if isinstance(p, IndicatorsPage))
    editor.steps.setCurrentRow(editor.pages.index(page))
    fill_table(page, "table", SEED.table)
    page.add_project()
    fill_table(page, "projects/0", SEED.projects[0])

    typed = editor.session.report
    assert typed.overview.actual_staff == Decimal(8)
    ours = result_json(score_report(typed), run_checks(typed))
    proc = subprocess.run([sys.executable, "-m", "desktop", "score", str(SEEDS / "seed004.json"), "--json"],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    theirs = json.loads(proc.stdout)
    keys = ("rule_total", "reported_total", "weight_total", "grade")
    for a, b in zip(ours["tables"], theirs["tables"]):
        assert {k: a[k] for k in keys} == {k: b[k] for k in keys}
        assert [(x["name"], x["weight"], x["rule_score"], x["reported_score"]) for x in a["blocks"]] == \
               [(x["name"], x["weight"], x["rule_score"], x["reported_score"]) for x in b["blocks"]]
    assert len(ours["tables"]) == len(theirs["tables"]) == 2
    # the weight errors a finance officer would reject are there too
    codes = {(f["code"], f["where"]) for f in ours["findings"]}
    assert ("WEIGHT_BLOCK_MISMATCH", "table/groups/0") in codes and ("WEIGHT_TOTAL", "table") in codes

    # and it is all stored: a new window on the same data directory shows the same report
    w.close()
    storage.close()
    again = Storage.open(tmp_path)
    assert again.get(again.list()[0].id).projects[0].name == SEED.projects[0].name
    again.close()
