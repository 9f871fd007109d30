"""The free-text safety net, and matching free text to a situation.

Text arrives in memory (a SearchQuery slot, or any slot value), is checked, and is dropped: it is never
stored or logged. The screen leans toward false positives: a phrase matches wherever its words appear
in a row.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

SITUATION_MATCH_CUTOFF = 0.72
# Carrier words a free-text sample puts before the slot ("I feel {Query}"); matching ignores them.
_CARRIERS = re.compile(r"^(i feel|i'm feeling|i am|i'm|my partner|my boyfriend|my girlfriend|my husband|my wife|"
                       r"he|she|they just|they|i think|i just|it's that|i keep)\s+")


def words(text: str) -> str:
    """Lower-case words separated by single spaces, with apostrophes kept and curly ones straightened."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


class SafetyScreen:
    """Finds crisis or abuse phrases in free text; which kind matched, or None."""

    def __init__(self, screen: Mapping[str, tuple[str, ...]]) -> None:
        self._phrases = [(kind, f" {words(p)} ") for kind, phrases in screen.items() for p in phrases]
        # Self-harm is checked first: when both match, the crisis line is the safer first answer.
        self._phrases.sort(key=lambda item: item[0] != "self_harm")

    def check(self, text: str) -> str | None:
        padded = f" {words(text)} "
        for kind, phrase in self._phrases:
            if phrase in padded:
                return kind
        return None


class SituationMatcher:
    """The situation whose sample utterances free text is closest to, if any is close enough."""

    def __init__(self, utterances: Mapping[str, tuple[str, ...]]) -> None:
        self._owner: dict[str, str] = {}
        for situation, samples in utterances.items():
            for sample in samples:
                self._owner.setdefault(_core(sample), situation)

    def match(self, text: str) -> str | None:
        close = difflib.get_close_matches(_core(text), list(self._owner), n=1, cutoff=SITUATION_MATCH_CUTOFF)
        return self._owner[close[0]] if close else None


def _core(text: str) -> str:
    return _CARRIERS.sub("", words(text))
