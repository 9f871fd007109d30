"""A test-side Alexa: sends real request envelopes through the Flask route and reads the answers."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask.testing import FlaskClient

from skill.alexa import envelopes
from skill.alexa.envelopes import Device
from skill.content.ssml import plain_text
from skill.dialogue import DialogueState, dialog_keys


@dataclass
class Reply:
    """One HTTP answer from the skill, with the dialog keys read back from the session state."""

    status: int
    body: dict[str, Any]

    @property
    def response(self) -> dict[str, Any]:
        return self.body.get("response") or {}

    @property
    def ssml(self) -> str:
        return (self.response.get("outputSpeech") or {}).get("ssml", "")

    @property
    def text(self) -> str:
        return plain_text(self.ssml) if self.ssml else ""

    @property
    def reprompt_ssml(self) -> str | None:
        return ((self.response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml")

    @property
    def ended(self) -> bool:
        return bool(self.response.get("shouldEndSession", True))

    @property
    def card(self) -> dict[str, Any] | None:
        return self.response.get("card")

    @property
    def attributes(self) -> dict[str, Any]:
        return self.body.get("sessionAttributes") or {}

    @property
    def state(self) -> DialogueState:
        return DialogueState.from_json(self.attributes.get("dialogue"))

    @property
    def keys(self) -> tuple[str, ...]:
        return dialog_keys(self.state.last)


@dataclass
class AlexaClient:
    """Plays one person on one device, keeping the session going the way Alexa does."""

    client: FlaskClient
    device: Device = field(default_factory=Device)
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    moment: datetime | None = None

    def post(self, body: dict[str, Any]) -> Reply:
        response = self.client.post("/alexa", data=json.dumps(body), content_type="application/json")
        return Reply(response.status_code, response.get_json(silent=True) or {})

    def _send(self, request: dict[str, Any]) -> Reply:
        new = self.session_id is None
        if new:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        reply = self.post(envelopes.envelope(request, self.device, session_id=self.session_id, new=new,
                                             attributes=self.attributes))
        self.attributes = reply.attributes
        if reply.status != 200 or reply.ended:
            self.session_id, self.attributes = None, {}
        return reply

    def launch(self) -> Reply:
        self.session_id, self.attributes = None, {}
        return self._send(envelopes.launch_request(self.device, self.moment))

    def intent(self, name: str, **slots: Any) -> Reply:
        built = {}
        for slot_name, value in slots.items():
            built[slot_name] = value if isinstance(value, dict) else envelopes.slot(slot_name, str(value))
        return self._send(envelopes.intent_request(self.device, name, built, self.moment))

    def end_session(self, reason: str = "EXCEEDED_MAX_REPROMPTS") -> Reply:
        return self._send(envelopes.session_ended_request(self.device, reason, self.moment))
