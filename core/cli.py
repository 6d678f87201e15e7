"""The command line: a thin face over the core (``jixiao score|check|templates``).

``jixiao score FILE`` prints the score sheet and the findings in Chinese; ``jixiao check FILE``
prints findings only and exits 1 while an error remains. Both take ``--json``. FILE is a report
JSON (docs/format.md) or a CSV/XLSX indicator table, scored with ``--template NAME`` and the
execution row from the funds block the table prints above its indicators, or from ``--budget A
--executed B`` (which win, with a hint); its columns are found by name (resources/table_columns.json) and
``--columns 得分=指标得分,…`` says which column is what where the names do not tell.

Drafts (``core.storage``), each with ``--data-dir DIR``: ``jixiao list [--deleted]``,
``jixiao export-json ID FILE``, ``jixiao import-json FILE``, ``jixiao backup [FILE]`` and
``jixiao restore FILE`` (``core.cli_drafts``). A storage failure prints its Chinese message and
exits 2.

Packages (``core.cli_package`` over ``core.package``, docs/package.md): ``jixiao pack ID... OUT.jxpkg [--with-exports]``
packs drafts for a USB stick (OUT may be a folder: the name is then ``default_package_name``);
``jixiao unpack FILE [--dry-run] [--replace|--keep-both|--skip-existing]`` checks the package,
prints the preview (each report with its status) and imports — without a choice flag a report
that differs from the one here is skipped and listed, never overwritten; ``jixiao verify
FILE.jxpkg|REPORT.json [DIGEST]`` prints each report's digest and, given DIGEST (as printed on
paper), says 一致 (exit 0) or 不一致 (exit 1). A bad package is its ``PACKAGE_*`` findings and
exit 2. ``pack`` and ``unpack`` (not ``--dry-run``) hold the app's lock on the data folder while they
run: refused while the app has it open, and the app cannot start meanwhile.

Exit status (``EXIT_HELP`` is the same table for ``jixiao -h``):

- 0 done; 1 errors remain (``check``; ``export --final`` on a report that is not clean);
- 2 the input could not be read or the command could not be carried out (a bad file, a wrong
  option, a storage failure); the message says where and why;
- 3 an internal error — a bug of ours, not a fault of the input: ``main`` never lets an
  exception out; it writes the traceback, the command line and the versions to
  ``DATA/logs/jixiao-YYYYMMDD.log`` (``core.crash_log``; the temp folder if that fails) and
  prints one Chinese line saying where the log is;
- 130 cancelled with Ctrl+C (prints “已取消”).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from core import cli_common, cli_drafts, cli_package, cli_summary, model
from core.checks import run_checks
from core.cli_common import (EXIT_CANCELLED, EXIT_ERRORS, EXIT_INTERNAL, EXIT_OK,  # noqa: F401
                             EXIT_UNREADABLE)
from core.cli_common import display_width as _width
from core.crash_log import internal_error_text, write_crash_log
from core.export import command as export_command
from core.findings import ERROR, HINT, WARNING, Finding, format_finding, has_errors
from core.report_io import load_report
from core.rounding import fmt_score
from core.scoring import score_report
from core.scoring_records import RULE_LABELS, ReportScore, TableResult
from core.scoring_rows import score_execution
from core.templates import list_templates, load_template


EXIT_HELP = """退出码：
  0    完成
  1    仍有错误（check；export --final 时报告未通过审核）；verify 时摘要不一致
  2    无法读取输入或无法完成操作（文件损坏、选项有误、数据库无法使用等），提示中写明原因
  3    程序内部错误：详细信息写入数据目录下 logs/jixiao-年月日.log（无法写入时写入临时文件夹），
       请将该文件发给技术支持
  130  已按 Ctrl+C 取消"""


class _ArgParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):  # -h and the options heading in Chinese, for every subcommand
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._optionals.title = "选项"
        self._positionals.title = "参数"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", "用法：", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage: ", "用法：", 1)

    def error(self, message: str):  # argparse's English errors, in Chinese
        self.print_usage(sys.stderr)
        text = (message.replace("the following arguments are required", "缺少参数")
                .replace("unrecognized arguments", "无法识别的参数")
                .replace("invalid choice", "无效的选项")
                .replace("choose from", "可选")
                .replace("argument", "参数"))
        self.exit(EXIT_UNREADABLE, f"错误：{text}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _ArgParser(prog="jixiao", description="绩效自评助手：预算绩效自评报告的评分、审核与导出",
                  epilog=EXIT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", metavar="命令")
    for name, help_ in (("score", "打印评分表和审核意见"), ("check", "只打印审核意见；有错误时退出码为 1")):
        s = sub.add_parser(name, help=help_, description=help_)
        s.add_argument("file", help="报告 JSON 文件，或 CSV/XLSX 指标表")
        s.add_argument("--json", action="store_true", help="以 JSON 输出（供其他程序读取）")
        s.add_argument("--template", help="指标表所用的模板（CSV/XLSX 时必填）；jixiao templates 列出全部")
        s.add_argument("--budget", help="全年预算数（万元），用于预算执行率一行；表中印有资金表时可不给，给出则以此为准")
        s.add_argument("--executed", help="全年执行数（万元），用于预算执行率一行；表中印有资金表时可不给，给出则以此为准")
        s.add_argument("--name", default="", help="项目或部门名称（CSV/XLSX 时可选）")
        s.add_argument("--columns", help="指明指标表各列的含义（CSV/XLSX）：含义=表头中的列名，多个用逗号分开，"
                                         "例如 --columns 得分=指标得分,分值=权重,不导入=得分系数")
    sub.add_parser("templates", help="列出可用的模板", description="列出可用的模板")
    export_command.add_parser(sub)
    data_help = cli_common.DATA_HELP
    cli_drafts.add_parsers(sub, data_help)
    cli_package.add_parsers(sub, data_help)
    cli_summary.add_parsers(sub, data_help)
    return p


# -- input -------------------------------------------------------------------------------------
def _number_option(text: str | None, label: str, findings: list[Finding]) -> Decimal | None:
    if text is None:
        return None
    from core.values import parse_number

    try:
        return parse_number(text)
    except ValueError as e:
        findings.append(Finding("CLI_NUMBER", ERROR, label, f"{label}：{e}", "填写数字，例如 --budget 107.49"))
        return None


def load_input(args) -> tuple[model.Report | None, list[Finding]]:
    path = Path(args.file)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx", ".xlsm"):
        return _report_from_table(path, args)
    if suffix in (".xls",):
        return None, [Finding("TABLE_UNREADABLE", ERROR, path.name, "不支持旧版 Excel（.xls）文件",
                              "在 Excel 中“另存为”.xlsx 或 CSV 后再试")]
    return load_report(path)


def _read_table(path: Path, args) -> tuple[model.SelfEvalTable | None, list[Finding]]:
    """The table in ``path`` with the columns ``--columns`` names; findings about the header end
    with a hint on ``--columns``. A bad ``--columns`` is CLI_COLUMNS (exit 2)."""
    from core.table_columns import COLUMN_CODES, ColumnsError, meaning_list, parse_columns_option
    from core.table_import import read_indicator_table

    choices = None
    if args.columns is not None:
        try:
            choices = parse_columns_option(args.columns)
        except ColumnsError as e:
            return None, [Finding("CLI_COLUMNS", ERROR, "--columns", str(e), "例如 --columns 得分=指标得分,分值=权重")]
    table, tfindings = read_indicator_table(path, name=args.name, choices=choices)
    if any(f.code in COLUMN_CODES for f in tfindings):
        tfindings.append(Finding("CLI_COLUMNS_HELP", HINT, "--columns", "可用 --columns 指明列的含义：含义=表头中的列名，"
                                 f"多个用逗号分开；可用的含义：{meaning_list()}", "例如 --columns 得分=指标得分,分值=权重"))
    return table, tfindings


def _report_from_table(path: Path, args) -> tuple[model.Report | None, list[Finding]]:
    findings: list[Finding] = []
    template_id, suggested = args.template, []
    if not template_id:
        template_id, suggested = _suggested_template(path, args)
        if template_id is None:
            return None, suggested
    tpl, tf = load_template(template_id)
    if tpl is None:
        return None, tf
    budget = _number_option(args.budget, "--budget 全年预算数", findings)
    executed = _number_option(args.executed, "--executed 全年执行数", findings)
    if findings:
        return None, findings
    table, tfindings = _read_table(path, args)
    if table is None:
        return None, tfindings
    funds = table.funds  # the funds block the file prints above its indicators (core.table_funds)
    if budget is not None or executed is not None:
        if funds is not None:
            tfindings.append(Finding("CLI_FUNDS_OVERRIDE", HINT, "--budget",
                                     "表中印有资金表（年度资金总额 " + _funds_text(funds) + "），"
                                     "按命令行给出的 --budget/--executed 计算预算执行率一行，表中的资金表不用",
                                     "如应按表中的资金表计算，去掉 --budget 和 --executed"))
        funds = model.FundsBlock(rows=(model.FundsRow("年度资金总额", annual=budget, executed=executed),),
                                 weight=tpl.execution_weight)
        # the table itself has no execution row: its score is the one the rule computes
        funds = replace(funds, score=score_execution(funds, tpl, "table/funds").rule_score)
    elif funds is not None:
        if funds.weight is None and tpl.execution_weight is not None:
            funds = replace(funds, weight=tpl.execution_weight)  # a block printed without 分值: the template's weight
    elif tpl.execution_weight is not None:
        tfindings.append(Finding("CLI_NO_BUDGET", HINT, "--budget",
                                 f"没有给出 --budget 和 --executed，表中不含预算执行率一行（{fmt_score(tpl.execution_weight)} 分）",
                                 "加上 --budget 全年预算数 --executed 全年执行数"))
    if any(tpl.is_execution_row(leaf.name) for g in table.groups for _, leaf in g.leaves()):
        funds = None  # the table has its own 预算执行率 row: --budget/--executed would count it twice
        tfindings = [f for f in tfindings if f.code != "CLI_NO_BUDGET"]
    table = replace(table, funds=funds, name=table.name or args.name or path.stem)
    report = model.Report(template=tpl.id, kind=tpl.kind, title=table.name, table=table,
                          unit=model.Unit(name=args.name))
    return report, suggested + tfindings


def _funds_text(funds: model.FundsBlock) -> str:
    """“全年预算数 880，全年执行数 880” of the block's total row, as printed."""
    total = funds.total
    parts = [f"{name} {_d(getattr(total, attr))}" for attr, name in (("annual", "全年预算数"), ("executed", "全年执行数"))
             if total is not None and getattr(total, attr) is not None]
    return "，".join(parts) or "无数字"


