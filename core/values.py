"""Reading the free text clerks type in 年度指标值 (target) and 实际完成值 (actual) cells.

``read_value`` turns a cell into a :class:`Reading` (domain.md §4): a NUMBER with comparator and
unit ("≧2000份", "99%以上", "292万余元", "十二次"), a DATE ("2020年12月前", "2020-12-31",
"2020年1-12月", "年底前"), a WORD ("完成", "不断提高"), a BLANK ("", "—") or UNKNOWN (a sentence
with numbers buried in it: we never guess). Numbers are Decimals exactly as written, in the
unit written; ``unit_factor`` says how to convert between two units, or that they disagree.
``parse_number`` reads number input fields (budget figures, 万元); ``is_achievement_word`` says
whether a qualitative word means the target was met. Stdlib only, no Qt.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from core import validate

NUMBER, DATE, WORD, BLANK, UNKNOWN = "number", "date", "word", "blank", "unknown"


@dataclass(frozen=True, slots=True)
class Reading:
    text: str  # the original text
    kind: str  # NUMBER | DATE | WORD | BLANK | UNKNOWN
    comparator: str = ""  # "", ">=", "<=", "=", ">", "<"
    number: Decimal | None = None  # as written, in `unit` (no conversion)
    unit: str = ""  # normalized unit ("" when none)
    date: tuple[int, int, int] | None = None  # (y, m, d); y == 0: year unknown
    word: str = ""  # for WORD: the normalized word
    approx: bool = False  # "292万余元", "50余个": a number stated loosely


# -- text normalization ---------------------------------------------------------------------
_BLANK_CHARS = set("-—–―─‐/\\.·_~…")
_TRAILING_PUNCT = "。；;，,、!！"


def _norm(text: str | None) -> str:
    """NFKC (full-width digits, ％ ＞＝ U+3000 ...) with every whitespace removed."""
    s = unicodedata.normalize("NFKC", text or "")
    return "".join(s.split())


# comparators, longest first so "不低于" wins over "低于" and ">=" over ">"
_PREFIX_CMP = sorted({
    "≥": ">=", "≧": ">=", "⩾": ">=", ">=": ">=", "=>": ">=", "不低于": ">=", "不少于": ">=",
    "不小于": ">=", "达到": ">=", "大于等于": ">=", "大于或等于": ">=", "至少": ">=",
    "≤": "<=", "≦": "<=", "⩽": "<=", "<=": "<=", "=<": "<=", "不高于": "<=", "不超过": "<=",
    "不大于": "<=", "不多于": "<=", "控制在": "<=", "低于等于": "<=", "小于等于": "<=",
    "小于或等于": "<=", "最多": "<=", "不晚于": "<=", "不迟于": "<=", "截至": "<=", "截止": "<=",
    "截止到": "<=", "截止至": "<=", "=": "=", "等于": "=", ">": ">", "大于": ">", "超过": ">",
    "高于": ">", "<": "<", "小于": "<", "低于": "<", "少于": "<",
    "═": "=", "〓": "=", "≥=": ">=", "≤=": "<=", "≧=": ">=", "≦=": "<=",  # as typed in published tables
}.items(), key=lambda kv: -len(kv[0]))
_SUFFIX_CMP = re.compile(r"(?:\(含\)|含)?(?:及|或)?(以上|之上|以下|以内|之内|内)$")
_SUFFIX_MAP = {"以上": ">=", "之上": ">=", "以下": "<=", "以内": "<=", "之内": "<=", "内": "<="}


def _split_prefix(s: str) -> tuple[str, str]:
    for word, cmp in _PREFIX_CMP:
        if s.startswith(word):
            return cmp, s[len(word):]
    return "", s


# -- Chinese numerals -----------------------------------------------------------------------
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_MULS = {"十": 10, "百": 100, "千": 1000}
_CN_BIGS = {"万": 10_000, "亿": 100_000_000}
_CN_RUN = "[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二两三四五六七八九]+)?"


def _cn_int(s: str) -> int | None:
    if not s or any(c not in _CN_DIGITS and c not in _CN_MULS and c not in _CN_BIGS for c in s):
        return None
    if all(c in _CN_DIGITS for c in s):  # 二〇二〇: digit by digit
        ok = len(s) == 1 or len(s) >= 3 or "〇" in s
        return int("".join(str(_CN_DIGITS[c]) for c in s)) if ok else None
    total = section = 0
    digit: int | None = None
    last = 1  # the multiplier just used: "一百二" means 120, "两万三" 23000
    for c in s:
        if c in _CN_DIGITS:
            if digit is not None:
                return None
            if _CN_DIGITS[c] == 0:
                last = 1
                continue
            digit = _CN_DIGITS[c]
        elif c in _CN_MULS:
            section += (1 if digit is None else digit) * _CN_MULS[c]
            digit, last = None, _CN_MULS[c]
        else:
            section += digit or 0
            if section == 0 and total == 0:
                return None
            if c == "万":
                total += section * 10_000
            else:
                total = (total + section) * 100_000_000
            section, digit, last = 0, None, _CN_BIGS[c]
    if digit is not None:
        section += digit * (last // 10 if last >= 10 else 1)
    return total + section


def _cn_number(s: str) -> Decimal | None:
    whole, _, frac = s.partition("点")
    n = _cn_int(whole)
    if n is None:
        return None
    if frac:
        return Decimal(f"{n}.{''.join(str(_CN_DIGITS[c]) for c in frac)}")
    return Decimal(n)


# -- units ----------------------------------------------------------------------------------
# unit -> (what it measures, how many base units one of it is)
_UNITS: dict[str, tuple[str, Decimal]] = {
    unit: (base, Decimal(scale)) for unit, base, scale in (item.split(":") for item in (
        "元:元:1 千元:元:1000 万元:元:10000 亿元:元:100000000 %:%:1 ‰:%:0.1 月:月:1 个月:月:1 "
        "年:月:12 天:天:1 日:天:1 米:米:1 m:米:1 公里:米:1000 千米:米:1000 km:米:1000 "
        "平方米:平方米:1 平米:平方米:1 m2:平方米:1 公斤:公斤:1 千克:公斤:1 kg:公斤:1 "
        "吨:公斤:1000 斤:公斤:0.5 厘米:米:0.01 cm:米:0.01 毫米:米:0.001 mm:米:0.001 "
        "平方公里:平方米:1000000 平方千米:平方米:1000000 km2:平方米:1000000 公顷:平方米:10000 "
        "克:公斤:0.001 g:公斤:0.001 百分比:%:1 百分数:%:1 百分率:%:1").split())}
# percent written in words: read as "%"
_PERCENT_WORDS = ("百分比", "百分数", "百分率")
_SCALES = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
# measure words a Chinese numeral may carry ("一次", "两个"); Arabic numbers take any unit
_MEASURE_WORDS = set(
    "次 个 场 人 名 位 篇 家 件 户 项 期 批 本 份 套 台 辆 所 座 条 处 天 日 周 年 月 元 部 张 册 轮 "
    "类 种 起 支 组 村 间 趟 门 节 届 个月 小时 万元 人次 家次 户次 场次 期次 篇次 课时 季度 % 个工作日 "
    "工作日".split())
_UNIT_SEGMENT = re.compile(r"^(?:[\u4e00-\u9fff]{1,4}|[a-z]{1,3}[23]?|%|‰)$")
_NOT_IN_UNIT = ("以上", "以下", "以内", "左右", "至", "到", "和", "及", "或", "的", "共", "累计")


def _unit_ok(unit: str) -> bool:
    if unit == "":
        return True
    parts = unit.split("/")
    return (len(parts) <= 3 and all(_UNIT_SEGMENT.match(p) for p in parts)
            and not any(w in unit for w in _NOT_IN_UNIT))


def _segment(unit: str) -> tuple[str, Decimal]:
    if unit in _UNITS:
        return _UNITS[unit]
    if unit[:1] in _SCALES:
        base, scale = _segment(unit[1:]) if unit[1:] else ("", Decimal(1))
        return base, scale * _SCALES[unit[0]]
    return unit, Decimal(1)


def unit_factor(a: str, b: str) -> Decimal | None:
    """The factor that turns a number in unit ``b`` into unit ``a``; None when they disagree.

    ("万元", "元") -> 0.0001, ("元", "万元") -> 10000, ("", "次") -> 1 (a bare number fits any
    unit), ("万元", "次") -> None. Compound units compare part by part: "万元/个" vs "元/个".
    """
    a, b = _norm(a).lower(), _norm(b).lower()
    if a == b or not a or not b:
        return Decimal(1)
    pa, pb = a.split("/"), b.split("/")
    if len(pa) != len(pb):
        return None
    factor = Decimal(1)
    for i, (sa, sb) in enumerate(zip(pa, pb)):
        (base_a, scale_a), (base_b, scale_b) = _segment(sa), _segment(sb)
        if base_a != base_b and base_a and base_b:
            return None
        factor = factor * scale_b / scale_a if i == 0 else factor * scale_a / scale_b
    return factor.quantize(Decimal(1)) if factor == factor.to_integral_value() else factor


# -- dates ----------------------------------------------------------------------------------
_DATE_SUFFIX = re.compile(r"(?:完成|完工|结束|办结|完毕)?$")
_DATE_BEFORE = re.compile(r"(之前|以前|前|以内|之内|内|为止|止)$")
_DATE_TOKENS = (
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?$"),
    re.compile(r"^(?P<y>\d{4})(?P<s>[-./])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})(?:年|[-./])(?P<m>\d{1,2})(?:月份?)?$"),
    re.compile(r"^(?P<y>\d{4})年度?$"),
    re.compile(r"^(?P<m>\d{1,2})月(?P<d>\d{1,2})日$"),
    re.compile(r"^(?P<m>\d{1,2})月份?$"),
    re.compile(r"^(?P<d>\d{1,2})日$"),
    re.compile(r"^(?:本|当|今)?年度?$"),
)
_RANGE_SEPS = "-—–~至到"


def _last_day(y: int, m: int) -> int:
    if m == 2:
        return 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def _date_token(s: str) -> list[int | None] | None:
    for rx in _DATE_TOKENS:
        m = rx.match(s)
        if m:
            g = m.groupdict()
            return [int(g[k]) if g.get(k) else None for k in ("y", "m", "d")]
    return None


def _finish_date(y: int | None, m: int | None, d: int | None) -> tuple[int, int, int] | None:
    y = y or 0
    if y and not 1900 <= y <= 2100:
        return None
    if m is None:
        if d is not None:
            return None
        m = 12
    if not 1 <= m <= 12:
        return None
    d = _last_day(y, m) if d is None else d
    return (y, m, d) if 1 <= d <= _last_day(y, m) else None


def _date(core: str) -> tuple[int, int, int] | None:
    tok = _date_token(core)
    if tok is not None:
        return _finish_date(*tok)
    for i, c in enumerate(core):  # a range: the end counts ("2020年1-12月" -> 2020-12-31)
        if c not in _RANGE_SEPS or i == 0:
            continue
        left, right = _date_token(core[:i]), core[i + 1:].lstrip(_RANGE_SEPS)
        if left is None or left[0] is None or not right:
            continue
        if right.isdigit():  # "2020.1-12": the same field as the left's last one
            end = left[:2] + [int(right)] if left[2] is not None else [left[0], int(right), None]
        else:
            end = _date_token(right)
            if end is None:
                continue
            if end[0] is None:
                end[0] = left[0]
        return _finish_date(*end)
    return None


def _read_date(s: str) -> tuple[str, tuple[int, int, int]] | None:
    cmp, core = _split_prefix(s)
    core = _DATE_SUFFIX.sub("", core)
    before = _DATE_BEFORE.search(core)
    if before:
        core, cmp = core[:before.start()], cmp or "<="
        if cmp != "<=":
            return None
    core = re.sub(r"(?:底|末)$", "", re.sub(r"^(?:于|在)", "", core))
    core = re.sub(_CN_RUN, lambda m: str(_cn_int(m.group()) if _cn_int(m.group()) is not None
                                         else m.group()), core)
    if not core:
        return None
    date = _date(core)
    return (cmp, date) if date else None


# -- numbers --------------------------------------------------------------------------------
_ARABIC = r"[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUM_RX = re.compile(rf"^(?P<num>{_ARABIC})(?P<rest>.*)$")
_CN_RX = re.compile(rf"^(?P<pct>百分之)?(?P<num>{_CN_RUN})(?P<rest>.*)$")
_APPROX_PREFIX = re.compile(r"^(?:约|大约|近|将近|接近)")


def _decimal(num: str) -> Decimal:
    return Decimal(num.replace(",", "").replace("−", "-"))


def _read_number(s: str) -> Reading | None:
    """A NUMBER reading of ``s`` (normalized), or None when ``s`` is not one."""
    cmp, rest = _split_prefix(s)
    approx = bool(_APPROX_PREFIX.match(rest))
    rest = _APPROX_PREFIX.sub("", rest)
    if rest.startswith("百分之") and _NUM_RX.match(rest[3:]):  # "百分之95" = 95%
        rest = rest[3:] + "%" if re.fullmatch(_ARABIC, rest[3:]) else rest[3:]
    m = _NUM_RX.match(rest)
    chinese = m is None
    if chinese:
        m = _CN_RX.match(rest)
        if m is None:
            return None
        run, unit = m.group("num"), m.group("rest")
        if len(run) > 1 and run[-1] in _CN_BIGS and "点" not in run:  # "五万元" -> 5 万元
            run, unit = run[:-1], run[-1] + unit
        number = _cn_number(run)
        if number is None:
            return None
        if m.group("pct"):
            if unit and not _SUFFIX_CMP.fullmatch(unit) and unit != "左右":
                return None
            unit = "%" + unit
    else:
        if len(m.group("num")) > validate.MAX_NUMBER_CHARS:
            return None
        number, unit = _decimal(m.group("num")), m.group("rest")
    if validate.number_problem(number) is not None:
        return None  # beyond any budget: not read as a number (the text stays as typed)
    if unit.endswith("左右"):
        unit, approx = unit[:-2], True
    suffix = _SUFFIX_CMP.search(unit)
    if suffix:
        unit, scmp = unit[:suffix.start()], _SUFFIX_MAP[suffix.group(1)]
        if cmp and cmp != scmp:
            return None
        cmp = scmp
    if unit[:1] in ("余", "多", "来"):
        unit, approx = unit[1:], True
    elif unit[:1] in _SCALES and unit[1:2] in ("余", "多"):  # "292万余元"
        unit, approx = unit[0] + unit[2:], True
    unit = unit.lower()
    if unit in _PERCENT_WORDS:
        unit = "%"
    if not _unit_ok(unit):
        return None
    if chinese and unit:
        base = unit.split("/")[0]
        base = base[1:] if base[:1] in _SCALES and len(base) > 1 else base
        if base not in _MEASURE_WORDS:
            return None
    return Reading(text="", kind=NUMBER, comparator=cmp, number=number, unit=unit, approx=approx)


def read_value(text: str | None) -> Reading:
    """Read a target or actual cell. Never raises; UNKNOWN when the text cannot be read."""
    original = "" if text is None else str(text)
    s = _norm(original).rstrip(_TRAILING_PUNCT)
    if not s or all(c in _BLANK_CHARS for c in s):
        return Reading(original, BLANK)
    dated = _read_date(s)
    if dated:
        return Reading(original, DATE, comparator=dated[0], date=dated[1])
    num = _read_number(s)
    if num is not None:
        return Reading(original, NUMBER, comparator=num.comparator, number=num.number,
                       unit=num.unit, approx=num.approx)
    if any(c.isdigit() for c in s):
        return Reading(original, UNKNOWN)
    return Reading(original, WORD, word=s)


# -- 指标性质 and fractions -----------------------------------------------------------------
_DIRECTION_WORDS = {"正向": ">=", "正向指标": ">=", "越大越好": ">=", "反向": "<=", "反向指标": "<=",
                    "越小越好": "<=", "定性": "定性", "定性指标": "定性"}


def direction_comparator(text: str | None) -> str:
    """What the 指标性质 cell says: ">=", "<=", "=", ">", "<", "定性" or "" (not stated).

    Any comparator spelling is read, full width included ("≥", "≧", "＞＝", ">=", "＝", "大于等于",
    "不高于"), and the words 正向 / 反向 / 定性."""
    s = _norm(text)
    if not s:
        return ""
    if s in _DIRECTION_WORDS:
        return _DIRECTION_WORDS[s]
    cmp, rest = _split_prefix(s)
    return cmp if cmp and not rest.strip("型指标") else ""


def with_unit(reading: Reading, unit: str | None) -> Reading:
    """A number read without a unit, given the unit of the row's 度量单位 column ("%", "百分比", "人次")."""
    u = _norm(unit).lower()
    u = "%" if u in _PERCENT_WORDS else u
    if reading.kind != NUMBER or reading.unit or not u or not _unit_ok(u):
        return reading
    return Reading(reading.text, reading.kind, reading.comparator, reading.number, u, approx=reading.approx)


