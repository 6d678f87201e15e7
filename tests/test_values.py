"""Tests for core.values: reading target/actual cells, number inputs, units and words.

SEED_CASES holds every target and actual string of the indicator tables of the five seed
reports (tests/fixtures/seed_texts), with the whitespace the clerks left in; EXTRA_CASES holds the
forms of domain.md §4 the seeds do not show.
"""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.values import (BLANK, DATE, NUMBER, UNKNOWN, WORD, Reading, direction_comparator,
                         fraction_as_percent, is_achievement_word, parse_number, read_value, unit_factor)

ROOT = Path(__file__).resolve().parent
SEED_TEXTS = ROOT / "fixtures" / "seed_texts"  # the five seed reports as text
FIXTURES = ROOT / "fixtures" / "seeds"


def N(number: str, unit: str = "", cmp: str = "", approx: bool = False) -> dict:
    return dict(kind=NUMBER, comparator=cmp, number=Decimal(number), unit=unit, date=None,
                word="", approx=approx)


def D(y: int, m: int, d: int, cmp: str = "") -> dict:
    return dict(kind=DATE, comparator=cmp, number=None, unit="", date=(y, m, d), word="",
                approx=False)


def W(word: str) -> dict:
    return dict(kind=WORD, comparator="", number=None, unit="", date=None, word=word, approx=False)


B = dict(kind=BLANK, comparator="", number=None, unit="", date=None, word="", approx=False)
U = dict(kind=UNKNOWN, comparator="", number=None, unit="", date=None, word="", approx=False)

