"""The indicator table of one 自评表 as an editable Qt tree (一级 → 二级 → 三级 rows).

The model mirrors only the *structure* of the table with small ``Node`` objects; every value
is read from ``session.report`` by path when Qt asks, and every edit goes to
``session.set`` (autosaved). Typing never waits for scoring: a cell edit scores its own row
again and moves the totals by the difference at once (``desktop.indicator_scores``), and the
whole table is scored again off the UI thread once the edits pause (``desktop.indicator_rescore``).
Structure edits (rows added, moved, deleted) score the table at once; unchanged rows come from
the scoring memo.
"""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from core import carry_forward as carry
from core import edit, model, values
from core.rounding import fmt_score
from desktop.indicator_rescore import Rescoring
from desktop.session import DraftSession

(COL_NAME, COL_TARGET, COL_ACTUAL, COL_READING, COL_WEIGHT, COL_SCORE, COL_RULE, COL_TIER,
 COL_NOTE) = range(9)
HEADERS = ("指标", "年度指标值", "实际完成值", "解读", "分值", "得分", "规则得分", "定性档次", "偏差原因分析及改进措施")
LEAF_FIELDS = {COL_NAME: "name", COL_TARGET: "target", COL_ACTUAL: "actual", COL_WEIGHT: "weight",
               COL_SCORE: "score", COL_TIER: "tier", COL_NOTE: "deviation_note"}
NUMBER_COLS = (COL_WEIGHT, COL_SCORE)
PATH_ROLE = int(Qt.UserRole) + 1
DISPLAY, EDIT, TOOLTIP, BACKGROUND, FOREGROUND = (int(r) for r in (
    Qt.DisplayRole, Qt.EditRole, Qt.ToolTipRole, Qt.BackgroundRole, Qt.ForegroundRole))
# made once: combining PySide flag enums costs microseconds, and Qt asks flags() of every cell
NO_FLAGS = Qt.NoItemFlags
SELECTABLE = Qt.ItemIsEnabled | Qt.ItemIsSelectable
EDITABLE = SELECTABLE | Qt.ItemIsEditable
ROLES = frozenset((DISPLAY, EDIT, TOOLTIP, BACKGROUND, FOREGROUND, PATH_ROLE))  # the roles data() answers
CMP_TEXT = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
DIFF_BRUSH = QBrush(QColor("#fde2e1"))
NEEDS_NOTE_BRUSH = QBrush(QColor("#fff4c2"))
GROUP_BRUSH = QBrush(QColor("#eef3fb"))
CARRIED_BRUSH = QBrush(QColor("#e3f2fd"))
CARRIED_TIP = "沿用上年，请核对"


class Node:
    __slots__ = ("parent", "children", "is_leaf")

    def __init__(self, parent: "Node | None", is_leaf: bool):
        self.parent = parent
        self.children: list[Node] = []
        self.is_leaf = is_leaf

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent else 0


def reading_text(r: values.Reading, reverse: bool = False) -> str:
    """How the program reads a target: “≥ 2000 份，正向”."""
    if r.kind == values.BLANK:
        return ""
    if r.kind == values.NUMBER:
        cmp = r.comparator or ("<=" if reverse else ">=")
        sense = {">=": "正向", ">": "正向", "<=": "反向", "<": "反向", "=": "等于"}[cmp]
        num = format(r.number, "f")
        num = num.rstrip("0").rstrip(".") if "." in num else num
        implied = "（成本指标）" if not r.comparator and reverse else ""
        return f"{CMP_TEXT[cmp]} {num} {r.unit}".rstrip() + f"，{sense}{implied}"
    if r.kind == values.DATE and r.date:
        y, m, d = r.date
        return f"不晚于 {str(y) + '年' if y else ''}{m}月{d}日，时效"
    if r.kind == values.WORD:
        return "定性"
    return "无法识别，请写成“≥ 数值 单位”"


