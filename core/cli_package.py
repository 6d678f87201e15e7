"""The package commands of ``jixiao`` (``core.package``, docs/package.md): ``pack`` drafts into a
``.jxpkg`` for a USB stick, ``unpack`` one (preview, then import by the clerk's choice, never a
silent overwrite) and ``verify`` a package or report against the 校验码 printed on paper.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from core.cli_common import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE, print_findings_err
from core.cli_drafts import data_folder, parse_draft_id, open_storage, when
from core.findings import format_finding
from core.report_io import load_report


def add_parsers(sub, data_help: str) -> None:
    s = sub.add_parser("pack", help="把草稿打包为数据包（.jxpkg），用 U 盘带到别处",
                       description="把一份或多份草稿打包为数据包（.jxpkg）；写入后读回校验。"
                                   "写完请用“安全弹出”拔出 U 盘")
    s.add_argument("items", nargs="+", metavar="ID... OUT.jxpkg",
                   help="草稿编号（可多个），最后是要写入的数据包；给文件夹时自动命名（单位+年度+类型）")
    s.add_argument("--with-exports", action="store_true", help="同时放入导出的 Word 和 PDF")
    s.add_argument("--data-dir", help=data_help)
    s = sub.add_parser("unpack", help="导入数据包（.jxpkg）中的报告",
                       description="检查并导入数据包：先列出每份报告的情况（新报告、相同、较新、较旧、双方都改过）。"
                                   "不加选择时，与本机不同的报告一律跳过并列出，绝不悄悄覆盖")
    s.add_argument("file", help="数据包文件（.jxpkg）")
    s.add_argument("--dry-run", action="store_true", help="只检查并列出将发生的变化，不导入")
    choice = s.add_mutually_exclusive_group()
    choice.add_argument("--replace", action="store_true", help="本机已有且内容不同的报告：用数据包中的替换（替换前留历史版本，可撤销）")
    choice.add_argument("--keep-both", action="store_true", help="本机已有且内容不同的报告：两份都保留（导入为新草稿）")
    choice.add_argument("--skip-existing", action="store_true", help="只导入新报告，本机已有的一律跳过")
    s.add_argument("--data-dir", help=data_help)
    s = sub.add_parser("verify", help="核对数据包或报告与纸质报告上的摘要",
                       description="打印数据包或报告 JSON 中每份报告的内容摘要；给出 DIGEST（纸质报告页脚上的摘要）"
                                   "时说明是否一致，一致退出码为 0，不一致为 1")
    s.add_argument("file", help="数据包（.jxpkg）或报告 JSON 文件")
    s.add_argument("digest", nargs="?", help="要核对的摘要，如 K3QM-7XPD-A9FT-2HRC（大小写、空格不限）")


def _report_line(r) -> str:
    """A report as one line of a preview: 2020年 单位 标题."""
    return " ".join(x for x in (f"{r.year}年" if r.year else "", r.unit.name, r.title or "（无标题）") if x)


def _local_time(stamp: str) -> str:
    """A manifest's UTC time in this PC's local time, as the clerk reads a clock."""
    import datetime

    try:
        return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):
        return when(stamp) or "未注明"


def cmd_pack(args) -> int:
    from core.package import PackageError, default_package_name, write_package
    from core.storage import StorageError, holding_app_lock

    if len(args.items) < 2:
        raise StorageError("请给出草稿编号和要写入的数据包，例如：jixiao pack 3 5 E:\\报告.jxpkg")
    ids = [parse_draft_id(t) for t in args.items[:-1]]
    if len(set(ids)) != len(ids):
        raise StorageError("同一份草稿编号给了两次")
    out = Path(args.items[-1])
    with holding_app_lock(data_folder(args)), open_storage(args) as storage:
        if out.is_dir():
            infos = {d.id: d for d in storage.list(include_deleted=True)}
            out = out / default_package_name([infos[i] if i in infos else storage.get(i) for i in ids])
        elif out.suffix.lower() != ".jxpkg":
            raise StorageError(f"数据包文件名应以 .jxpkg 结尾，而不是“{out.name}”")
        try:
            manifest = write_package(out, storage, ids, with_exports=args.with_exports)
        except PackageError as e:
            print(f"错误：{e}", file=sys.stderr)
            return EXIT_UNREADABLE
    print(f"已写入 {out}（{len(ids)} 份报告，已读回校验）")
    for r in manifest["reports"]:
        year = f"{r['year']}年" if r["year"] else ""
        print(f"  {r['digest']}  {' '.join(x for x in (year, r['unit'], r['title'] or '（无标题）') if x)}")
    print("若写在 U 盘上，请先用“安全弹出”再拔出 U 盘。")
    return EXIT_OK


def _read_package_reports(path: str):
    from core.package import read_package, reports_of

    package, findings = read_package(path)
    if package is None:
        return None, None, findings
    incomings, rf = reports_of(package)
    if not incomings:
        return None, None, rf
    return package, incomings, rf


def cmd_unpack(args) -> int:
    from core.storage import holding_app_lock

    package, incomings, findings = _read_package_reports(args.file)
    if package is None:
        print_findings_err(f"无法导入 {args.file}，没有做任何改动：", findings)
        return EXIT_UNREADABLE
    for f in findings:
        print("  " + format_finding(f), file=sys.stderr)
    # the app cannot start while the import runs (a preview writes nothing: no lock)
    lock = contextlib.nullcontext() if args.dry_run else holding_app_lock(data_folder(args))
    conflicts = ("local_newer", "incoming_newer", "diverged")
    flag = "replace" if args.replace else "keep_both" if args.keep_both else "skip" if args.skip_existing else None
    with lock, open_storage(args) as storage:
        items = storage.plan_import(incomings)
        m = package.manifest
        print(f"数据包：{Path(args.file).name}（{package.unit or '未写单位'}，打包于 {_local_time(package.created_at)}，"
              f"{len(items)} 份报告）")
        choices, skipped = [], []
        for item in items:
            r = item.incoming.report
            if item.status == "new":
                choice = "keep_both"
            elif item.status == "same":
                choice = "skip"
            elif flag is None:
                choice = "skip"
                skipped.append(item)
            else:
                choice = flag if item.status in conflicts else "skip"
            choices.append(choice)
            todo = {"keep_both": "导入" if item.status == "new" else "两份都保留",
                    "replace": "替换本机草稿", "skip": "跳过"}[choice]
            here = f"（本机草稿 {item.local_id}）" if item.local_id is not None else ""
            print(f"  {item.incoming.digest}  {_report_line(r)}：{item.status_text}{here} → {todo}")
        if args.dry_run:
            print("试运行（--dry-run）：没有做任何改动。")
            return EXIT_OK
        origin = {"package": Path(args.file).name, "unit": package.unit, "created_at": package.created_at,
                  "app_version": m.get("app_version", "")}
        result = storage.apply_import(items, choices, origin)
    print(f"已导入：新建 {len(result.created)} 份，替换 {len(result.replaced)} 份，跳过 {result.skipped} 份。")
    if result.replaced:
        print("替换前的内容已留作历史版本，可在草稿的“历史版本”中恢复。")
    if skipped:
        print("以下报告与本机的不同，未加选择，已跳过（用 --replace 替换、--keep-both 两份都保留）：")
        for item in skipped:
            print(f"  {_report_line(item.incoming.report)}（本机草稿 {item.local_id}）：{item.status_text}")
    return EXIT_OK


def cmd_verify(args) -> int:
    from core.report_digest import normalize_digest, report_digest

    wanted = None
    if args.digest is not None:
        wanted = normalize_digest(args.digest)
        if wanted is None:
            print(f"错误：“{args.digest}”不是摘要：摘要是 16 个字母和数字，如 K3QM-7XPD-A9FT-2HRC", file=sys.stderr)
            return EXIT_UNREADABLE
    if Path(args.file).suffix.lower() == ".json":
        report, findings = load_report(args.file)
        if report is None:
            print_findings_err(f"无法读取 {args.file}：", findings)
            return EXIT_UNREADABLE
        reports = [report]
    else:
        package, incomings, findings = _read_package_reports(args.file)
        if package is None:
            print_findings_err(f"无法读取 {args.file}：", findings)
            return EXIT_UNREADABLE
        reports = [i.report for i in incomings]
    matched = False
    for r in reports:
        digest = report_digest(r)
        mark = ""
        if wanted is not None:
            mark = "  ← 一致" if digest == wanted else ""
            matched = matched or digest == wanted
        print(f"{digest}  {_report_line(r)}{mark}")
    if wanted is None:
        return EXIT_OK
    if matched:
        print(f"一致：摘要 {wanted} 与文件中的报告相同。")
        return EXIT_OK
    print(f"不一致：文件中没有摘要为 {wanted} 的报告（纸质报告与此文件的内容不同）。")
    return EXIT_ERRORS


# the package commands that open the drafts database (verify reads files only)
STORAGE_COMMANDS = {"pack": cmd_pack, "unpack": cmd_unpack}
