"""The report digest ties paper to file: the same for the same content however it was saved,
different after any edit, and readable aloud."""
import re
from dataclasses import replace
from decimal import Decimal

from core.report_digest import normalize_digest, report_digest
from core.report_io import dumps_report, report_from_dict


def test_the_digest_is_short_grouped_and_has_no_look_alikes(seeds):
    d = report_digest(seeds["004"])
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", d)


def test_saving_and_reading_back_keeps_the_digest(seeds):
    import json
    for report in seeds.values():
        again = report_from_dict(json.loads(dumps_report(report)))[0]
        assert report_digest(again) == report_digest(report)


def test_any_edit_to_a_figure_changes_the_digest(seeds):
    report = seeds["001"]
    key, value = next(iter(report.figures.items))
    edited = replace(report, figures=type(report.figures).of(
        {**report.figures.as_dict(), key: value + Decimal("0.01")}))
    assert report_digest(edited) != report_digest(report)
    assert report_digest(replace(report, title=report.title + "。")) != report_digest(report)


def test_a_digest_read_back_by_a_person_is_recognised(seeds):
    d = report_digest(seeds["000"])
    typed = d.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalize_digest(typed) == d
    assert normalize_digest("ABCD-EFGH") is None
    assert normalize_digest("UUUU-UUUU-UUUU-UUUU") is None


def test_a_report_with_a_lone_surrogate_still_has_a_digest(seeds):
    broken = replace(seeds["004"], title="报告\ud800")
    assert report_digest(broken) != report_digest(seeds["004"])
