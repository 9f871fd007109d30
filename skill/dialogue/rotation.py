"""The daily principle: one principle per person per local day, all of them before any repeats.

Pure: no I/O. The caller loads a :class:`Rotation` and a :class:`Streak`, calls
:func:`todays_principle` and :func:`record_listen`, and stores what they return.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Rotation:
    """A shuffled cycle of principle ids and how far through it a person is.

    ``position`` counts the principles of ``order`` served so far in this cycle, so the one
    served on ``day`` (an ISO date) is ``order[position - 1]``.
    """

    order: tuple[str, ...] = ()
    position: int = 0
    day: str | None = None


@dataclass(frozen=True)
class Streak:
    """Consecutive local days on which the person heard their daily principle."""

    count: int = 0
    day: str | None = None


def todays_principle(
    rotation: Rotation | None, principle_ids: Sequence[str], today: date, rng: random.Random
) -> tuple[str, Rotation]:
    """The principle for ``today`` and the rotation to store (the same object if nothing changed).

    A day already served, or a day earlier than the last one served (a clock or time-zone
    change), gives the last principle again without advancing.
    """
    ids = tuple(dict.fromkeys(principle_ids))
    if not ids:
        raise ValueError("no principle ids")
    current = rotation or Rotation()
    reconciled, lost_current = _reconcile(current, ids, rng)
    last_day = date.fromisoformat(reconciled.day) if reconciled.day else None
    served = last_day is not None and reconciled.position > 0 and not lost_current
    if served and today <= last_day:
        return reconciled.order[reconciled.position - 1], reconciled
    day = max(today, last_day) if last_day else today
    return _advance(reconciled, ids, day.isoformat(), rng)


def record_listen(streak: Streak | None, today: date) -> Streak:
    """The streak after listening on ``today``: the next day adds one, a gap starts again at one."""
    if streak is None or streak.day is None or streak.count <= 0:
        return Streak(1, today.isoformat())
    last = date.fromisoformat(streak.day)
    if today <= last:
        return streak
    if today - last == timedelta(days=1):
        return Streak(streak.count + 1, today.isoformat())
    return Streak(1, today.isoformat())


def local_date(timestamp: datetime, tz_name: str | None) -> date:
    """The calendar date at ``timestamp`` in the IANA zone ``tz_name``; UTC for None or an unknown zone.

    A naive ``timestamp`` is taken to be UTC (Alexa request timestamps are UTC).
    """
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    return timestamp.astimezone(_zone(tz_name)).date()


def fallback_principle(principle_ids: Sequence[str], today: date) -> str:
    """A principle chosen by the date alone, for when a person's rotation cannot be read."""
    ids = tuple(dict.fromkeys(principle_ids))
    if not ids:
        raise ValueError("no principle ids")
    return ids[today.toordinal() % len(ids)]


def _zone(tz_name: str | None) -> tzinfo:
    if not tz_name:
        return UTC
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def _reconcile(rotation: Rotation, ids: tuple[str, ...], rng: random.Random) -> tuple[Rotation, bool]:
    """Fit ``rotation`` to the current ids; also say whether the principle served on its day is gone.

    Unknown ids are dropped, new ids are placed at random among those not yet served this cycle.
    """
    known = set(ids)
    position = min(max(rotation.position, 0), len(rotation.order))
    order = tuple(dict.fromkeys(rotation.order))
    if order == rotation.order and position == rotation.position and set(order) == known:
        return rotation, False
    served_ids = rotation.order[:position]
    served = [i for i in dict.fromkeys(served_ids) if i in known]
    rest = [i for i in dict.fromkeys(rotation.order[position:]) if i in known and i not in served]
    for new in (i for i in ids if i not in served and i not in rest):
        rest.insert(rng.randrange(len(rest) + 1), new)
    lost_current = bool(served_ids) and served_ids[-1] not in known
    return Rotation(tuple(served + rest), len(served), rotation.day), lost_current


def _advance(rotation: Rotation, ids: tuple[str, ...], day: str, rng: random.Random) -> tuple[str, Rotation]:
    if rotation.position < len(rotation.order):
        chosen = rotation.order[rotation.position]
        return chosen, Rotation(rotation.order, rotation.position + 1, day)
    previous = rotation.order[-1] if rotation.order else None
    order = _shuffled(ids, rng, avoid_first=previous)
    return order[0], Rotation(order, 1, day)


def _shuffled(ids: tuple[str, ...], rng: random.Random, avoid_first: str | None) -> tuple[str, ...]:
    order = list(ids)
    rng.shuffle(order)
    if len(order) > 1 and order[0] == avoid_first:
        swap = rng.randrange(1, len(order))
        order[0], order[swap] = order[swap], order[0]
    return tuple(order)
