"""Drafts on the command line (list, export-json, import-json, backup, restore) and the
storage's rolling backups and recovery from a damaged database file."""
import datetime
import subprocess
import sys

from conftest import ROOT, SEEDS
from core import paths
from core.report_io import load_report
from core.storage import Storage

SEED = SEEDS / "seed004.json"


def jixiao(data_dir, *args):
    proc = subprocess.run([sys.executable, "-m", "desktop", *map(str, args), "--data-dir", str(data_dir)],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


def _import_seed(data_dir) -> int:
    proc = jixiao(data_dir, "import-json", SEED)
    assert proc.returncode == 0, proc.stderr
    return int(proc.stdout.split("编号")[1].strip())


def test_import_list_export_round_trip(tmp_path):
    data = tmp_path / "data"
    draft_id = _import_seed(data)
    out = jixiao(data, "list").stdout
    assert all(w in out for w in ("编号", "年度", "单位", "类型", "标题", "最后修改"))
    line = next(ln for ln in out.splitlines() if "石峰区工商业联合会" in ln)
    assert line.split()[:2] == [str(draft_id), "2020"] and "部门整体" in line
    exported = tmp_path / "out.json"
    proc = jixiao(data, "export-json", draft_id, exported)
    assert proc.returncode == 0, proc.stderr
    assert load_report(exported)[0] == load_report(SEED)[0]


def test_list_deleted_shows_the_recycle_bin(tmp_path):
    draft_id = _import_seed(tmp_path)
    with Storage.open(tmp_path) as s:
        s.delete(draft_id)
    assert "石峰区" not in jixiao(tmp_path, "list").stdout
    out = jixiao(tmp_path, "list", "--deleted").stdout
    assert "石峰区工商业联合会" in out and "回收站" in out


def test_unknown_id_and_unreadable_file_exit_2_in_chinese(tmp_path):
    _import_seed(tmp_path)
    proc = jixiao(tmp_path, "export-json", 99, tmp_path / "x.json")
    assert proc.returncode == 2 and "找不到编号为 99 的草稿" in proc.stderr
    assert not (tmp_path / "x.json").exists()
    proc = jixiao(tmp_path, "export-json", "abc", tmp_path / "x.json")
    assert proc.returncode == 2 and "编号应为数字" in proc.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{不是 JSON", encoding="utf-8")
    proc = jixiao(tmp_path, "import-json", bad)
    assert proc.returncode == 2 and "JSON 格式错误" in proc.stderr


def test_backup_then_restore_brings_a_purged_draft_back(tmp_path):
    data = tmp_path / "data"
    draft_id = _import_seed(data)
    target = tmp_path / "copy.db"
    proc = jixiao(data, "backup", target)
    assert proc.returncode == 0 and str(target) in proc.stdout
    proc = jixiao(data, "backup")  # rolling, into the backups folder
    assert proc.returncode == 0 and len(list((data / "backups").glob("jixiao-2*.db"))) == 1
    with Storage.open(data) as s:
        s.delete(draft_id)
        s.purge(draft_id)
    assert "石峰区" not in jixiao(data, "list", "--deleted").stdout
    proc = jixiao(data, "restore", target)
    assert proc.returncode == 0, proc.stderr
    assert "石峰区工商业联合会" in jixiao(data, "list").stdout
    before = list((data / "backups").glob("jixiao-before-restore-*.db"))
    assert len(before) == 1 and str(before[0]) in proc.stdout
    with Storage.open(data) as s:  # the copy kept before the restore has the purged state
        assert s.get(draft_id) == load_report(SEED)[0]


def test_restore_refuses_a_file_that_is_not_a_jixiao_database(tmp_path):
    _import_seed(tmp_path)
    db_before = paths.database_path(tmp_path).read_bytes()
    proc = jixiao(tmp_path, "restore", SEED)
    assert proc.returncode == 2 and "不能用该文件恢复" in proc.stderr
    assert paths.database_path(tmp_path).read_bytes() == db_before
    assert not (tmp_path / "backups").exists()


def test_damaged_database_is_recovered_from_the_newest_good_backup(tmp_path):
    draft_id = _import_seed(tmp_path)
    with Storage.open(tmp_path) as s:
        good = s.auto_backup()
    assert good is not None
    # an older good one and a newer broken one: the newest *good* backup is used
    (tmp_path / "backups" / "jixiao-20000101-000000.db").write_bytes(good.read_bytes())
    (tmp_path / "backups" / "jixiao-29991231-000000.db").write_bytes(b"broken" * 500)
    db_file = paths.database_path(tmp_path)
    garbage = b"\x00garbage\xff" * 2000
    db_file.write_bytes(garbage)
    with Storage.open(tmp_path) as s:
        msg = s.recovery_message
        assert s.get(draft_id) == load_report(SEED)[0]
    day = datetime.date.today().isoformat()
    assert "已损坏" in msg and "备份" in msg and day in msg and good.name in msg and "可能缺失" in msg
    kept = list(tmp_path.glob("jixiao-damaged-*.db"))
    assert len(kept) == 1 and kept[0].read_bytes() == garbage and str(kept[0]) in msg
    with Storage.open(tmp_path) as s:  # a sound file is opened quietly
        assert s.recovery_message == ""
    # the CLI says so too
    db_file.write_bytes(garbage)
    proc = jixiao(tmp_path, "list")
    assert proc.returncode == 0 and "已损坏" in proc.stderr and "石峰区" in proc.stdout


def test_newer_version_database_is_still_refused_untouched(tmp_path):
    with Storage.open(tmp_path) as s:
        s.auto_backup()
        s.db["_sqlite_migrations"].insert({"migration_set": "jixiao", "name": "9999_future",
                                           "applied_at": "2099-01-01"})
    before = paths.database_path(tmp_path).read_bytes()
    proc = jixiao(tmp_path, "list")
    assert proc.returncode == 2 and "请升级软件" in proc.stderr
    assert paths.database_path(tmp_path).read_bytes() == before
    assert not list(tmp_path.glob("jixiao-damaged-*"))


def test_rolling_backups_are_daily_and_keep_at_most_n(tmp_path):
    with Storage.open(tmp_path) as s:
        assert s.backups_dir == tmp_path / "backups"
        first = s.auto_backup(keep=3)
        assert first is not None and first.parent == s.backups_dir
        assert s.auto_backup(keep=3) is None  # one a day
        for day in range(1, 6):
            (s.backups_dir / f"jixiao-2020010{day}-120000.db").write_bytes(first.read_bytes())
        (s.backups_dir / "jixiao-before-migration-20190101-000000.db").write_bytes(first.read_bytes())
        assert s.auto_backup(keep=3) is None
        names = [p.name for p in s.list_backups()]
        assert names == [first.name, "jixiao-20200105-120000.db", "jixiao-20200104-120000.db",
                         "jixiao-before-migration-20190101-000000.db"]
        s.rolling_backup(keep=2)
        assert len([p for p in s.list_backups() if "before" not in p.name]) == 2


def test_pending_migration_on_an_existing_database_is_backed_up_first(tmp_path):
    import sqlite3

    from core.storage import MIGRATIONS

    with Storage.open(tmp_path) as s:
        s.create(load_report(SEED)[0])
    assert not (tmp_path / "backups").exists()  # a fresh database: nothing pending to guard
    with Storage.open(tmp_path):
        pass
    assert not (tmp_path / "backups").exists()  # nothing pending: no backup
    con = sqlite3.connect(paths.database_path(tmp_path))
    con.execute("DELETE FROM _sqlite_migrations WHERE migration_set = 'jixiao'")
    con.execute("DROP TABLE snapshots")
    con.execute("DROP TABLE drafts")
    con.commit()
    con.close()
    with Storage.open(tmp_path) as s:
        assert [m.name for m in MIGRATIONS.pending(s.db)] == []
    assert len(list((tmp_path / "backups").glob("jixiao-before-migration-*.db"))) == 1


def test_a_data_directory_on_a_usb_stick_is_refused(tmp_path, monkeypatch, capsys):
    from core import cli, paths

    monkeypatch.setattr(paths, "drive_problem", lambda p, **k: "数据目录位于可移动磁盘（U 盘）上，请使用本机磁盘上的默认目录")
    assert cli.main(["list", "--data-dir", str(tmp_path / "usb")]) == 2
    assert "可移动磁盘" in capsys.readouterr().err
    assert not (tmp_path / "usb" / "jixiao.db").exists()


def test_a_long_title_is_clipped_in_the_list_not_stretching_every_line(tmp_path):
    from dataclasses import replace

    report = load_report(SEED)[0]
    with Storage.open(tmp_path) as s:
        long_id = s.create(replace(report, title="很长的标题" * 60))
        s.create(replace(report, title="短标题"))
    lines = jixiao(tmp_path, "list").stdout.splitlines()
    long_line = next(ln for ln in lines if ln.startswith(f"{long_id} "))
    assert "很长的标题很长的标题" in long_line and long_line.count("很长的标题") < 15
    assert "…" in long_line
    short_line = next(ln for ln in lines if "短标题" in ln)
    assert len(short_line) < 120  # the short title's line is not padded to the long one