class IndicatorModel(Rescoring, QAbstractItemModel):
    rescored = Signal()  # after every rescore: ``result`` holds the table's current totals
    SCORED_COLUMNS = (COL_WEIGHT, COL_NOTE)  # the cells a new score may change

    def __init__(self, session: DraftSession, table_path: str, parent=None):
        super().__init__(parent)
        self.session = session
        self.table_path = table_path
        self.root = Node(None, False)
        self._init_rescoring()
        self._build()

    # -- structure ----------------------------------------------------------------------------
    def table(self) -> model.SelfEvalTable:
        return edit.get_at(self.session.report, self.table_path)

    def _build(self) -> None:
        self.root.children = []

        def add(parent: Node, record) -> None:
            node = Node(parent, isinstance(record, model.Indicator))
            parent.children.append(node)
            for child in getattr(record, "children", ()):
                add(node, child)
        for g in self.table().groups:
            add(self.root, g)
        self.rescore()

    def reset(self, table_path: str | None = None) -> None:
        self.beginResetModel()
        if table_path is not None:
            self.table_path = table_path
        self._build()
        self.endResetModel()

    def path_of(self, node: Node) -> str:
        if node.parent is None:
            return self.table_path
        if node.parent.parent is None:
            return f"{self.table_path}/groups/{node.row()}"
        return f"{self.path_of(node.parent)}/children/{node.row()}"

    def children_path(self, node: Node) -> str:
        return f"{self.table_path}/groups" if node is self.root else f"{self.path_of(node)}/children"

    def node(self, index: QModelIndex) -> Node:
        return index.internalPointer() if index.isValid() else self.root

    def index_of_path(self, path: str) -> QModelIndex:
        """The index of the row at ``path`` (a finding's where), or invalid."""
        rest = path[len(self.table_path):].strip("/").split("/") if path.startswith(self.table_path + "/") else []
        index, node = QModelIndex(), self.root
        nums = [int(p) for p in rest if p.isdigit()]
        for n in nums:
            if n >= len(node.children):
                break
            index = self.index(n, 0, index)
            node = node.children[n]
        return index

    def refresh_all(self) -> None:
        """Every cell may show something new (e.g. carried values confirmed): repaint all."""
        def walk(parent: QModelIndex) -> None:
            n = self.rowCount(parent)
            if n:
                self.dataChanged.emit(self.index(0, 0, parent), self.index(n - 1, len(HEADERS) - 1, parent))
                for row in range(n):
                    walk(self.index(row, 0, parent))
        walk(QModelIndex())

    def _reverse(self, node: Node) -> bool:
        if self.template is None:
            return False
        names = []
        n = node.parent
        while n is not None and n.parent is not None:
            names.append(edit.get_at(self.session.report, self.path_of(n)).name)
            n = n.parent
        rev = {r for b in self.template.blocks for r in b.reverse_level2}
        return any("".join(x.split()) in rev for x in names)

    # -- Qt model API ---------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        p = self.node(parent)
        if 0 <= row < len(p.children) and 0 <= column < len(HEADERS):
            return self.createIndex(row, column, p.children[row])
        return QModelIndex()

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: A003 - Qt name
        if not index.isValid():
            return QModelIndex()
        p = index.internalPointer().parent
        if p is None or p is self.root:
            return QModelIndex()
        return self.createIndex(p.row(), 0, p)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return len(HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return NO_FLAGS
        node = index.internalPointer()
        col = index.column()
        if node.is_leaf and col in LEAF_FIELDS:
            return EDITABLE
        if not node.is_leaf and col == COL_NAME:
            return EDITABLE
        if not node.is_leaf and col == COL_WEIGHT and node.parent is self.root:
            return EDITABLE  # the weight printed on the 一级 label
        return SELECTABLE

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        role = int(role)  # compared as ints: a PySide enum comparison costs microseconds
        if role not in ROLES or not index.isValid():
            return None  # fonts, alignment, check state …: asked for every cell, never ours
        node = index.internalPointer()
        path = self.path_of(node)
        if role == PATH_ROLE:
            return path
        record = edit.get_at(self.session.report, path)
        col = index.column()
        if node.is_leaf:
            return self._leaf_data(record, path, node, col, role)
        return self._group_data(record, path, node, col, role)

    def _group_data(self, g: model.IndicatorGroup, path: str, node: Node, col: int, role):
        total, score_sum, rule_sum = self.scores.sums.get(path) or self._sums(g)
        carried = col == COL_WEIGHT and f"{path}/stated_weight" in self.session.report.carried
        if role == BACKGROUND:
            return CARRIED_BRUSH if carried else GROUP_BRUSH
        if role == TOOLTIP and carried:
            return CARRIED_TIP
        if role == FOREGROUND and col == COL_WEIGHT and g.stated_weight is not None \
                and g.stated_weight != total:
            return QBrush(QColor("#b00020"))
        if role == EDIT:
            if col == COL_NAME:
                return g.name
            if col == COL_WEIGHT:
                return "" if g.stated_weight is None else fmt_score(g.stated_weight)
        if role in (DISPLAY, TOOLTIP):
            if col == COL_NAME:
                return g.name
            if col == COL_WEIGHT:
                text = fmt_score(total)
                if g.stated_weight is not None and g.stated_weight != total:
                    text += f"（标注 {fmt_score(g.stated_weight)}）"
                return text
            if col == COL_SCORE:
                return fmt_score(score_sum)
            if col == COL_RULE:
                return fmt_score(rule_sum)
        return None

    @staticmethod
    def _sums(g: model.IndicatorGroup) -> tuple[Decimal, Decimal, Decimal]:
        """A group not scored yet (its template does not load): the clerk's sums, no rule."""
        leaves = [leaf for _, leaf in g.leaves()]
        return (sum((leaf.weight or Decimal(0) for leaf in leaves), Decimal(0)),
                sum((leaf.score or Decimal(0) for leaf in leaves), Decimal(0)), Decimal(0))

    def _leaf_data(self, leaf: model.Indicator, path: str, node: Node, col: int, role):
        result = self.results.get(path)
        carried = col in LEAF_FIELDS and f"{path}/{LEAF_FIELDS[col]}" in self.session.report.carried
        if role == BACKGROUND:
            if carried:
                return CARRIED_BRUSH
            if col in (COL_SCORE, COL_RULE) and result and result.rule_score is not None \
                    and leaf.score is not None and result.rule_score != leaf.score:
                return DIFF_BRUSH
            if col == COL_NOTE and path in self.needs_note and not leaf.deviation_note.strip():
                return NEEDS_NOTE_BRUSH
            return None
        if role == TOOLTIP:
            if carried:
                return CARRIED_TIP
            if col == COL_RULE and result:
                return result.note
            if col == COL_NOTE and path in self.needs_note and not leaf.deviation_note.strip():
                return "扣分或得分与规则不同：请填写偏差原因分析及改进措施"
        if role not in (DISPLAY, EDIT, TOOLTIP):
            return None
        if col in NUMBER_COLS:
            v = getattr(leaf, LEAF_FIELDS[col])
            return "" if v is None else fmt_score(v)
        if col == COL_TIER:
            if role == EDIT:
                return leaf.tier
            tiers = {t.key: t.label for t in (self.template.tiers if self.template else ())}
            chosen = leaf.tier or (result.tier if result else "")
            return tiers.get(chosen, "") + ("（自动）" if chosen and not leaf.tier else "")
        if col in LEAF_FIELDS:
            return getattr(leaf, LEAF_FIELDS[col])
        if col == COL_READING:
            return reading_text(values.read_value(leaf.target), self._reverse(node))
        if col == COL_RULE:
            if result is None or result.rule_score is None:
                return "—" if result is None or result.weight is None else "按填报"
            return fmt_score(result.rule_score)
        return None

    def setData(self, index: QModelIndex, value, role=Qt.EditRole) -> bool:
        if not index.isValid() or role != Qt.EditRole:
            return False
        node = index.internalPointer()
        col = index.column()
        path = self.path_of(node)
        text = "" if value is None else str(value).strip() if col in NUMBER_COLS else str(value)
        if node.is_leaf:
            field = LEAF_FIELDS.get(col)
        elif col == COL_NAME:
            field = "name"
        elif col == COL_WEIGHT and node.parent is self.root:
            field = "stated_weight"
        else:
            return False
        if field in ("weight", "score", "stated_weight"):
            try:
                number = values.parse_number(text.removesuffix("分"))
            except ValueError as e:
                self.last_error = f"“{HEADERS[col]}”：{e}。请填写数字，例如 5"
                return False
            value = number
        self.last_error = ""
        before = self.session.report
        self.session.set(f"{path}/{field}", value)
        if self.session.report is before:
            return True  # the same value again: nothing changed
        # the row's own rule score and the totals at once; the whole table off the UI thread
        if node.is_leaf and self.scores.row_edited(before, self.session.report, self.table_path, path):
            self.rescored.emit()
        self.rescore_later()
        self._changed_row(index)
        return True

    last_error = ""

    def _changed_row(self, index: QModelIndex) -> None:
        """Row and every ancestor: their sums and rule scores depend on the row."""
        i = index.sibling(index.row(), 0)
        while i.isValid():
            self.dataChanged.emit(i, i.sibling(i.row(), len(HEADERS) - 1))
            i = i.parent()

    # -- structure edits ---------------------------------------------------------------------------
    def insert_leaf(self, parent: QModelIndex, row: int, leaf: model.Indicator | None = None) -> QModelIndex:
        node = self.node(parent)
        if node is self.root or node.is_leaf:
            return QModelIndex()
        row = max(0, min(row, len(node.children)))
        self.beginInsertRows(parent, row, row)
        where = self.children_path(node)
        self.session.apply(lambda r: carry.renumber(edit.insert_at(r, where, row, leaf or model.Indicator("")),
                                                    where, carry.after_insert(row)), where)
        node.children.insert(row, Node(node, True))
        self.endInsertRows()
        self.rescore()
        return self.index(row, 0, parent)

    def insert_group(self, parent: QModelIndex, row: int, name: str, weight: Decimal | None = None) -> QModelIndex:
        node = self.node(parent)
        if node.is_leaf:
            return QModelIndex()
        row = max(0, min(row, len(node.children)))
        self.beginInsertRows(parent, row, row)
        where = self.children_path(node)
        self.session.apply(lambda r: carry.renumber(edit.insert_at(r, where, row, model.IndicatorGroup(name, weight)),
                                                    where, carry.after_insert(row)), where)
        node.children.insert(row, Node(node, False))
        self.endInsertRows()
        self.rescore()  # the groups after it moved: their scores and sums go by place
        return self.index(row, 0, parent)

    def remove(self, index: QModelIndex) -> bool:
        if not index.isValid():
            return False
        node = index.internalPointer()
        parent_node = node.parent
        row = node.row()
        self.beginRemoveRows(index.parent(), row, row)
        where = self.children_path(parent_node)
        self.session.apply(lambda r: carry.renumber(edit.delete_at(r, where, row), where, carry.after_delete(row)),
                           where)
        parent_node.children.pop(row)
        self.endRemoveRows()
        self.rescore()
        return True

    def move(self, index: QModelIndex, delta: int) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        node = index.internalPointer()
        parent = index.parent()
        row, to = node.row(), node.row() + delta
        if not 0 <= to < len(node.parent.children):
            return index
        dest = to + 1 if delta > 0 else to
        if not self.beginMoveRows(parent, row, row, parent, dest):
            return index
        where = self.children_path(node.parent)
        self.session.apply(lambda r: carry.renumber(edit.move_at(r, where, row, to), where, carry.after_move(row, to)),
                           where)
        siblings = node.parent.children
        siblings.insert(to, siblings.pop(row))
        self.endMoveRows()
        self.rescore()
        return self.index(to, 0, parent)

    def paste_rows(self, anchor: QModelIndex, rows: list[tuple[str, str, model.Indicator]]) -> int:
        """Add pasted rows: into the named 一级/二级 groups (made when missing), rows without
        group names into the group of ``anchor`` (a 二级 group or a row in one)."""
        node = self.node(anchor)
        target = node.parent if node.is_leaf else node
        count = 0
        for l1, l2, leaf in rows:
            group = self._group_for(l1, l2, target)
            if group is None:
                continue
            parent_index = self._index_of_node(group)
            self.insert_leaf(parent_index, len(group.children), leaf)
            count += 1
        return count

    def _group_for(self, l1: str, l2: str, fallback: Node) -> Node | None:
        if not l1 and not l2:
            return fallback if fallback is not self.root else None

        def norm(s: str) -> str:
            s = "".join(s.split())
            return s.split("(")[0].split("（")[0]
        top = fallback
        while top.parent is not None and top.parent is not self.root:
            top = top.parent
        if l1:
            top = next((n for n in self.root.children
                        if norm(edit.get_at(self.session.report, self.path_of(n)).name) == norm(l1)), None)
            if top is None:
                self.insert_group(QModelIndex(), len(self.root.children), norm(l1))
                top = self.root.children[-1]
        if top is self.root or top is None:
            return None
        if not l2:
            return fallback if fallback is not self.root and fallback.parent is top else (
                top.children[-1] if top.children and not top.children[-1].is_leaf else top)
        sub = next((n for n in top.children if not n.is_leaf
                    and norm(edit.get_at(self.session.report, self.path_of(n)).name) == norm(l2)), None)
        if sub is None:
            self.insert_group(self._index_of_node(top), len(top.children), norm(l2))
            sub = top.children[-1]
        return sub

    def _index_of_node(self, node: Node) -> QModelIndex:
        if node is self.root:
            return QModelIndex()
        return self.createIndex(node.row(), 0, node)
