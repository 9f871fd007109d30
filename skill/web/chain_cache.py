"""A small, thread-safe, in-memory cache of validated signing keys, keyed by certificate-chain URL."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

DEFAULT_MAX_ENTRIES = 16
DEFAULT_MAX_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class _Entry:
    key: RSAPublicKey
    expires: datetime


class ChainCache:
    """Least-recently-used map from chain URL to the signing key of a chain that validated.

    An entry expires at the earlier of ``max_age`` after it was stored and the chain's earliest ``notAfter``,
    so a key is never used past its certificate's life. Only chains that validated are ever stored.
    """

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES, max_age: timedelta = DEFAULT_MAX_AGE) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max_entries = max_entries
        self._max_age = max_age
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str, now: datetime) -> RSAPublicKey | None:
        """The cached key for ``url``, or None if absent or expired (an expired entry is dropped)."""
        with self._lock:
            entry = self._entries.get(url)
            if entry is None:
                return None
            if now >= entry.expires:
                del self._entries[url]
                return None
            self._entries.move_to_end(url)
            return entry.key

    def put(self, url: str, key: RSAPublicKey, not_after: datetime, now: datetime) -> None:
        """Remember ``key`` until ``not_after`` or ``now + max_age``, whichever is first."""
        expires = min(not_after, now + self._max_age)
        if now >= expires:
            return
        with self._lock:
            self._entries[url] = _Entry(key, expires)
            self._entries.move_to_end(url)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
