"""Writing the 汇总 files from the workspace: the summary tables (Word, Excel), the findings
(Excel) and one unit's 审核意见 (Word), each off the UI thread through ``desktop.worker``; a failure
(the file open in Word/WPS, a read-only folder, a full disk) is shown as the core's Chinese
message, success says where the file was written."""
from __future__ import annotations

from pathlib import Path

from desktop.summary.prompts import Prompts, with_suffix
from desktop.worker import run_in_background

WORD, EXCEL = "Word 文档 (*.docx)", "Excel 工作簿 (*.xlsx)"
KINDS = {  # kind: (dialog title, suggested name, suffix, filter)
    "docx": ("导出汇总表（Word）", "绩效自评汇总表", ".docx", WORD),
    "xlsx": ("导出汇总表（Excel）", "绩效自评汇总表", ".xlsx", EXCEL),
    "findings": ("导出审核意见（Excel）", "绩效自评审核意见", ".xlsx", EXCEL),
}


def where_of(finding, report):
    """Where in the report a summary finding points (for the editor to jump to), or None."""
    where = getattr(finding, "where", None)
    if where:
        return where
    match = next((f for f in report.findings if (f.code, f.message) == (finding.code, finding.message)), None)
    return match.where if match is not None else None


def export(ws, kind: str) -> None:
    summary = ws.summary
    if summary is None or not (summary.project_rows or summary.dept_rows):
        ws.export_done("没有计入汇总的报告：请先添加数据包，并勾选要计入的单位", failed=True)
        return
    title, name, suffix, file_filter = KINDS[kind]
    chosen = Prompts.save_path(ws, title, ws.suggested(name, suffix), file_filter)
    if not chosen:
        return
    path = with_suffix(chosen, suffix)
    refused = tuple(ws.refused)
    run(ws, lambda: _write(kind, summary, path, refused), f"正在写入 {path.name} …")


def _write(kind: str, summary, path: Path, refused) -> Path:
    if kind == "docx":
        from core.export.summary_docx import write_summary_docx
        return write_summary_docx(summary, path, refused=refused)
    if kind == "xlsx":
        from core.export.summary_xlsx import write_summary_xlsx
        return write_summary_xlsx(summary, path, refused=refused)
    from core.export.output import write_output
    from core.export.summary_xlsx import findings_workbook
    book = findings_workbook(summary, refused=refused)
    return write_output(path, lambda tmp: book.save(str(tmp)))


def save_opinion(ws, unit: str, text: str) -> None:
    """One unit's 审核意见 as a Word file to send back (the text ``review_opinion`` wrote)."""
    if not text.strip():
        return
    chosen = Prompts.save_path(ws, "保存审核意见", ws.suggested(f"{unit}审核意见", ".docx"), WORD)
    if not chosen:
        return
    path = with_suffix(chosen, ".docx")
    from core.export.summary_docx import write_opinion_docx

    run(ws, lambda: write_opinion_docx(text, path), f"正在写入 {path.name} …")


def run(ws, work, busy_text: str) -> None:
    ws._set_adding(False)
    ws.export_state.setStyleSheet("")
    ws.export_state.setText(busy_text)
    run_in_background(work, lambda p: ws.export_done(f"已写入 {p}"),
                      lambda message: ws.export_done(message, failed=True))
