"""What a turn shows: a card in the Alexa app on every device, and an APL screen where one exists."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective
from ask_sdk_model.ui import SimpleCard

from skill.dialogue import Turn

APL_TOKEN = "secureBase"
DOCUMENT = "display.json"


@lru_cache(maxsize=None)
def apl_document(name: str = DOCUMENT) -> dict[str, Any]:
    """An APL document shipped in ``skill/alexa/apl``, parsed once."""
    return json.loads(resources.files("skill.alexa.apl").joinpath(name).read_text(encoding="utf-8"))


def datasources(turn: Turn) -> dict[str, Any]:
    """The data the document binds to: title, text, the step label and a hint."""
    display = turn.display
    assert display is not None
    return {APL_TOKEN: {"title": display.title, "text": display.text, "step": display.step_label,
                        "hint": display.hint}}


def supports_apl(handler_input: HandlerInput) -> bool:
    try:
        return get_supported_interfaces(handler_input).alexa_presentation_apl is not None
    except (AttributeError, TypeError):
        return False


def show(handler_input: HandlerInput, turn: Turn) -> None:
    """Add the card, and the APL document when the device has a screen, to the response."""
    builder = handler_input.response_builder
    if turn.card is not None:
        builder.set_card(SimpleCard(title=turn.card.title, content=turn.card.text))
    if turn.display is not None and supports_apl(handler_input):
        builder.add_directive(RenderDocumentDirective(token=APL_TOKEN, document=apl_document(),
                                                      datasources=datasources(turn)))
