"""Reading a CSV indicator table: the text encoding of the whole file, then the rows.

Both steps refuse rather than guess (``TableError`` with the line number):

* **Encoding.** Bytes that decode as UTF-8 (with or without BOM) are UTF-8; a UTF-16 BOM is
  Excel's “Unicode 文本”. Otherwise each piece of text between separators (bytes below ``0``
  and ``:``–``?``, never part of a multi-byte character) is classified: a piece that decodes
  as UTF-8 with characters from U+0800 up is UTF-8, one that decodes as GB18030 is GBK
  (GB18030 is the superset Chinese Excel writes as “CSV（逗号分隔）”). A file with both kinds
  is *mixed* — decoding it either way gives mojibake in some cells, and a UTF-8 cell often
  decodes as GB18030 without any error — and is refused naming the first line of the smaller
  kind. A piece that is neither is refused at its line too. (A UTF-8 and a GBK piece glued
  together with no separator between them is not told apart.)
* **Quoting.** A field that starts with ``"`` runs to the matching ``"``. A quote never closed
  before the end of the file, text right after a closing quote (``"优秀"等``), or a quoted field
  that runs over several lines that look like whole rows (three or more separators in a line)
  is a stray quote that would swallow the rows below it: refused at the line of the opening
  quote. Legitimate multi-line cells (Alt+Enter in Excel) read as one cell.

Cost is linear in the file: lines without quotes are split by ``str.split``; quoted lines are
tokenized field by field with bounded counts (``core.table_limits``).
"""
from __future__ import annotations

import re

from core import table_limits as lim
from core.table_limits import TableError

_WIDE = re.compile("[\u0800-\uffff\U00010000-\U0010ffff]")  # CJK & co., and the BOM
# a "piece": bytes between separators (controls, space, punctuation !"#$%&'()*+,-./ and :;<=>?),
# which are never part of a multi-byte character in UTF-8, GBK or GB18030
_SEP = rb"\x00-\x2f\x3a-\x3f"
_ASCII = rb"[\x30-\x39\x40-\x7f]"
_MULTI = rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})"
_UTF8_PIECE = re.compile(rb"(?<![^%s])%s*%s(?:%s|%s)*(?![^%s])"
                         % (_SEP, _ASCII, _MULTI, _ASCII, _MULTI, _SEP))
_HIGH_PIECE = re.compile(rb"[^%s]*[\x80-\xff][^%s]*" % (_SEP, _SEP))
_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')
_SAVE_AS = "请在 Excel 中打开原表，另存为“CSV UTF-8（逗号分隔）”或 .xlsx 文件后重新导入。"
DELIMITERS = (",", "\t", ";")
_SNIFF_CHARS = 256 * 1024  # the separator is chosen on the first lines, at most this much text


# -- encoding ----------------------------------------------------------------------------------
def _lines(numbers: list[int]) -> str:
    shown = "、".join(f"第 {n} 行" for n in numbers[:5])
    return shown + (f" 等 {len(numbers)} 行" if len(numbers) > 5 else "")


