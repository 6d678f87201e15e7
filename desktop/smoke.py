"""``jixiao --smoke-test [DIR]``: prove that this installation works, headless, in a minute.

Runs the real parts in a temporary data folder (nothing of the clerk's is touched): opens the
drafts database (migrations, integrity check), creates a draft from every installed template,
imports a seed report, scores and checks it, opens the main window offscreen and walks every
wizard page grabbing it to an image, exports Word and PDF and reads them back (python-docx for the
.docx; the PDF's pages and embedded TrueType fonts). Prints one Chinese line per step, then
``SMOKE OK`` (exit 0) or ``冒烟测试失败：<step>：<why>`` (exit 1), with the details on stderr.

``DIR`` keeps what it wrote (the page images, the .docx and .pdf, and these lines in
``冒烟测试结果.txt``: a Windows GUI exe has no console) in that folder; without it
everything goes into a temporary folder that is removed. Meant for the bundle
(``dist/jixiao/jixiao --smoke-test``, installer/README.md) and for support staff on a clerk's PC.
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

SEED_NAME = "seed004.json"
UNIT = "冒烟测试单位"


class SmokeFailure(Exception):
    """A step did not give what it must (Chinese message)."""


def seed_path() -> Path:
    """The seed report the smoke test imports: bundled as smoke/, else the checkout's fixtures."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "smoke" / SEED_NAME
    return Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seeds" / SEED_NAME


def _check(ok: object, message: str) -> None:
    if not ok:
        raise SmokeFailure(message)


def _why(e: BaseException) -> str:
    if isinstance(e, SmokeFailure):
        return str(e)
    if isinstance(e, OSError):
        from core.os_errors import os_error_text

        return os_error_text(e)
    text = str(e)
    if text and re.search(r"[\u4e00-\u9fff]", text):  # our own errors speak Chinese
        return text
    return f"程序内部错误（{type(e).__name__}）"


