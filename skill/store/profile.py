"""The one value stored per person: progress and preferences, never anything they said.

Every text field is an identifier (``[a-z][a-z0-9_]*``) or an ISO date, so an utterance, a slot
value or an Alexa user ID cannot be stored by mistake: such a :class:`Profile` cannot be built.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from skill.dialogue.rotation import Rotation, Streak
from skill.store.errors import CorruptRecord
from skill.store.migrations import upgrade

SCHEMA = 3
MAX_STEP = 999
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,63}")
_FIELDS = {"schema", "rotation", "streak", "preferences", "bookmark", "visits"}


@dataclass(frozen=True)
class Preferences:
    """Choices a person made; ``None`` means the skill's default."""

    reflection_pace: str | None = None

    def __post_init__(self) -> None:
        if self.reflection_pace is not None:
            _check_identifier(self.reflection_pace, "preferences.reflection_pace")


@dataclass(frozen=True)
class Bookmark:
    """Where to resume a guided reflection: its id and the index of the next step."""

    reflection: str
    step: int

    def __post_init__(self) -> None:
        _check_identifier(self.reflection, "bookmark.reflection")
        _check_count(self.step, "bookmark.step", MAX_STEP)


@dataclass(frozen=True)
class Profile:
    """Everything kept for one person between sessions, always at the current :data:`SCHEMA`."""

    schema: ClassVar[int] = SCHEMA
    MAX_VISITS: ClassVar[int] = 1_000_000
    rotation: Rotation = field(default_factory=Rotation)
    streak: Streak = field(default_factory=Streak)
    preferences: Preferences = field(default_factory=Preferences)
    bookmark: Bookmark | None = None
    visits: int = 0

    def __post_init__(self) -> None:
        _check_rotation(self.rotation)
        _check_count(self.visits, "visits", self.MAX_VISITS)
        _check_count(self.streak.count, "streak.count")
        _check_day(self.streak.day, "streak.day")
        if not isinstance(self.preferences, Preferences):
            raise ValueError("preferences must be Preferences")
        if self.bookmark is not None and not isinstance(self.bookmark, Bookmark):
            raise ValueError("bookmark must be a Bookmark or None")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict, tagged with the schema number."""
        return {
            "schema": SCHEMA,
            "rotation": {
                "order": list(self.rotation.order),
                "position": self.rotation.position,
                "day": self.rotation.day,
            },
            "streak": {"count": self.streak.count, "day": self.streak.day},
            "preferences": {"reflection_pace": self.preferences.reflection_pace},
            "bookmark": (
                None if self.bookmark is None else {"reflection": self.bookmark.reflection, "step": self.bookmark.step}
            ),
            "visits": self.visits,
        }

    @classmethod
    def from_json(cls, raw: Any) -> Profile:
        """Read a stored dict of any known schema; :class:`CorruptRecord` if it cannot be read."""
        try:
            if not isinstance(raw, dict):
                raise ValueError("the record is not an object")
            return _parse(upgrade(raw, SCHEMA))
        except (KeyError, TypeError, ValueError) as exc:
            raise CorruptRecord(f"unreadable profile: {exc}") from exc


def dumps(profile: Profile) -> str:
    """Compact, stable JSON text for storage."""
    return json.dumps(profile.to_json(), separators=(",", ":"), sort_keys=True)


def loads(text: str) -> Profile:
    """A profile from stored JSON text; :class:`CorruptRecord` for bad JSON or a bad shape."""
    try:
        raw = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise CorruptRecord("stored profile is not JSON") from exc
    return Profile.from_json(raw)


def _parse(raw: dict[str, Any]) -> Profile:
    if set(raw) != _FIELDS:
        raise ValueError("unexpected or missing fields")
    rotation, streak, prefs, bookmark = raw["rotation"], raw["streak"], raw["preferences"], raw["bookmark"]
    if set(rotation) != {"order", "position", "day"} or set(streak) != {"count", "day"}:
        raise ValueError("unexpected or missing rotation or streak fields")
    if set(prefs) != {"reflection_pace"}:
        raise ValueError("unexpected or missing preferences")
    if not isinstance(rotation["order"], list):
        raise ValueError("rotation.order must be a list")
    if bookmark is not None and set(bookmark) != {"reflection", "step"}:
        raise ValueError("unexpected or missing bookmark fields")
    return Profile(
        rotation=Rotation(tuple(rotation["order"]), rotation["position"], rotation["day"]),
        streak=Streak(streak["count"], streak["day"]),
        preferences=Preferences(prefs["reflection_pace"]),
        bookmark=None if bookmark is None else Bookmark(bookmark["reflection"], bookmark["step"]),
        visits=raw["visits"],
    )


def _check_rotation(rotation: Rotation) -> None:
    if not isinstance(rotation, Rotation) or not isinstance(rotation.order, tuple):
        raise ValueError("rotation must be a Rotation with a tuple order")
    for principle_id in rotation.order:
        _check_identifier(principle_id, "rotation.order")
    if len(set(rotation.order)) != len(rotation.order):
        raise ValueError("rotation.order repeats an id")
    _check_count(rotation.position, "rotation.position", len(rotation.order))
    _check_day(rotation.day, "rotation.day")


def _check_identifier(value: Any, name: str) -> None:
    if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
        raise ValueError(f"{name} must be an identifier")


def _check_count(value: Any, name: str, maximum: int | None = None) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a whole number, 0 or more")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} is out of range")


def _check_day(value: Any, name: str) -> None:
    if value is None:
        return
    if not isinstance(value, str) or date.fromisoformat(value).isoformat() != value:
        raise ValueError(f"{name} must be an ISO date (YYYY-MM-DD)")
