"""Typography shared by the Word and PDF exporters (no Qt, no python-docx, no reportlab).

* ``title_lines`` — the title broken into balanced lines at word boundaries, never inside a word
  (“自评报/告”, “部门整/体”): both exporters draw exactly these lines (Word: explicit line breaks,
  PDF: ``<br/>``), so neither lets its own wrap decide.
* ``display_width`` — the width of a text in ems (CJK full width, digits half), for estimates.
* ``content_widths`` — column widths from the content: every column at least as wide as its
  widest unbreakable run (a number, a percentage, a short bracket “（10分）”) and a label never
  one character a line; the room is taken from columns with slack, the total unchanged.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

# words a title is never broken inside; the longest match wins
TITLE_WORDS = ("部门整体支出", "整体支出", "项目支出", "专项资金", "专项支出", "绩效自评报告", "绩效评价报告",
               "自评报告", "评价报告", "绩效报告", "自评表", "工商业联合会", "工商联", "（草稿）")
_TITLE_TOKEN = re.compile(r"\d{4}\s*年度?|“[^”]{1,30}”|《[^》]{1,30}》|（[^（）]{1,12}）|[\x21-\x7e]+|.", re.S)


def _em(ch: str) -> float:
    if ord(ch) >= 0x2000:
        return 1.0
    if ch in " .,:;!|'il":
        return 0.28
    return 0.9 if ch in "%@MW" else 0.7 if ch.isupper() else 0.5


def display_width(text: str) -> float:
    """Width in ems, with the quarter-em gap Word puts between CJK and digits/letters."""
    gaps = sum(1 for a, b in zip(text, text[1:]) if (a.isascii() and a.isalnum()) != (b.isascii() and b.isalnum())
               and not (a.isascii() and not a.isalnum()) and not (b.isascii() and not b.isalnum()))
    return sum(_em(ch) for ch in text) + 0.25 * gaps


def title_words(title: str, extra: Sequence[str] = ()) -> list[str]:
    """The title as unbreakable pieces: known words (and ``extra``, e.g. the unit's name), a year
    “2020年度”, a quotation or short bracket, a run of ASCII; anything else one character each."""
    words = sorted({w for w in (*TITLE_WORDS, *extra) if w}, key=len, reverse=True)
    out: list[str] = []
    i = 0
    while i < len(title):
        w = next((w for w in words if title.startswith(w, i)), None)
        if w is None:
            m = _TITLE_TOKEN.match(title, i)
            w = m.group(0)
        out.append(w)
        i += len(w)
    return out


# a break is good between two pieces that are words; between two single characters it is a break
# inside an unknown word: allowed only when no other break fits
def _break_cost(left: str, right: str) -> int:
    return 0 if len(left) > 1 or len(right) > 1 else 1


MAX_TITLE_LINES = 8


def title_lines(title: str, per_line: float, *, extra: Sequence[str] = (),
                width: Callable[[str], float] = display_width) -> list[str]:
    """``title`` as lines no wider than ``per_line`` (in the unit of ``width``), broken only
    between words, in as few lines as fit, the lines as even as can be (the first line the
    longer on a tie). A word wider than a line is cut by characters (nothing else fits)."""
    if width(title) <= per_line or not title or width(title) > MAX_TITLE_LINES * per_line:
        return [title]  # one line; or so long that Word and reportlab wrap it as they do a paragraph
    pieces = title_words(title, extra)
    n = len(pieces)
    best: tuple | None = None
    for lines_wanted in range(max(2, int(width(title) // per_line) + 1), n + 1):
        # dynamic programming over break positions: (cost, max line width, -first line width)
        memo: dict[tuple[int, int], tuple | None] = {}

        def solve(i: int, k: int):
            if (i, k) in memo:
                return memo[i, k]
            result = None
            if k == 1:
                line = "".join(pieces[i:])
                if width(line) <= per_line:
                    result = (0, width(line), [line])
            else:
                for j in range(i + 1, n):
                    line = "".join(pieces[i:j])
                    w = width(line)
                    if w > per_line:
                        break
                    rest = solve(j, k - 1)
                    if rest is None:
                        continue
                    cand = (rest[0] + _break_cost(pieces[j - 1], pieces[j]), max(w, rest[1]), [line] + rest[2])
                    if result is None or (cand[0], cand[1], -width(cand[2][0])) < \
                            (result[0], result[1], -width(result[2][0])):
                        result = cand
            memo[i, k] = result
            return result

        best = solve(0, lines_wanted)
        if best is not None:
            return [ln.strip() for ln in best[2]]
        if lines_wanted >= MAX_TITLE_LINES:
            break
    return [title]


# -- column widths ---------------------------------------------------------------------------
_UNBREAKABLE = re.compile(r"（[^（）\n]{1,6}）|\([^()\n]{1,6}\)|[\x21-\x7e]+")
PAD_MM = 1.6  # a cell's left and right padding together, with a little air
PT_MM = 25.4 / 72


def cell_min_mm(text: str, size_pt: float) -> float:
    """The narrowest a cell can be without a number, a percentage or a short bracket breaking,
    and without a label standing one character a line (two characters at least)."""
    ems = 0.0
    for line in text.split("\n"):
        runs = [display_width(t) for t in _UNBREAKABLE.findall(line)]
        ems = max(ems, *runs, min(2.0, display_width(line.strip())) if line.strip() else 0.0)
    return ems * size_pt * PT_MM + PAD_MM if ems else 0.0


def content_widths(widths_mm: Sequence[float], rows, size_pt: float = 10.5) -> tuple[float, ...]:
    """``widths_mm`` with every column at least as wide as the cells starting in it need
    (``cell_min_mm``; a cell spanning columns needs it over its span), the room taken from the
    columns with the most slack; the total stays the same. Linear in the cells."""
    ncols = len(widths_mm)
    need = [0.0] * ncols
    spans: list[tuple[int, int, float]] = []
    for row in rows:
        for c, cell in enumerate(row[:ncols]):
            if cell is None or not cell.text:
                continue
            m = cell_min_mm(cell.text, size_pt)
            if cell.colspan <= 1:
                need[c] = max(need[c], m)
            else:
                spans.append((c, min(c + cell.colspan, ncols), m))
    widths = list(widths_mm)
    total = sum(widths)
    if sum(need) > total:  # cannot satisfy every column: keep the layout's widths
        return tuple(widths_mm)
    short = [max(0.0, need[c] - widths[c]) for c in range(ncols)]
    deficit = sum(short)
    if deficit <= 0.01:
        return tuple(widths_mm)
    slack = [max(0.0, widths[c] - max(need[c], 0.0)) for c in range(ncols)]
    # spanned cells: do not take a spanned cell's room below what it needs
    if sum(slack) < deficit:
        return tuple(widths_mm)
    take = deficit / sum(slack)
    new = [widths[c] + short[c] - slack[c] * take for c in range(ncols)]
    for a, b, m in spans:
        if sum(new[a:b]) + 0.01 < m <= sum(widths[a:b]):
            return tuple(widths_mm)  # would squeeze a merged cell: leave the layout's widths
    return tuple(round(w, 2) for w in new)


# -- headings the clerk typed as text --------------------------------------------------------
_OUTLINE_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(?[一二三四五六七八九十]+\)|"
                             r"\d{1,2}[.、．](?!\d)|（\d{1,2}）|\(\d{1,2}\)|第[一二三四五六七八九十]+[章节部分])")


def looks_like_heading(text: str) -> bool:
    """A paragraph that is a heading in the clerk's own numbering (“（一）绩效分析”,
    “1.项目情况分析”): short, numbered, one line, not a sentence. Kept with what follows it,
    as a heading is."""
    t = text.strip()
    return (0 < len(t) <= 30 and "\n" not in t and _OUTLINE_NUMBER.match(t) is not None
            and not t.endswith(("。", "；", ";", "，", ",", "！", "？")) and t.count("。") == 0)
