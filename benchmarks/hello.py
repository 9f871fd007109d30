"""The baseline skill: the least an ask-sdk-core skill can do, answering a LaunchRequest with "Hello."

It is invoked the way a stock ask-sdk-core skill behind a web route is: parse the body, deserialize the envelope
with the SDK's DefaultSerializer (from JSON text), invoke, serialize the response, and dump it to JSON bytes.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import RequestEnvelope, Response


class _Hello(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak("Hello.").response


class HelloSkill:
    """One LaunchRequest handler; :meth:`answer` is bytes in, bytes out, like the route's work."""

    def __init__(self) -> None:
        builder = SkillBuilder()
        builder.add_request_handler(_Hello())
        self._skill = builder.create()
        self._serializer = DefaultSerializer()

    def answer(self, body: bytes) -> bytes:
        payload = json.loads(body)
        envelope = self._serializer.deserialize(json.dumps(payload), RequestEnvelope)
        response = self._skill.invoke(request_envelope=envelope, context=None)
        return json.dumps(self._serializer.serialize(response)).encode()


def hello_app() -> Any:
    """The hello skill behind a bare Flask route, as the Flask baselines serve it."""
    from flask import Flask, request
    from flask import Response as HttpResponse

    skill = HelloSkill()
    app = Flask(__name__)

    @app.post("/alexa")
    def alexa() -> HttpResponse:
        return HttpResponse(skill.answer(request.get_data()), mimetype="application/json")

    return app
