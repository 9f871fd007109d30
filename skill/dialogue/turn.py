"""What one turn of the conversation produces, ready for the Alexa layer to speak."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    """A card for the Alexa app: a title and plain text."""

    title: str
    text: str


@dataclass(frozen=True)
class Turn:
    """The machine's answer: dialog keys used, SSML inside ``<speak>``, and whether the session ends."""

    keys: tuple[str, ...]
    speech: str
    reprompt: str | None
    card: Card | None
    end_session: bool
    effects: tuple[str, ...] = ()

    @property
    def speech_ssml(self) -> str:
        return f"<speak>{self.speech}</speak>"

    @property
    def reprompt_ssml(self) -> str | None:
        return None if self.reprompt is None else f"<speak>{self.reprompt}</speak>"
