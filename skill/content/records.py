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
class Step:
    """One step of a guided reflection: a prompt (pooled under its key) and the silence after it."""

    key: str
    pause_seconds: int


@dataclass(frozen=True)
class Reflection:
    """A guided reflection: spoken steps with real pauses, linked to principles and situations."""

    id: str
    principles: tuple[str, ...]
    situations: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def title_key(self) -> str:
        return f"reflections.{self.id}.title"

    @property
    def closing_key(self) -> str:
        return f"reflections.{self.id}.closing"


@dataclass(frozen=True)
class Safety:
    """Disclosure handling: which intents carry which disclosure, the free-text screen, and what
    changes in a session after an abuse disclosure."""

    intent_kinds: Mapping[str, str]
    screen: Mapping[str, tuple[str, ...]]
    withhold_after_abuse: frozenset[str]
    replace_after_abuse: Mapping[str, str]


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
    reflections: tuple[Reflection, ...] = ()
    safety: Safety = Safety(MappingProxyType({}), MappingProxyType({}), frozenset(), MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_principles_by_id", MappingProxyType({p.id: p for p in self.principles}))
        object.__setattr__(self, "_principles_by_number", MappingProxyType({p.number: p for p in self.principles}))
        object.__setattr__(self, "_situations_by_id", MappingProxyType({s.id: s for s in self.situations}))
        object.__setattr__(self, "_reflections_by_id", MappingProxyType({r.id: r for r in self.reflections}))

    def principle(self, principle_id: str) -> Principle | None:
        return self._principles_by_id.get(principle_id)  # type: ignore[attr-defined]

    def principle_by_number(self, number: int) -> Principle | None:
        return self._principles_by_number.get(number)  # type: ignore[attr-defined]

    def situation(self, situation_id: str) -> Situation | None:
        return self._situations_by_id.get(situation_id)  # type: ignore[attr-defined]

    def reflection(self, reflection_id: str) -> Reflection | None:
        return self._reflections_by_id.get(reflection_id)  # type: ignore[attr-defined]

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
    """Content for every locale the skill speaks. ``default`` serves unknown locales: the default
    locale's words, with helplines that point to local services instead of one country's numbers."""

    default: Content
    locales: Mapping[str, Content]

    def for_locale(self, locale: str | None) -> Content:
        return self.locales.get(locale or "", self.default)

    @property
    def locale_names(self) -> tuple[str, ...]:
        return tuple(sorted(self.locales))

    def all_contents(self) -> tuple[Content, ...]:
        """Every distinct content: each locale's, then the default for unknown locales."""
        return (*(self.locales[name] for name in self.locale_names), self.default)
