"""导入表格: the import step of an indicator table (CSV/XLSX) with the meaning of each column.

``import_table(page, path)`` reads the file off the UI thread through the core
(``core.table_import.read_sheet``, the same reader as ``jixiao check``), then always shows
``TableMappingDialog``: the header as
printed, the first rows below it, and above each column a drop-down with the meaning the core
guessed (or the one the clerk chose last time for the same header row, ``core.table_columns``
memory in the data folder). A column no name fits is marked and set to 不导入; the 导入 button
waits until every required column has a meaning and no meaning is chosen twice. On 导入 the
core builds the table with the chosen meanings; its errors (text in 得分 …) are shown in the
dialog and nothing changes; otherwise the choice is remembered and the rows go into the table
shown on the page exactly as pasted rows do (``IndicatorModel.paste_rows``: into the groups of
the same names, made when missing; every change goes through the session and is autosaved).
Below the preview the step says which installed template the table fits best and whether it
fits the template of the table it goes into (``core.template_fit``), with the reasons.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout)

from core import edit, model, table_columns, table_funds
from core.findings import ERROR
from core.rounding import fmt_score as fmt
from core.table_import import Sheet, build_table, read_sheet
from core.template_fit import MISFIT_BELOW, describe, fit_of, suggest_templates
from desktop.worker import run_in_background

PREVIEW_ROWS = 8
UNKNOWN_BRUSH = QBrush(QColor("#fff3cd"))  # a column no name fits: look at it
FILE_FILTER = "表格文件 (*.xlsx *.xlsm *.csv);;所有文件 (*)"


def _one_line(text: str) -> str:
    return " ".join(text.split())


class TableMappingDialog(QDialog):
    """The preview and the drop-downs; ``table`` holds the built table once accepted."""

    def __init__(self, sheet: Sheet, data_dir: Path, parent=None, template=None):
        super().__init__(parent)
        self.sheet = sheet
        self.template = template  # the template of the table the rows go into (core Template)
        self._fit_keys: tuple[str, ...] | None = None
        self.data_dir = Path(data_dir)
        self.table: model.SelfEvalTable | None = None
        self.notes: list[str] = []  # what the clerk should know after the import (absent columns)
        # the funds block printed above the header (年度资金总额 … 执行率 得分): imported with the rows
        self.funds, _ = table_funds.read_funds(sheet)
        self.funds_unit = table_funds.funds_unit(sheet)
        self.header = sheet.header()
        self.guessed = sheet.guessed()
        remembered = table_columns.remembered(self.data_dir, self.header)
        self.from_memory = remembered is not None
        start = list(remembered if remembered is not None else self.guessed)
        imported = {m.key for m in table_columns.meanings() if m.field}
        for c, key in enumerate(start):  # a header merged over columns: the first column only
            if key in imported and key in start[:c]:
                start[c] = table_columns.SKIP
        self.setWindowTitle(f"导入表格：{sheet.filename}")
        layout = QVBoxLayout(self)
        self.intro = intro = QLabel(
            f"第 {sheet.header_row} 行是表头。请核对每一列上方的含义，不对的从下拉框中改选；"
            "不需要的列选“不导入”。"
            + ("已按上次对这种表头的选择填好。" if self.from_memory else "含义是按列名猜的。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        rows = sheet.preview(PREVIEW_ROWS)
        self.grid = QTableWidget(1 + len(rows), len(self.header))
        self.grid.setAccessibleName("表格预览与各列含义")
        self.grid.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.grid.setHorizontalHeaderLabels([_one_line(h) or f"（第{i + 1}列）" for i, h in enumerate(self.header)])
        self.grid.setVerticalHeaderLabels(["含义"] + [f"第{n}行" for n, _ in
                                                     sheet.rows[sheet.head + 1:sheet.head + 1 + len(rows)]])
        self.combos: list[QComboBox] = []
        for c, key in enumerate(start):
            box = QComboBox()
            box.setAccessibleName(f"第{c + 1}列“{_one_line(self.header[c])[:20]}”的含义")
            for m in table_columns.meanings():
                box.addItem(m.label, m.key)
            box.addItem(table_columns.SKIP_LABEL, table_columns.SKIP)
            box.setCurrentIndex(box.findData(key if key else table_columns.SKIP))
            box.currentIndexChanged.connect(self._update)
            self.grid.setCellWidget(0, c, box)
            self.combos.append(box)
        for r, cells in enumerate(rows, start=1):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(_one_line(text))
                item.setToolTip(text)
                self.grid.setItem(r, c, item)
        head = self.grid.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.Interactive)
        em = self.fontMetrics().horizontalAdvance("中")
        for c, box in enumerate(self.combos):  # wide enough for the header and the meaning shown
            shown = max(self.fontMetrics().horizontalAdvance(_one_line(self.header[c])),
                        box.fontMetrics().horizontalAdvance(box.currentText()) + em * 2)
            head.resizeSection(c, max(em * 6, min(em * 14, shown + em)))
        self.grid.setRowHeight(0, max(self.grid.rowHeight(0), self.combos[0].sizeHint().height() + 4)
                               if self.combos else self.grid.rowHeight(0))
        layout.addWidget(self.grid, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("导入前的检查")
        layout.addWidget(self.status)
        self.fit = QLabel()
        self.fit.setWordWrap(True)
        self.fit.setAccessibleName("模板是否吻合")
        layout.addWidget(self.fit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("导入")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        height = 230 + sum(self.grid.rowHeight(r) for r in range(self.grid.rowCount()))
        self.resize(min(1200, 160 + sum(head.sectionSize(c) for c in range(len(self.header)))), min(560, height))
        self._update()

    def keys(self) -> list[str]:
        """The meaning chosen for each column (``table_columns.SKIP`` for 不导入)."""
        return [box.currentData() for box in self.combos]

    def _update(self) -> None:
        keys = self.keys()
        for c, box in enumerate(self.combos):
            unknown = not self.guessed[c] and keys[c] == table_columns.SKIP and self.header[c].strip()
            box.setToolTip("这一列的列名无法识别，现在不导入；如果它是得分、分值等，请改选" if unknown else "")
            for r in range(1, self.grid.rowCount()):
                item = self.grid.item(r, c)
                if item is not None:
                    item.setBackground(UNKNOWN_BRUSH if unknown else QBrush())
        problems = []
        missing = table_columns.missing_required(keys)
        if missing:
            problems.append(f"还没有选“{'”“'.join(missing)}”列")
        chosen = [k for k in keys if k != table_columns.SKIP and table_columns.by_key()[k].field]
        twice = sorted({table_columns.label(k) for k in chosen if chosen.count(k) > 1})
        if twice:
            problems.append(f"“{'”“'.join(twice)}”选了不止一列")
        unknown = sum(1 for c, k in enumerate(keys) if not self.guessed[c] and self.header[c].strip()
                      and k == table_columns.SKIP)
        note = f"有 {unknown} 列列名无法识别（黄色），现在不导入。" if unknown else ""
        if problems:
            self._say("不能导入：" + "；".join(problems) + "。请在列上方的下拉框中改选。" + note, error=True)
        else:
            self._say(f"将导入表头以下、合计行以上的指标行（上面预览前 {self.grid.rowCount() - 1} 行）"
                      + (f"，以及表头上方的资金表：{funds_summary(self.funds, self.funds_unit)}"
                         if self.funds is not None else "") + "。" + note)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(not problems)
        if not problems:
            self._show_fit(keys)

    def _show_fit(self, keys: list[str]) -> None:
        """Which installed template the table fits best (``core.template_fit``), and whether it
        fits the template of the table it goes into; said, not acted on."""
        if tuple(keys) == self._fit_keys:
            return
        self._fit_keys = tuple(keys)
        table, _ = build_table(self.sheet, keys=keys)
        if table is None:
            self.fit.setText("")
            return
        fits = suggest_templates(table)
        best = fits[0] if fits and fits[0].score >= MISFIT_BELOW else None
        own = fit_of(table, self.template) if self.template is not None else None
        if own is not None and own.score >= MISFIT_BELOW:
            text = f"本表所用的模板：{describe(own)}"
            if best is not None and best.template_id != own.template_id and best.score > own.score:
                text += f"\n更吻合的模板：{describe(best)}"
            self.fit.setStyleSheet("color: #555;")
        elif own is not None:
            text = (f"注意：这张表与本表的模板不吻合（{describe(own)}）。"
                    + (f"最吻合的是 {describe(best)}；如模板选错了，可新建报告时选用它。" if best else
                       "已安装的模板都不明显吻合。") + "仍可导入，审核会指出不符之处。")
            self.fit.setStyleSheet("color: #8a5a00;")
        else:
            text = f"最吻合的模板：{describe(best)}" if best else "已安装的模板都不明显吻合。"
            self.fit.setStyleSheet("color: #555;")
        self.fit.setText(text)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020;" if error else "")

    def accept(self) -> None:
        keys = self.keys()
        table, findings = build_table(self.sheet, keys=keys)
        if table is None:
            errors = [f for f in findings if f.severity == ERROR]
            self._say("无法导入，未作任何改动：" + "；".join(f.message for f in errors[:5])
                      + (f"（另有 {len(errors) - 5} 处）" if len(errors) > 5 else ""), error=True)
            return
        self.table = table
        self.notes = [f.message for f in findings if f.code == "TABLE_COLUMNS_ABSENT"]
        try:
            table_columns.remember(self.data_dir, self.header, keys)
        except OSError:
            pass  # the import goes on; the choice is asked again next time
        super().accept()


def funds_summary(funds: model.FundsBlock, unit: str = "") -> str:
    """“年度资金总额 全年预算数 387664.62、全年执行数 387664.62（元），分值 10，执行率 100%，得分 10”."""
    total = funds.total
    parts = [f"{name} {fmt(v)}" for name, v in (("全年预算数", total.annual), ("全年执行数", total.executed))
             if total is not None and v is not None]
    text = f"{total.label if total else '年度资金总额'} " + ("、".join(parts) or "未填数字")
    text += f"（{unit}）" if unit and parts else ""
    for name, v, suffix in (("分值", funds.weight, ""), ("执行率", funds.stated_rate, "%"), ("得分", funds.score, "")):
        if v is not None:
            text += f"，{name} {fmt(v)}{suffix}"
    return text


def rows_of(table: model.SelfEvalTable) -> list[tuple[str, str, model.Indicator]]:
    """The table's leaves as ``(一级, 二级, indicator)``, as ``read_pasted_rows`` gives them."""
    out = []
    for g in table.groups:
        for sub in g.children:
            for leaf in (sub.children if isinstance(sub, model.IndicatorGroup) else (sub,)):
                out.append((g.name, sub.name if isinstance(sub, model.IndicatorGroup) else "", leaf))
    return out