SEED_CASES = [
    # seed 000: target tables, 自评表 and the two project tables
    ("1次", N("1", "次")), ("0次", N("0", "次")), ("2次", N("2", "次")), ("12次", N("12", "次")),
    ("48次", N("48", "次")), ("2个", N("2", "个")), ("1个", N("1", "个")), ("1场", N("1", "场")),
    ("2篇", N("2", "篇")), ("100%", N("100", "%")), ("0%", N("0", "%")), ("100%　", N("100", "%")),
    ("　100%", N("100", "%")), ("96%　", N("96", "%")), ("4.75户", N("4.75", "户")),
    ("≧4000元", N("4000", "元", ">=")), ("7520元", N("7520", "元")),
    ("≧2000份", N("2000", "份", ">=")), ("650份", N("650", "份")), ("≧30次", N("30", "次", ">=")),
    ("≧12次", N("12", "次", ">=")), ("≧2个", N("2", "个", ">=")), ("≧95%", N("95", "%", ">=")),
    ("99%以上", N("99", "%", ">=")), ("　≧99%", N("99", "%", ">=")), ("≧99%　", N("99", "%", ">=")),
    ("0.5万元", N("0.5", "万元")), ("2万元", N("2", "万元")), ("1万元", N("1", "万元")),
    ("0.47万元　", N("0.47", "万元")), ("1.82万元", N("1.82", "万元")), ("1.6万元", N("1.6", "万元")),
    ("0.11万元　", N("0.11", "万元")), ("2.4万元", N("2.4", "万元")), ("0.12万元", N("0.12", "万元")),
    ("1.48万元", N("1.48", "万元")), ("20天/月/人", N("20", "天/月/人")), ("12个月", N("12", "个月")),
    ("2020年12月", D(2020, 12, 31)), ("2020年12月　", D(2020, 12, 31)),
    ("　2020年12月", D(2020, 12, 31)), ("2020年1-12月", D(2020, 12, 31)),
    ("促进健康发展，实现全部脱贫", W("促进健康发展,实现全部脱贫")),
    ("提交议案提案21件，帮扶资金2690万元，受益群众7742人，实现全部脱贫", U),
    ("", B), ("　", B),
    # seed 001
    ("　98%", N("98", "%")), ("98%", N("98", "%")), ("工作质量达到各项工作要求", W("工作质量达到各项工作要求")),
    (" 严格控制在预算内     ", W("严格控制在预算内")), ("……", B), ("——", B),
    # seed 002
    (">=99%", N("99", "%", ">=")), (">=90%", N("90", "%", ">=")), (">=80%", N("80", "%", ">=")),
    (">=85%", N("85", "%", ">=")), (">=95%", N("95", "%", ">=")),
    (">=20000元", N("20000", "元", ">=")), ("<=5人", N("5", "人", "<=")),
    ("<=200元/人", N("200", "元/人", "<=")), ("=80%", N("80", "%", "=")),
    ("2020-12-31", D(2020, 12, 31)), ("90%", N("90", "%")), ("完成", W("完成")), ("无", W("无")),
    ("—", B), ("(25.42/21.3)×100%=119.3%", U), ("[ (0.6-0.6) /0.6]×100%= 0", U),
    ("[ (1.84-2.3) /1.84]×100%= -25%", U), ("[ (2.31-4.1)/4.1]×100% = -43.66%", U),
    ("[ (20.21-14.74) /20.21]×100%= 37.1%", U),
    ("依据法律法规设定，符合部门“三定”方案确定工作职责，科学前瞻的制定部门中长期规划",
     W("依据法律法规设定,符合部门“三定”方案确定工作职责,科学前瞻的制定部门中长期规划")),
    ("内控制度规范", W("内控制度规范")), ("功能科目、经济科目做到科学合理编制", W("功能科目、经济科目做到科学合理编制")),
    ("按文件要求编制", W("按文件要求编制")), ("按相关要求报送", W("按相关要求报送")),
    ("收入、支出、政府采购预算编制均按要求编制，三公经费预算编制做到只减不增",
     W("收入、支出、政府采购预算编制均按要求编制,三公经费预算编制做到只减不增")),
    ("无政府采购", W("无政府采购")), ("无社会公众投诉", W("无社会公众投诉")), ("无重点支出", W("无重点支出")),
    ("有相关的工作机制，管理机制科学、合理、保障目标执行", W("有相关的工作机制,管理机制科学、合理、保障目标执行")),
    ("符合客观实际，部门整体工作目标做到目标细化分解", W("符合客观实际,部门整体工作目标做到目标细化分解")),
    ("符合财务及有关规定", W("符合财务及有关规定")), ("符合财务管理制度", W("符合财务管理制度")),
    ("符合财务规定", W("符合财务规定")), ("资产管理规范", W("资产管理规范")),
    ("部门固定资产均有效利用", W("部门固定资产均有效利用")), ("预算调整率符合规定", W("预算调整率符合规定")),
    # seed 003
    ("100人次", N("100", "人次")), ("4次", N("4", "次")), ("4篇", N("4", "篇")), ("3个", N("3", "个")),
    ("95%", N("95", "%")), ("完成　", W("完成")), ("完成目标　　", W("完成目标")), ("完成目标", W("完成目标")),
    ("按时完成", W("按时完成")),
    # seed 004
    ("52家", N("52", "家")), ("　52家", N("52", "家")), ("3次　", N("3", "次")), ("优　", W("优")),
    ("优", W("优")), ("不断提高", W("不断提高")), ("不断提高　", W("不断提高")),
    ("2020年12月前", D(2020, 12, 31, "<=")), ("2020年12月前　", D(2020, 12, 31, "<=")),
    ("161.4万元　", N("161.4", "万元")), ("161.4万元", N("161.4", "万元")),
    ("292万余元", N("292", "万元", approx=True)), ("持续高质量发展", W("持续高质量发展")),
    ("持续高质量发展　", W("持续高质量发展")), ("　2个", N("2", "个")), ("2个　", N("2", "个")),
    ("及时拨付", W("及时拨付")), ("及时拨付　", W("及时拨付")), ("2020年12月31日　", D(2020, 12, 31)),
    ("2020年12月31日", D(2020, 12, 31)), ("已圆满完成　", W("已圆满完成")), ("已圆满完成", W("已圆满完成")),
    ("5万元/个", N("5", "万元/个")), ("引导地方扶持中小企业", W("引导地方扶持中小企业")),
    ("优化中小企业发展环境", W("优化中小企业发展环境")), ("优化营商环境", W("优化营商环境")),
    ("促进经济发展", W("促进经济发展")), ("促进经济发展　", W("促进经济发展")),
    ("2020.1-12", D(2020, 12, 31)),
]

