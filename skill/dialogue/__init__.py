"""The conversation as a pure state machine: ``step(state, event, content, rng) -> (state, Turn)``.

No Flask, no ask_sdk, no I/O: everything the machine needs arrives in its arguments.
"""

from skill.dialogue.events import Event
from skill.dialogue.machine import check_content, dialog_keys, step
from skill.dialogue.state import DialogueState
from skill.dialogue.turn import Card, Turn

__all__ = ["Card", "DialogueState", "Event", "Turn", "check_content", "dialog_keys", "step"]
