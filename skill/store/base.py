"""The store API the skill uses, with optimistic concurrency shared by every backend.

A backend supplies four primitives: read a record with its version, write it only if the version
is still the one read (compare-and-set), delete it, and a readiness check.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from skill.store.errors import StoreConflict
from skill.store.profile import Profile, dumps, loads

log = logging.getLogger(__name__)

_HASHED_KEY = re.compile(r"[0-9a-f]{16,64}")


@dataclass(frozen=True)
class Record:
    """A stored profile as text, with the version the next compare-and-set must match."""

    version: int
    data: str


class Store(ABC):
    """Profiles keyed by a hashed user id. Every method raises only :class:`StoreError` (or
    :class:`ValueError` for a key that is not a hashed id)."""

    conflict_budget_s = 2.0
    backoff_s = 0.002
    backoff_cap_s = 0.1

    def __init__(self) -> None:
        self._conflicts = 0
        self._conflicts_lock = threading.Lock()

    @property
    def conflicts_retried(self) -> int:
        """How many compare-and-set writes lost a race and were retried, since this store opened."""
        return self._conflicts

    def load(self, user_key: str) -> Profile:
        """The person's profile; a fresh :class:`Profile` if none is stored."""
        record = self._read(_checked(user_key))
        return Profile() if record is None else loads(record.data)

    def update(self, user_key: str, mutate: Callable[[Profile], Profile]) -> Profile:
        """Read, apply ``mutate``, and write back only if nobody wrote in between; retry if they did.

        ``mutate`` may run more than once, so it must be pure. If it raises, nothing is written
        and the exception propagates. An unchanged profile is not written. Returns what is stored.
        Conflicts are retried with jittered exponential backoff for up to ``conflict_budget_s``
        seconds: a time budget rather than a count, so a burst of writers delays a call, not fails it.
        """
        key = _checked(user_key)
        deadline = time.monotonic() + self.conflict_budget_s
        attempt = 0
        while True:
            record = self._read(key)
            before = Profile() if record is None else loads(record.data)
            after = mutate(before)
            if not isinstance(after, Profile):
                raise TypeError("mutate must return a Profile")
            if after == before:
                return before
            if self._write(key, None if record is None else record.version, dumps(after)):
                return after
            with self._conflicts_lock:
                self._conflicts += 1
            if time.monotonic() >= deadline:
                log.warning("store: gave up on user %s after %d conflicting writes", key, attempt + 1)
                raise StoreConflict(f"record kept changing; gave up after {attempt + 1} attempts")
            time.sleep(random.uniform(0, min(self.backoff_cap_s, self.backoff_s * 2 ** min(attempt, 16))))
            attempt += 1

    def delete(self, user_key: str) -> None:
        """Forget the person entirely. Deleting a missing record is not an error."""
        self._delete(_checked(user_key))

    @abstractmethod
    def ping(self) -> None:
        """Readiness check: return if the store can be used, raise :class:`StoreError` if not."""

    @abstractmethod
    def close(self) -> None:
        """Release connections held for the calling thread; the store reconnects on next use."""

    @abstractmethod
    def _read(self, key: str) -> Record | None: ...

    @abstractmethod
    def _write(self, key: str, expected_version: int | None, data: str) -> bool:
        """Insert (``expected_version`` None) or replace the record; False if the version moved."""

    @abstractmethod
    def _delete(self, key: str) -> None: ...


def _checked(user_key: str) -> str:
    if not isinstance(user_key, str) or not _HASHED_KEY.fullmatch(user_key):
        raise ValueError("user_key must be a hashed user id (lower-case hex), never a raw Alexa user id")
    return user_key
