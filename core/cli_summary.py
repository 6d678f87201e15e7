"""``jixiao summary`` (docs/summary.md): a bureau's 汇总 of units' packages (and drafts) — the
项目支出 and 部门整体 summary tables and the 审核意见, to Word and/or Excel, or printed.

Exit status: 0 written (findings in the reports do not count: they are the 审核意见); 1 written,
but some packages were refused (listed on stderr with their reasons); 2 nothing to summarise
(no readable report, none of the chosen year/kind), a wrong option, or a file that could not
be written (its Chinese message); 3 an internal error.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from core import model
from core.cli_common import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE, display_width

KINDS = {"部门整体": model.DEPARTMENT, "项目": model.PROJECT,
         model.DEPARTMENT: model.DEPARTMENT, model.PROJECT: model.PROJECT}
PROGRESS_FROM = 20  # more sources than this: progress lines on stderr


def add_parsers(sub, data_help: str) -> None:
    s = sub.add_parser("summary", help="汇总多个单位的数据包：项目支出/部门整体自评汇总表和审核意见",
                       description="读取各单位报送的数据包（.jxpkg，或含数据包的文件夹），逐份审核，生成"
                                   "项目支出绩效自评汇总表、部门整体支出绩效自评情况汇总表和审核意见。"
                                   "不给 --docx/--xlsx/--findings 时把汇总表打印出来。")
    s.add_argument("inputs", nargs="*", metavar="PACKAGE|FOLDER", help="数据包文件，或含数据包的文件夹（可多个）")
    s.add_argument("--drafts", action="store_true", help="同时汇总本机草稿库中的全部草稿")
    s.add_argument("--data-dir", help=data_help)
    s.add_argument("--year", type=int, help="只汇总该年度的报告，如 2022")
    s.add_argument("--kind", choices=("部门整体", "项目"), help="只汇总该类报告")
    s.add_argument("--docx", metavar="OUT.docx", help="写出 Word 汇总（汇总表和审核意见）")
    s.add_argument("--xlsx", metavar="OUT.xlsx", help="写出 Excel 汇总（每张表一页，另含审核意见页）")
    s.add_argument("--findings", metavar="OUT.xlsx", help="另写一份只含审核意见的 Excel 文件")
    s.add_argument("--prefer", action="append", default=[], metavar="newest|FILE",
                   help="同一单位的报告有多个版本时：newest 用最新打包的（默认），或给出要采用的数据包文件名（可多次）")


def _progress(done: int, total: int, label: str) -> None:
    if done == total or done % max(1, total // 10) == 0:
        print(f"已读取 {done}/{total} 个数据包…", file=sys.stderr, flush=True)


def _choose(entries, prefer: list[str]) -> tuple[dict[str, int], list[str]]:
    """The version of each entry that counts, and a line on stderr for every unit with several."""
    wanted = {Path(p).name for p in prefer if p != "newest"}
    chosen, notes = {}, []
    for e in entries:
        i = next((k for k, v in enumerate(e.versions) if v.source.path is not None and v.source.path.name in wanted), 0)
        chosen[e.key] = i
        if len(e.versions) > 1:
            used = e.versions[i]
            others = "、".join(f"{v.label}（{_when(v.saved_at)}）" for k, v in enumerate(e.versions) if k != i)
            notes.append(f"注意：{used.unit}{f'{used.year}年度' if used.year else ''}{used.kind_label}报告"
                         f"“{used.title or '（无标题）'}”有 {len(e.versions)} 个版本，采用 {used.label}"
                         f"（{_when(used.saved_at)}）；未采用：{others}。"
                         f"要改用其他版本，加 --prefer 文件名")
    return chosen, notes


def _when(stamp: str) -> str:
    from core.cli_package import _local_time

    return _local_time(stamp) if stamp else "时间不详"


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def _print_table(title: str, header: list[str], rows: list[list[str]], right_from: int) -> None:
    print(title)
    widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(_pad(c, w, i >= right_from) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    print()


def print_summary(s) -> None:
    from core.summary import text as T

    def cells(r, name: bool):
        return ([str(r.no), r.unit] + ([r.name] if name else [])
                + [T.money(r.annual), T.money(r.executed), T.percent(r.rate), T.score(r.rule), T.score(r.reported),
                   r.grade, str(r.errors), str(r.warnings)])

    def total(t, lead: int):
        return (["合计", ""] + [""] * (lead - 2) + [T.money(t.annual), T.money(t.executed), T.percent(t.rate),
                                                  T.score(t.rule_avg), T.score(t.reported_avg), "（平均）", "", ""])

    head = ["全年预算数", "全年执行数", "执行率", "规则得分", "自评得分", "等级", "错误", "待说明"]
    _print_table(T.PROJECT_CAPTION + "（万元）", ["序号", "单位", "项目", *head],
                 [cells(r, True) for r in s.project_rows] + [total(s.project_totals, 3)], 3)
    _print_table(T.DEPT_CAPTION + "（万元）", ["序号", "单位", *head],
                 [cells(r, False) for r in s.dept_rows] + [total(s.dept_totals, 2)], 2)
    print("等级：" + "，".join(f"{g.label} {g.dept + g.project}" for g in s.grade_counts))


def cmd_summary(args) -> int:
    from core.export.output import ExportError
    from core.summary import Selection, Source, build_summary, gather, group_versions, sources_from

    if not args.inputs and not args.drafts:
        print("错误：请给出数据包文件或文件夹（或加 --drafts 汇总本机草稿）", file=sys.stderr)
        return EXIT_UNREADABLE
    for p in (args.docx, args.xlsx, args.findings):
        if p is not None and not Path(p).parent.is_dir():
            print(f"错误：无法写入“{p}”：文件夹不存在。请先建好文件夹或换一个位置", file=sys.stderr)
            return EXIT_UNREADABLE
    sources = sources_from(Path(p) for p in args.inputs)
    for p in args.inputs:
        if Path(p).is_dir() and not any(s.path and s.path.parent == Path(p) for s in sources):
            print(f"注意：文件夹“{p}”中没有数据包（.jxpkg）", file=sys.stderr)
    with contextlib.ExitStack() as stack:
        storage = None
        if args.drafts:
            from core.cli_drafts import open_storage

            storage = stack.enter_context(open_storage(args))
            sources += [Source(draft_id=d.id) for d in storage.list(year=args.year)]
        result = gather(sources, storage, progress=_progress if len(sources) > PROGRESS_FROM else None)
    if result.refused:
        print(f"以下 {len(result.refused)} 个数据包未能读取，未计入汇总：", file=sys.stderr)
        for x in result.refused:
            print(f"  {x.label}：{x.reason}", file=sys.stderr)
    entries = group_versions(result.reports)
    chosen, notes = _choose(entries, args.prefer)
    unknown = [p for p in args.prefer if p != "newest"
               and not any(v.source.path is not None and v.source.path.name == Path(p).name
                           for e in entries for v in e.versions)]
    if unknown:
        print(f"错误：--prefer 给出的“{unknown[0]}”不在读取的数据包中", file=sys.stderr)
        return EXIT_UNREADABLE
    kinds = frozenset({KINDS[args.kind]}) if args.kind else None
    summary = build_summary(entries, Selection(year=args.year, kinds=kinds, chosen=chosen))
    if not summary.reports:
        what = "".join(x for x in (f"{args.year}年度" if args.year else "", f"{args.kind}" if args.kind else "") if x)
        print(f"错误：没有可汇总的{what}报告" + ("（数据包都未能读取）" if result.refused and not result.reports else ""),
              file=sys.stderr)
        return EXIT_UNREADABLE
    for line in notes:
        print(line, file=sys.stderr)
    try:
        if args.docx:
            from core.export.summary_docx import write_summary_docx

            write_summary_docx(summary, args.docx, refused=result.refused)
            print(f"已写入 Word 汇总：{args.docx}")
        if args.xlsx or args.findings:
            from core.export.summary_xlsx import findings_workbook, write_summary_xlsx

            if args.xlsx:
                write_summary_xlsx(summary, args.xlsx, args.findings, refused=result.refused)
                print(f"已写入 Excel 汇总：{args.xlsx}")
            else:
                from core.export.output import write_output

                wb = findings_workbook(summary, refused=result.refused)
                write_output(Path(args.findings), lambda tmp: wb.save(str(tmp)))
            if args.findings:
                print(f"已写入审核意见：{args.findings}")
    except ExportError as e:
        print(f"错误：{e}", file=sys.stderr)
        return EXIT_UNREADABLE
    if not (args.docx or args.xlsx or args.findings):
        print_summary(summary)
    n_f = len(summary.findings)
    print(f"汇总 {len({r.unit for r in summary.reports})} 个单位的 {len(summary.reports)} 份报告；"
          f"审核发现 {n_f} 条（错误 {sum(1 for f in summary.findings if f.severity == 'error')} 条）"
          + (f"；{len(result.refused)} 个数据包未能读取" if result.refused else ""))
    return EXIT_ERRORS if result.refused else EXIT_OK


COMMANDS = {"summary": cmd_summary}
