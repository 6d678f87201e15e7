"""部门概况: the unit, its duties, organization and staff, and who signs the report."""
from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.templates import load_template
from desktop.fields import DateField, NumberField, TextField
from desktop.pages.base import Page


class OverviewPage(Page):
    title = "部门概况"

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        s = session
        layout = QVBoxLayout(self.body)

        def form(caption: str, rows: list[tuple[str, QWidget]]) -> QGroupBox:
            box = QGroupBox(caption)
            f = QFormLayout(box)
            for label, widget in rows:
                f.addRow(label, widget)
                if hasattr(widget, "load"):
                    self.fields.append(widget)
            return box

        self.template_label = QLabel()
        unit = form("单位与年度", [
            ("单位名称", TextField(s, "unit/name", "单位名称", placeholder="例如：石峰区工商业联合会")),
            ("单位代码", TextField(s, "unit/code", "单位代码")),
            ("主管部门", TextField(s, "unit/supervisor", "主管部门")),
            ("年度", NumberField(s, "year", "年度", unit="例如 2024", as_int=True)),
            ("报告标题", TextField(s, "title", "报告标题")),
            ("模板", self.template_label),
        ])
        basics = form("职能、机构与人员", [
            ("职能职责", TextField(s, "overview/duties", "职能职责", multiline=True)),
            ("机构设置", TextField(s, "overview/organization", "机构设置", multiline=True)),
            ("人员情况", TextField(s, "overview/staffing", "人员情况", multiline=True)),
            ("编制数（人）", NumberField(s, "overview/authorized_staff", "编制数", unit="人", integer=True)),
            ("实有在职人数（人）", NumberField(s, "overview/actual_staff", "实有在职人数", unit="人", integer=True)),
            ("资产负债情况", TextField(s, "overview/assets", "资产负债情况", multiline=True)),
        ])
        signers = form("签字与联系", [
            ("填表人", TextField(s, "signatories/preparer", "填表人")),
            ("审核人", TextField(s, "signatories/reviewer", "审核人")),
            ("单位负责人", TextField(s, "signatories/unit_head", "单位负责人")),
            ("联系电话", TextField(s, "signatories/phone", "联系电话")),
            ("填报日期", DateField(s, "signatories/date", "填报日期", placeholder="例如 2024-03-15")),
        ])
        top = QHBoxLayout()
        top.addWidget(unit, 3)
        top.addWidget(signers, 2)
        layout.addLayout(top)
        layout.addWidget(basics)
        layout.addStretch(1)

    def load(self) -> None:
        super().load()
        tpl, _ = load_template(self.session.report.template)
        self.template_label.setText(tpl.name if tpl else f"{self.session.report.template}（模板无法读取）")
