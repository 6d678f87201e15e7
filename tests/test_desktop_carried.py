"""Next year's draft in the window: carried values are light blue until edited or confirmed."""
import pytest
from PySide6.QtCore import Qt

from conftest import SEEDS
from core.checks import run_checks
from core.report_io import load_report
from core.storage import Storage
from desktop.fields import CARRIED_STYLE
from desktop.indicator_model import CARRIED_BRUSH, CARRIED_TIP, COL_TARGET, COL_WEIGHT
from desktop.pages.indicators import IndicatorsPage
from desktop.session import DraftSession


@pytest.fixture
def carried(tmp_path, qtbot):
    storage = Storage.open(tmp_path)
    report, _ = load_report(SEEDS / "seed001.json")
    new_id, marks = storage.create_next_year(storage.create(report))
    session = DraftSession(storage, tmp_path, new_id)
    page = IndicatorsPage(session)
    qtbot.addWidget(page)
    page.resize(1166, 700)
    page.show()
    page.load()
    yield session, page, marks
    session.close()
    storage.close()


def cell(model, path, column):
    i = model.index_of_path(path)
    return i.sibling(i.row(), column)


def hint_count(session, where="table"):
    f = next((f for f in run_checks(session.report) if f.code == "CARRIED_UNCONFIRMED" and f.where == where), None)
    return 0 if f is None else int(f.message.split()[1])


def test_carried_cells_edit_and_confirm(carried):
    session, page, marks = carried
    assert session.report.carried == marks
    target = next(m for m in marks if m.startswith("table/groups/") and m.endswith("/target"))
    row = target.removesuffix("/target")
    m = page.model
    assert cell(m, row, COL_TARGET).data(Qt.BackgroundRole) == CARRIED_BRUSH
    assert cell(m, row, COL_TARGET).data(Qt.ToolTipRole) == CARRIED_TIP
    before = hint_count(session)
    assert before == sum(1 for p in marks if p.startswith("table/"))

    assert m.setData(cell(m, row, COL_TARGET), "≥60次")  # the clerk edits it: confirmed
    assert target not in session.report.carried
    assert cell(m, row, COL_TARGET).data(Qt.BackgroundRole) != CARRIED_BRUSH
    assert hint_count(session) == before - 1
    assert f"{row}/weight" in session.report.carried  # its neighbour is still to check
    assert cell(m, row, COL_WEIGHT).data(Qt.BackgroundRole) == CARRIED_BRUSH

    funds = next(f for f in page.fields if f.path == "table/funds/weight")
    assert CARRIED_STYLE in funds.editor.styleSheet() and funds.editor.toolTip() == CARRIED_TIP
    assert page.confirm_button.isVisible()
    page.confirm_button.click()
    assert not any(p.startswith("table/") for p in session.report.carried)
    assert any(p.startswith("figures/") for p in session.report.carried)  # other pages keep theirs
    assert hint_count(session) == 0 and hint_count(session, "figures") > 0
    assert cell(m, row, COL_WEIGHT).data(Qt.BackgroundRole) != CARRIED_BRUSH
    assert CARRIED_STYLE not in funds.editor.styleSheet()
    assert not page.confirm_button.isVisible()
    # stored: the autosave writes the confirmed list
    assert session.flush()
    assert session.storage.get(session.draft_id).carried == session.report.carried


def test_a_number_field_confirms_when_typed(carried, qtbot):
    session, page, _ = carried
    funds = next(f for f in page.fields if f.path == "table/funds/weight")
    funds.editor.clear()
    qtbot.keyClicks(funds.editor, "10")  # the same value, typed again: confirmed all the same
    assert "table/funds/weight" not in session.report.carried
    assert CARRIED_STYLE not in funds.editor.styleSheet()


def test_deleting_a_row_keeps_the_marks_on_their_values(carried):
    session, page, marks = carried
    m = page.model
    rows = [m_.removesuffix("/target") for m_ in marks if m_.startswith("table/groups/0/") and m_.endswith("/target")]
    first, second = rows[0], rows[1]
    assert first.rsplit("/", 1)[0] == second.rsplit("/", 1)[0]  # two carried rows in one group
    name = session.report.table.groups[0].children[0].children[1].name
    page.tree.setCurrentIndex(m.index_of_path(first))
    page.delete_row()
    assert f"{first}/target" in session.report.carried  # the second row moved up into its place
    assert f"{second}/target" not in session.report.carried
    assert session.report.table.groups[0].children[0].children[0].name == name
    assert cell(m, first, COL_TARGET).data(Qt.BackgroundRole) == CARRIED_BRUSH