EXTRA_CASES = [
    (None, B), ("   ", B), ("-", B), ("／", B), ("－", B), ("...", B),
    # comparators, half and full width, symbols and words, before and after
    ("≥4000元", N("4000", "元", ">=")), ("＞＝90%", N("90", "%", ">=")), ("＞=90%", N("90", "%", ">=")),
    ("不低于95%", N("95", "%", ">=")), ("不少于30次", N("30", "次", ">=")), ("达到95%", N("95", "%", ">=")),
    ("大于等于95%", N("95", "%", ">=")), ("至少3次", N("3", "次", ">=")), ("95%及以上", N("95", "%", ">=")),
    ("≤5人", N("5", "人", "<=")), ("≦5人", N("5", "人", "<=")), ("＜＝5人", N("5", "人", "<=")),
    ("不高于200元/人", N("200", "元/人", "<=")), ("不超过0.5万元", N("0.5", "万元", "<=")),
    ("10天以内", N("10", "天", "<=")), ("3个工作日内", N("3", "个工作日", "<=")),
    ("5%以下", N("5", "%", "<=")), ("控制在5万元以内", N("5", "万元", "<=")),
    ("低于等于5", N("5", "", "<=")), ("小于等于5次", N("5", "次", "<=")),
    ("＝80%", N("80", "%", "=")), ("等于80%", N("80", "%", "=")), (">90%", N("90", "%", ">")),
    ("＞90%", N("90", "%", ">")), ("大于90%", N("90", "%", ">")), ("超过90%", N("90", "%", ">")),
    ("<5人", N("5", "人", "<")), ("＜5人", N("5", "人", "<")), ("小于5人", N("5", "人", "<")),
    ("低于5%", N("5", "%", "<")), ("≥ 2000 份", N("2000", "份", ">=")), (">95%以下", U),
    # full-width digits, separators, signs, loose numbers
    ("１００％", N("100", "%")), ("２．５万元", N("2.5", "万元")), ("20,000元", N("20000", "元")),
    ("1,234.5万元", N("1234.5", "万元")), ("1,2", U), ("-5%", N("-5", "%")), ("≥-5%", N("-5", "%", ">=")),
    ("50余个", N("50", "个", approx=True)), ("600余人次", N("600", "人次", approx=True)),
    ("650余份", N("650", "份", approx=True)), ("50多家", N("50", "家", approx=True)),
    ("约100人", N("100", "人", approx=True)), ("100%左右", N("100", "%", approx=True)),
    ("3000余万元", N("3000", "万元", approx=True)), ("95", N("95")),
    # Chinese numerals
    ("一次", N("1", "次")), ("两个", N("2", "个")), ("十二次", N("12", "次")), ("不少于三次", N("3", "次", ">=")),
    ("一百二十人", N("120", "人")), ("五万元", N("5", "万元")), ("百分之九十五", N("95", "%")),
    ("百分之百", N("100", "%")), ("一百二十", N("120")),
    ("两不愁，三保障", W("两不愁,三保障")), ("千企联村", W("千企联村")), ("一般", W("一般")),
    ("四好商会", W("四好商会")),
    # dates
    ("2020年12月底", D(2020, 12, 31)), ("2020年12月底前", D(2020, 12, 31, "<=")),
    ("2020年12月之前", D(2020, 12, 31, "<=")), ("2020年12月以前", D(2020, 12, 31, "<=")),
    ("2020.12.31", D(2020, 12, 31)), ("2020/12/31", D(2020, 12, 31)), ("2020-12", D(2020, 12, 31)),
    ("2020年6月", D(2020, 6, 30)), ("2020年2月", D(2020, 2, 29)), ("2021年2月", D(2021, 2, 28)),
    ("2020年", D(2020, 12, 31)), ("2020年底前", D(2020, 12, 31, "<=")),
    ("12月底前", D(0, 12, 31, "<=")), ("年底前", D(0, 12, 31, "<=")), ("年内", D(0, 12, 31, "<=")),
    ("12月", D(0, 12, 31)), ("6月30日前", D(0, 6, 30, "<=")), ("十二月底前", D(0, 12, 31, "<=")),
    ("2020年1月至12月", D(2020, 12, 31)), ("2020.1.1-2020.12.31", D(2020, 12, 31)),
    ("2020年12月31日前完成", D(2020, 12, 31, "<=")), ("不晚于2020年12月31日", D(2020, 12, 31, "<=")),
    ("截至2020年12月31日", D(2020, 12, 31, "<=")), ("二〇二〇年十二月", D(2020, 12, 31)),
    ("2020年13月", U), ("2020年2月30日", U), ("2020-2021", U), ("3年", N("3", "年")),
    ("3日内", N("3", "日", "<=")),
    # words and sentences
    ("达标", W("达标")), ("显著提升", W("显著提升")), ("有效", W("有效")), ("符合要求", W("符合要求")),
    ("达到要求", W("达到要求")), ("完成2篇", U), ("3家基层商会以上", U), ("5+N工作法", U),
]

