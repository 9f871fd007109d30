"""ask-sdk's serializer, fed the envelope the route already parsed, and reading Alexa's ISO timestamps with the
standard library. Both are on every request's path: the stock serializer takes JSON text (so the parsed body
would be dumped and parsed again) and parses every timestamp with dateutil, several times slower."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from ask_sdk_core.serialize import DefaultSerializer

T = TypeVar("T")


class EnvelopeSerializer(DefaultSerializer):
    """A DefaultSerializer with :meth:`from_data`, and a fast path for ISO 8601 timestamps."""

    def from_data(self, data: Any, obj_type: type[T]) -> T:
        """Deserialize already-parsed JSON data into ``obj_type`` (what ``deserialize`` does after json.loads)."""
        return self._DefaultSerializer__deserialize(data, obj_type)  # type: ignore[attr-defined]

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:  # noqa: N802
        """The stock method, name-mangled: ``datetime.fromisoformat`` first (Alexa sends ISO 8601), dateutil
        for anything else."""
        if isinstance(payload, str):
            try:
                parsed = datetime.fromisoformat(payload)
            except ValueError:
                pass
            else:
                return parsed.date() if obj_type is date else parsed
        return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)  # type: ignore[attr-defined]
