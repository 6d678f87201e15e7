"""Entry point of the ``jixiao`` command.

With a subcommand (score, check, list …) it runs the command line of ``core.cli`` and never
loads Qt; with no arguments, or only ``--data-dir DIR``, it opens the desktop window. Neither
path lets a traceback reach the clerk: the command line exits 3 with one Chinese line and a
log (``core.crash_log``), the app shows a dialog. On Linux without a display (no ``DISPLAY``,
no ``WAYLAND_DISPLAY``, no ``QT_QPA_PLATFORM``) the window is not attempted: Qt would abort with
an English message, so a Chinese one (with an English line for the IT staff) is printed instead and the exit status is 2.
"""
from __future__ import annotations

import os
import sys

GUI_OPTIONS = ("--data-dir",)
EXIT_NO_DISPLAY = 2
EXIT_INTERNAL = 3

NO_DISPLAY_TEXT = ("无法打开绩效自评助手的窗口：没有可用的图形界面（未设置 DISPLAY 或 WAYLAND_DISPLAY）。"
                   "请在桌面环境中启动；在命令行中可使用 jixiao score、jixiao check 等命令（jixiao -h 列出全部）。\n"
                   "Jixiao needs a graphical session (DISPLAY or WAYLAND_DISPLAY is not set). Start it from "
                   "the desktop; on the command line use jixiao score, jixiao check … (jixiao -h).")


def display_problem(environ=None, platform: str | None = None) -> str | None:
    """The Chinese message when the window cannot be shown here, else None."""
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux"):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"):
        return None
    return NO_DISPLAY_TEXT


def command_first(argv: list[str]) -> list[str]:
    """``jixiao --data-dir D list`` means ``jixiao list --data-dir D``: a subcommand after the
    data-folder option is still a command, not the window."""
    if argv[:1] == ["--data-dir"] and len(argv) > 2:
        head, rest = argv[:2], argv[2:]
    elif argv and argv[0].startswith("--data-dir=") and len(argv) > 1:
        head, rest = argv[:1], argv[1:]
    else:
        return argv
    if rest[0].startswith("-") or rest[0].lower().endswith(".jxpkg"):
        return argv
    return [rest[0], *head, *rest[1:]]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["--version"]:
            from core.version import version

            print(f"绩效自评助手 jixiao {version()}")
            return 0
        if argv[:1] == ["--smoke-test"]:  # installer/README.md: headless self-test of an installation
            from desktop.smoke import main as smoke_main

            return smoke_main(argv[1:])
        argv = command_first(argv)
        opens_package = bool(argv) and argv[0].lower().endswith(".jxpkg")  # a double-clicked package
        if argv and not argv[0].split("=")[0] in GUI_OPTIONS and not opens_package:
            from core.cli import main as cli_main

            return cli_main(argv)
        problem = display_problem()
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_NO_DISPLAY
        if os.environ.get("JIXIAO_FIRST_PAINT_PROBE") or os.environ.get("JIXIAO_BENCH_PAINTED"):  # benches only
            from desktop import paint_probe

            paint_probe.install()
        from desktop.app import run

        return run(argv)
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 — an import that fails (a broken install): still no traceback
        from core.crash_log import internal_error_text, write_crash_log

        path = write_crash_log(e, argv=["jixiao", *argv], context="启动")
        try:
            print(internal_error_text(e, path), file=sys.stderr)
        except Exception:  # noqa: BLE001
            pass
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
