"""Typed, immutable records for everything under ``content/``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

DEFAULT_LOCALE = "en-US"


def situation_intent_name(situation_id: str) -> str:
    """The Alexa intent name for a situation id: ``pushed_away`` -> ``SituationPushedAwayIntent``."""
    return "Situation" + "".join(part.capitalize() for part in situation_id.split("_")) + "Intent"


@dataclass(frozen=True)
class Principle:
    """One of the ten principles, with everything the skill can say about it."""

    id: str
    number: int
    title: str
    short: tuple[str, ...]
    more: str
    practice: str
    question: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Situation:
    """Something a partner brings, how the skill names the feeling, and which principles apply."""

    id: str
    name: str
    utterances: tuple[str, ...]
    validate: tuple[str, ...]
    principles: tuple[str, ...]
    choice: str

    @property
    def intent_name(self) -> str:
        return situation_intent_name(self.id)


@dataclass(frozen=True)
class IntentSpec:
    """One of the skill's own intents: its samples, slots, and the dialogue event it raises."""

    name: str
    event: str
    samples: tuple[str, ...]
    slots: Mapping[str, str]


@dataclass(frozen=True)
class Source:
    """Where a pool came from, for error messages."""

    file: str
    path: str


@dataclass(frozen=True)
class Content:
    """All content for one locale. ``pools`` maps a dialog key to its phrasings."""

    locale: str
    invocation: str
    principles: tuple[Principle, ...]
    situations: tuple[Situation, ...]
    intents: tuple[IntentSpec, ...]
    builtins: Mapping[str, str]
    pools: Mapping[str, tuple[str, ...]]
    sources: Mapping[str, Source]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_principles_by_id", MappingProxyType({p.id: p for p in self.principles}))
        object.__setattr__(self, "_principles_by_number", MappingProxyType({p.number: p for p in self.principles}))
        object.__setattr__(self, "_situations_by_id", MappingProxyType({s.id: s for s in self.situations}))

    def principle(self, principle_id: str) -> Principle | None:
        return self._principles_by_id.get(principle_id)  # type: ignore[attr-defined]

    def principle_by_number(self, number: int) -> Principle | None:
        return self._principles_by_number.get(number)  # type: ignore[attr-defined]

    def situation(self, situation_id: str) -> Situation | None:
        return self._situations_by_id.get(situation_id)  # type: ignore[attr-defined]

    def principle_for_phrase(self, phrase: str) -> Principle | None:
        """Find a principle by its title or one of its synonyms, ignoring case and punctuation."""
        wanted = _normalise(phrase)
        for principle in self.principles:
            if wanted in {_normalise(principle.title), *(_normalise(s) for s in principle.synonyms)}:
                return principle
        return None

    def pool(self, key: str) -> tuple[str, ...]:
        return self.pools[key]


def _normalise(phrase: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", phrase.lower()))


@dataclass(frozen=True)
class Library:
    """Content for every locale the skill speaks, with a fallback for unknown ones."""

    default: Content
    locales: Mapping[str, Content]

    def for_locale(self, locale: str | None) -> Content:
        return self.locales.get(locale or "", self.default)

    @property
    def locale_names(self) -> tuple[str, ...]:
        return tuple(sorted(self.locales))
