"""Persistence for what outlives a session: the daily-principle rotation, streak, preferences and
reflection bookmark. Keyed by a hashed user id; never utterances, slot values or raw user ids.
"""

from __future__ import annotations

from skill.settings import Settings, SettingsError
from skill.store.adapter import StoreAdapter
from skill.store.base import Store
from skill.store.errors import CorruptRecord, StoreConflict, StoreError
from skill.store.profile import Bookmark, Preferences, Profile

SQLITE_FILE_NAME = "secure-base.sqlite3"


def open_store(settings: Settings) -> Store:
    """The store named by ``settings.store``. Nothing is opened until first use (see ``Store.ping``)."""
    if settings.store == "sqlite":
        from skill.store.sqlite import SqliteStore

        # Waits bounded well inside Alexa's 8 s answer window: 1 s busy timeout, two tries.
        return SqliteStore(settings.sqlite_path or settings.data_dir / SQLITE_FILE_NAME, busy_timeout_ms=1000,
                           lock_attempts=2)
    if settings.store == "dynamodb":
        try:
            from skill.store.dynamodb import DynamoDbStore
        except ImportError as exc:
            raise SettingsError("SECURE_BASE_STORE=dynamodb needs boto3: pip install 'secure-base[dynamodb]'") from exc

        return DynamoDbStore(
            settings.dynamodb_table,
            region=settings.dynamodb_region,
            endpoint_url=settings.dynamodb_endpoint_url,
        )
    raise SettingsError(f"SECURE_BASE_STORE={settings.store!r}: use 'sqlite' or 'dynamodb'")


__all__ = [
    "Bookmark",
    "CorruptRecord",
    "Preferences",
    "Profile",
    "Store",
    "StoreAdapter",
    "StoreConflict",
    "StoreError",
    "open_store",
]
