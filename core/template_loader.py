"""Reading one template file (format: docs/templates.md) into a ``Template``: its JSON through the
validation gate, its ``extends`` chain merged in, every key checked. A broken file never raises: it
gives findings that name the file and the key."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from core import figures, formula, model, validate
from core.findings import ERROR, Finding
from core.template_ids import VERSION_RE, folder_templates, id_problem
from core.template_records import Block, DirectionRule, FormulaDef, Grade, OutlineNode, Step, Template, Tier

FORMAT = "jixiao-template"
SUPPORTED_VERSIONS = (1,)

#: Names a formula's ``expr`` may use: every figure key, with ``_budget``/``_last``, and the staff
#: counts of the report's overview.
FORMULA_NAMES = frozenset({f.key + suffix for f in figures.FIGURES for suffix in figures.SUFFIXES}
                          | {"authorized_staff", "actual_staff"})
STEP_NAMES = frozenset({"value", "weight"})


class _Loader:
    def __init__(self, file: str, known: dict[str, Path] | None = None):
        self.file = file
        self.known = known or {}
        self.findings: list[Finding] = []

    def bad(self, key: str, message: str, fix: str = "") -> None:
        self.findings.append(Finding("TEMPLATE_INVALID", ERROR, f"{self.file}:{key}", message,
                                     fix or "修正模板文件中的该项，或向发布模板的财政局索取正确版本"))

    def dec(self, value: Any, key: str, default: Decimal | None = None) -> Decimal | None:
        if value is None:
            return default
        try:
            if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
                raise validate.NotANumber("")
            if isinstance(value, str):
                return validate.decimal_from_text(value)
            if isinstance(value, int) and value.bit_length() > 64:
                raise validate.InputError("数值过大")
            return validate.canonical(validate.checked_decimal(Decimal(value)))
        except validate.NotANumber:
            shown = validate.clean_text(repr(value))
            self.bad(key, f"“{key}”应为数字，实际是 {shown[:40]}")
            return default
        except validate.InputError as e:
            self.bad(key, f"“{key}”：{e.message}")
            return default

    def text(self, value: Any, key: str, required: bool = False) -> str:
        if value is None:
            if required:
                self.bad(key, f"缺少必填项“{key}”")
            return ""
        if not isinstance(value, str):
            self.bad(key, f"“{key}”应为文字")
            return ""
        return value

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.bad(key, f"“{key}”应为文字列表")
            return ()
        return tuple(value)

    def items(self, value: Any, key: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(key, f"“{key}”应为列表")
            return []
        return value

    def expr(self, value: Any, key: str, allowed: frozenset[str] = FORMULA_NAMES,
             want: str = formula.NUMBER) -> str:
        """A formula that ``formula.check`` accepts: it can be evaluated for any report."""
        text = self.text(value, key, required=True)
        if not text:
            return ""
        try:
            formula.check(text, want, allowed)
        except formula.FormulaError as e:
            if "未知名称" in str(e):
                fix = ("步骤中只能使用 value（指标值）和 weight（分值）" if allowed == STEP_NAMES else
                       "公式中只能使用预算数字的名称（见 core/figures.py，可加 _budget、_last）和 "
                       "authorized_staff、actual_staff")
                self.bad(key, str(e), fix)
            else:
                self.bad(key, str(e))
            return ""
        return text

    def formula_def(self, key: str, data: Any, where: str) -> FormulaDef | None:
        if not isinstance(data, dict):
            self.bad(where, f"公式指标“{key}”应为对象")
            return None
        steps = []
        for i, s in enumerate(self.items(data.get("steps"), f"{where}/steps")):
            sw = f"{where}/steps/{i}"
            if not isinstance(s, dict):
                self.bad(sw, "评分步骤应为对象 {\"if\": …, \"score\": …}")
                continue
            cond = self.expr(s["if"], f"{sw}/if", STEP_NAMES, formula.CONDITION) if "if" in s else ""
            steps.append(Step(cond, self.expr(s.get("score"), f"{sw}/score", STEP_NAMES)))
        return FormulaDef(
            key=key,
            label=self.text(data.get("label"), f"{where}/label", required=True),
            expr=self.expr(data.get("expr"), f"{where}/expr"),
            unit=self.text(data.get("unit", "%"), f"{where}/unit"),
            steps=tuple(steps),
            tolerance=self.dec(data.get("tolerance"), f"{where}/tolerance"),
        )

    def outline(self, data: Any, where: str) -> tuple[OutlineNode, ...]:
        out = []
        for i, n in enumerate(self.items(data, where)):
            w = f"{where}/{i}"
            if not isinstance(n, dict):
                self.bad(w, "提纲节点应为对象")
                continue
            out.append(OutlineNode(
                key=self.text(n.get("key"), f"{w}/key", required=True),
                title=self.text(n.get("title"), f"{w}/title", required=True),
                feeds=self.strings(n.get("feeds"), f"{w}/feeds"),
                tables=self.strings(n.get("tables"), f"{w}/tables"),
                children=self.outline(n.get("children"), f"{w}/children"),
                optional=n.get("optional") is True,
            ))
        return tuple(out)


def _merge(base: dict, child: dict) -> dict:
    out = dict(base)
    out.update(child)
    if "abstract" not in child:
        out.pop("abstract", None)
    if isinstance(base.get("formulas"), dict) and isinstance(child.get("formulas"), dict):
        out["formulas"] = {**base["formulas"], **child["formulas"]}
    return out


def _read_json(path: Path, loader: _Loader) -> dict | None:
    """The template file's JSON through the validation gate (size, numbers, text, nesting)."""
    from core.os_errors import os_error_text
    from core.report_io import _json_error_zh

    try:
        data = validate.loads(validate.read_limited(path, validate.MAX_TEMPLATE_BYTES).decode("utf-8-sig"),
                              lenient=True)
    except FileNotFoundError:
        loader.bad("/", f"找不到模板文件 {path.name}", "检查模板名称，或把模板文件放入 resources/templates/")
        return None
    except OSError as e:
        loader.bad("/", f"无法读取模板文件：{os_error_text(e)}")
        return None
    except UnicodeDecodeError:
        loader.bad("/", "模板文件不是 UTF-8 编码", "另存为 UTF-8 编码")
        return None
    except json.JSONDecodeError as e:
        loader.bad(f"第{e.lineno}行第{e.colno}列", f"模板文件不是有效的 JSON：{_json_error_zh(e.msg)}",
                   "检查该处的引号、逗号和括号")
        return None
    except validate.InputError as e:
        loader.bad("/", e.message)
        return None
    problems = list(validate.check_tree(data))
    for where, problem in problems[:validate.MAX_PROBLEMS]:
        loader.bad(where.strip("/") or "/", problem)
    if problems:
        return None
    if not isinstance(data, dict):
        loader.bad("/", "模板文件应为 JSON 对象")
        return None
    return data


