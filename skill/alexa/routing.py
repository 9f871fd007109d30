"""Turn an Alexa request into a dialogue event: intent name to event, slots to ids.

Slot values are read in memory, screened for crisis and abuse phrases, used to find a principle or a
situation, and then dropped; they are never stored or logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.alexa.screening import SafetyScreen, SituationMatcher
from skill.content import Content
from skill.dialogue import Event

ER_SUCCESS_MATCH = "ER_SUCCESS_MATCH"
FREE_TEXT = "free_text"


def event_names(content: Content) -> Mapping[str, str]:
    """Every intent name the model defines, mapped to the event it raises."""
    names = dict(content.builtins)
    names.update({intent.name: intent.event for intent in content.intents})
    names.update({situation.intent_name: "situation" for situation in content.situations})
    return names


class IntentRouter:
    """Maps intents to events for one locale's content."""

    def __init__(self, content: Content) -> None:
        self._content = content
        self._events = event_names(content)
        self._situations = {s.intent_name: s.id for s in content.situations}
        self._screen = SafetyScreen(content.safety.screen)
        self._matcher = SituationMatcher({s.id: s.utterances for s in content.situations})

    def event(self, intent_name: str, slots: Mapping[str, Any] | None, new_user: bool) -> Event:
        """The event for an intent. Any words in its slots are screened first: a disclosure always wins.
        An intent the model does not have counts as a miss."""
        slots = slots or {}
        for slot in slots.values():
            disclosure = self._screen.check(_slot_value(slot) or "")
            if disclosure is not None:
                return Event("disclosure", disclosure=disclosure, new_user=new_user)
        name = self._events.get(intent_name, "fallback")
        if name == "disclosure":
            return Event(name, disclosure=self._content.safety.intent_kinds[intent_name], new_user=new_user)
        if name == "situation":
            return Event(name, situation=self._situations[intent_name], new_user=new_user)
        if name == "principle":
            return self._principle_event(slots, new_user)
        if name == FREE_TEXT:
            return self._free_text_event(slots, new_user)
        return Event(name, new_user=new_user)

    def _free_text_event(self, slots: Mapping[str, Any], new_user: bool) -> Event:
        text = " ".join(filter(None, (_slot_value(slot) for slot in slots.values())))
        situation = self._matcher.match(text) if text else None
        if situation is None:
            return Event("fallback", new_user=new_user)
        return Event("situation", situation=situation, new_user=new_user)

    def _principle_event(self, slots: Mapping[str, Any], new_user: bool) -> Event:
        number = _slot_value(slots.get("Number"))
        idea_id = _resolved_id(slots.get("Idea"))
        idea = _slot_value(slots.get("Idea"))
        if number is None and idea_id is None and idea is None:
            return Event("principle", slot_missing=True, new_user=new_user)
        principle = None
        if number is not None and number.isdigit():
            principle = self._content.principle_by_number(int(number))
        if principle is None and idea_id is not None:
            principle = self._content.principle(idea_id)
        if principle is None and idea is not None:
            principle = self._content.principle_for_phrase(idea)
        return Event("principle", principle=principle.id if principle else None, new_user=new_user)


def _slot_value(slot: Any) -> str | None:
    value = getattr(slot, "value", None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _resolved_id(slot: Any) -> str | None:
    """The entity-resolution id of a custom slot when Alexa matched one of our values."""
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        status = getattr(getattr(authority, "status", None), "code", None)
        if getattr(status, "value", status) == ER_SUCCESS_MATCH:
            for value in authority.values or []:
                found = getattr(getattr(value, "value", None), "id", None)
                if isinstance(found, str):
                    return found
    return None
