"""The validation gate's fast paths (issue 13) refuse exactly what the plain loops refused:
``json_depth`` against a character-by-character scanner, ``text_problem`` against the
Unicode categories it names, and a bad value deep in a report is still found with its path."""
from __future__ import annotations

import unicodedata

from core import validate
from core.report_io import report_from_dict, report_to_dict


def _depth_by_loop(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def test_json_depth_skips_strings_escapes_and_an_unclosed_string():
    cases = ['{"a": [1, {"b": "[[[["}]}', '"\\"[[[" [[', '[[["\\\\"]]]', '["abc', '[["x\\"]]]]"]',
             '{}{}{[]}', ']]][[', '', 'no brackets', '"unclosed [[[[ {{{{', '[[\\"[[]]]']
    for text in cases:
        assert validate.json_depth(text) == _depth_by_loop(text), text


def test_json_depth_refuses_deep_nesting_but_not_brackets_inside_text():
    deep = "[" * (validate.MAX_DEPTH + 1) + "]" * (validate.MAX_DEPTH + 1)
    try:
        validate.loads(deep)
        raise AssertionError("too deep nesting was accepted")
    except validate.InputError as e:
        assert "嵌套层数" in e.message
    assert validate.loads('{"t": "' + "[" * 500 + '"}') == {"t": "[" * 500}


def test_text_problem_refuses_exactly_control_characters_and_lone_surrogates():
    for cp in list(range(0, 0x250)) + list(range(0x2000, 0x2070)) + [0x3000, 0xFEFF] + list(range(0xD7F0, 0xE010)):
        ch = chr(cp)
        refused = validate.text_problem(f"ab{ch}c") is not None
        assert refused == (unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r"), hex(cp)
    assert validate.text_problem("一二\x07") == "第 3 个字符是不可见的控制字符（U+0007），请删除后重新输入"
    assert "第 2 个字符" in validate.text_problem("甲\ud800")


def test_a_bad_value_deep_in_a_report_is_named_by_its_path(seeds):
    data = report_to_dict(seeds["000"])
    data["table"]["groups"][0]["children"][0]["children"][0]["name"] = "产出\x01数量"
    report, findings = report_from_dict(data, "r.json")
    assert report is None
    assert [f.where for f in findings] == ["r.json:table/groups/0/children/0/children/0/name"]
    assert "控制字符" in findings[0].message
