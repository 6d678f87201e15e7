"""The drafts list as a Qt table model over ``core.storage.DraftInfo`` records.

得分 and 等级 are the stored columns (``core.storage`` computes them with ``core.scoring``):
等级 reads ``分值合计有误，暂不评级`` while the main table's weights do not add up."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from core.model import DEPARTMENT
from core.rounding import fmt_score
from core.scoring import NO_GRADE  # the stored grade while a table's weights do not add up

(COL_YEAR, COL_UNIT, COL_KIND, COL_TITLE, COL_STATUS, COL_TOTAL, COL_GRADE, COL_UPDATED,
 COL_ORIGIN) = range(9)
HEADERS = ("年度", "单位", "类型", "标题", "状态", "得分", "等级", "最后修改", "来源")
RECORD_ROLE = Qt.UserRole + 1
STATUS = {"draft": "草稿", "final": "定稿"}


class DraftsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        d = self.rows[index.row()]
        if role == RECORD_ROLE:
            return d
        col = index.column()
        if role == Qt.ToolTipRole and col == COL_GRADE and getattr(d, "grade", "") == NO_GRADE:
            return "自评表各行分值合计不等于满分，改正分值后才评定等级（见“审核与导出”）"
        if role == Qt.ToolTipRole and getattr(d, "origin_text", ""):  # where an imported draft came from
            return d.origin_text
        if role != Qt.DisplayRole:
            return None
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
        return None