def fraction_as_percent(target: Reading, actual: Reading) -> Decimal | None:
    """A bare fraction written against a percent target ("0.96" for "≥95%"): the percent it
    means (96), else None. Only for a target above 1% and an actual between 0 and 1 without unit."""
    if target.kind != NUMBER or actual.kind != NUMBER or target.number is None or actual.number is None:
        return None
    if target.unit != "%" or actual.unit or actual.comparator or target.number <= 1:
        return None
    if 0 < actual.number <= 1:
        return actual.number * 100
    return None


# -- number input fields --------------------------------------------------------------------
_INPUT_RX = re.compile(rf"^(?P<num>{_ARABIC}|{_CN_RUN})(?P<unit>万元|万|亿元|亿|分)?$")


def parse_number(text: str | None) -> Decimal | None:
    """Read a number input field (budget figures in 万元, weights, scores).

    "1,234.56", "１２３．４", "8.29万元" (-> 8.29), "10万", "一百二十", "1.2亿元" (-> 12000 万元),
    "10分". None for "", whitespace or a lone dash; ValueError (Chinese message) otherwise.
    """
    if text is None:
        return None
    s = _norm(str(text))
    if not s or all(c in "-—–―－" for c in s):
        return None
    if len(s) > validate.MAX_NUMBER_CHARS:
        raise ValueError(f"“{_clip(str(text).strip())}”过长（数字最多 {validate.MAX_NUMBER_CHARS} 个字符）")
    m = _INPUT_RX.match(s)
    value = None
    if m:
        num, unit = m.group("num"), m.group("unit") or ""
        if re.fullmatch(_ARABIC, num):
            value = _decimal(num)
        else:
            if num[-1] in _CN_BIGS and len(num) > 1 and not unit and "点" not in num:
                num, unit = num[:-1], num[-1]  # "十万" -> 10 万
            value = _cn_number(num)
        if value is not None and unit.startswith("亿"):
            value *= 10_000
    if value is None and s.endswith("元") and not s.endswith("万元"):
        raise ValueError(f"“{str(text).strip()}”的单位是元，此处请按万元填写")
    if value is None:
        raise ValueError(f"“{str(text).strip()}”不是有效的数字")
    problem = validate.number_problem(value)
    if problem:
        raise ValueError(f"“{str(text).strip()}”{problem}")
    return validate.canonical(value)