def _suggested_template(path: Path, args) -> tuple[str | None, list[Finding]]:
    """No --template: the installed template that fits the table best (core.template_fit), named
    in a TEMPLATE_SUGGESTED hint with its reasons; (None, findings) when none fits well enough."""
    from core.template_fit import MISFIT_BELOW, describe, suggest_templates

    table, tfindings = _read_table(path, args)
    if table is None:
        return None, tfindings
    fits = suggest_templates(table)
    if not fits or fits[0].score < MISFIT_BELOW:
        names = "、".join(t for t, _ in list_templates())
        return None, [Finding("CLI_TEMPLATE", ERROR, "--template",
                              "没有与该表明显吻合的模板，请用 --template 指定模板"
                              + (f"（最接近的是 {describe(fits[0])}）" if fits else ""),
                              f"可用模板：{names}")]
    best = fits[0]
    tie = [f.template_id for f in fits[1:] if f.score == best.score]
    also = f"。同样吻合：{'、'.join(tie[:3])}{f' 等 {len(tie)} 个' if len(tie) > 3 else ''}" if tie else ""
    return best.template_id, [Finding(
        "TEMPLATE_SUGGESTED", HINT, "--template", f"未指定模板，按最吻合的模板审核：{describe(best)}{also}",
        "如不对，请用 --template 指定模板（jixiao templates 列出全部）")]