def decode(data: bytes) -> str:
    """The text of a CSV file; ``TableError`` (TABLE_ENCODING, with the line) when the bytes are
    not one encoding throughout."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's “Unicode 文本”
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n\x00") + data[:exc.start].count(b"\x00\n") + 1
            raise TableError("TABLE_ENCODING",
                             f"第 {line} 行附近有无法识别的字符：文件开头标明是 Unicode 文本，"
                             "但内容不是有效的 UTF-16。", _SAVE_AS, line) from None
    lines = data.count(b"\n")  # never inside a UTF-8 or GBK character
    if lines > lim.MAX_TABLE_LINES:
        raise TableError("TABLE_TOO_LARGE",
                         f"文件有 {lines} 行，超过 {lim.MAX_TABLE_LINES} 行（含空行）的上限，不像是指标表。",
                         "请只保留指标表部分，删除多余的行后重新导入。")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        not_utf8 = exc.start  # the first byte that is not UTF-8
    lines = _LineCounter(data)
    utf8 = []  # lines of pieces that are UTF-8 with wide characters
    pieces = 0  # how many such pieces
    for m in _UTF8_PIECE.finditer(data):
        try:
            if _WIDE.search(m.group().decode("utf-8")):
                line = lines.at(m.start())
                pieces += 1
                if not utf8 or utf8[-1] != line:
                    utf8.append(line)
        except UnicodeDecodeError:  # overlong forms and surrogates the pattern lets through
            pass
        if pieces > 1000:
            break
    try:
        text = data.decode("gb18030")
        not_gbk = -1
    except UnicodeDecodeError as exc:
        text, not_gbk = "", exc.start
    if not utf8:
        if not_gbk < 0:
            return text
        line = _LineCounter(data).at(not_gbk)
        raise TableError(
            "TABLE_ENCODING",
            f"无法识别第 {line} 行的文字编码（既不是 UTF-8 也不是 GBK），读出来会是乱码，所以没有导入。",
            _SAVE_AS, line)
    others = sum(1 for _ in zip(range(2 * pieces + 1), _HIGH_PIECE.finditer(data))) - pieces
    if pieces <= others:  # a few UTF-8 pieces in a GBK file
        odd, odd_name, rest_name = utf8, "UTF-8", "GBK（简体中文 Excel 默认的编码）"
    else:  # a few pieces that are not UTF-8 in a UTF-8 file
        line = _LineCounter(data).at(not_utf8)
        odd, odd_name, rest_name = [line], "GBK", "UTF-8"
        piece = _HIGH_PIECE.search(data, data.rfind(b"\n", 0, not_utf8) + 1)
        try:
            if piece is not None:
                piece.group().decode("gb18030")
        except UnicodeDecodeError:
            odd_name = "无法识别"
    raise TableError(
        "TABLE_ENCODING",
        f"第 {odd[0]} 行的编码与文件其余部分不同：文件大部分是 {rest_name}，"
        f"{_lines(odd)}却有{odd_name.join('  ') if odd_name.isascii() else odd_name}编码的文字。这样的文件无论按哪种编码读，都会有格子"
        "变成乱码，所以没有导入。",
        "可能是从别处复制了内容进来。" + _SAVE_AS, odd[0])


class _LineCounter:
    """Line numbers of byte offsets given in increasing order, counted once (linear)."""

    def __init__(self, data: bytes):
        self.data, self.pos, self.line = data, 0, 1

    def at(self, offset: int) -> int:
        self.line += self.data.count(b"\n", self.pos, offset)
        self.pos = offset
        return self.line


# -- rows --------------------------------------------------------------------------------------
def _trim(fields: list[str]) -> list[str]:
    while fields and not fields[-1].strip():
        fields.pop()
    return fields


class _Parser:
    def __init__(self, text: str, delim: str, max_records: int | None):
        self.text = text  # line breaks already "\n"
        self.out: list[tuple[int, list[str]]] = []  # what has been read (also after an error)
        self.delim = delim
        self.unquoted = re.compile(f"[^{re.escape(delim)}\n]*")
        self.max_records = max_records
        self.quoted_fields = 0  # fields read by _record, the slow path: bounded in all
        self.blank = delim + " \t\u3000\xa0"

    def _too_long(self, line: int):
        return TableError("TABLE_TOO_LARGE",
                          f"第 {line} 行有一个格子超过 {lim.MAX_CELL_CHARS} 个字符，不像是指标表的内容。",
                          "请检查这一行（可能是引号不配对或文件不是指标表），修改后重新导入。", line)

    def _quoted(self, pos: int, line: int) -> tuple[str, int, int]:
        """The quoted field at ``pos``: (value, end, lines it spans beyond the first)."""
        text, delim = self.text, self.delim
        window = 2 * lim.MAX_CELL_CHARS + 2  # a longest cell, every character a doubled quote
        m = _QUOTED.match(text, pos, min(len(text), pos + window + 1))
        if m is None and pos + window < len(text):
            raise TableError(
                "TABLE_QUOTE",
                f"第 {line} 行有一个引号（\"）之后超过 {lim.MAX_CELL_CHARS} 个字符都没有配对的引号："
                "可能是多余的引号把下面的行都并进了同一个格子，所以没有导入。",
                f"请删去第 {line} 行多余的引号后重新导入；也可以另存为 .xlsx 再导入。", line)
        if m is None:
            raise TableError(
                "TABLE_QUOTE",
                f"第 {line} 行有一个引号（\"）没有配对：从这里到文件末尾的内容都会被当成同一个格子，"
                "所以没有导入。",
                f"请用记事本或 Excel 打开文件，删去第 {line} 行多余的引号（或在格子内把 \" 写成 \"\"）"
                "后重新导入；也可以另存为 .xlsx 再导入。", line)
        raw = m.group()
        spans = raw.count("\n")
        end = m.end()
        if end < len(text) and text[end] not in (delim, "\n"):
            close = line + spans
            where = (f"第 {line} 行的引号（\"）与第 {close} 行的引号配成一对，把中间 {spans} 行"
                     "并成了一个格子" if spans else
                     f"第 {line} 行有一个格子在引号（\"）结束后还有文字“{text[end:end + 10].split(chr(10))[0]}”")
            raise TableError("TABLE_QUOTE", f"{where}，说明这里有多余的引号，所以没有导入。",
                             f"请删去第 {line} 行多余的引号后重新导入；也可以另存为 .xlsx 再导入。",
                             line)
        value = raw[1:-1].replace('""', '"')
        if spans and any(part.count(delim) >= 3 for part in value.split("\n")):
            raise TableError(
                "TABLE_QUOTE",
                f"第 {line} 行有一个多余的引号（\"）：它把下面 {spans} 行（到第 {line + spans} 行）"
                "并进了同一个格子，这些行会丢失，所以没有导入。",
                f"请删去第 {line} 行多余的引号后重新导入；也可以另存为 .xlsx 再导入。", line)
        if len(value) > lim.MAX_CELL_CHARS:
            raise self._too_long(line)
        return value, end, spans

    def _record(self, pos: int, line: int) -> tuple[list[str], int, int]:
        """The record starting at ``pos`` with quotes in it: (fields, next pos, next line)."""
        text, n, delim = self.text, len(self.text), self.delim
        fields: list[str] = []
        while True:
            self.quoted_fields += 1
            if self.quoted_fields > lim.MAX_QUOTED_FIELDS:
                raise TableError("TABLE_TOO_LARGE",
                                 f"文件中带引号的行共有超过 {lim.MAX_QUOTED_FIELDS} 个格子，不像是一张绩效指标表。",
                                 "请只保留指标表部分，另存为新文件后重新导入。", line)
            if pos < n and text[pos] == '"':
                j = text.find('"', pos + 1)  # the common case first: "text" with no "" or line break
                if j > 0 and (j + 1 == n or text[j + 1] in (delim, "\n")) \
                        and j - pos <= lim.MAX_CELL_CHARS and text.find("\n", pos, j) < 0:
                    value, pos = text[pos + 1:j], j + 1
                else:
                    value, pos, spans = self._quoted(pos, line)
                    line += spans
            else:
                m = self.unquoted.match(text, pos)
                value, pos = m.group(), m.end()
                if len(value) > lim.MAX_CELL_CHARS:
                    raise self._too_long(line)
            fields.append(value)
            if len(fields) > lim.MAX_RAW_FIELDS:
                raise _too_wide(line)
            if pos >= n:
                return fields, pos, line
            pos += 1
            if text[pos - 1] == "\n":
                return fields, pos, line + 1

    def rows(self) -> list[tuple[int, list[str]]]:
        text, n, delim = self.text, len(self.text), self.delim
        out = self.out
        pos, line, filled, records = 0, 1, 0, 0
        while pos < n:
            if self.max_records is not None and records >= self.max_records:
                break
            records += 1
            if records > lim.MAX_TABLE_LINES:
                raise TableError("TABLE_TOO_LARGE",
                                 f"文件超过 {lim.MAX_TABLE_LINES} 行（含空行），不像是指标表。",
                                 "请只保留指标表部分，删除多余的行后重新导入。", line)
            start = line
            end = text.find("\n", pos)
            end = n if end < 0 else end
            if text.find('"', pos, end) < 0:  # the common case: no quotes on this line
                # trailing empty fields (",,,,," to column XFD) are dropped before splitting
                body = text[pos:end].rstrip(self.blank)
                if body.count(delim) >= lim.MAX_RAW_FIELDS:
                    raise _too_wide(line)
                fields = body.split(delim)
                if end - pos > lim.MAX_CELL_CHARS and max(map(len, fields)) > lim.MAX_CELL_CHARS:
                    raise self._too_long(line)
                pos, line = end + 1, line + 1
            else:
                fields, pos, line = self._record(pos, line)
            fields = _trim(fields)
            if not fields:
                continue
            if len(fields) > lim.MAX_TABLE_COLUMNS:
                raise _too_wide(start)
            filled += 1
            if filled > lim.MAX_TABLE_ROWS:
                raise TableError("TABLE_TOO_LARGE",
                                 f"表格超过 {lim.MAX_TABLE_ROWS} 行，不像是一张绩效指标表。",
                                 "请只保留指标表部分，删除多余的行后重新导入。", start)
            out.append((start, fields))
        return out


def _too_wide(line: int) -> TableError:
    return TableError("TABLE_TOO_LARGE",
                      f"第 {line} 行超过 {lim.MAX_TABLE_COLUMNS} 列，不像是一张绩效指标表。",
                      "请删除表格右侧多余的列（或检查分隔符）后重新导入。", line)


def parse(text: str, score) -> list[tuple[int, list[str]]]:
    """The non-empty rows of ``text`` as (first line, fields), with the separator (comma, tab or
    semicolon) whose first hundred lines give the best ``score`` (a function of the rows)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    best, best_score = DELIMITERS[0], -1
    for delim in DELIMITERS:
        if delim not in text:
            continue
        head = _Parser(text[:_SNIFF_CHARS], delim, 100)
        try:
            head.rows()
        except TableError:
            pass  # scored on the rows before the problem; the full read below reports it
        s = score(head.out)
        if s > best_score:
            best, best_score = delim, s
    return _Parser(text, best, None).rows()
