"""Dialogue events: what the person did, already resolved from intents and slots."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """One thing the person did.

    ``name`` is one of :data:`skill.dialogue.table.EVENTS`. The optional fields carry what the
    Alexa layer resolved: a situation id, a principle id, and facts about the person that the
    machine may use but never stores (whether they are new, whether they have been here before).
    """

    name: str
    situation: str | None = None
    principle: str | None = None
    slot_missing: bool = False
    new_user: bool = True
