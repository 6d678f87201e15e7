"""The table of unit entries in the 汇总 workspace: one row per unit (its versions folded into
one row), a check box per row, the version that counts chosen from a drop-down.

Sorting sorts the Python list and resets the model (``sort``): no proxy model calling
``data()`` for every comparison, so 300+ rows sort at once. Figures are right-aligned."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate

from core.rounding import fmt_score
from core.summary.tables import grade_label
from core.summary.text import money, percent, score

(COL_IN, COL_UNIT, COL_YEAR, COL_KIND, COL_TITLE, COL_RULE, COL_REPORTED, COL_GRADE, COL_ERRORS,
 COL_WARNINGS, COL_DIGEST, COL_VERSIONS) = range(12)
HEADERS = ("计入", "单位", "年度", "类型", "标题", "规则得分", "填报得分", "等级", "错误", "待说明",
           "校验码", "版本")
RIGHT = (COL_YEAR, COL_RULE, COL_REPORTED, COL_ERRORS, COL_WARNINGS, COL_VERSIONS)
ENTRY_ROLE = Qt.UserRole + 1
ERROR_COLOUR = QColor("#b00020")
WARN_COLOUR = QColor("#8a5a00")


def digest_text(report) -> str:
    """一致 / 不一致 / — (the package did not carry the digest the unit printed)."""
    ok = getattr(report, "digest_ok", None)
    return "—" if ok is None else ("一致" if ok else "不一致")


def version_label(report, n: int) -> str:
    """How a version is named in the drop-down: its number, when it was saved, where from."""
    when = getattr(report, "saved_at", None) or ""
    when = when if isinstance(when, str) else f"{when:%Y-%m-%d %H:%M}"
    return f"第{n}份 {when[:16]}  {getattr(report, 'label', '') or ''}".strip()


@dataclass
class EntryRow:
    """One unit (key): its versions, the one that counts, and whether it goes into the 汇总."""
    key: object
    versions: list
    chosen: int = 0
    checked: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def report(self):
        return self.versions[self.chosen]


def _num(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(-1)


def sort_key(column: int):
    """The key that sorts rows by ``column`` (numbers as numbers, None first)."""
    keys = {
        COL_IN: lambda r: r.checked,
        COL_UNIT: lambda r: r.report.unit or "",
        COL_YEAR: lambda r: r.report.year or 0,
        COL_KIND: lambda r: r.report.kind_label or "",
        COL_TITLE: lambda r: r.report.title or "",
        COL_RULE: lambda r: _num(r.report.rule_total),
        COL_REPORTED: lambda r: _num(r.report.reported_total),
        COL_GRADE: lambda r: grade_label(r.report.grade),
        COL_ERRORS: lambda r: r.report.errors,
        COL_WARNINGS: lambda r: r.report.warnings,
        COL_DIGEST: lambda r: digest_text(r.report),
        COL_VERSIONS: lambda r: len(r.versions),
    }
    return keys[column]


class RowsModel(QAbstractTableModel):
    """A table over a Python list: one object a row, the columns named by ``headers``; the list
    is replaced whole (``set_rows``), never edited in place, so sorting is sorting the list."""
    headers: tuple[str, ...] = ()
    right: frozenset[int] = frozenset()  # right-aligned columns (numbers)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._arrange()
        self.endResetModel()

    def _arrange(self) -> None:
        """Order the new rows (a sorted model overrides it)."""

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal:
            return None
        if role == Qt.DisplayRole:
            return self.headers[section]
        if role == Qt.TextAlignmentRole and section in self.right:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


class EntriesModel(RowsModel):
    headers = HEADERS
    right = frozenset(RIGHT)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[EntryRow] = []
        self.sort_column, self.sort_order = COL_UNIT, Qt.AscendingOrder
        self.on_change = lambda: None  # the workspace recomputes the totals

    def _arrange(self) -> None:
        self._sort()

    def flags(self, index):
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        if index.column() == COL_IN:
            return base | Qt.ItemIsUserCheckable
        if index.column() == COL_VERSIONS and len(self.rows[index.row()].versions) > 1:
            return base | Qt.ItemIsEditable
        return base

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        r, col = row.report, index.column()
        if role == Qt.CheckStateRole and col == COL_IN:
            return Qt.Checked if row.checked else Qt.Unchecked
        if role == ENTRY_ROLE:
            return row
        if role == Qt.TextAlignmentRole and col in RIGHT:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ForegroundRole:
            if col == COL_ERRORS and r.errors or col == COL_DIGEST and r.digest_ok is False:
                return QBrush(ERROR_COLOUR)
            if col == COL_WARNINGS and r.warnings:
                return QBrush(WARN_COLOUR)
            return None
        if role == Qt.ToolTipRole:
            if col == COL_VERSIONS and len(row.versions) > 1:
                return "这个单位有多份报告（多个数据包）：双击选择计入汇总的一份\n" + "\n".join(
                    ("→ " if i == row.chosen else "   ") + version_label(v, i + 1) for i, v in enumerate(row.versions))
            if col == COL_DIGEST and r.digest_ok is False:
                return "数据包中的报告与单位打印的校验码不一致：报告在打印后被改过，请与单位核对"
            if col in (COL_UNIT, COL_TITLE):
                return f"{r.unit}\n{r.title}\n来源：{r.label}"
            return None
        if role != Qt.DisplayRole:
            return None
        if col == COL_IN:
            return ""
        if col == COL_UNIT:
            return r.unit
        if col == COL_YEAR:
            return str(r.year) if r.year else "—"
        if col == COL_KIND:
            return r.kind_label
        if col == COL_TITLE:
            return r.title
        if col == COL_RULE:
            return fmt_score(r.rule_total)
        if col == COL_REPORTED:
            return fmt_score(r.reported_total)
        if col == COL_GRADE:
            return grade_label(r.grade)
        if col == COL_ERRORS:
            return str(r.errors)
        if col == COL_WARNINGS:
            return str(r.warnings)
        if col == COL_DIGEST:
            return digest_text(r)
        if col == COL_VERSIONS:
            n = len(row.versions)
            return "1" if n == 1 else f"第{row.chosen + 1}份 / 共{n}份"
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if not index.isValid():
            return False
        row = self.rows[index.row()]
        if role == Qt.CheckStateRole and index.column() == COL_IN:
            row.checked = Qt.CheckState(value) == Qt.Checked
        elif role == Qt.EditRole and index.column() == COL_VERSIONS:
            if not (isinstance(value, int) and 0 <= value < len(row.versions)):
                return False
            row.chosen = value
        else:
            return False
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(HEADERS) - 1))
        self.on_change()
        return True

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        self.beginResetModel()
        self.sort_column, self.sort_order = column, order
        self._sort()
        self.endResetModel()

    def _sort(self) -> None:
        key = sort_key(self.sort_column)
        self.rows.sort(key=lambda r: (key(r), r.report.unit or ""), reverse=self.sort_order == Qt.DescendingOrder)


class VersionDelegate(QStyledItemDelegate):
    """The 版本 cell of a unit with several packages: a drop-down of its versions."""

    def createEditor(self, parent, option, index):
        row = index.data(ENTRY_ROLE)
        box = QComboBox(parent)
        for i, v in enumerate(row.versions):
            box.addItem(version_label(v, i + 1))
        box.activated.connect(lambda _: self.commitData.emit(box))
        return box

    def setEditorData(self, editor, index):
        editor.setCurrentIndex(index.data(ENTRY_ROLE).chosen)

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentIndex(), Qt.EditRole)


def totals_text(summary) -> str:
    """The line under the table: counts, funds, 执行率, average scores and the grades."""
    parts = []
    for name, t in (("部门整体", summary.dept_totals), ("项目", summary.project_totals)):
        if t.count:
            parts.append(f"{name} {t.count} 个：全年预算 {money(t.annual)} 万元，执行 {money(t.executed)} 万元，"
                         f"执行率 {percent(t.rate)}，平均规则得分 {score(t.rule_avg)}，"
                         f"平均填报得分 {score(t.reported_avg)}")
    grades = "、".join(f"{g.label} {g.dept + g.project}" for g in summary.grade_counts if g.dept + g.project)
    text = "；".join(parts) or "没有计入汇总的报告"
    return text + (f"。等级：{grades}" if grades else "")