CASES = SEED_CASES + EXTRA_CASES


@pytest.mark.parametrize("text,expected", CASES, ids=[repr(t) for t, _ in CASES])
def test_read_value(text, expected):
    r = read_value(text)
    assert isinstance(r, Reading)
    assert r.text == ("" if text is None else text)
    assert {f: getattr(r, f) for f in expected} == expected
    if r.number is not None:
        assert type(r.number) is Decimal


def test_seed_cases_are_real_seed_strings():
    assert len(list(SEED_TEXTS.glob("*.txt"))) == 5
    corpus = "".join(p.read_text(encoding="utf-8") for p in sorted(SEED_TEXTS.glob("*.txt")))
    missing = [t for t, _ in SEED_CASES if t.strip() and t.strip() not in corpus]
    assert missing == []


def _cells(obj, out: set[str]) -> set[str]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("target", "actual") and isinstance(v, str):
                out.add(v.strip())
            _cells(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _cells(v, out)
    return out


def test_every_fixture_target_and_actual_is_in_the_case_table():
    files = sorted(FIXTURES.glob("*.json"))
    assert files, "tests/fixtures/seeds/*.json are missing"
    cells: set[str] = set()
    for f in files:
        _cells(json.loads(f.read_text(encoding="utf-8")), cells)
    covered = {t.strip() for t, _ in SEED_CASES}
    assert sorted(cells - covered) == []


def test_reading_is_frozen_and_defaults():
    r = read_value("1次")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.kind = WORD  # type: ignore[misc]
    assert Reading("x", WORD) == Reading("x", WORD, "", None, "", None, "", False)


@pytest.mark.parametrize("text", ["?", "≥", "≥≥5", "%", "年", "万", "1/0", "٣", "1e5", "NaN",
                                  "Infinity", "x" * 500, "\x00", "〇", "12..3", "前"])
def test_read_value_never_raises(text):
    r = read_value(text)
    assert r.kind in (NUMBER, DATE, WORD, BLANK, UNKNOWN)
    if r.kind == NUMBER:
        assert r.number is not None and r.number.is_finite()


# -- parse_number ---------------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("1,234.56", "1234.56"), ("１２３．４", "123.4"), (" 107.49 ", "107.49"), ("8.29万元", "8.29"),
    ("10万", "10"), ("一百二十", "120"), ("3.5万元", "3.5"), ("0", "0"), ("86.07", "86.07"),
    ("254,215.00", "254215.00"), ("１，２３４", "1234"), ("-15.16", "-15.16"), ("+2", "2"),
    ("十万", "10"), ("五万元", "5"), ("十二", "12"), ("两千", "2000"), ("一百零五", "105"),
    ("一万二千", "12000"), ("三点五", "3.5"), ("1.2亿元", "12000"), ("10分", "10"),
    ("　73.03　", "73.03"),
])
def test_parse_number_valid(text, expected):
    value = parse_number(text)
    assert type(value) is Decimal
    assert value == Decimal(expected)


