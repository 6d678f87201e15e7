"""Entry point of the ``jixiao`` command.

With a subcommand (score, check, list …) it runs the command line of ``core.cli`` and never
loads Qt; with no arguments, or only ``--data-dir DIR``, it opens the desktop window.
"""
from __future__ import annotations

import sys

GUI_OPTIONS = ("--data-dir",)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and not argv[0].split("=")[0] in GUI_OPTIONS:
        from core.cli import main as cli_main

        return cli_main(argv)
    from desktop.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
