"""What one turn of the conversation produces, ready for the Alexa layer to speak, show and store."""

from __future__ import annotations

from dataclasses import dataclass

# Effects a turn asks the Alexa layer to carry out on the person's stored progress.
DELETE_DATA = "delete_data"
SAVE_BOOKMARK = "save_bookmark"
CLEAR_BOOKMARK = "clear_bookmark"


@dataclass(frozen=True)
class Card:
    """A card for the Alexa app: a title and plain text."""

    title: str
    text: str


@dataclass(frozen=True)
class Display:
    """What a screen shows: a title, the words, during a reflection a step label, and a hint line."""

    title: str
    text: str
    step_label: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Turn:
    """The machine's answer: dialog keys used, SSML inside ``<speak>``, and whether the session ends.

    ``effects`` name changes to stored progress (see the constants above); ``bookmark`` is where a
    reflection stands (id, step index, pace), for :data:`SAVE_BOOKMARK`.
    """

    keys: tuple[str, ...]
    speech: str
    reprompt: str | None
    card: Card | None
    end_session: bool
    display: Display | None = None
    effects: tuple[str, ...] = ()
    bookmark: tuple[str, int, int] | None = None

    @property
    def speech_ssml(self) -> str:
        return f"<speak>{self.speech}</speak>"

    @property
    def reprompt_ssml(self) -> str | None:
        return None if self.reprompt is None else f"<speak>{self.reprompt}</speak>"
