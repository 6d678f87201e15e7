"""InstanceLock: one holder per data directory, across real processes; a dead holder never blocks."""
import os

import pytest

from conftest import app_holding
from core.instance_lock import LOCK_NAME, InstanceLock

@pytest.fixture
def child(tmp_path):
    """A second process holding the lock on tmp_path, waiting on stdin."""
    with app_holding(tmp_path) as proc:
        yield proc


def test_other_process_holds_then_killed_holder_does_not_block(tmp_path, child):
    assert InstanceLock.acquire(tmp_path) is None
    who = InstanceLock.holder(tmp_path)
    assert who.startswith(f"进程 {child.pid}，自 ") and who.endswith(" 起")

    child.kill()  # SIGKILL on POSIX: no cleanup runs, the lock file stays behind
    child.wait(timeout=10)
    assert (tmp_path / LOCK_NAME).exists()
    assert str(child.pid) in InstanceLock.holder(tmp_path)  # stale hint is still there...

    lock = InstanceLock.acquire(tmp_path)  # ...but the OS lock is gone
    assert lock is not None
    try:
        assert InstanceLock.holder(tmp_path).startswith(f"进程 {os.getpid()}，")
    finally:
        lock.release()


def test_second_acquire_in_same_process_fails_until_release(tmp_path):
    first = InstanceLock.acquire(tmp_path)
    assert first is not None and first.held
    assert InstanceLock.acquire(tmp_path) is None  # a new open file description conflicts
    first.release()
    assert not first.held
    first.release()  # idempotent
    second = InstanceLock.acquire(tmp_path)
    assert second is not None
    second.release()


def test_context_manager_releases(tmp_path):
    with InstanceLock.acquire(tmp_path) as lock:
        assert lock.held
        assert InstanceLock.acquire(tmp_path) is None
    assert not lock.held
    again = InstanceLock.acquire(tmp_path)
    assert again is not None
    again.release()
    assert InstanceLock.holder(tmp_path) == ""  # release clears the hint


def test_stale_or_garbage_file_does_not_block(tmp_path):
    (tmp_path / LOCK_NAME).write_text('{"pid": 999999, "started": "2026-11-23T09:30:00"}')
    assert InstanceLock.holder(tmp_path) == "进程 999999，自 2026-11-23 09:30 起"
    lock = InstanceLock.acquire(tmp_path)
    assert lock is not None
    lock.release()
    (tmp_path / LOCK_NAME).write_bytes(b"\xff\x00junk")
    assert InstanceLock.holder(tmp_path) == ""
    with InstanceLock.acquire(tmp_path) as lock:
        assert lock is not None


def test_holder_without_file_and_missing_dir_is_created(tmp_path):
    assert InstanceLock.holder(tmp_path / "nowhere") == ""
    with InstanceLock.acquire(tmp_path / "new" / "dir") as lock:
        assert lock is not None
        assert (tmp_path / "new" / "dir" / LOCK_NAME).exists()