def _resolve_base(directory: Path, name: object, loader: _Loader, depth: int = 0) -> dict | None:
    """The raw data of the template ``name`` with its own ``extends`` chain merged in."""
    if not isinstance(name, str) or depth > 5:
        loader.bad("extends", "“extends”应为另一个模板的名称，且不能循环引用")
        return None
    problem = id_problem(name, loader.known)
    if problem:
        loader.bad("extends", f"被继承的模板：{problem}", "“extends”只能写同一模板文件夹中另一个模板的名称")
        return None
    data = _read_json(loader.known[name], _Loader(f"{name}.json"))
    if data is None:
        loader.bad("extends", f"找不到被继承的模板“{name}”")
        return None
    if data.get("extends"):
        grand = _resolve_base(directory, data["extends"], loader, depth + 1)
        if grand is None:
            return None
        data = _merge(grand, {k: v for k, v in data.items() if k != "extends"})
    return data


def load_template_file(path: Path, known: dict[str, Path] | None = None) -> tuple[Template | None, list[Finding]]:
    """Load the template file ``path``; its ``extends`` and ``project_template`` must name
    templates in ``known`` (``installed``), by default those in the same folder."""
    loader = _Loader(path.name, known if known is not None else folder_templates(path.parent))
    data = _read_json(path, loader)
    if data is None:
        return None, loader.findings
    if data.get("format") != FORMAT:
        loader.bad("format", f"“format”应为 {FORMAT}")
        return None, loader.findings
    version = data.get("version")
    if version not in SUPPORTED_VERSIONS:
        loader.bad("version", f"模板格式版本为 {version}，本程序支持 {list(SUPPORTED_VERSIONS)}",
                   "请升级软件后再使用该模板")
        return None, loader.findings
    parent = data.get("extends")
    if parent:
        base = _resolve_base(path.parent, parent, loader)
        if base is None:
            return None, loader.findings
        data = _merge(base, {k: v for k, v in data.items() if k != "extends"})
        loader.file = f"{path.name}（继承自 {parent}.json）"
    if "extends" in data and not parent:
        data = {k: v for k, v in data.items() if k != "extends"}
    return _build(data, loader, path.stem)


