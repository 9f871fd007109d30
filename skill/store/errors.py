"""What can go wrong in the store. Every error is a :class:`StoreError`, so one ``except`` covers them."""

from __future__ import annotations


class StoreError(Exception):
    """The store could not be reached, or did not answer in time; nothing was changed by this call."""


class StoreConflict(StoreError):
    """Other writers kept changing the same record, and the bounded retries ran out."""


class CorruptRecord(StoreError):
    """A stored record cannot be read. Callers must not overwrite it with defaults."""
