"""The free-text safety net, and matching free text to a situation.

Text arrives in memory (a SearchQuery slot, or any slot value), is checked, and is dropped: it is never
stored or logged. The screen leans toward false positives: a phrase matches wherever its words appear in
order with at most two other words between each ("takes my money" matches "he takes all my money");
phrases of two words match only as written.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from collections.abc import Mapping

SITUATION_MATCH_CUTOFF = 0.72
MAX_GAP_WORDS = 2
GAPS_FROM_WORDS = 3  # two-word phrases ("scared me") match only as written
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
        # Self-harm is checked first: when both match, the crisis line is the safer first answer.
        kinds = sorted(screen, key=lambda kind: kind != "self_harm")
        self._patterns = [(kind, _pattern(tuple(screen[kind]))) for kind in kinds if screen[kind]]

    def check(self, text: str) -> str | None:
        said = words(text)
        for kind, pattern in self._patterns:
            if pattern.search(said):
                return kind
        return None


class SituationMatcher:
    """The situation free text is about: the longest sample whose words all appear in it, in order, else the
    sample it is closest to, if any is close enough."""

    def __init__(self, utterances: Mapping[str, tuple[str, ...]]) -> None:
        self._owner: dict[str, str] = {}
        for situation, samples in utterances.items():
            for sample in samples:
                self._owner.setdefault(_core(sample), situation)
        self._by_length = sorted((core for core in self._owner if len(core.split()) >= 2),
                                 key=lambda core: len(core.split()), reverse=True)

    def match(self, text: str) -> str | None:
        said = _core(text)
        for core in self._by_length:
            if _in_order(core.split(), said.split()):
                return self._owner[core]
        close = difflib.get_close_matches(said, list(self._owner), n=1, cutoff=SITUATION_MATCH_CUTOFF)
        return self._owner[close[0]] if close else None


@lru_cache(maxsize=8)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern:
    """One expression for a list of phrases: each phrase's words in order, a few other words allowed between."""
    gap = rf"(?: \S+){{0,{MAX_GAP_WORDS}}} "
    alternatives = sorted({(gap if len(words(p).split()) >= GAPS_FROM_WORDS else " ").join(map(re.escape, words(p).split()))
                           for p in phrases if words(p)}, key=len, reverse=True)
    return re.compile(r"(?<!\S)(?:" + "|".join(alternatives) + r")(?!\S)")


def _in_order(wanted: list[str], said: list[str]) -> bool:
    remaining = iter(said)
    return all(word in remaining for word in wanted)


def _core(text: str) -> str:
    return _CARRIERS.sub("", words(text))
