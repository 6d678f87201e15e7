"""What the command line's modules share: exit codes, the display width of Chinese text in a
terminal, and printing a list of findings to stderr."""
from __future__ import annotations

import sys
import unicodedata

from core.findings import Finding, format_finding

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_CANCELLED = 130  # Ctrl+C, as shells report SIGINT

DATA_HELP = "数据目录（默认：本机用户数据目录，或环境变量 JIXIAO_DATA_DIR）"


def display_width(text: str) -> int:
    """Terminal columns of ``text``: a Chinese (wide) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def print_findings_err(title: str, findings: list[Finding]) -> None:
    """``title`` and one line per finding, on stderr."""
    print(title, file=sys.stderr)
    for f in findings:
        print("  " + format_finding(f), file=sys.stderr)
