"""Reports keep the template version they were written with (issue 11, item 4): a replaced edition
is kept in DATA/templates/versions/<id>/<version>.json and still scores the reports written with it."""
import dataclasses
import json

from core import report_io
from core import templates as T
from core.carry_forward import next_year_draft
from core.report_digest import report_digest
from core.scoring import score_report, table_template
from core.storage import Storage
from core.template_ids import file_version
from core.template_install import install_template

from tests.test_template_install import fresh_default, template_bytes  # noqa: F401 - autouse fixture

TID = "bureau-dept-2024"
V2_GRADES = [{"label": "优", "low": "99.5"}, {"label": "良", "low": "80"}, {"label": "中", "low": "60"},
             {"label": "差", "low": "0"}]


def _v1_then_v2(data_dir):
    assert install_template(data_dir, template_bytes(TID, "2024.1"))[0] == "installed"


def _install_v2(data_dir):
    data = template_bytes(TID, "2024.2", grades=V2_GRADES)
    assert install_template(data_dir, data)[0] == "needs_confirm"
    status, findings = install_template(data_dir, data, confirm_replace=True)
    assert status == "replaced", findings


def _main_grade(report):
    score = score_report(report, T.TemplateSet())
    return {t.where: t.grade for t in score.tables}["table"], score


def test_draft_keeps_scoring_by_the_version_it_was_written_with(tmp_path, seeds):
    data_dir = tmp_path / "data"
    _v1_then_v2(data_dir)
    store = Storage.open(data_dir)
    try:
        old_id = store.create_from_template(TID, "某单位", 2024)
        assert store.get(old_id).template_version == "2024.1"
        _install_v2(data_dir)
        kept = data_dir / "templates" / "versions" / TID / "2024.1.json"
        assert kept.is_file() and file_version(kept) == "2024.1"
        assert file_version(data_dir / "templates" / f"{TID}.json") == "2024.2"
        T.reset_default()
        new_id = store.create_from_template(TID, "某单位", 2024)
        assert store.get(new_id).template_version == "2024.2"
        ts = T.TemplateSet()
        old, new = store.get(old_id), store.get(new_id)
        assert table_template(old, "table", old.table, ts)[0].template_version == "2024.1"
        assert table_template(new, "table", new.table, ts)[0].template_version == "2024.2"
        # carry-forward to next year takes the edition installed now
        assert next_year_draft(old)[0].template_version == "2024.2"
        store.create_next_year(old_id)
        assert {store.get(i).template_version for i in (old_id, new_id)} == {"2024.1", "2024.2"}
    finally:
        store.close()
    # a filled report (seed 001, total 99) under v1 stays 优; the same under v2 is 良
    filled = dataclasses.replace(seeds["001"], template=TID, template_version="2024.1")
    grade, score = _main_grade(filled)
    assert grade == "优" and not [f for f in score.template_findings if f.code == "TEMPLATE_VERSION"]
    assert _main_grade(dataclasses.replace(filled, template_version="2024.2"))[0] == "良"
    assert _main_grade(dataclasses.replace(filled, template_version=""))[0] == "良"  # older reports: installed


def test_a_version_not_kept_here_uses_the_installed_one_with_a_hint(tmp_path, seeds):
    data_dir = tmp_path / "data"
    _v1_then_v2(data_dir)
    _install_v2(data_dir)
    report = dataclasses.replace(seeds["001"], template=TID, template_version="2023.9")
    grade, score = _main_grade(report)
    assert grade == "良"
    hints = [f for f in score.template_findings if f.code == "TEMPLATE_VERSION"]
    assert len(hints) == 1 and hints[0].severity == "hint"
    assert "版本 2023.9" in hints[0].message and "本机只有版本 2024.2" in hints[0].message
    # a version that is not a version never names a path
    assert T.archive_path(TID, "../../x") is None and T.archive_path("../x", "2024.1") is None
    assert T.TemplateSet().get(TID, "../2024.1")[0].template_version == "2024.2"


def test_a_kept_version_is_never_overwritten_or_deleted(tmp_path):
    data_dir = tmp_path / "data"
    _v1_then_v2(data_dir)
    _install_v2(data_dir)
    kept = data_dir / "templates" / "versions" / TID / "2024.1.json"
    before = kept.read_bytes()
    assert install_template(data_dir, template_bytes(TID, "2024.3"), confirm_replace=True)[0] == "replaced"
    assert kept.read_bytes() == before
    assert file_version(data_dir / "templates" / "versions" / TID / "2024.2.json") == "2024.2"
    assert TID in T.installed() and "2024.1" not in T.installed()  # the archive is not a template id


def test_version_round_trips_and_is_left_out_when_empty(seeds):
    report = dataclasses.replace(seeds["001"], template_version="2024.1")
    data = report_io.report_to_dict(report)
    assert data["template_version"] == "2024.1"
    back, findings = report_io.report_from_dict(json.loads(report_io.dumps_report(report)))
    assert back == report, findings
    for seed in seeds.values():
        assert "template_version" not in report_io.report_to_dict(seed)
        assert seed.template_version == ""
    assert report_digest(report) != report_digest(seeds["001"])


#: the seeds' digests before Report.template_version existed (computed on the previous commit)
SEED_DIGESTS = {"000": "B19S-FSMC-R1Y6-K134", "001": "96ER-1V35-FR2D-4XCJ", "002": "1ZCH-R01A-4344-3PAQ",
                "003": "0B9Q-Z0MN-G6N9-4GH8", "004": "5GVF-WXBR-VS04-H81F"}


def test_seed_digests_unchanged(seeds):
    assert {name: report_digest(seed) for name, seed in seeds.items()} == SEED_DIGESTS