@pytest.mark.parametrize("text", [None, "", "   ", "　", "—", "-", "——"])
def test_parse_number_blank(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["abc", "12..3", "1e5", "1E5", "12.", ".5", "1,2", "NaN", "inf",
                                  "1.2.3", "5%", "≥5", "5次", "12000元", "万", "一一万", "1 2a",
                                  "#DIV/0!", "0x10"])
def test_parse_number_invalid(text):
    with pytest.raises(ValueError) as err:
        parse_number(text)
    assert f"“{text.strip()}”" in str(err.value)


def test_parse_number_message():
    with pytest.raises(ValueError, match="“12..3”不是有效的数字"):
        parse_number("12..3")


# -- unit_factor ----------------------------------------------------------------------------
@pytest.mark.parametrize("a,b,expected", [
    ("万元", "元", "0.0001"), ("元", "万元", "10000"), ("次", "次", "1"), ("%", "%", "1"),
    ("", "次", "1"), ("次", "", "1"), ("", "", "1"), ("万元", "万元", "1"), ("亿元", "万元", "0.0001"),
    ("元/人", "元/人", "1"), ("万元/个", "元/个", "0.0001"), ("元/个", "万元/个", "10000"),
    ("天/月/人", "天/月/人", "1"), ("个月", "年", "12"), ("天", "日", "1"), ("%", "‰", "0.1"),
    ("人次", "万人次", "10000"), ("万元", "万", "1"), ("公里", "米", "0.001"), ("％", "%", "1"),
])
def test_unit_factor(a, b, expected):
    factor = unit_factor(a, b)
    assert type(factor) is Decimal
    assert factor == Decimal(expected)


@pytest.mark.parametrize("a,b", [
    ("万元", "次"), ("个", "家"), ("%", "元"), ("元/人", "元"), ("元/人", "元/次"), ("次", "人次"),
    ("天/月/人", "天/人"), ("份", "篇"), ("万元/个", "万元/人"),
])
def test_unit_factor_incompatible(a, b):
    assert unit_factor(a, b) is None


def test_unit_factor_converts_the_classic_slip():
    target, actual = read_value("0.5万元"), read_value("4700元")
    assert actual.number * unit_factor(target.unit, actual.unit) == Decimal("0.47")


# -- is_achievement_word --------------------------------------------------------------------
@pytest.mark.parametrize("word", [
    "完成", "已完成", "完成目标", "达标", "达到", "优", "良好", "有效", "符合要求", "按时完成", "及时",
    "及时拨付", "已圆满完成", "显著提升", "不断提高", "持续高质量发展", "提高", "满意", "完成　",
    "严格控制在预算内", "工作质量达到各项工作要求", "全部完成", "如期完成", "未超预算", "没有超支",
    "不断提升服务水平", "符合财务规定", "优秀",
])
def test_achievement_words(word):
    assert is_achievement_word(word) is True


@pytest.mark.parametrize("word", [
    "未完成", "未达标", "差", "无效", "不符合", "不合格", "不满意", "未按时完成", "没有完成", "较差",
    "延期完成", "不及时", "超支", "未达到预期",
])
def test_negative_words(word):
    assert is_achievement_word(word) is False


