"""Match typed text to an intent and slots, using the committed interaction model's sample utterances.

A small stand-in for Alexa's language understanding: exact samples and Alexa's built-in phrases first,
then samples with typed slots, then a tolerant match for small wording differences, and last the
free-text samples (an ``AMAZON.SearchQuery`` slot after a carrier phrase), which catch anything else.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from skill.alexa.envelopes import slot as slot_json

FUZZY_THRESHOLD = 0.82
SEARCH_QUERY = "AMAZON.SearchQuery"

# Phrases Alexa's built-in intents understand (a representative subset), for intents the model lists.
BUILTIN_PHRASES: Mapping[str, tuple[str, ...]] = {
    "AMAZON.YesIntent": ("yes", "yeah", "yep", "sure", "ok", "okay", "yes please", "please do", "alright"),
    "AMAZON.NoIntent": ("no", "nope", "no thanks", "no thank you", "not really", "not now"),
    "AMAZON.HelpIntent": ("help", "help me", "what can i say", "what can you do", "how does this work"),
    "AMAZON.StopIntent": ("stop", "quit", "exit", "goodbye", "bye", "be quiet", "off"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "forget it"),
    "AMAZON.RepeatIntent": ("repeat", "repeat that", "say that again", "what did you say", "again"),
    "AMAZON.StartOverIntent": ("start over", "restart", "begin again", "start again", "from the top"),
    "AMAZON.NavigateHomeIntent": ("go home", "home"),
    "AMAZON.NextIntent": ("next", "skip", "go on", "move on"),
    "AMAZON.PreviousIntent": ("previous", "go back", "back", "back up"),
    "AMAZON.PauseIntent": ("pause", "hold on", "wait", "pause that"),
    "AMAZON.ResumeIntent": ("continue", "resume", "keep going", "carry on"),
}

_NUMBER_WORDS = {
    word: i for i, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split())
}
_NUMBER_WORDS.update({"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                      "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10})
_SLOT = re.compile(r"\{(\w+)\}")


def normalise(text: str) -> str:
    """Lower-case words with apostrophes kept: how Alexa hands us speech, roughly."""
    text = text.lower().replace("\u2019", "'")
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


@dataclass(frozen=True)
class Match:
    """An intent name and its slots in Alexa's JSON shape."""

    intent: str
    slots: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _SlotSample:
    intent: str
    pattern: re.Pattern
    slot_types: Mapping[str, str]


class UtteranceMatcher:
    """Built from one locale's interaction model JSON."""

    def __init__(self, model: Mapping[str, Any]) -> None:
        language = model["interactionModel"]["languageModel"]
        self._exact: dict[str, str] = {}
        self._with_slots: list[_SlotSample] = []
        self._free_text: list[_SlotSample] = []
        self._values: dict[str, dict[str, str]] = {}
        for slot_type in language.get("types", []):
            values = self._values.setdefault(slot_type["name"], {})
            for value in slot_type.get("values", []):
                for phrase in (value["name"]["value"], *value["name"].get("synonyms", [])):
                    values[normalise(phrase)] = value["id"]
        for intent in language["intents"]:
            name = intent["name"]
            types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            for sample in intent.get("samples", []):
                if _SLOT.search(sample):
                    free = SEARCH_QUERY in {types.get(slot) for slot in _SLOT.findall(sample)}
                    (self._free_text if free else self._with_slots).append(_SlotSample(name, _pattern(sample), types))
                else:
                    self._exact.setdefault(normalise(sample), name)
            for phrase in BUILTIN_PHRASES.get(name, ()):
                self._exact.setdefault(phrase, name)

    def match(self, text: str) -> Match:
        said = normalise(text)
        if said in self._exact:
            return Match(self._exact[said])
        found = self._slot_match(said, self._with_slots)
        if found is not None:
            return found
        close = difflib.get_close_matches(said, list(self._exact), n=1, cutoff=FUZZY_THRESHOLD)
        if close:
            return Match(self._exact[close[0]])
        return self._slot_match(said, self._free_text) or Match("AMAZON.FallbackIntent")

    def _slot_match(self, said: str, samples: list[_SlotSample]) -> Match | None:
        for sample in samples:
            found = sample.pattern.match(said)
            if found:
                slots = self._slots(found.groupdict(), sample.slot_types)
                if slots is not None:
                    return Match(sample.intent, slots)
        return None

    def _slots(self, captured: Mapping[str, str], types: Mapping[str, str]) -> dict[str, Any] | None:
        slots = {}
        for name, value in captured.items():
            kind = types.get(name, "")
            if kind == "AMAZON.NUMBER":
                number = _number(value)
                if number is None:
                    return None
                slots[name] = slot_json(name, str(number))
            elif kind in self._values:
                slots[name] = slot_json(name, value, self._resolve(kind, value), authority=kind)
            else:
                slots[name] = slot_json(name, value)
        return slots

    def _resolve(self, kind: str, value: str) -> str | None:
        values = self._values[kind]
        if value in values:
            return values[value]
        close = difflib.get_close_matches(value, list(values), n=1, cutoff=FUZZY_THRESHOLD)
        return values[close[0]] if close else None


def _pattern(sample: str) -> re.Pattern:
    """A regular expression for a sample with slots: words as they are, each slot as a capture."""
    pieces = []
    for piece in re.split(r"(\{\w+\})", sample):
        slot_name = _SLOT.fullmatch(piece)
        if slot_name:
            pieces.append(f"(?P<{slot_name.group(1)}>.+?)")
        elif normalise(piece):
            pieces.append(re.escape(normalise(piece)))
    return re.compile("^" + " ".join(pieces) + "$")


def _number(value: str) -> int | None:
    value = value.strip()
    if value.isdigit():
        return int(value)
    return _NUMBER_WORDS.get(value)