class Smoke:
    def __init__(self, work: Path, keep: Path | None, out=None):
        self.work = work
        self.keep = keep
        self.files = keep or work
        self.out = out or sys.stdout
        self.data = work / "data"
        self.storage = None
        self.draft_id = None
        self.report = None
        self.app = None
        self.pages_grabbed: list[str] = []

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)  # nothing when there is no console (Windows GUI exe)
        if self.keep is not None:  # and into the kept folder, for whoever cannot see a console
            try:
                with open(self.keep / "冒烟测试结果.txt", "a", encoding="utf-8") as f:
                    f.write(text + "\n")
            except OSError:
                pass

    # -- the steps, in order -----------------------------------------------------------------
    def open_database(self) -> None:
        from core.storage import Storage

        self.storage = Storage.open(self.data)
        _check(self.storage.integrity_ok(), "新建的数据库未通过完整性检查")
        _check(self.storage.list() == [], "新建的数据库里已有草稿")

    def new_from_templates(self) -> None:
        from core.templates import list_templates

        templates = list_templates()
        _check(templates, "没有找到任何报告模板（resources/templates 缺失）")
        for tid, _name in templates:
            draft = self.storage.create_from_template(tid, UNIT, 2025)
            _check(self.storage.get(draft).unit.name == UNIT, f"从模板“{tid}”新建的草稿读不回来")
        _check(len(self.storage.list()) == len(templates), "新建草稿的数目不对")

    def import_seed(self) -> None:
        from core.report_io import load_report

        path = seed_path()
        report, findings = load_report(path)
        _check(report is not None, f"无法读取示例报告 {path.name}：" + "；".join(f.message for f in findings[:3]))
        self.draft_id = self.storage.create(report)
        self.report = self.storage.get(self.draft_id)
        _check(self.report == report, "导入的报告从数据库读回后与原文件不一致")

    def score_and_check(self) -> None:
        from core.checks import run_checks
        from core.scoring import score_report

        score = score_report(self.report)
        main = score.main
        _check(main is not None and main.rule_total > 0 and main.grade_text, "示例报告没有算出规则总分和等级")  # seed 004 weighs 110: 暂不评级
        findings = run_checks(self.report, score)
        _check(all(f.message for f in findings), "审核结果中有没有说明的条目")

    def walk_pages(self) -> None:
        from PySide6.QtCore import qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        from desktop.app import make_app
        from desktop.main_window import MainWindow

        qInstallMessageHandler(lambda *args: None)  # the offscreen platform's English notices
        self.app = make_app(sys.argv[:1])
        window = MainWindow(self.storage, self.data)
        window.resize(1366, 768)
        window.show()
        try:
            window.drafts.refresh(self.draft_id)
            QApplication.processEvents()
            self._grab(window, "00-草稿列表")
            _check(window.open_draft(self.draft_id), "无法在窗口中打开导入的草稿")
            editor = window.editor
            _check(len(editor.pages) >= 5, "向导页面不全")
            for i, page in enumerate(editor.pages, start=1):
                editor.steps.setCurrentRow(i - 1)
                if hasattr(page, "tree"):
                    page.tree.expandAll()
                for _ in range(3):  # a page rebuilt on show lays out over a few event-loop passes
                    QApplication.processEvents()
                self._grab(window, f"{i:02d}-{page.title}")
            window.close_draft()
        finally:
            window.close()
            window.deleteLater()
            QApplication.processEvents()

    def _grab(self, window, name: str) -> None:
        image = window.grab().toImage()
        _check(not image.isNull() and image.width() > 100 and image.height() > 100, f"页面“{name}”截图为空")
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        _check(len(colours) > 3, f"页面“{name}”没有画出任何内容")
        if self.keep is not None:
            image.save(str(self.keep / f"{name}.png"))
        self.pages_grabbed.append(name)

    def export_word(self) -> None:
        from docx import Document

        from core.export.docx import write_docx

        path = write_docx(self.report, self.files / "冒烟测试.docx")
        doc = Document(str(path))
        text = "\n".join(p.text for p in doc.paragraphs)
        text += "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
        _check(self.report.unit.name in text, "导出的 Word 文件中找不到单位名称")
        _check("绩效" in text, "导出的 Word 文件中没有正文")
        _check(len(doc.sections) >= 1 and doc.sections[0].footer is not None, "导出的 Word 文件没有页脚")

    def export_pdf(self) -> None:
        from core.export.pdf import write_pdf

        path = write_pdf(self.report, self.files / "冒烟测试.pdf")
        data = path.read_bytes()
        _check(data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), "导出的 PDF 文件不完整")
        pages = len(re.findall(rb"/Type\s*/Page\b", data))
        _check(pages >= 2, f"导出的 PDF 只有 {pages} 页")
        _check(b"/FontFile2" in data, "导出的 PDF 没有嵌入中文 TrueType 字体")

    STEPS = (
        ("打开数据库（含迁移与完整性检查）", "open_database"),
        ("从每个模板新建草稿", "new_from_templates"),
        ("导入示例报告", "import_seed"),
        ("评分与审核", "score_and_check"),
        ("打开窗口并逐页截图", "walk_pages"),
        ("导出 Word 并读回", "export_word"),
        ("导出 PDF 并读回", "export_pdf"),
    )

    def run(self) -> int:
        total = len(self.STEPS)
        try:
            for n, (title, method) in enumerate(self.STEPS, start=1):
                start = time.perf_counter()
                try:
                    getattr(self, method)()
                except KeyboardInterrupt:
                    raise
                except BaseException as e:  # noqa: BLE001 — every failure becomes one Chinese line
                    self.say(f"冒烟测试失败：第 {n}/{total} 步“{title}”：{_why(e)}")
                    if not isinstance(e, SmokeFailure):
                        print("详细信息（供技术支持）：", file=sys.stderr)
                        traceback.print_exception(e, file=sys.stderr)
                    return 1
                self.say(f"[{n}/{total}] {title}：通过（{time.perf_counter() - start:.2f} 秒）")
        finally:
            if self.storage is not None:
                self.storage.close()
        self.say("SMOKE OK")
        return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("用法：jixiao --smoke-test [保存结果的文件夹]", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # headless unless told otherwise
    keep = None
    if argv:
        keep = Path(argv[0]).resolve()
        try:
            keep.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            from core.os_errors import os_error_text

            print(f"冒烟测试失败：无法创建文件夹 {keep}：{os_error_text(e)}", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory(prefix="jixiao-smoke-") as tmp:
        # the crash log and anything else that looks for the data folder stays in the temporary one
        previous = os.environ.get("JIXIAO_DATA_DIR")
        os.environ["JIXIAO_DATA_DIR"] = str(Path(tmp) / "data")
        try:
            return Smoke(Path(tmp), keep).run()
        finally:
            if previous is None:
                os.environ.pop("JIXIAO_DATA_DIR", None)
            else:
                os.environ["JIXIAO_DATA_DIR"] = previous


if __name__ == "__main__":
    sys.exit(main())
