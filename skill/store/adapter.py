"""The store behind ask-sdk's persistence interface, for ``handler_input.attributes_manager``.

Persistent attributes are the profile's JSON dict. ``save_attributes`` is last-writer-wins, as the
SDK's interface has no versions; use :meth:`Store.update` where two requests could race.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.store.base import Store
from skill.store.errors import CorruptRecord
from skill.store.profile import Profile


class StoreAdapter(AbstractPersistenceAdapter):
    """Adapts a :class:`Store`; ``key_for`` turns a request envelope into the hashed user key."""

    def __init__(self, store: Store, key_for: Callable[[RequestEnvelope], str]) -> None:
        self.store = store
        self.key_for = key_for

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        return self.store.load(self.key_for(request_envelope)).to_json()

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        """Store ``attributes``, which must be a profile's JSON (anything else is a ValueError)."""
        try:
            profile = Profile.from_json(attributes)
        except CorruptRecord as exc:
            raise ValueError(f"persistent attributes are not a profile: {exc}") from exc
        self.store.update(self.key_for(request_envelope), lambda _: profile)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self.store.delete(self.key_for(request_envelope))