@pytest.mark.parametrize("word", [
    "", "　", "无", "引导地方扶持中小企业", "优化营商环境", "促进经济发展", "部分完成", "基本完成",
    "中", "两不愁,三保障",
])
def test_unknown_words(word):
    assert is_achievement_word(word) is None


# -- bounded input (issue 8): no huge Decimal is ever built from what a clerk types ----------
@pytest.mark.parametrize("text,words", [
    ("9" * 30, "过大"), ("1" * 5000, "过长"), ("1" * 16, "过大"), ("1,000,000,000,000,000", "过大"),
    ("0.00000000001", "小数"), ("十" * 2000, "过长"), ("一千亿亿", "过大"), ("100000000000亿元", "过大"),
    ("1,234,567,890,123,456,789,012,345", "过大"), ("12345678901234.1234567", "有效数字过多"),
    ("1" * 41, "过长"),
])
def test_parse_number_refuses_what_no_budget_needs(text, words):
    import time
    start = time.monotonic()
    with pytest.raises(ValueError) as err:
        parse_number(text)
    assert time.monotonic() - start < 1
    assert words in str(err.value) and not str(err.value).isascii()


@pytest.mark.parametrize("text,expected", [("99999999999999.99", "99999999999999.99"),
                                           ("999,999,999,999,999", "999999999999999"), ("99999亿元", "999990000"),
                                           ("0.0000000001", "0.0000000001"), ("9999亿元", "99990000")])
def test_parse_number_keeps_large_but_sane_numbers(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["1" * 5000 + "次", "≥" + "9" * 30 + "%", "0." + "0" * 60 + "1万元"])
def test_read_value_does_not_read_numbers_beyond_the_bounds(text):
    assert read_value(text).kind == UNKNOWN


# -- issue 12: comparators, unit families, percent in words, fractions -------------------------
N = Decimal


@pytest.mark.parametrize("text,cmp,number,unit", [
    ("≥100百分比", ">=", N(100), "%"),
    ("百分之95", "", N(95), "%"),
    ("≥百分之九十五", ">=", N(95), "%"),
    ("＝100%", "=", N(100), "%"),
    ("＞＝5个", ">=", N(5), "个"),
    ("＜＝3天", "<=", N(3), "天"),
    ("150厘米", "", N(150), "厘米"),
])
def test_issue12_values(text, cmp, number, unit):
    r = read_value(text)
    assert (r.kind, r.comparator, r.number, r.unit) == ("number", cmp, number, unit)


@pytest.mark.parametrize("a,b,factor", [("米", "厘米", N("0.01")), ("厘米", "米", N(100)), ("公里", "米", N("0.001")),
                                        ("平方米", "公顷", N(10000)), ("公斤", "克", N("0.001")), ("%", "百分比", N(1)),
                                        ("米", "平方米", None), ("厘米", "公斤", None)])
def test_issue12_unit_families(a, b, factor):
    assert unit_factor(a, b) == factor


@pytest.mark.parametrize("text,want", [("≥", ">="), ("≧", ">="), ("＞＝", ">="), (">=", ">="), ("大于等于", ">="),
                                       ("正向", ">="), ("≤", "<="), ("≦", "<="), ("反向", "<="), ("不高于", "<="),
                                       ("＝", "="), ("=", "="), ("等于", "="), ("定性", "定性"), ("", ""), ("其他", "")])
def test_issue12_direction_column(text, want):
    assert direction_comparator(text) == want


def test_issue12_bare_fraction_against_a_percent_target():
    assert fraction_as_percent(read_value("≥95%"), read_value("0.96")) == 96
    assert fraction_as_percent(read_value("≥95%"), read_value("96%")) is None  # already a percent
    assert fraction_as_percent(read_value("≥1%"), read_value("0.5")) is None  # a target of 1% or less: ambiguous
    assert fraction_as_percent(read_value("≥5个"), read_value("0.96")) is None