def _clip(text: str, n: int = 20) -> str:
    return text if len(text) <= n else text[:n] + "…"


# -- qualitative words ----------------------------------------------------------------------
# words that say "met" without a stem below (grades, 持续高质量发展 ...)
_POSITIVE = {"优", "优秀", "良", "良好", "好", "较好", "显著", "明显", "正常", "是", "持续高质量发展",
             "高质量发展"}
_NEGATIVE = {"差", "较差", "很差", "否", "无效", "失败", "不及时"}
_NOT_EXCEEDED = re.compile(r"(未|不|没有|无)超(过|出|支)?(预算|标准)?")
_NEGATED = re.compile(r"(未|没有|没|不|无法|尚未)(能)?(按时|如期|及时)?"
                      r"(完成|达|实现|符合|合格|满意|及时|按时|到位|有效|提升|提高)")
_NEGATIVE_STEMS = re.compile(r"较差|很差|无效|失败|滞后|延期|延误|逾期|超支")
_PARTIAL = re.compile(r"部分|部份|基本|一般|尚可")
_POSITIVE_STEMS = re.compile(r"完成|达标|达到|达成|实现|符合|合格|满意|及时|按时|如期|按期|"
                             r"有效|提升|提高|增强|改善|到位|预算内")


def is_achievement_word(word: str) -> bool | None:
    """True when a qualitative word says the target was met, False when it clearly says not,
    None when it says neither ("引导地方扶持中小企业", "部分完成", "无")."""
    w = _norm(word).rstrip(_TRAILING_PUNCT)
    if not w:
        return None
    if w in _NEGATIVE:
        return False
    if w in _POSITIVE:
        return True
    if _NOT_EXCEEDED.search(w):
        return True
    bare = re.sub(r"不断|不停|不懈", "", w)
    if _NEGATED.search(bare) or _NEGATIVE_STEMS.search(bare):
        return False
    if _PARTIAL.search(w):
        return None
    return True if _POSITIVE_STEMS.search(w) else None
