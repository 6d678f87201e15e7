"""报告正文: one editor per narrative section of the template's outline, and drafts from the data.

The page lists the outline's sections with their printed numbers (一、（一）). “根据数据生成草稿”
(Ctrl+G) fills the sections that report figures and results (``core.narrative``). A section
the clerk has changed since the last draft is never overwritten: the new draft is stored beside
it, a notice appears under the editor, and “查看并替换” shows the draft to take or leave.
"""
from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from core import narrative
from core.templates import load_template
from desktop.pages.base import Page

SHORTCUT = "Ctrl+G"
NOTICE = "您已修改过本节，新草稿未覆盖您的文字"


class SectionEditor(QWidget):
    """The text of one section, bound to ``sections/<key>``, with the kept-draft notice."""

    def __init__(self, page: "NarrativePage", key: str, label: str, depth: int, draftable: bool):
        super().__init__()
        self.page, self.session, self.key, self.path = page, page.session, key, f"sections/{key}"
        self.heading = QLabel(label)
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;" + (" font-size: 12pt;" if depth == 1 else ""))
        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(80)
        self.editor.setMaximumHeight(170)
        self.editor.setAccessibleName(label)
        self.editor.setPlaceholderText(
            f"可点击上方“根据数据生成草稿”（{SHORTCUT}）由程序起草本节，再补充修改" if draftable
            else "请填写本节内容")
        self.heading.setBuddy(self.editor)
        self.editor.textChanged.connect(self._store)
        # a table pasted from Word/Excel keeps its tabs: tab stops wide enough to show its columns
        self.editor.setTabStopDistance(self.editor.fontMetrics().horizontalAdvance("国") * 6)
        self.editor.setToolTip("表格可从 Word 或 Excel 复制后直接粘贴到这里，导出时印为表格")
        self.table_note = QLabel()
        self.table_note.setWordWrap(True)
        self.table_note.hide()

        self.notice = QFrame()
        self.notice.setStyleSheet("QFrame#notice { background: #fff4e0; border: 1px solid #e0a030; }")
        self.notice.setObjectName("notice")
        self.notice_label = QLabel(NOTICE)
        self.view_button = QPushButton("查看并替换")
        self.view_button.clicked.connect(self.show_draft)
        self.draft_view = QPlainTextEdit()
        self.draft_view.setReadOnly(True)
        self.draft_view.setTabChangesFocus(True)
        self.draft_view.setAccessibleName(f"{label}：新草稿")
        self.draft_view.setMaximumHeight(120)
        self.replace_button = QPushButton("用新草稿替换本节")
        self.replace_button.clicked.connect(self.replace_with_draft)
        self.keep_button = QPushButton("保留我的文字")
        self.keep_button.clicked.connect(self.hide_notice)
        row = QHBoxLayout()
        row.addWidget(self.notice_label, 1)
        row.addWidget(self.view_button)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.replace_button)
        actions.addWidget(self.keep_button)
        box = QVBoxLayout(self.notice)
        box.setContentsMargins(8, 4, 8, 4)
        box.addLayout(row)
        box.addWidget(self.draft_view)
        box.addLayout(actions)
        self._set_draft_visible(False)
        self.notice.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24 * (depth - 1), 6, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.heading)
        layout.addWidget(self.editor)
        layout.addWidget(self.table_note)
        layout.addWidget(self.notice)

    _loading = False

    def _store(self) -> None:
        if self._loading:
            return
        text, key, tpl = self.editor.toPlainText(), self.key, self.page.template
        self.session.apply(lambda r: narrative.set_section(r, key, text, template=tpl), self.path)
        self._note_tables(text)

    def _note_tables(self, text: str) -> None:
        """Say how the section's tables will print: pasted ones (tabs) as tables, space-aligned
        lines not at all (the TABLE_SPACES hint of the 审核 page, here where it is typed)."""
        tables = sum(1 for b in narrative.text_blocks(text) if not isinstance(b, str)) if "\t" in text else 0
        if narrative.looks_space_aligned(text):
            self.table_note.setStyleSheet("color: #a05a00;")
            self.table_note.setText("有几行像是用空格对齐的表格，导出后会印成分散的文字。"
                                    "请从 Word 或 Excel 复制整个表格后粘贴，它就会印为表格。")
        elif tables:
            self.table_note.setStyleSheet("color: #1a4f8b;")
            self.table_note.setText(f"本节有 {tables} 个表格（从 Word/Excel 粘贴，单元格之间以制表符分隔），"
                                    "导出时印为表格，第一行为表头。")
        self.table_note.setVisible(bool(tables) or narrative.looks_space_aligned(text))

    def load(self) -> None:
        s = narrative.section_record(self.session.report, self.key)
        value = s.text if s else ""
        if self.editor.toPlainText() != value:
            self._loading = True
            try:
                self.editor.setPlainText(value)
            finally:
                self._loading = False
        self._note_tables(value)

    # -- the kept draft ---------------------------------------------------------------------
    def _set_draft_visible(self, visible: bool) -> None:
        for w in (self.draft_view, self.replace_button, self.keep_button):
            w.setVisible(visible)
        self.view_button.setVisible(not visible)

    def show_notice(self) -> None:
        self._set_draft_visible(False)
        self.notice.show()

    def hide_notice(self) -> None:
        self.notice.hide()
        self.editor.setFocus()

    def show_draft(self) -> None:
        s = narrative.section_record(self.session.report, self.key)
        self.draft_view.setPlainText(s.generated if s else "")
        self._set_draft_visible(True)
        self.replace_button.setFocus()

    def replace_with_draft(self) -> None:
        key = self.key
        self.session.apply(lambda r: narrative.replace_with_draft(r, key), self.path)
        self.load()
        self.hide_notice()


