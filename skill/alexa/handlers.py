"""ask-sdk-core handlers: turn requests into dialogue events and Turns into responses."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.alexa import display
from skill.alexa.progress import Progress
from skill.alexa.routing import IntentRouter
from skill.alexa.timezone import TimeZoneLookup
from skill.content import Content, Library
from skill.dialogue import DialogueState, Event, Turn, step
from skill.dialogue.machine import default_machine
from skill.dialogue.rotation import local_date
from skill.dialogue.turn import CLEAR_BOOKMARK, DELETE_DATA, SAVE_BOOKMARK
from skill.store import Store

log = logging.getLogger("skill.alexa")

STATE_ATTRIBUTE = "dialogue"
SKILL_EVENTS = ("AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillDisabled")


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
    """What the handlers share: content for every locale with its intent routers, the store, the
    time-zone lookup, and a random source per turn."""

    def __init__(self, library: Library, rng_for: Callable[[HandlerInput, DialogueState], random.Random],
                 store: Store | None, time_zone: TimeZoneLookup) -> None:
        self.library = library
        self.rng_for = rng_for
        self.store = store
        self.time_zone = time_zone
        self._routers = {content.locale: IntentRouter(content) for content in library.all_contents()}

    def router(self, content: Content) -> IntentRouter:
        return self._routers[content.locale]

    def progress(self, handler_input: HandlerInput, content: Content) -> Progress:
        return Progress(self.store, record_of(handler_input).user, tuple(p.id for p in content.principles))

    def local_day(self, handler_input: HandlerInput) -> date:
        """The person's date: the request's timestamp (Alexa's clock) in the device's time zone."""
        return local_date(handler_input.request_envelope.request.timestamp, self.time_zone(handler_input))


def record_of(handler_input: HandlerInput) -> TurnRecord:
    context = handler_input.context
    return context if isinstance(context, TurnRecord) else TurnRecord()


def apply_turn(handler_input: HandlerInput, turn: Turn) -> Response:
    """Speak a Turn: SSML, reprompt, card and screen, and the end-of-session flag."""
    builder = handler_input.response_builder
    builder.speak(turn.speech)
    if turn.reprompt is not None:
        builder.ask(turn.reprompt)
    display.show(handler_input, turn)
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
        progress = self._services.progress(handler_input, content)
        event = self._event(handler_input, content, state, progress)
        new_state, turn = step(state, event, content, self._services.rng_for(handler_input, state))
        _carry_out(turn, progress)
        if progress.failed:
            record_of(handler_input).extra["store"] = "unavailable"
        attributes[STATE_ATTRIBUTE] = new_state.dumps()
        return apply_turn(handler_input, turn)

    def _event(self, handler_input: HandlerInput, content: Content, state: DialogueState,
               progress: Progress) -> Event:
        request = handler_input.request_envelope.request
        if is_request_type("LaunchRequest")(handler_input):
            event = Event("launch")
        else:
            record_of(handler_input).intent = request.intent.name
            event = self._services.router(content).event(request.intent.name, request.intent.slots, new_user=True)
        uses_today = default_machine().uses_today(state, event.name)
        if state.turns > 0 and not uses_today:
            return event
        today = self._services.local_day(handler_input)
        if state.turns == 0:
            visit = progress.visit(today)
            event = replace(event, new_user=visit.new_user, streak=visit.streak,
                            bookmark=visit.bookmark)
        if uses_today:
            event = replace(event, principle=progress.serve_today(today))
        return event


def _carry_out(turn: Turn, progress: Progress) -> None:
    """Apply what the turn asks of stored progress."""
    if DELETE_DATA in turn.effects:
        progress.delete()
    if SAVE_BOOKMARK in turn.effects and turn.bookmark is not None:
        progress.save_bookmark(*turn.bookmark)
    if CLEAR_BOOKMARK in turn.effects:
        progress.clear_bookmark()


class SkillEventHandler(AbstractRequestHandler):
    """SkillEnabled is acknowledged; SkillDisabled deletes what the skill stores about the person.
    Both are out of session and get no speech."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_request_type(kind)(handler_input) for kind in SKILL_EVENTS)

    def handle(self, handler_input: HandlerInput) -> Response:
        if is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input):
            content = self._services.library.for_locale(getattr(handler_input.request_envelope.request, "locale", None))
            progress = self._services.progress(handler_input, content)
            progress.delete()
            record_of(handler_input).extra["deleted"] = "no" if progress.failed else "yes"
        return handler_input.response_builder.response


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
