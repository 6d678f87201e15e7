"""The drafts list as a Qt table model over ``core.storage.DraftInfo`` records.

得分 and 等级 are the stored columns (``core.storage`` computes them with ``core.scoring``):
等级 reads ``分值合计有误，暂不评级`` while the main table's weights do not add up.

Sorting and finding are done here, on the Python list, not by a ``QSortFilterProxyModel``: a
proxy sorting 10,000 drafts calls ``data()`` hundreds of thousands of times. ``sort`` orders the
rows with one key per row (stable, so the database order — most recently changed first — stays
within equal keys) and ``set_filter`` keeps the rows whose shown text holds the words typed;
both keep the selection (persistent indexes) and cost time linear in rows (sort: n log n)."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from core.rounding import fmt_score

(COL_YEAR, COL_UNIT, COL_KIND, COL_TITLE, COL_STATUS, COL_TOTAL, COL_GRADE, COL_UPDATED,
 COL_ORIGIN) = range(9)
HEADERS = ("年度", "单位", "类型", "标题", "状态", "得分", "等级", "最后修改", "来源")
RECORD_ROLE = Qt.UserRole + 1
RIGHT_ALIGNED = (COL_YEAR, COL_TOTAL)  # figures line up on the right, as in a spreadsheet
_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
# Roles as plain ints: ``role == Qt.DisplayRole`` costs ~2.5 µs in PySide6 6.12 (the enum looked
# up through the Qt namespace each time), and the view asks for thousands of cells.
_DISPLAY, _TOOLTIP, _ALIGN = (int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                                Qt.ItemDataRole.TextAlignmentRole))
_RECORD, _HORIZONTAL = int(RECORD_ROLE), Qt.Orientation.Horizontal
STATUS = {"draft": "草稿", "final": "定稿"}
DEPARTMENT = "department_overall"  # core.model.DEPARTMENT (not imported: the list loads first)
NO_GRADE = "分值合计有误，暂不评级"  # core.scoring_records.NO_GRADE (tests/test_drafts_list_scale.py checks)
_NOT_SCORED = Decimal("-1")


def cell_text(d, col: int) -> str:
    """What the list shows for draft ``d`` in column ``col``."""
    if col == COL_YEAR:
        return "" if d.year is None else str(d.year)
    if col == COL_UNIT:
        return d.unit
    if col == COL_KIND:
        return "部门整体" if d.kind == DEPARTMENT else "项目"
    if col == COL_TITLE:
        return d.title + ("（回收站）" if d.deleted_at else "")
    if col == COL_STATUS:
        return STATUS.get(d.status, d.status)
    if col == COL_TOTAL:
        total = getattr(d, "total", None)
        return "" if total is None else fmt_score(total)
    if col == COL_GRADE:
        return getattr(d, "grade", "") or ""
    if col == COL_UPDATED:
        return d.updated_at.replace("T", " ")[:16]
    if col == COL_ORIGIN:
        return getattr(d, "origin_text", "") or "本机"
    return ""


def sort_key(col: int):
    """The key ``sort`` orders by: numbers as numbers (an empty one lowest), else the text."""
    if col == COL_YEAR:
        return lambda d: -1 if d.year is None else d.year
    if col == COL_TOTAL:
        return lambda d: _NOT_SCORED if getattr(d, "total", None) is None else d.total
    if col == COL_UPDATED:
        return lambda d: d.updated_at
    return lambda d: cell_text(d, col)


class DraftsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.all_rows: list = []   # every draft, in the order of the last sort
        self.rows: list = []       # those shown (the find box)
        self.needle = ""
        self.sorted_by: tuple[int, Qt.SortOrder] | None = None
        self._texts: dict[int, str] | None = None  # draft id → its searchable text, built on first find
        self._ids: set[int] = set()

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.all_rows = list(rows)
        self._ids = {d.id for d in self.all_rows if not d.deleted_at}
        self._texts = None
        if self.sorted_by is not None:
            col, order = self.sorted_by
            self.all_rows.sort(key=sort_key(col), reverse=order == Qt.DescendingOrder)
        self.rows = self._matching(self.all_rows)
        self.endResetModel()

    def has(self, draft_id: int) -> bool:
        """Whether ``draft_id`` is in the list and not in the recycle bin."""
        return draft_id in self._ids

    def row_of(self, draft_id: int) -> int | None:
        return next((r for r, d in enumerate(self.rows) if d.id == draft_id), None)

    # -- sorting and finding ---------------------------------------------------------------
    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self.sorted_by = (column, order)
        key, reverse = sort_key(column), order == Qt.DescendingOrder
        self._relayout(lambda: (self.all_rows.sort(key=key, reverse=reverse),
                                self.rows.sort(key=key, reverse=reverse)))

    def set_filter(self, text: str) -> None:
        """Show the drafts whose shown text (any column) holds ``text`` (case-insensitive)."""
        needle = text.strip().casefold()
        if needle == self.needle:
            return
        self.needle = needle
        self._relayout(lambda: setattr(self, "rows", self._matching(self.all_rows)))

    def _matching(self, rows: list) -> list:
        if not self.needle:
            return list(rows)
        if self._texts is None:
            self._texts = {d.id: "\t".join(cell_text(d, c) for c in range(len(HEADERS))).casefold()
                           for d in self.all_rows}
        texts, needle = self._texts, self.needle
        return [d for d in rows if needle in texts[d.id]]

    def _relayout(self, change) -> None:
        """Apply ``change`` to the rows; selected rows stay selected where they still show."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [(self.rows[i.row()].id, i.column()) if i.row() < len(self.rows) else (None, 0)
               for i in before]
        change()
        where = {d.id: r for r, d in enumerate(self.rows)}
        self.changePersistentIndexList(before, [
            self.index(where[i], c) if i in where else QModelIndex() for i, c in ids])
        self.layoutChanged.emit()

    # -- Qt ------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == _HORIZONTAL:
            if role == _DISPLAY:
                return HEADERS[section]
            if role == _ALIGN and section in RIGHT_ALIGNED:
                return _RIGHT
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        if role == _DISPLAY:
            return cell_text(self.rows[index.row()], index.column())
        if role == _RECORD:
            return self.rows[index.row()]
        if role == _ALIGN:
            return _RIGHT if index.column() in RIGHT_ALIGNED else None
        if role == _TOOLTIP:
            d = self.rows[index.row()]
            if index.column() == COL_GRADE and getattr(d, "grade", "") == NO_GRADE:
                return "自评表各行分值合计不等于满分，改正分值后才评定等级（见“审核与导出”）"
            return getattr(d, "origin_text", "") or None  # where an imported draft came from
        return None
