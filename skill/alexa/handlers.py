"""ask-sdk-core handlers: turn requests into dialogue events and Turns into responses."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from skill.alexa.routing import IntentRouter
from skill.content import Content, Library
from skill.dialogue import DialogueState, Event, Turn, step

log = logging.getLogger("skill.alexa")

STATE_ATTRIBUTE = "dialogue"


@dataclass
class TurnRecord:
    """What one request did, for the request log: never utterance text or slot values."""

    request_type: str = "-"
    intent: str | None = None
    keys: tuple[str, ...] = ()
    user: str = "-"
    outcome: str = "ok"
    end_session: bool | None = None
    extra: dict[str, str] = field(default_factory=dict)


class Services:
    """What the handlers share: content for every locale, its intent routers, and a random source per turn."""

    def __init__(self, library: Library, rng_for: Callable[[HandlerInput, DialogueState], random.Random]) -> None:
        self.library = library
        self.rng_for = rng_for
        self._routers = {content.locale: IntentRouter(content) for content in library.all_contents()}

    def router(self, content: Content) -> IntentRouter:
        return self._routers[content.locale]


def record_of(handler_input: HandlerInput) -> TurnRecord:
    context = handler_input.context
    return context if isinstance(context, TurnRecord) else TurnRecord()


def apply_turn(handler_input: HandlerInput, turn: Turn) -> Response:
    """Speak a Turn: SSML, reprompt, a card when a principle was given, and the end-of-session flag."""
    builder = handler_input.response_builder
    builder.speak(turn.speech)
    if turn.reprompt is not None:
        builder.ask(turn.reprompt)
    if turn.card is not None:
        builder.set_card(SimpleCard(title=turn.card.title, content=turn.card.text))
    builder.set_should_end_session(turn.end_session)
    record = record_of(handler_input)
    record.keys = turn.keys
    record.end_session = turn.end_session
    return builder.response


class ConversationHandler(AbstractRequestHandler):
    """LaunchRequest and every IntentRequest go through the dialogue machine."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input) or is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        content = self._services.library.for_locale(request.locale)
        attributes = handler_input.attributes_manager.session_attributes
        state = DialogueState.from_json(attributes.get(STATE_ATTRIBUTE))
        event = self._event(handler_input, content)
        new_state, turn = step(state, event, content, self._services.rng_for(handler_input, state))
        attributes[STATE_ATTRIBUTE] = new_state.to_json()
        return apply_turn(handler_input, turn)

    def _event(self, handler_input: HandlerInput, content: Content) -> Event:
        request = handler_input.request_envelope.request
        if is_request_type("LaunchRequest")(handler_input):
            return Event("launch")
        intent = request.intent
        record_of(handler_input).intent = intent.name
        return self._services.router(content).event(intent.name, intent.slots, new_user=True)


class SessionEndedHandler(AbstractRequestHandler):
    """The session is over (the person left, went silent, or an error ended it): nothing to say."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        reason = getattr(handler_input.request_envelope.request, "reason", None)
        record_of(handler_input).extra["reason"] = str(getattr(reason, "value", reason))
        return handler_input.response_builder.response


class OtherRequestHandler(AbstractRequestHandler):
    """Any other request type gets an empty, valid response rather than an error."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        record_of(handler_input).outcome = "ignored"
        return handler_input.response_builder.response


class ApologyHandler(AbstractExceptionHandler):
    """Any exception: log it with the hashed user ID only, and say a short apology."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        record = record_of(handler_input)
        record.outcome = "error"
        log.error("handler failed user=%s request=%s error=%s", record.user, record.request_type,
                  type(exception).__name__, exc_info=exception)
        request = getattr(handler_input.request_envelope, "request", None)
        content = self._services.library.for_locale(getattr(request, "locale", None))
        apology = random.choice(content.pool("error"))
        builder = handler_input.response_builder
        builder.speak(apology)
        if handler_input.request_envelope.session is not None:
            builder.ask(apology)
        record.keys = ("error",)
        return builder.response