# -- output ------------------------------------------------------------------------------------
def _d(v: Decimal | None) -> str | None:
    return None if v is None else fmt_score(v)


def table_json(t: TableResult) -> dict:
    return {
        "where": t.where, "name": t.name, "template": t.template,
        "rule_total": _d(t.rule_total), "reported_total": _d(t.reported_total),
        "stated_total": _d(t.stated_total), "weight_total": _d(t.weight_total),
        "grade": t.grade or None,  # null while the weights do not add up (weights_ok false)
        "weights_ok": t.weights_ok, "stated_grade": t.stated_grade or None,
        "blocks": [{"name": b.name, "where": b.where, "weight": _d(b.weight), "stated_weight": _d(b.stated_weight),
                    "rule_score": _d(b.rule_score), "reported_score": _d(b.reported_score)} for b in t.blocks],
        "indicators": [{"path": r.where, "names": list(r.names), "weight": _d(r.weight), "rule": r.rule,
                        "rule_score": _d(r.rule_score), "reported_score": _d(r.reported_score), "note": r.note}
                       for r in t.all_rows()],
    }


def result_json(score: ReportScore, findings: list[Finding]) -> dict:
    main = score.main
    out = table_json(main) if main else {"rule_total": None, "reported_total": None, "stated_total": None,
                                          "grade": None, "blocks": [], "indicators": []}
    out["tables"] = [table_json(t) for t in score.tables]
    out["formulas"] = [{"key": f.key, "label": f.label, "value": _d(f.value), "unit": f.unit}
                       for f in score.formulas if f.value is not None]
    out["findings"] = [f.as_dict() for f in findings]
    out["errors"] = sum(f.severity == ERROR for f in findings)
    return out


