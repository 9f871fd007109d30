"""Conversation state: a small value that travels in Alexa session attributes as JSON.

It holds where the conversation is and which phrasings were used, never anything the person said.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, Union

RECENT_LIMIT = 24
TURN_COUNT_CAP = 999
BASE_PACE = 100  # percent: reflection pauses at their written length


@dataclass(frozen=True)
class Ref:
    """A phrasing picked from another pool, used as a placeholder value (an offer's options)."""

    key: str
    index: int


ParamValue = Union[int, str, Ref]


@dataclass(frozen=True)
class Part:
    """One spoken piece of a turn: a pool key, the phrasing picked, and placeholder values."""

    key: str
    index: int
    params: tuple[tuple[str, ParamValue], ...] = ()

    def to_json(self) -> list:
        if not self.params:
            return [self.key, self.index]
        return [self.key, self.index, {k: ([v.key, v.index] if isinstance(v, Ref) else v) for k, v in self.params}]

    @classmethod
    def from_json(cls, raw: Any) -> Part:
        if not isinstance(raw, list) or len(raw) not in (2, 3):
            raise ValueError("a part is [key, index] or [key, index, params]")
        key, index = raw[0], raw[1]
        if not isinstance(key, str) or not isinstance(index, int) or isinstance(index, bool):
            raise ValueError("bad part")
        params: list[tuple[str, ParamValue]] = []
        for name, value in (raw[2] if len(raw) == 3 else {}).items():
            params.append((str(name), _param_from_json(value)))
        return cls(key, index, tuple(params))


def _param_from_json(value: Any) -> ParamValue:
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], int):
        return Ref(value[0], value[1])
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return value
    raise ValueError("bad parameter")


@dataclass(frozen=True)
class DialogueState:
    """Where the conversation stands. Serialises to a few hundred bytes of JSON.

    ``abuse`` marks a session in which the person disclosed abuse: guidance that could be unsafe is
    withheld for the rest of it. ``last_show`` says what the last turn showed on a card or screen.
    """

    node: str = "start"
    situation: str | None = None
    principle: str | None = None
    heard: tuple[str, ...] = ()
    offer: tuple[str, ...] = ()
    reflection: str | None = None
    step: int = 0
    pace: int = BASE_PACE
    list_start: int = 0
    disclosure: str | None = None
    abuse: bool = False
    misses: int = 0
    turns: int = 0
    last: tuple[Part, ...] = ()
    last_reprompt: tuple[Part, ...] = ()
    last_show: tuple[str, ...] = ()
    recent: tuple[tuple[str, int], ...] = field(default=())

    def to_json(self) -> dict:
        """The state as JSON-ready data, leaving out fields at their defaults (it runs every turn, so it
        builds the dict directly rather than through ``dataclasses.asdict``'s deep copy)."""
        data: dict[str, Any] = {
            "node": self.node, "situation": self.situation, "principle": self.principle,
            "heard": list(self.heard), "offer": list(self.offer), "reflection": self.reflection,
            "step": self.step, "pace": None if self.pace == BASE_PACE else self.pace,
            "list_start": self.list_start, "disclosure": self.disclosure, "abuse": self.abuse,
            "misses": self.misses, "turns": self.turns,
            "last": [p.to_json() for p in self.last], "last_reprompt": [p.to_json() for p in self.last_reprompt],
            "last_show": list(self.last_show), "recent": [[k, i] for k, i in self.recent],
        }
        return {k: v for k, v in data.items() if v not in (None, [], 0, False) or k == "node"}

    def dumps(self) -> str:
        """The state as compact JSON text: what travels in the session attributes. One string, because the
        SDK deep-copies the attributes on every request and a string copies for free."""
        return json.dumps(self.to_json(), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: Any) -> DialogueState:
        """Rebuild a state from :meth:`dumps` text or :meth:`to_json` data; anything malformed gives a
        fresh state rather than an error."""
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except (ValueError, RecursionError):
                return cls()
        if not isinstance(raw, dict):
            return cls()
        try:
            return cls._parse(raw)
        except (TypeError, ValueError, AttributeError):
            return cls()

    @classmethod
    def _parse(cls, raw: dict) -> DialogueState:
        known = {f.name for f in fields(cls)}
        if set(raw) - known:
            raise ValueError("unknown state fields")
        return cls(
            node=_text(raw.get("node", "start")),
            situation=_optional_text(raw.get("situation")),
            principle=_optional_text(raw.get("principle")),
            heard=tuple(_text(h) for h in raw.get("heard", [])),
            offer=tuple(_text(o) for o in raw.get("offer", [])),
            reflection=_optional_text(raw.get("reflection")),
            step=_small_int(raw.get("step", 0)),
            pace=_small_int(raw.get("pace", BASE_PACE)),
            list_start=_small_int(raw.get("list_start", 0)),
            disclosure=_optional_text(raw.get("disclosure")),
            abuse=_flag(raw.get("abuse", False)),
            misses=_small_int(raw.get("misses", 0)),
            turns=_small_int(raw.get("turns", 0)),
            last=tuple(Part.from_json(p) for p in raw.get("last", [])),
            last_reprompt=tuple(Part.from_json(p) for p in raw.get("last_reprompt", [])),
            last_show=tuple(_text(s) for s in raw.get("last_show", [])),
            recent=tuple((_text(k), _small_int(i)) for k, i in raw.get("recent", [])),
        )


def _text(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise ValueError("expected a short string")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _small_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= TURN_COUNT_CAP:
        raise ValueError("expected a small whole number")
    return value
