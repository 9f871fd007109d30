"""Dialogue events: what the person did, already resolved from intents and slots."""

from __future__ import annotations

from dataclasses import dataclass

# Intent events the Alexa layer resolves into machine events before stepping: free text is screened
# for disclosures, then matched to a situation, else counted as a miss.
ROUTED_EVENTS = frozenset({"free_text"})


@dataclass(frozen=True)
class Event:
    """One thing the person did.

    ``name`` is one of :data:`skill.dialogue.table.EVENTS`. The optional fields carry what the
    Alexa layer resolved: a situation id; a principle id (for ``daily``, today's principle); the kind
    of a disclosure (``self_harm`` or ``abuse``); and facts from the person's stored progress that the
    machine may speak from but never stores: whether they are new, their streak of days, and where an
    unfinished reflection stopped (reflection id, step index, pace), on a session's first request.
    """

    name: str
    situation: str | None = None
    principle: str | None = None
    slot_missing: bool = False
    new_user: bool = True
    disclosure: str | None = None
    streak: int = 0
    bookmark: tuple[str, int, int] | None = None
