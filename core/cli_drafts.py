"""The drafts commands of ``jixiao``: ``list``, ``export-json``, ``import-json``, ``backup`` and
``restore``, each with ``--data-dir DIR``. A storage failure is a ``StorageError`` whose Chinese
message ``core.cli`` prints before exiting 2. Commands that write the database hold the data
folder's app lock while they run, so they refuse while the app has the folder open.
"""
from __future__ import annotations

import sys
from pathlib import Path

from core import model
from core.cli_common import EXIT_OK, EXIT_UNREADABLE, print_findings_err
from core.cli_common import display_width as _width
from core.findings import format_finding
from core.os_errors import os_error_text
from core.report_io import load_report, save_report


def add_parsers(sub, data_help: str) -> None:
    s = sub.add_parser("list", help="列出草稿", description="列出草稿，最近修改的在前")
    s.add_argument("--deleted", action="store_true", help="同时列出回收站中的草稿")
    s.add_argument("--data-dir", help=data_help)
    s = sub.add_parser("export-json", help="把一份草稿导出为报告 JSON", description="把一份草稿导出为报告 JSON")
    s.add_argument("id", help="草稿编号（jixiao list 中的“编号”）")
    s.add_argument("file", help="要写入的 JSON 文件")
    s.add_argument("--data-dir", help=data_help)
    s = sub.add_parser("import-json", help="把报告 JSON 导入为新草稿", description="把报告 JSON 导入为新草稿")
    s.add_argument("file", help="报告 JSON 文件")
    s.add_argument("--data-dir", help=data_help)
    s = sub.add_parser("backup", help="备份草稿数据库", description="备份草稿数据库；不给文件时写入数据目录的 backups 文件夹")
    s.add_argument("file", nargs="?", help="备份文件（可选）")
    s.add_argument("--data-dir", help=data_help)
    s = sub.add_parser("restore", help="用备份文件替换草稿数据库",
                       description="用备份文件替换草稿数据库；替换前先备份当前数据库")
    s.add_argument("file", help="备份文件（.db）")
    s.add_argument("--data-dir", help=data_help)


KIND_LABELS = {model.DEPARTMENT: "部门整体", model.PROJECT: "项目"}


def data_folder(args) -> Path:
    """The data folder ``--data-dir`` (or the default) names; StorageError in Chinese if unusable."""
    from core.paths import data_dir
    from core.storage import StorageError

    try:
        return data_dir(args.data_dir)
    except OSError as e:
        raise StorageError(f"无法使用数据目录“{args.data_dir or ''}”：{os_error_text(e)}") from e


def open_storage(args):
    """The drafts database of the data folder, never on a USB stick or a network share; a
    recovery on open is said on stderr."""
    from core.paths import drive_problem
    from core.storage import Storage, StorageError

    folder = data_folder(args)
    problem = drive_problem(folder)
    if problem:
        raise StorageError(problem)
    storage = Storage.open(folder)
    if storage.recovery_message:
        print(f"注意：{storage.recovery_message}", file=sys.stderr)
    return storage


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns with “…”, so one long title cannot widen the
    whole list (the full title is in the draft)."""
    if _width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def when(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def cmd_list(args) -> int:
    with open_storage(args) as storage:
        drafts = storage.list(include_deleted=args.deleted)
    if not drafts:
        print("回收站和草稿箱都是空的" if args.deleted else "还没有草稿")
        return EXIT_OK
    header = ["编号", "年度", "单位", "类型", "标题", "最后修改"]
    rows = [[str(d.id), str(d.year or ""), _clip(d.unit, 30), KIND_LABELS.get(d.kind, d.kind),
             _clip(d.title, 50) + ("（回收站）" if d.deleted_at else ""), when(d.updated_at)]
            for d in drafts]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip())
    return EXIT_OK


def parse_draft_id(text: str) -> int:
    from core.storage import StorageError

    try:
        return int(text.strip())
    except ValueError:
        raise StorageError(f"草稿编号应为数字（见 jixiao list 的“编号”一列），而不是“{text}”") from None


def cmd_export_json(args) -> int:
    from core.storage import StorageError

    draft_id = parse_draft_id(args.id)
    with open_storage(args) as storage:
        report = storage.get(draft_id)
    try:
        save_report(report, args.file)
    except OSError as e:
        raise StorageError(f"无法写入“{args.file}”：{os_error_text(e)}") from e
    print(f"已把草稿 {draft_id} 导出到 {args.file}")
    return EXIT_OK


def cmd_import_json(args) -> int:
    report, findings = load_report(args.file)
    if report is None:
        print_findings_err(f"无法读取 {args.file}：", findings)
        return EXIT_UNREADABLE
    for f in findings:
        print("  " + format_finding(f), file=sys.stderr)
    from core.storage import holding_app_lock

    with holding_app_lock(data_folder(args)), open_storage(args) as storage:  # one writer at a time
        draft_id = storage.create(report)
    print(f"已导入为草稿，编号 {draft_id}")
    return EXIT_OK


def cmd_backup(args) -> int:
    from core.storage import StorageError

    with open_storage(args) as storage:
        if args.file:
            target = Path(args.file)
            if target.is_dir():
                raise StorageError(f"“{target}”是一个文件夹，请给出备份文件名，例如 {target / 'jixiao-备份.db'}")
            storage.backup(target)
        else:
            from core.paths import backup_keep

            target = storage.rolling_backup(keep=backup_keep())
    print(f"已备份到 {target}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from core.storage import restore_database

    folder = data_folder(args)
    before, count = restore_database(folder, Path(args.file))
    print(f"已用 {args.file} 替换草稿数据库（现有草稿 {count} 份，含回收站）。")
    print(f"替换前的数据库已备份到 {before}")
    return EXIT_OK


COMMANDS = {"list": cmd_list, "export-json": cmd_export_json, "import-json": cmd_import_json,
            "backup": cmd_backup, "restore": cmd_restore}
