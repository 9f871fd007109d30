"""The SQLite store: the shared contract, plus WAL, locking, several processes, and failures."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time

import pytest

from skill.settings import Settings, SettingsError
from skill.store import Profile, StoreError, open_store
from skill.store.sqlite import SqliteStore

pytest.register_assert_rewrite("tests.store_contract")  # readable failures from the shared contract
from tests.store_contract import KEY, StoreContract, increment  # noqa: E402

PROCESSES = 4
EACH = 50


@pytest.fixture
def store(tmp_path):
    store = SqliteStore(tmp_path / "nested" / "profiles.sqlite3")
    yield store
    store.close()


class TestSqliteStore(StoreContract):
    pass


def test_open_store_puts_the_file_in_the_data_dir_by_default(tmp_path):
    store = open_store(Settings(data_dir=tmp_path / "data"))
    assert isinstance(store, SqliteStore)
    assert store.path == tmp_path / "data" / "secure-base.sqlite3"
    chosen = open_store(Settings(data_dir=tmp_path, sqlite_path=tmp_path / "elsewhere.db"))
    assert chosen.path == tmp_path / "elsewhere.db"


def test_store_settings_come_from_the_environment(tmp_path):
    settings = Settings.from_env({"SECURE_BASE_STORE": "sqlite", "SECURE_BASE_SQLITE_PATH": str(tmp_path / "x.db")})
    assert settings.sqlite_path == tmp_path / "x.db"
    with pytest.raises(SettingsError):
        open_store(Settings(store="postgres"))


def test_the_file_is_created_in_wal_mode_with_one_row_per_user(store):
    store.update(KEY, increment)
    db = sqlite3.connect(store.path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        columns = [row[1] for row in db.execute("PRAGMA table_info(profiles)")]
        assert columns == ["user_key", "version", "data", "updated_at"]
        assert db.execute("SELECT user_key, version FROM profiles").fetchall() == [(KEY, 1)]
    finally:
        db.close()


def test_an_unwritable_path_is_a_quick_store_error(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    store = SqliteStore(blocker / "profiles.sqlite3")
    began = time.perf_counter()
    for call in (store.ping, lambda: store.load(KEY), lambda: store.update(KEY, increment)):
        with pytest.raises(StoreError):
            call()
    assert time.perf_counter() - began < 1


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        SqliteStore(path).load(KEY)


def _hold_write_lock(path, seconds: float, held: threading.Event) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    held.set()
    time.sleep(seconds)
    db.execute("ROLLBACK")
    db.close()


def test_a_lock_held_past_the_timeout_is_a_store_error_not_database_is_locked(tmp_path):
    store = SqliteStore(tmp_path / "p.sqlite3", busy_timeout_ms=50, lock_attempts=2)
    store.ping()
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(store.path, 0.6, held))
    holder.start()
    held.wait()
    began = time.perf_counter()
    with pytest.raises(StoreError) as caught:
        store.update(KEY, increment)
    assert time.perf_counter() - began < 0.5
    assert not isinstance(caught.value, sqlite3.Error)
    holder.join()
    assert store.update(KEY, increment).streak.count == 1
    store.close()


def test_a_short_lock_is_waited_out(store):
    store.ping()
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(store.path, 0.2, held))
    holder.start()
    held.wait()
    assert store.update(KEY, increment).streak.count == 1
    holder.join()


def _slow_increment(profile: Profile) -> Profile:
    """An increment that takes a moment between read and write, as a handler does, so writers overlap."""
    time.sleep(0.001)
    return increment(profile)


def _process_worker(store: SqliteStore, start, results) -> None:
    """Runs in a forked child, with the parent's store object (and its parent-owned connection)."""
    try:
        start.wait()
        began = time.perf_counter()
        for _ in range(EACH):
            store.update(KEY, _slow_increment)
        results.put((store.conflicts_retried, time.perf_counter() - began, None))
    except BaseException as exc:  # noqa: BLE001 - sent to the parent, which fails the test
        results.put((0, 0.0, repr(exc)))


def test_several_processes_writing_at_once_lose_no_update(store):
    store.ping()
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(PROCESSES), context.Queue()
    workers = [context.Process(target=_process_worker, args=(store, start, results)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
    assert [error for _, _, error in outcomes] == [None] * PROCESSES
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    assert store.load(KEY).streak.count == PROCESSES * EACH
    assert store._read(KEY).version == PROCESSES * EACH
