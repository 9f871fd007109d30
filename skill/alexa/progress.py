"""The person's stored progress, as the handlers use it: the daily rotation, streak, visits and the
reflection bookmark. A store failure never reaches the person: they still hear an answer, the daily
principle falls back to one chosen by date, the failure is logged once per request, and nothing
already stored is overwritten with defaults.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from skill.dialogue.state import BASE_PACE
from skill.dialogue.rotation import fallback_principle, record_listen, todays_principle
from skill.store import Bookmark, Profile, Store, StoreError

log = logging.getLogger("skill.progress")

# Reflection paces (percent of the written pauses) by the name stored as a preference.
PACES = {"slower": 150, "slowest": 200}
PACE_NAMES = {pace: name for name, pace in PACES.items()}


@dataclass(frozen=True)
class Visit:
    """What the first request of a session learns from storage."""

    new_user: bool
    streak: int
    bookmark: tuple[str, int, int] | None


class Progress:
    """Store operations for one request; ``failed`` is set after the first store error."""

    def __init__(self, store: Store | None, user_key: str, principle_ids: tuple[str, ...]) -> None:
        self._store = store
        self._key = user_key
        self._principle_ids = principle_ids
        self.failed = False

    def _update(self, mutate: Callable[[Profile], Profile]) -> Profile | None:
        if self._store is None or self.failed or self._key == "-":
            return None
        try:
            return self._store.update(self._key, mutate)
        except StoreError as exc:
            self._fail(exc)
            return None

    def _fail(self, exc: Exception) -> None:
        self.failed = True
        log.warning("store unavailable user=%s error=%s", self._key, type(exc).__name__)

    def visit(self, today: date) -> Visit:
        """Count this session's visit, and tell whether the person has been here before."""
        before: list[Profile] = []

        def count(profile: Profile) -> Profile:
            before.append(profile)
            return replace(profile, visits=min(profile.visits + 1, Profile.MAX_VISITS))

        if self._update(count) is None:
            return Visit(new_user=True, streak=0, bookmark=None)
        previous = before[-1]
        streak = previous.streak.count if previous.streak.day and _days_between(previous.streak.day, today) <= 1 else 0
        bookmark = None
        if previous.bookmark is not None:
            pace = PACES.get(previous.preferences.reflection_pace, BASE_PACE)
            bookmark = (previous.bookmark.reflection, previous.bookmark.step, pace)
        return Visit(new_user=previous.visits == 0, streak=streak, bookmark=bookmark)

    def serve_today(self, today: date) -> str:
        """Today's principle from the person's rotation (advancing it on a new day), and their streak."""
        served: list[str] = []

        def advance(profile: Profile) -> Profile:
            rng = random.Random(f"{self._key}:{profile.rotation.day}:{profile.rotation.position}")
            principle, rotation = todays_principle(profile.rotation, self._principle_ids, today, rng)
            served.append(principle)
            return replace(profile, rotation=rotation, streak=record_listen(profile.streak, today))

        if self._update(advance) is None or not served:
            return fallback_principle(self._principle_ids, today)
        return served[-1]

    def save_bookmark(self, reflection: str, step: int, pace: int) -> None:
        """Where a reflection stands, and its pace (kept as the reflection-pace preference)."""
        name = PACE_NAMES.get(pace)
        self._update(lambda p: replace(p, bookmark=Bookmark(reflection, step),
                                       preferences=replace(p.preferences, reflection_pace=name)))

    def clear_bookmark(self) -> None:
        self._update(lambda p: replace(p, bookmark=None))

    def delete(self) -> None:
        if self._store is None or self._key == "-":
            return
        try:
            self._store.delete(self._key)
        except StoreError as exc:
            self._fail(exc)


def _days_between(day: str, today: date) -> int:
    return (today - date.fromisoformat(day)).days
