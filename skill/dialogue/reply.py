"""What an action works with: the context it reads and the reply it builds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from skill.content import Content
from skill.dialogue.events import Event
from skill.dialogue.phrasing import PAUSE_KEY, Picker
from skill.dialogue.state import DialogueState, ParamValue, Part, Ref
from skill.dialogue.table import END


@dataclass
class Reply:
    """What an action says and shows, and any change to where the conversation goes.

    ``show`` names what a card or screen shows: ``("principle", prefix)``, ``("reflection", id, step)``
    or ``("safety", kind)``.
    """

    content: Content
    picker: Picker
    parts: list[Part] = field(default_factory=list)
    show: tuple[str, ...] = ()
    ends: bool = False
    goto: str | None = None
    replay: DialogueState | None = None
    effects: list[str] = field(default_factory=list)

    def say(self, key: str, **params: ParamValue) -> None:
        self.parts.append(Part(key, self.picker.pick(key), tuple(params.items())))

    def ref(self, key: str) -> Ref:
        return Ref(key, self.picker.pick(key))

    def pause(self, seconds: int) -> None:
        """Real silence: rendered as SSML breaks of at most 10 s each."""
        self.parts.append(Part(PAUSE_KEY, seconds))

    def end(self) -> None:
        self.ends = True
        self.goto = END


@dataclass(frozen=True)
class Ctx:
    """Everything an action may read."""

    state: DialogueState
    event: Event
    content: Content
    reply: Reply


Action = Callable[[Ctx], DialogueState]