OVERVIEW_LABELS = {"duties": "职能职责", "organization": "机构设置", "staffing": "人员情况"}


def overview_note(template, key: str) -> str:
    """For a section the export opens with 部门概况 fields: which ones print, and that this box
    only adds to them (core.checks_document.OVERVIEW_FEEDS decides what prints)."""
    from core.checks_document import OVERVIEW_FEEDS

    node = next((n for _d, n in template.outline_nodes() if n.key == key), None) if template else None
    fed = [OVERVIEW_LABELS.get(OVERVIEW_FEEDS[f], f) for f in (node.feeds if node else ()) if f in OVERVIEW_FEEDS]
    if not fed:
        return ""
    return (f"本节打印时，先印“部门概况”页填写的{'、'.join(fed)}（在该页修改），再印下框中的文字；"
            "下框只需写补充内容，与之重复的段落不会重复打印。")


class NarrativePage(Page):
    title = "报告正文"  # sections 一 to 五 of the report (was 问题与改进, only one of them)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.template = None
        self._rows: list = []
        layout = QVBoxLayout(self.body)
        bar = QHBoxLayout()
        self.generate_button = QPushButton("根据数据生成草稿")
        self.generate_button.setShortcut(QKeySequence(SHORTCUT))
        self.generate_button.setToolTip(f"按收支数、执行率和自评表起草相关章节（{SHORTCUT}）；"
                                        "您改过的文字不会被覆盖")
        self.generate_button.clicked.connect(self.generate)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        bar.addWidget(self.generate_button)
        bar.addWidget(self.hint, 1)
        layout.addLayout(bar)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #2e7d32;")
        self.status.hide()
        layout.addWidget(self.status)
        self.sections = QVBoxLayout()
        layout.addLayout(self.sections)
        layout.addStretch(1)
        self.editors: dict[str, SectionEditor] = {}

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        report = self.session.report
        self.template, _ = load_template(report.template)
        rows = narrative.narrative_outline(self.template, report)
        if rows == self._rows:
            return
        self._rows = rows
        while self.sections.count():
            w = self.sections.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.editors.clear()
        self.fields = []
        drafted = set(self._draftable())
        optional = {n.key for _d, n in self.template.outline_nodes() if n.optional} if self.template else set()
        for key, depth, label, editable in rows:
            if editable:
                if key in optional:  # an empty optional section is left out of the document
                    label += "（可不填：不填则不印此节）"
                ed = SectionEditor(self, key, label, depth, key in drafted)
                note = overview_note(self.template, key)
                if note:  # it repeats 部门概况 fields: say which one prints
                    ed.overview_note = QLabel(note)
                    ed.overview_note.setWordWrap(True)
                    ed.overview_note.setStyleSheet("color: #1a4f8b;")
                    ed.layout().insertWidget(1, ed.overview_note)
                self.editors[key] = ed
                self.fields.append(ed)
                self.sections.addWidget(ed)
            else:
                heading = QLabel(label)
                heading.setStyleSheet("font-weight: bold; font-size: 12pt; margin-top: 8px;")
                self.sections.addWidget(heading)
        if not rows:
            self.sections.addWidget(QLabel("本报告的模板无法读取，或模板没有列出需要填写文字的章节。"))
        names = [lab for key, _d, lab, _e in rows if key in drafted]
        self.hint.setText(f"（{SHORTCUT}）将起草：{'；'.join(names)}。您改过的文字不会被覆盖。" if names
                          else "本模板没有可由数据起草的章节。")
        self.generate_button.setEnabled(bool(names))

    def _draftable(self) -> list[str]:
        return list(narrative.draft_sections(self.session.report, self.template))

    def load(self) -> None:
        self._build()
        super().load()

    # -- drafting ---------------------------------------------------------------------------
    def generate(self) -> None:
        self._build()
        drafts = narrative.draft_sections(self.session.report, self.template)
        kept: list[str] = []

        def change(report):
            new, k = narrative.apply_drafts(report, drafts, self.template)
            kept.extend(k)
            return new

        self.session.apply(change, "sections")
        for key, ed in self.editors.items():
            ed.load()
            if key in kept:
                ed.show_notice()
            elif key in drafts:
                ed.notice.hide()
        titles = {key: label for key, _d, label, _e in self._rows}
        filled = [titles.get(k, k) for k in drafts if k not in kept]
        text = f"已起草 {len(filled)} 节：{'；'.join(filled)}。" if filled else ""
        if kept:
            text += f"{len(kept)} 节您改过，保留了您的文字，新草稿可在该节下方查看：" + \
                    "；".join(titles.get(k, k) for k in kept) + "。"
        self.status.setText(text or "没有可起草的内容：请先填写收支数和自评表。")
        self.status.show()

    # -- navigation -------------------------------------------------------------------------
    def focus_path(self, path: str) -> bool:
        self._build()
        ed = self.editors.get(path[len("sections/"):]) if path.startswith("sections/") else None
        if ed is None:
            return False
        scroll = self.findChild(QScrollArea)
        if scroll is not None:
            scroll.ensureWidgetVisible(ed)
        ed.editor.setFocus()
        return True