def import_table(page, path: str | None = None) -> None:
    """Read ``path`` (asked for when None) off the UI thread, then open the import step over
    ``page`` (an ``IndicatorsPage``, as ``page.import_dialog``); the rows go into the page's table
    when the clerk clicks 导入. A file that cannot be read is the core's message on the page."""
    if page.import_reading:
        return
    if path is None:
        path, _ = QFileDialog.getOpenFileName(page, "导入指标表（CSV/Excel）", "", FILE_FILTER)
        if not path:
            return
    page.import_reading = True
    page.message.setText(f"正在读取“{Path(path).name}”…")

    def read():
        sheet, findings = read_sheet(path)
        if sheet is not None and sheet.head is None:
            _, findings = build_table(sheet)  # the core's message: no header row
            sheet = None
        return sheet, findings

    def done(result) -> None:
        page.import_reading = False
        sheet, findings = result
        if sheet is None:
            errors = [f for f in findings if f.severity == ERROR] or findings
            page.message.setText("无法导入：" + "；".join(f.message for f in errors[:3]) + "。未作任何改动。")
            return
        page.message.setText("")
        dialog = TableMappingDialog(sheet, page.session.data_dir, page, page.model.template)
        dialog.setWindowModality(Qt.WindowModal)
        dialog.accepted.connect(lambda: _insert(page, dialog))
        page.import_dialog = dialog
        dialog.open()

    def failed(message: str) -> None:
        page.import_reading = False
        page.message.setText("无法导入：" + message)

    run_in_background(read, done, failed)


