"""Entry point of the ``jixiao`` command.

With a subcommand (score, check, templates …) it runs the command line of ``core.cli`` and
never loads Qt; with no arguments it opens the desktop window.
"""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        from core.cli import main as cli_main

        return cli_main(argv)
    from desktop.app import run

    return run()


if __name__ == "__main__":
    sys.exit(main())