def _row(label: str, *cells: str) -> str:
    """One line of the score sheet, aligned in a terminal where a Chinese character is two columns."""
    return "  " + label + " " * max(1, 28 - _width(label)) + "".join(
        " " * max(1, 10 - _width(c)) + c for c in cells)


def print_sheet(t: TableResult, out) -> None:
    kind = model.Report.table_kind(t.where)
    print(f"\n【{kind}：{t.name or t.where}】（模板：{t.template}）", file=out)
    if not t.scored:
        print("  本表未设分值，不评分。", file=out)
        return
    print(_row("一级指标", "分值", "规则得分", "填报得分"), file=out)
    if t.execution is not None:
        e = t.execution
        print(_row(e.names[0], fmt_score(e.weight), fmt_score(e.rule_score), fmt_score(e.reported_score)), file=out)
    for b in t.blocks:
        label = b.name + (f"（标注{fmt_score(b.stated_weight)}分）" if b.stated_weight is not None
                          and b.stated_weight != b.weight else "")
        print(_row(label, fmt_score(b.weight), fmt_score(b.rule_score), fmt_score(b.reported_score)), file=out)
    stated = f"，报告写 {fmt_score(t.stated_total)} 分" if t.stated_total is not None else ""
    print(f"  合计：分值 {fmt_score(t.weight_total)}，规则得分 {fmt_score(t.rule_total)}，"
          f"填报得分 {fmt_score(t.reported_total)}{stated}；"
          + (f"等级：{t.grade}" if t.grade or t.weights_ok else t.grade_text or "暂不评级"), file=out)
    diffs = [r for r in t.all_rows() if r.rule_score is not None and r.reported_score is not None
             and r.rule_score != r.reported_score]
    for r in diffs:
        print(f"    · {' / '.join(r.names[-2:])}：{RULE_LABELS.get(r.rule, r.rule)}得分 {fmt_score(r.rule_score)}，"
              f"填报 {fmt_score(r.reported_score)}（{r.note}）", file=out)


def print_findings(findings: list[Finding], out) -> None:
    counts = {s: sum(f.severity == s for f in findings) for s in (ERROR, WARNING, HINT)}
    answered = sum(f.answered for f in findings)
    print(f"\n审核：错误 {counts[ERROR]} 项，警告 {counts[WARNING]} 项（已说明 {answered} 项），提示 {counts[HINT]} 项",
          file=out)
    for f in findings:
        print("  " + format_finding(f), file=out)


