"""The .jxpkg reader and writer (core.package, docs/package.md): round trip, every refusal
with its code, a write that fails half-way, and fuzzing that never raises."""
from __future__ import annotations

import errno
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.package import format as F
from core.package import read_package, write_package
from core.package.writer import PackageError, default_package_name, safe_file_name
from core.report_digest import report_digest

FIXTURES = Path(__file__).parent / "fixtures" / "packages"


class FakeStorage:
    """The four calls the writer makes, recorded."""

    def __init__(self, reports):
        self.reports = dict(enumerate(reports, start=1))
        self.marked = []

    def get(self, draft_id):
        return self.reports[draft_id]

    def exchange_info(self, draft_id):
        return f"uid-{draft_id:04d}", (f"rev-{draft_id}-a", f"rev-{draft_id}-b")

    def mark_exchanged(self, draft_id):
        self.marked.append(draft_id)
        return report_digest(self.reports[draft_id])


def _zip(path: Path, entries: dict[str, bytes], manifest: dict | None = None, **kw) -> Path:
    """A zip with ``entries`` and (unless None) a manifest listing them correctly."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        if manifest is not None:
            m = dict(manifest)
            m.setdefault("files", {k: {"sha256": hashlib.sha256(v).hexdigest(), "size": len(v)}
                                   for k, v in entries.items()})
            zf.writestr(F.MANIFEST, json.dumps(m))
        for k, v in entries.items():
            zf.writestr(k, v)
    return path


BASE = {"format": F.FORMAT, "schema_version": 1, "kind": "reports", "unit": "x", "reports": []}


def _codes(findings):
    return [f.code for f in findings]


@pytest.fixture
def packed(tmp_path, seeds):
    storage = FakeStorage(list(seeds.values()))
    out = tmp_path / "stick" / "p.jxpkg"
    out.parent.mkdir()
    manifest = write_package(out, storage, list(storage.reports))
    return out, storage, manifest


def test_writer_packs_every_seed_and_reader_gives_the_same_bytes(packed, seeds):
    out, storage, manifest = packed
    package, findings = read_package(out)
    assert findings == [] and package is not None
    assert storage.marked == [1, 2, 3, 4, 5][:len(seeds)]
    assert [r["digest"] for r in manifest["reports"]] == [report_digest(r) for r in seeds.values()]
    assert manifest["reports"][0]["uid"] == "uid-0001"
    assert set(package.files) == {F.report_entry(n) for n in range(1, len(seeds) + 1)}
    with zipfile.ZipFile(out) as zf:
        assert all(n.isascii() for n in zf.namelist())
        assert zf.namelist()[0] == F.MANIFEST
    assert [p.name for p in out.parent.iterdir()] == ["p.jxpkg"]  # no temp file left


def test_reports_of_round_trips_every_seed(packed, seeds):
    from core.package import reports_of

    out, _, _ = packed
    package, _ = read_package(out)
    incomings, findings = reports_of(package)
    assert [f for f in findings if f.severity == "error"] == []
    assert [i.report for i in incomings] == list(seeds.values())
    assert [i.digest for i in incomings] == [report_digest(r) for r in seeds.values()]
    assert incomings[1].uid == "uid-0002" and incomings[1].history == ("rev-2-a", "rev-2-b")


def test_a_write_that_fails_half_way_leaves_no_file_and_a_chinese_message(tmp_path, seeds, monkeypatch):
    storage = FakeStorage(list(seeds.values()))
    calls = []
    real = zipfile.ZipFile.writestr

    def failing(self, name, data, *a, **kw):
        calls.append(name)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, name, data, *a, **kw)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing)
    out = tmp_path / "p.jxpkg"
    with pytest.raises(PackageError) as e:
        write_package(out, storage, [1, 2, 3])
    assert "磁盘空间不足" in str(e.value) and "No space" not in str(e.value)
    assert list(tmp_path.iterdir()) == []
    assert storage.marked == []


def test_an_old_package_is_kept_when_the_new_write_fails(tmp_path, seeds, monkeypatch):
    storage = FakeStorage(list(seeds.values()))
    out = tmp_path / "p.jxpkg"
    write_package(out, storage, [1])
    before = out.read_bytes()
    monkeypatch.setattr(zipfile.ZipFile, "writestr", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EIO, "io")))
    with pytest.raises(PackageError, match="U 盘"):
        write_package(out, storage, [2])
    assert out.read_bytes() == before and len(list(tmp_path.iterdir())) == 1


def test_a_package_that_reads_back_wrong_is_removed(tmp_path, seeds, monkeypatch):
    storage = FakeStorage(list(seeds.values()))
    import core.package.writer as W

    real = W.zip_bytes_to

    def corrupt(tmp, manifest, payload):
        real(tmp, manifest, payload)
        data = bytearray(tmp.read_bytes())
        data[len(data) // 2] ^= 0xFF
        tmp.write_bytes(bytes(data))

    monkeypatch.setattr(W, "zip_bytes_to", corrupt)
    out = tmp_path / "p.jxpkg"
    with pytest.raises(PackageError, match="读回校验失败"):
        write_package(out, storage, [1, 2])
    assert not out.exists() and storage.marked == []


# -- refusals -------------------------------------------------------------------------------
def test_empty_file(tmp_path):
    p = tmp_path / "e.jxpkg"
    p.write_bytes(b"")
    assert _codes(read_package(p)[1]) == ["PACKAGE_EMPTY"]


def test_truncated_copy(packed):
    out, _, _ = packed
    data = out.read_bytes()
    for cut in (len(data) // 3, len(data) - 10, 30):
        out.write_bytes(data[:cut])
        package, findings = read_package(out)
        assert package is None and findings[0].code in ("PACKAGE_NOT_ZIP", "PACKAGE_UNREADABLE"), findings
        assert "不是有效的数据包" in findings[0].message


def test_a_docx_renamed_is_not_a_package(tmp_path):
    p = _zip(tmp_path / "r.jxpkg", {"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})
    package, findings = read_package(p)
    assert package is None and _codes(findings) == ["PACKAGE_NAME"]
    p = _zip(tmp_path / "s.jxpkg", {"word/document.xml": b"<w/>"})
    assert _codes(read_package(p)[1]) == ["PACKAGE_MANIFEST"]


def test_random_text_renamed(tmp_path):
    p = tmp_path / "t.jxpkg"
    p.write_text("这不是压缩包", encoding="utf-8")
    assert _codes(read_package(p)[1]) == ["PACKAGE_NOT_ZIP"]


def test_tampered_content_fails_its_checksum(tmp_path):
    good = b'{"a": 1}'
    m = dict(BASE, files={"reports/0001.json": {"sha256": hashlib.sha256(good).hexdigest(), "size": len(good)}})
    p = _zip(tmp_path / "t.jxpkg", {"reports/0001.json": b'{"a": 2}'}, m)
    package, findings = read_package(p)
    assert package is None and _codes(findings) == ["PACKAGE_CHECKSUM"]
    assert "文件校验失败：reports/0001.json" in findings[0].message


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "a/../../b", "C:/x", "a\\..\\b", "数据.json",
                                  "a//b", "./a", "x" * 201])
def test_zip_slip_and_non_ascii_names(tmp_path, name):
    p = _zip(tmp_path / "z.jxpkg", {name: b"x"}, BASE)
    package, findings = read_package(p)
    assert package is None and _codes(findings) == ["PACKAGE_NAME"], findings


def test_duplicate_names(tmp_path):
    p = tmp_path / "d.jxpkg"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("manifest.json", b"{}")
        with pytest.warns(UserWarning):
            zf.writestr("manifest.json", b"{}")
    assert _codes(read_package(p)[1]) == ["PACKAGE_DUPLICATE"]


def test_directory_and_symlink_entries(tmp_path):
    p = tmp_path / "d.jxpkg"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr(zipfile.ZipInfo("reports/"), b"")
    assert _codes(read_package(p)[1]) in (["PACKAGE_ENTRY_TYPE"], ["PACKAGE_NAME"])
    p = tmp_path / "l.jxpkg"
    with zipfile.ZipFile(p, "w") as zf:
        info = zipfile.ZipInfo("link")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, b"/etc/passwd")
    assert _codes(read_package(p)[1]) == ["PACKAGE_ENTRY_TYPE"]


def test_encrypted_entry(tmp_path):
    p = _zip(tmp_path / "c.jxpkg", {"reports/0001.json": b"x"}, BASE)
    data = bytearray(p.read_bytes())
    # set the encrypted bit in every central directory header (and local headers)
    for sig in (b"PK\x01\x02", b"PK\x03\x04"):
        i = data.find(sig)
        while i >= 0:
            off = i + (8 if sig == b"PK\x01\x02" else 6)
            data[off] |= 1
            i = data.find(sig, i + 4)
    p.write_bytes(bytes(data))
    assert _codes(read_package(p)[1]) == ["PACKAGE_ENCRYPTED"]


def test_zip_bomb_ratio(tmp_path):
    p = _zip(tmp_path / "b.jxpkg", {"reports/0001.json": b"\0" * (2 * 1024 * 1024)}, BASE)
    package, findings = read_package(p)
    assert package is None and _codes(findings) == ["PACKAGE_TOO_BIG_INSIDE"]
    assert "压缩比" in findings[0].message


def test_zip_bomb_sizes_with_small_limits(tmp_path, monkeypatch):
    blob = bytes(range(256)) * 40  # 10 KB, barely compressible
    p = _zip(tmp_path / "b.jxpkg", {"reports/0001.json": blob, "reports/0002.json": blob}, BASE)
    monkeypatch.setattr(F, "MAX_ENTRY_BYTES", 5000)
    assert _codes(read_package(p)[1]) == ["PACKAGE_TOO_BIG_INSIDE"]
    monkeypatch.setattr(F, "MAX_ENTRY_BYTES", 20000)
    monkeypatch.setattr(F, "MAX_TOTAL_BYTES", 15000)
    assert _codes(read_package(p)[1]) == ["PACKAGE_TOO_BIG_INSIDE"]
    monkeypatch.setattr(F, "MAX_TOTAL_BYTES", 100000)
    monkeypatch.setattr(F, "MAX_FILE_BYTES", 1000)
    assert _codes(read_package(p)[1]) == ["PACKAGE_TOO_LARGE"]
    monkeypatch.setattr(F, "MAX_FILE_BYTES", 10**6)
    monkeypatch.setattr(F, "MAX_ENTRIES", 2)
    assert _codes(read_package(p)[1]) == ["PACKAGE_ENTRIES"]


def test_a_header_that_lies_about_the_size_is_caught(tmp_path):
    payload = b"A" * 5000
    p = _zip(tmp_path / "l.jxpkg", {"reports/0001.json": payload}, BASE)
    data = bytearray(p.read_bytes())
    i = data.find(b"PK\x01\x02", data.find(b"reports/0001.json") - 60)
    # central directory entry of reports/0001.json: uncompressed size at +24
    while data[i + 46:i + 46 + 17] != b"reports/0001.json":
        i = data.find(b"PK\x01\x02", i + 4)
    data[i + 24:i + 28] = (100).to_bytes(4, "little")
    p.write_bytes(bytes(data))
    package, findings = read_package(p)
    assert package is None and findings[0].code in ("PACKAGE_UNREADABLE", "PACKAGE_CHECKSUM")


def test_too_new_version(tmp_path):
    p = _zip(tmp_path / "n.jxpkg", {"reports/0001.json": b"{}"}, dict(BASE, schema_version=3))
    package, findings = read_package(p)
    assert package is None and _codes(findings) == ["PACKAGE_VERSION"]
    assert findings[0].message == "数据包格式版本为 3，本程序支持 [1]。请升级到新版本后再导入。"


@pytest.mark.parametrize("manifest", [b"not json", b"[]", b'{"format": "other"}', b'{"format": "jixiao-package"}',
                                      json.dumps(dict(BASE, schema_version=True)).encode(),
                                      json.dumps(dict(BASE, files={"a": 1})).encode(),
                                      b'{"format": "jixiao-package", "schema_version": 1e999}', b"\xff\xfe"])
def test_bad_manifests(tmp_path, manifest):
    p = tmp_path / "m.jxpkg"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("manifest.json", manifest)
    package, findings = read_package(p)
    assert package is None and _codes(findings) in (["PACKAGE_MANIFEST"], ["PACKAGE_VERSION"]), findings


def test_entries_must_equal_the_manifest(tmp_path):
    m = dict(BASE, files={"reports/0001.json": {"sha256": "0" * 64, "size": 1}})
    p = _zip(tmp_path / "x.jxpkg", {"reports/0002.json": b"x"}, m)
    assert _codes(read_package(p)[1]) == ["PACKAGE_FILES"]
    p = _zip(tmp_path / "y.jxpkg", {}, m)
    assert _codes(read_package(p)[1]) == ["PACKAGE_FILES"]


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.jxpkg")), ids=lambda p: p.name)
def test_hostile_fixtures_are_refused(path):
    package, findings = read_package(path)
    expected = path.stem.split("-")[0]
    assert package is None and findings[0].code == expected, findings
    assert all(f.severity == "error" and f.message for f in findings)


def test_fixtures_exist():
    assert len(list(FIXTURES.glob("*.jxpkg"))) >= 5


# -- fuzzing --------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4000))
def test_random_bytes_never_raise(tmp_path, data):
    p = tmp_path / "f.jxpkg"
    p.write_bytes(data)
    package, findings = read_package(p)
    assert package is None and findings and findings[0].code.startswith("PACKAGE_")


_VALID: dict[str, bytes] = {}


def _valid_package(seeds) -> bytes:
    if "x" not in _VALID:
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / "v.jxpkg"
            write_package(out, FakeStorage(list(seeds.values())[:2]), [1, 2])
            _VALID["x"] = out.read_bytes()
    return _VALID["x"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8),
       cut=st.one_of(st.none(), st.integers(min_value=0)))
def test_a_mutated_valid_package_never_raises(tmp_path, seeds, edits, cut):
    from core.package import reports_of

    data = bytearray(_valid_package(seeds))
    for pos, byte in edits:
        data[pos % len(data)] = byte
    if cut is not None:
        data = data[:cut % (len(data) + 1)]
    p = tmp_path / "m.jxpkg"
    p.write_bytes(bytes(data))
    package, findings = read_package(p)
    if package is None:
        assert findings and findings[0].code.startswith("PACKAGE_")
    else:
        assert findings == []
        reports_of(package)  # either reports or findings, never an exception


# -- names ----------------------------------------------------------------------------------
def test_default_package_name(seeds):
    reports = list(seeds.values())
    one = default_package_name(reports[:1])
    r = reports[0]
    assert one == f"{r.unit.name}{r.year}年度部门整体自评报告.jxpkg" or one.startswith(r.unit.name)
    many = default_package_name(reports[:3])
    assert many.endswith("等3份.jxpkg") and many.startswith(r.unit.name)
    assert default_package_name([]) == "绩效自评数据包.jxpkg"


@pytest.mark.parametrize("raw,expected", [('a<b>c:"d/e\\f|g?h*', "a_b_c__d_e_f_g_h_"), ("CON", "绩效自评数据包_CON"),
                                          ("报告. ", "报告"), ("", "绩效自评数据包"), ("x\x01y", "x_y")])
def test_safe_file_name(raw, expected):
    assert safe_file_name(raw) == expected


def test_safe_file_name_is_short():
    assert len(safe_file_name("长" * 500)) == 80
