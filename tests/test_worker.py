"""Background work that fails is reported in Chinese: our own messages as they are, OS errors in
plain Chinese, a bug as the internal-error line naming the log with its details."""
import errno

from desktop.worker import failure_text, run_in_background


def test_our_own_chinese_message_is_shown_as_it_is():
    assert failure_text(ValueError("无法写入“报告.docx”：磁盘空间不足")) == "无法写入“报告.docx”：磁盘空间不足"


def test_an_os_error_is_said_in_chinese_without_the_english_strerror():
    text = failure_text(OSError(errno.ENOSPC, "No space left on device"))
    assert "磁盘空间不足" in text and "No space" not in text


def test_a_bug_names_the_log_with_its_details(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    text = failure_text(KeyError("sections"))
    assert text.startswith("程序内部错误") and "KeyError" not in text
    logs = list((tmp_path / "logs").glob("jixiao-*.log"))
    assert logs and "KeyError" in logs[0].read_text(encoding="utf-8")
    assert str(logs[0]) in text


def test_a_failing_job_reaches_on_failed_on_the_ui_thread(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    got = []

    def boom():
        raise IsADirectoryError(errno.EISDIR, "Is a directory")
    run_in_background(boom, lambda r: got.append(("done", r)), lambda m: got.append(("failed", m)))
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    kind, message = got[0]
    assert kind == "failed" and "文件夹" in message and "Is a directory" not in message