class ReplaceOrAppend:
    """The question when the table already has indicators; tests replace ``ask``."""

    @staticmethod
    def ask(page, existing: int, incoming: int) -> str | None:
        """"replace", "append" or None (cancel)."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Question, "导入表格",
                          f"本表已有 {existing} 个指标，文件中有 {incoming} 个。\n"
                          "替换：先删去本表现有的指标（导入前自动保存一个历史版本，可在“历史版本”中找回），再导入；\n"
                          "追加：保留现有的指标，把文件中的指标加在各自的一级/二级指标下。", QMessageBox.NoButton, page)
        replace = box.addButton("替换现有指标", QMessageBox.AcceptRole)
        append = box.addButton("追加", QMessageBox.AcceptRole)
        box.addButton("取消", QMessageBox.RejectRole)
        box.exec()
        return {replace: "replace", append: "append"}.get(box.clickedButton())


def _leaves(table: model.SelfEvalTable) -> int:
    return sum(1 for g in table.groups for _ in g.leaves())


def _insert(page, dialog: TableMappingDialog) -> None:
    if dialog.table is None:
        return
    rows = rows_of(dialog.table)
    where = page.model.table_path
    existing = _leaves(edit.get_at(page.session.report, where)) if where else 0
    if existing and rows:
        choice = ReplaceOrAppend.ask(page, existing, len(rows))
        if choice is None:
            page.message.setText("未导入，本表没有改动。")
            return
        if choice == "replace":
            page.session.snapshot("导入表格前自动保存")  # the replaced rows stay in the history
            page.session.set(f"{where}/groups", ())
            page.show_table(where)
    n = page.model.paste_rows(page._current(), rows)
    page.tree.expandAll()
    funds = _insert_funds(page, dialog) if n else ""
    page.message.setText((f"已从“{dialog.sheet.filename}”导入 {n} 行。" + funds + "".join(dialog.notes)) if n else
                         "请先选中一个二级指标，再导入没有一级/二级名称的行")


def _insert_funds(page, dialog: TableMappingDialog) -> str:
    """The file's funds block into the table the rows went into, when that table has none or a
    different one (a framework table has none of its own); what was done, for the message."""
    printed, where = dialog.table.funds, page.model.table_path
    if printed is None or where == "framework":
        return ""
    funds = table_funds.in_wan(printed, dialog.funds_unit)  # the report keeps and prints 万元
    if edit.get_at(page.session.report, where).funds == funds:
        return ""
    page.session.set(f"{where}/funds", funds)
    page._build_head(where)
    said = f"资金表也已导入（{funds_summary(printed, dialog.funds_unit)}）。"
    if funds is not printed:
        said += f"金额已由元换算为万元（{funds_summary(funds, '万元').split('，')[0]}）。"
    return said
