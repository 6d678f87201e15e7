"""``jixiao export FILE --docx OUT --pdf OUT [--final]``: the command-line face of the exporters.

A report with errors or unanswered warnings is exported as a draft (every page marked
“草稿”); ``--final`` refuses to write anything until the report is clean (exit 1).
"""
from __future__ import annotations

import sys
from pathlib import Path

from core.checks import run_checks
from core.export.layout import export_status
from core.export.output import ExportError
from core.scoring import score_report

EXIT_OK, EXIT_NOT_FINAL, EXIT_FAILED = 0, 1, 2


def add_parser(sub) -> None:
    s = sub.add_parser("export", help="导出 Word（.docx）和/或 PDF 报告",
                       description="导出 Word（.docx）和/或 PDF 报告；有错误或未说明的警告时导出为草稿")
    s.add_argument("file", help="报告 JSON 文件")
    s.add_argument("--docx", help="要写入的 Word 文件")
    s.add_argument("--pdf", help="要写入的 PDF 文件")
    s.add_argument("--final", action="store_true", help="定稿导出：还有错误或未说明的警告时不导出")
    s.set_defaults(template=None, budget=None, executed=None, name="")


def run(args, load_input) -> int:
    if not args.docx and not args.pdf:
        print("错误：请用 --docx 文件名 和/或 --pdf 文件名 指定要导出的文件", file=sys.stderr)
        return EXIT_FAILED
    report, load_findings = load_input(args)
    if report is None:
        print(f"无法读取 {args.file}：", file=sys.stderr)
        for f in load_findings:
            print(f"  {f.message}（{f.where}）", file=sys.stderr)
        return EXIT_FAILED
    score = score_report(report)
    findings = run_checks(report, score)
    final, reasons = export_status(findings)
    if args.final and not final:
        print("不能定稿导出：" + "；".join(reasons) + "。请先在“审核与导出”页处理，或去掉 --final 导出草稿。",
              file=sys.stderr)
        return EXIT_NOT_FINAL
    written = []
    try:
        if args.docx:
            from core.export.docx import write_docx

            written.append(write_docx(report, Path(args.docx)))
        if args.pdf:
            from core.export.pdf import write_pdf

            written.append(write_pdf(report, Path(args.pdf)))
    except ExportError as e:
        print(f"错误：{e}", file=sys.stderr)
        return EXIT_FAILED
    mark = "" if final else f"（草稿：{'；'.join(reasons)}）"
    for p in written:
        print(f"已导出 {p}{mark}")
    return EXIT_OK