def _build(data: dict, L: _Loader, stem: str) -> tuple[Template | None, list[Finding]]:
    kind = L.text(data.get("kind"), "kind", required=True)
    if kind and kind not in model.REPORT_KINDS:
        L.bad("kind", f"“kind”应为 {' 或 '.join(model.REPORT_KINDS)}")
    blocks = []
    for i, b in enumerate(L.items(data.get("blocks"), "blocks")):
        w = f"blocks/{i}"
        if not isinstance(b, dict):
            L.bad(w, "一级指标应为对象")
            continue
        blocks.append(Block(
            name=L.text(b.get("name"), f"{w}/name", required=True),
            weight=L.dec(b.get("weight"), f"{w}/weight", Decimal(0)),
            aliases=L.strings(b.get("aliases"), f"{w}/aliases"),
            level2=L.strings(b.get("level2"), f"{w}/level2"),
            reverse_level2=L.strings(b.get("reverse_level2"), f"{w}/reverse_level2"),
            criteria=b.get("criteria") is True,
        ))
    splits = []
    for i, s in enumerate(L.items(data.get("splits"), "splits")):
        if not isinstance(s, dict):
            L.bad(f"splits/{i}", "权重方案应为 {一级指标: 分值}")
            continue
        splits.append(tuple((k, L.dec(v, f"splits/{i}/{k}", Decimal(0))) for k, v in s.items()))
    tiers = []
    for i, t in enumerate(L.items(data.get("tiers"), "tiers")):
        w = f"tiers/{i}"
        if not isinstance(t, dict):
            L.bad(w, "定性档次应为对象")
            continue
        low, high = L.dec(t.get("low"), f"{w}/low", Decimal(0)), L.dec(t.get("high"), f"{w}/high", Decimal(1))
        if low > high or low < 0 or high > 1:
            L.bad(w, f"定性档次“{t.get('label', '')}”的区间 [{low}, {high}] 无效，应在 0 到 1 之间且下限不大于上限")
        tiers.append(Tier(L.text(t.get("key"), f"{w}/key", True), L.text(t.get("label"), f"{w}/label", True), low, high))
    grades = []
    for i, g in enumerate(L.items(data.get("grades"), "grades")):
        w = f"grades/{i}"
        if not isinstance(g, dict):
            L.bad(w, "等级应为对象")
            continue
        grades.append(Grade(L.text(g.get("label"), f"{w}/label", True), L.dec(g.get("low"), f"{w}/low", Decimal(0))))
    formulas = []
    fdata = data.get("formulas") or {}
    if not isinstance(fdata, dict):
        L.bad("formulas", "“formulas”应为对象 {名称: 定义}")
        fdata = {}
    for key, fd in fdata.items():
        f = L.formula_def(key, fd, f"formulas/{key}")
        if f is not None:
            formulas.append(f)
    execution = None
    execution_weight = None
    ex = data.get("execution")
    if ex is not None:
        if not isinstance(ex, dict):
            L.bad("execution", "“execution”应为对象")
        else:
            execution = L.formula_def(L.text(ex.get("key", "execution_rate"), "execution/key"), ex, "execution")
            # "weight": null — the rate is a row inside a block (found by execution_names), not a row of its own
            execution_weight = (None if "weight" in ex and ex["weight"] is None
                                else L.dec(ex.get("weight"), "execution/weight", Decimal(10)))
    framework = None
    if data.get("framework") is not None:
        from core.report_io import _Reader  # the same reader as report tables

        reader = _Reader(L.file)
        framework = reader.record(model.SelfEvalTable, data["framework"], "framework")
        L.findings.extend(f for f in reader.findings if f.severity == ERROR)
        for p, leaf in _framework_leaves(framework):
            if leaf.formula and not any(fm.key == leaf.formula for fm in formulas) and \
                    not (execution and execution.key == leaf.formula):
                L.bad(f"framework/{p}/formula", f"评分表指标“{leaf.name}”引用了未定义的公式“{leaf.formula}”",
                      "在 formulas 中定义该公式，或改正名称")
    project_template = L.text(data.get("project_template"), "project_template")
    if project_template:
        problem = id_problem(project_template, L.known)
        if problem:
            L.bad("project_template", f"“project_template”：{problem}",
                  "写同一模板文件夹中另一个模板的名称")
    over = data.get("over_achievement_ratio")
    tversion = L.text(data.get("template_version"), "template_version")
    if tversion and not VERSION_RE.fullmatch(tversion):
        L.bad("template_version", "“template_version”应为数字和小数点组成的版本号，如 2024.1")
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100):
        L.bad("year", "“year”应为年度数字，如 2024")
        year = None
    rules = []
    for i, r in enumerate(L.items(data.get("direction_rules"), "direction_rules")):
        if not isinstance(r, dict) or r.get("comparator") not in (">=", "<=", "="):
            L.bad(f"direction_rules/{i}", "方向规则应为 {\"contains\": [名称片段…], \"comparator\": \">=\" / \"<=\" / \"=\"}")
            continue
        rules.append(DirectionRule(L.strings(r.get("contains"), f"direction_rules/{i}/contains"), r["comparator"]))
    places = data.get("coefficient_places")
    if places is not None and (isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 6):
        L.bad("coefficient_places", "“coefficient_places”应为 0 到 6 的整数（得分系数保留的小数位数）")
        places = None
    template = Template(
        id=stem,
        name=L.text(data.get("name"), "name", required=True),
        kind=kind,
        region=L.text(data.get("region"), "region"),
        source=L.text(data.get("source"), "source"),
        total=L.dec(data.get("total"), "total", Decimal(100)),
        execution=execution,
        execution_weight=execution_weight,
        blocks=tuple(blocks),
        splits=tuple(splits),
        tiers=tuple(tiers),
        grades=tuple(grades),
        equal_target=L.text(data.get("equal_target", "proportional"), "equal_target"),
        over_achievement_ratio=L.dec(over, "over_achievement_ratio") if over is not None else None,
        execution_low=L.dec(data.get("execution_low"), "execution_low", Decimal(90)),
        formulas=tuple(formulas),
        outline=L.outline(data.get("outline"), "outline"),
        framework=framework,
        project_template=project_template,
        signature="tables" if data.get("signature") == "tables" else "end",
        file=L.file,
        template_version=tversion,
        year=year,
        execution_names=L.strings(data.get("execution_names"), "execution_names"),
        direction_rules=tuple(rules),
        criteria_names=L.strings(data.get("criteria_names"), "criteria_names"),
        coefficient_places=places,
        weighted=data.get("weighted") is not False,
    )
    if template.equal_target not in ("proportional", "all_or_nothing"):
        L.bad("equal_target", "“equal_target”应为 proportional 或 all_or_nothing")
    if not template.grades:
        L.bad("grades", "模板缺少等级划分（grades）")
    if not template.tiers:
        L.bad("tiers", "模板缺少定性指标档次（tiers）")
    if any(f.severity == ERROR for f in L.findings):
        return None, L.findings
    return template, L.findings


def _framework_leaves(table: model.SelfEvalTable | None):
    if table is None:
        return
    for gi, g in enumerate(table.groups):
        for path, leaf in g.leaves():
            yield "groups/" + "/children/".join(str(p) for p in (gi, *path)), leaf