def main(argv: list[str] | None = None) -> int:
    """Run one command; never lets an exception out (see the module docstring for exit codes)."""
    try:
        return _main(argv)
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        _quiet_close(sys.stderr)
        return EXIT_OK
    except KeyboardInterrupt:  # Ctrl+C
        _say("已取消")
        return EXIT_CANCELLED
    except Exception as e:  # noqa: BLE001 — MemoryError, RecursionError and every bug of ours
        try:
            return internal_error(e, argv)
        except BaseException:  # noqa: BLE001 — out of memory even for that: still no traceback
            _say("程序内部错误，详细信息未能写入日志，请记下出错前的操作并告知技术支持。")
            return EXIT_INTERNAL


def internal_error(e: BaseException, argv: list[str] | None = None) -> int:
    """Log ``e`` with its traceback, print one Chinese line saying where, return EXIT_INTERNAL."""
    args = sys.argv[1:] if argv is None else list(argv)
    path = write_crash_log(e, argv=["jixiao", *args], data_override=_data_dir_option(args))
    _say(internal_error_text(e, path))
    return EXIT_INTERNAL


def _data_dir_option(argv: list[str]) -> str | None:
    """The ``--data-dir`` the command was given (the log goes there), without argparse."""
    try:
        for i, a in enumerate(argv):
            if a == "--data-dir" and i + 1 < len(argv):
                return argv[i + 1]
            if a.startswith("--data-dir="):
                return a.split("=", 1)[1]
    except Exception:  # noqa: BLE001
        pass
    return None


def _say(text: str) -> None:
    """One line on stderr that cannot fail (closed or non-UTF-8 stream)."""
    try:
        print(text, file=sys.stderr, flush=True)
    except Exception:  # noqa: BLE001
        try:
            sys.stderr.buffer.write((text + "\n").encode("utf-8", "replace"))
            sys.stderr.flush()
        except Exception:  # noqa: BLE001
            pass


def _quiet_close(stream) -> None:
    try:
        stream.close()
    except Exception:  # noqa: BLE001
        pass


def _main(argv: list[str] | None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    if args.command == "templates":
        for tid, name in list_templates():
            print(f"{tid}\t{name}")
        return EXIT_OK
    if args.command == "export":
        return export_command.run(args, load_input)
    if args.command == "verify":
        return cli_package.cmd_verify(args)
    if args.command in DRAFT_COMMANDS:
        from core.storage import StorageError

        try:
            return DRAFT_COMMANDS[args.command](args)
        except StorageError as e:
            print(f"错误：{e}", file=sys.stderr)
            return EXIT_UNREADABLE
    report, load_findings = load_input(args)
    if report is None:
        if args.json:
            print(json.dumps({"findings": [f.as_dict() for f in load_findings], "errors": len(load_findings)},
                             ensure_ascii=False, indent=1))
        else:
            print(f"无法读取 {args.file}：", file=sys.stderr)
            for f in load_findings:
                print("  " + format_finding(f), file=sys.stderr)
        return EXIT_UNREADABLE
    score = score_report(report)
    findings = load_findings + run_checks(report, score)
    if args.json:
        print(json.dumps(result_json(score, findings), ensure_ascii=False, indent=1))
    else:
        if args.command == "score":
            print(f"{report.title or report.unit.name or Path(args.file).name}（{report.year or ''}）评分表")
            for t in score.tables:
                print_sheet(t, sys.stdout)
        print_findings(findings, sys.stdout)
    if args.command == "check" and has_errors(findings):
        return EXIT_ERRORS
    return EXIT_OK


# every command that opens the drafts database: a StorageError is its Chinese message and exit 2
DRAFT_COMMANDS = {**cli_drafts.COMMANDS, **cli_package.STORAGE_COMMANDS, **cli_summary.COMMANDS}


if __name__ == "__main__":
    sys.exit(main())
