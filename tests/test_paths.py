"""Data directory choice and the removable/network drive warning."""
import pytest

from core import paths
from core.paths import block_disk, data_dir, drive_problem, find_mount

MOUNTS = """\
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda2 / ext4 rw,relatime 0 0
/dev/sda3 /home ext4 rw,relatime 0 0
fileserver:/export/office /mnt/office nfs4 rw,relatime,vers=4.2 0 0
//nas/share /mnt/share cifs rw,relatime 0 0
/dev/sdb1 /media/clerk/USB vfat rw,nosuid,nodev,relatime,uid=1000 0 0
/dev/sdc1 /mnt/stick ext4 rw,relatime 0 0
/dev/sdd1 /run/media/clerk/My\\040Disk exfat rw 0 0
"""
REMOVABLE = {"sda": False, "sdb": True, "sdc": True, "sdd": True}


def problem(path):
    return drive_problem(path, mounts_text=MOUNTS, removable=REMOVABLE.get, windows=False)


@pytest.fixture(autouse=True)
def fixed_default(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "default_data_dir", lambda: tmp_path / "default")


def test_network_mount(tmp_path):
    msg = problem("/mnt/office/jixiao")
    assert "网络" in msg and "可移动" not in msg
    assert f"请使用本机磁盘上的默认目录：{tmp_path / 'default'}" in msg
    assert "网络" in problem("/mnt/share/x/y")


def test_usb_under_media_and_by_sys_flag():
    assert "可移动" in problem("/media/clerk/USB/jixiao")
    assert "U 盘" in problem("/media/clerk/USB")
    assert "可移动" in problem("/mnt/stick/data")  # /sys/block/sdc/removable == 1
    assert "可移动" in problem("/run/media/clerk/My Disk/jixiao")  # \040 unescaped


def test_local_disk_is_fine():
    assert problem("/home/clerk/.local/share/jixiao") is None
    assert problem("/opt/jixiao") is None
    assert problem("/mnt/officer/jixiao") is None  # prefix of /mnt/office but not inside it


def test_longest_prefix_and_last_mount_wins():
    assert find_mount("/home/a", MOUNTS)[1] == "/home"
    assert find_mount("/homework", MOUNTS)[1] == "/"
    over = MOUNTS + "srv:/x /home nfs rw 0 0\n"
    assert find_mount("/home/a", over)[2] == "nfs"


def test_block_disk_names():
    assert block_disk("/dev/sdb1") == "sdb"
    assert block_disk("/dev/sdb") == "sdb"
    assert block_disk("/dev/nvme0n1p2") == "nvme0n1"
    assert block_disk("/dev/mmcblk0p1") == "mmcblk0"
    assert block_disk("/dev/mapper/vg-root") is None
    assert block_disk("tmpfs") is None


def test_unknown_never_raises():
    assert drive_problem("/x", mounts_text="", windows=False) is None
    assert drive_problem("/x", mounts_text="garbage\n\n", windows=False) is None

    def boom(_):
        raise OSError("no sysfs")

    assert drive_problem("/mnt/stick", mounts_text=MOUNTS, removable=boom, windows=False) is None
    assert drive_problem("C:\\x", drive_type=boom, windows=True) is None


def test_real_system_does_not_raise(tmp_path):
    result = drive_problem(tmp_path)  # the real /proc/self/mounts and /sys
    assert result is None or isinstance(result, str)


def test_windows_drive_types():
    types = {"C:\\": 3, "E:\\": 2, "Z:\\": 4}
    assert drive_problem("C:\\Users\\clerk\\AppData\\Local\\jixiao", drive_type=types.get, windows=True) is None
    assert "可移动" in drive_problem("E:\\jixiao", drive_type=types.get, windows=True)
    assert "网络" in drive_problem("Z:\\jixiao", drive_type=types.get, windows=True)
    assert "网络" in drive_problem("\\\\server\\share\\jixiao", drive_type=types.get, windows=True)


def test_data_dir_precedence(monkeypatch, tmp_path):
    env_dir, arg_dir = tmp_path / "env", tmp_path / "arg"
    monkeypatch.setenv(paths.ENV_VAR, str(env_dir))
    assert data_dir(arg_dir) == arg_dir and arg_dir.is_dir()
    assert data_dir() == env_dir and env_dir.is_dir()
    assert data_dir("  ") == env_dir  # blank override falls through
    monkeypatch.setenv(paths.ENV_VAR, "   ")
    assert data_dir() == tmp_path / "default"
    monkeypatch.delenv(paths.ENV_VAR)
    assert data_dir() == tmp_path / "default" and (tmp_path / "default").is_dir()
    assert paths.database_path(arg_dir) == arg_dir / "jixiao.db"



def test_backup_keep_is_configurable(monkeypatch):
    from core.paths import backup_keep

    monkeypatch.delenv("JIXIAO_BACKUP_KEEP", raising=False)
    assert backup_keep() == 10
    monkeypatch.setenv("JIXIAO_BACKUP_KEEP", "3")
    assert backup_keep() == 3
    monkeypatch.setenv("JIXIAO_BACKUP_KEEP", "很多")
    assert backup_keep() == 10


def test_the_data_directory_is_private(tmp_path, monkeypatch):
    """POSIX: 0700 when created, and the default one tightened (older versions left 0755); a
    folder of the user's own named with --data-dir keeps its mode. Windows: the per-user
    LOCALAPPDATA is private by its ACL and nothing is changed (see core/paths.py)."""
    import os
    import stat

    if os.name != "posix":
        return
    old = os.umask(0o022)
    try:
        mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
        monkeypatch.delenv(paths.ENV_VAR, raising=False)
        default = tmp_path / "default"
        default.mkdir(mode=0o755)
        assert data_dir() == default and mode(default) == 0o700
        assert mode(data_dir(tmp_path / "new" / "data")) == 0o700
        own = tmp_path / "own"
        own.mkdir(mode=0o755)
        assert data_dir(own) == own and mode(own) == 0o755
    finally:
        os.umask(old)


def test_atomic_files_are_ordinary_unless_asked_private(tmp_path):
    import os
    import stat

    from core.atomic import PRIVATE_FILE, atomic_produce, atomic_write_text

    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "report.docx", "x")
        atomic_produce(tmp_path / "copy.db", lambda tmp: tmp.write_bytes(b"x"), mode=PRIVATE_FILE)
        if os.name == "posix":
            assert stat.S_IMODE((tmp_path / "report.docx").stat().st_mode) == 0o644
            assert stat.S_IMODE((tmp_path / "copy.db").stat().st_mode) == 0o600
        assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db", "report.docx"]
    finally:
        os.umask(old)
