"""Empty reports and tables laid out by a template: what a clerk starts typing into.

One place builds them for the drafts storage (新建 from a template) and for the wizard (添加项目
自评表, 添加资金情况): the template's 一级 blocks with their weights and 二级 groups, and the
standard funds block (年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金) whose execution
row carries the template's weight.
"""
from __future__ import annotations

from core import model
from core.templates import Template, TemplateSet, default_set

FUNDS_ROWS = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")


def empty_funds(tpl: Template | None) -> model.FundsBlock:
    return model.FundsBlock(rows=tuple(model.FundsRow(label) for label in FUNDS_ROWS),
                            weight=tpl.execution_weight if tpl else None)


def empty_table(tpl: Template | None, name: str = "", template_id: str = "") -> model.SelfEvalTable:
    groups = tuple(model.IndicatorGroup(b.name, b.weight, tuple(model.IndicatorGroup(n) for n in b.level2))
                   for b in (tpl.blocks if tpl else ()))
    return model.SelfEvalTable(name=name, template=template_id, funds=empty_funds(tpl), groups=groups)


def empty_report(tpl: Template, unit: str, year: int) -> model.Report:
    dept = tpl.kind == model.DEPARTMENT
    return model.Report(
        template=tpl.id, template_version=tpl.template_version, kind=tpl.kind, year=year,
        title=f"{year}年度{unit}{'部门整体支出' if dept else '项目支出'}绩效自评报告",
        unit=model.Unit(name=unit), table=empty_table(tpl, unit if dept else ""), framework=tpl.framework)


def project_template_id(report: model.Report, templates: TemplateSet | None = None) -> str:
    """The template a project 自评表 of this report is scored by."""
    main, _ = (templates or default_set()).for_report(report)
    return main.project_template if main and main.project_template else report.template


def empty_project(report: model.Report, name: str = "新项目",
                  templates: TemplateSet | None = None) -> model.SelfEvalTable:
    templates = templates or default_set()
    tid = project_template_id(report, templates)
    tpl, _ = templates.get(tid)
    return empty_table(tpl, name, tid)
