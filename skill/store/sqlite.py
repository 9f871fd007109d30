"""The default store: one SQLite file shared by every worker process, in WAL mode.

Each statement runs in autocommit, so a compare-and-set is one atomic ``UPDATE ... WHERE version = ?``.
Writers wait for each other up to ``busy_timeout``; a lock that outlasts it is retried a few times,
then reported as :class:`StoreError`, never as a raw "database is locked".
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from skill.store.base import Record, Store
from skill.store.errors import StoreError

log = logging.getLogger(__name__)

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (
    user_key   TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class SqliteStore(Store):
    """Profiles in the SQLite file at ``path``; the directory and table are created on first use."""

    def __init__(self, path: Path, *, busy_timeout_ms: int = 2000, lock_attempts: int = 3) -> None:
        super().__init__()
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.lock_attempts = lock_attempts
        self._local = threading.local()

    def ping(self) -> None:
        self._run(lambda db: db.execute("SELECT count(*) FROM profiles WHERE 0").fetchone())

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        self._local.db = None
        if db is not None and getattr(self._local, "pid", None) == os.getpid():
            db.close()

    def _read(self, key: str) -> Record | None:
        row = self._run(lambda db: db.execute("SELECT version, data FROM profiles WHERE user_key = ?", (key,)).fetchone())
        return None if row is None else Record(row[0], row[1])

    def _write(self, key: str, expected_version: int | None, data: str) -> bool:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        if expected_version is None:
            sql = "INSERT INTO profiles (user_key, version, data, updated_at) VALUES (?, 1, ?, ?) ON CONFLICT DO NOTHING"
            params: tuple = (key, data, now)
        else:
            sql = "UPDATE profiles SET version = version + 1, data = ?, updated_at = ? WHERE user_key = ? AND version = ?"
            params = (data, now, key, expected_version)
        return self._run(lambda db: db.execute(sql, params).rowcount == 1)

    def _delete(self, key: str) -> None:
        self._run(lambda db: db.execute("DELETE FROM profiles WHERE user_key = ?", (key,)))

    def _run(self, operation: Callable[[sqlite3.Connection], T]) -> T:
        """Run one statement on this thread's connection, retrying only while the file is locked."""
        for attempt in range(self.lock_attempts):
            try:
                return operation(self._connection())
            except sqlite3.OperationalError as exc:
                if _primary_code(exc) not in _BUSY:
                    self.close()
                    raise StoreError(f"SQLite store at {self.path} failed: {exc}") from exc
                log.warning("store: SQLite file locked (attempt %d of %d)", attempt + 1, self.lock_attempts)
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
            except (sqlite3.Error, OSError) as exc:
                self.close()
                raise StoreError(f"SQLite store at {self.path} failed: {exc}") from exc
        raise StoreError(f"SQLite store at {self.path} stayed locked")

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened afresh in a forked child (a connection must not cross a fork)."""
        db = getattr(self._local, "db", None)
        if db is not None and self._local.pid == os.getpid():
            return db
        db = _open(self.path, self.busy_timeout_ms)
        self._local.db, self._local.pid = db, os.getpid()
        return db


def _open(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute(_SCHEMA)
    except BaseException:
        db.close()
        raise
    return db


def _primary_code(exc: sqlite3.Error) -> int:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF
