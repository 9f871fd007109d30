"""The skill as one callable: an Alexa envelope (dict) in, a response envelope (dict) and a log record out.

Flask (``skill.web``) and AWS Lambda both call :meth:`SkillRunner.handle`; neither knows about ask_sdk.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope

from skill.alexa.handlers import (
    STATE_ATTRIBUTE,
    ApologyHandler,
    ConversationHandler,
    OtherRequestHandler,
    Services,
    SessionEndedHandler,
    SkillEventHandler,
    TurnRecord,
)
from skill.alexa.privacy import hash_user_id
from skill.alexa.serializer import EnvelopeSerializer
from skill.alexa.shape import application_ids, envelope_problem, user_id
from skill.alexa.timezone import TimedApiClient, TimeZoneLookup, settings_api_time_zone
from skill.content import Library, load_library
from skill.dialogue import DialogueState, check_content
from skill.settings import Settings
from skill.store import Store, open_store


MAX_STATE_CHARS = 8192


class RequestRejected(Exception):
    """The envelope is not one this skill will answer (malformed, or for another skill)."""


class SkillRunner:
    """Builds the ask-sdk skill once and answers envelopes with it."""

    def __init__(self, library: Library, *, id_salt: str, skill_ids: Iterable[str] = (),
                 seed: int | None = None, store: Store | None = None,
                 time_zone: TimeZoneLookup = settings_api_time_zone) -> None:
        self._id_salt = id_salt
        self._skill_ids = frozenset(skill_ids)
        self._seed = seed
        self._serializer = EnvelopeSerializer()
        self.store = store
        services = Services(library, self._rng_for, store, time_zone)
        builder = CustomSkillBuilder(api_client=TimedApiClient())
        for handler in (ConversationHandler(services), SkillEventHandler(services), SessionEndedHandler(),
                        OtherRequestHandler()):
            builder.add_request_handler(handler)
        builder.add_exception_handler(ApologyHandler(services))
        self._skill = builder.create()

    def _rng_for(self, handler_input: HandlerInput, state: DialogueState) -> random.Random:
        """System randomness in production; with a seed, the same session and turn always pick alike."""
        if self._seed is None:
            return random.Random()
        session = handler_input.request_envelope.session
        session_id = getattr(session, "session_id", None) or "-"
        return random.Random(f"{self._seed}:{session_id}:{state.turns}")

    def handle(self, payload: Any) -> tuple[dict[str, Any], TurnRecord]:
        """Answer one envelope. Raises :class:`RequestRejected` for input that is not a request for this skill."""
        problem = envelope_problem(payload)
        if problem:
            raise RequestRejected(problem)
        if self._skill_ids and not application_ids(payload) <= self._skill_ids:
            raise RequestRejected("skill ID does not match")
        record = TurnRecord(request_type=payload["request"]["type"], user=hash_user_id(user_id(payload), self._id_salt))
        persistence = _persistence_status(payload)
        if persistence is not None:
            record.extra["persistence"] = persistence
        try:
            envelope = self._serializer.from_data(_own_attributes_only(payload), RequestEnvelope)
        except (AskSdkException, ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
            raise RequestRejected(f"envelope does not match Alexa's request format ({type(exc).__name__})") from exc
        response = self._skill.invoke(request_envelope=envelope, context=record)
        return self._serializer.serialize(response), record


def _own_attributes_only(payload: dict[str, Any]) -> dict[str, Any]:
    """The envelope with only the session attribute this skill writes (its state, as a bounded string).
    Anything else a caller put there is dropped before the SDK deep-copies it."""
    session = payload.get("session")
    if not isinstance(session, dict) or not session.get("attributes"):
        return payload
    state = session["attributes"].get(STATE_ATTRIBUTE) if isinstance(session["attributes"], dict) else None
    kept = {STATE_ATTRIBUTE: state} if isinstance(state, str) and len(state) <= MAX_STATE_CHARS else {}
    return {**payload, "session": {**session, "attributes": kept}}


def _persistence_status(payload: dict[str, Any]) -> str | None:
    """SkillDisabled's ``body.userInformationPersistenceStatus``, read from the raw JSON because
    ask-sdk-model has no ``body`` for that request. Logged only: the data is deleted either way."""
    body = payload["request"].get("body")
    status = body.get("userInformationPersistenceStatus") if isinstance(body, dict) else None
    return status if status in ("PERSISTED", "NOT_PERSISTED") else None


def load_checked_library(settings: Settings) -> Library:
    """Load the content and check it against the dialogue; raises ContentError naming file and path."""
    library = load_library(settings.content_dir)
    for content in library.all_contents():
        check_content(content)
    return library


def build_runner(settings: Settings, library: Library, *, store: Store | None = None,
                 time_zone: TimeZoneLookup = settings_api_time_zone) -> SkillRunner:
    """The skill as the settings describe it, with the configured store unless one is passed in."""
    return SkillRunner(library, id_salt=settings.id_salt, skill_ids=settings.skill_ids, seed=settings.seed,
                       store=store if store is not None else open_store(settings), time_zone=time_zone)
