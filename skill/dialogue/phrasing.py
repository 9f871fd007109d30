"""Pick phrasings from pools without repeating the last one, and render picked parts to SSML."""

from __future__ import annotations

import random
import string
from collections.abc import Iterable

from skill.content import Content
from skill.content.ssml import MAX_BREAK_MS, escape
from skill.dialogue.state import RECENT_LIMIT, ParamValue, Part, Ref

# A part with this key is silence: its index is the length in seconds. It is not a content pool.
PAUSE_KEY = "pause"


class Picker:
    """Chooses a phrasing per pool at random, never the one this session used last for that pool."""

    def __init__(self, content: Content, rng: random.Random, recent: Iterable[tuple[str, int]]) -> None:
        self._content = content
        self._rng = rng
        self._recent = dict(recent)

    def pick(self, key: str) -> int:
        size = len(self._content.pool(key))
        if size == 1:
            return 0
        previous = self._recent.pop(key, None)
        choices = [i for i in range(size) if i != previous] or [0]
        index = self._rng.choice(choices)
        self._recent[key] = index
        return index

    def choice(self, items: list):
        """One of ``items`` at random, from the same seedable source as the phrasings."""
        return self._rng.choice(items)

    @property
    def recent(self) -> tuple[tuple[str, int], ...]:
        """The most recent picks, oldest first, bounded so session state stays small."""
        return tuple(self._recent.items())[-RECENT_LIMIT:]


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders a phrasing uses."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _phrasing(content: Content, key: str, index: int) -> str:
    pool = content.pool(key)
    return pool[index % len(pool)]


def _value(content: Content, value: ParamValue) -> str:
    if isinstance(value, Ref):
        return _phrasing(content, value.key, value.index)
    return escape(str(value))


def silence(seconds: int) -> str:
    """SSML breaks adding up to ``seconds``, none longer than Alexa's 10 s limit."""
    whole, rest = divmod(seconds * 1000, MAX_BREAK_MS)
    breaks = [f'<break time="{MAX_BREAK_MS // 1000}s"/>'] * whole
    if rest:
        breaks.append(f'<break time="{rest}ms"/>')
    return "".join(breaks)


def render_part(content: Content, part: Part) -> str:
    """The SSML for one part, with its placeholders filled (literal values escaped)."""
    if part.key == PAUSE_KEY:
        return silence(part.index)
    text = _phrasing(content, part.key, part.index)
    if not part.params:
        return text
    return text.format_map({name: _value(content, value) for name, value in part.params})


def render(content: Content, parts: Iterable[Part]) -> str:
    """The SSML (inside ``<speak>``) for a sequence of parts."""
    return " ".join(render_part(content, part) for part in parts)
