"""Build real Alexa request envelopes (as JSON-ready dicts) for the terminal chat, tests and benchmarks.

The shapes follow Alexa's request reference: ``version``, ``session``, ``context.System`` and ``request``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
API_ENDPOINT = "https://api.amazonalexa.com"
APL_INTERFACE = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}


def timestamp(moment: datetime | None = None) -> str:
    """Alexa's timestamp format: ISO 8601 in UTC with a ``Z``."""
    moment = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Device:
    """The person, device and skill a request comes from."""

    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.{uuid.uuid4().hex.upper()}")
    device_id: str = field(default_factory=lambda: f"amzn1.ask.device.{uuid.uuid4().hex.upper()}")
    skill_id: str = DEFAULT_SKILL_ID
    locale: str = "en-US"
    screen: bool = False
    api_access_token: str | None = None

    def system(self) -> dict[str, Any]:
        """``context.System``. Without an access token the skill cannot call Alexa's APIs (it uses UTC)."""
        system: dict[str, Any] = {
            "application": {"applicationId": self.skill_id},
            "user": {"userId": self.user_id},
            "device": {"deviceId": self.device_id,
                       "supportedInterfaces": dict(APL_INTERFACE) if self.screen else {}},
            "apiEndpoint": API_ENDPOINT,
        }
        if self.api_access_token is not None:
            system["apiAccessToken"] = self.api_access_token
        return system


def _request(kind: str, device: Device, moment: datetime | None, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": timestamp(moment), "locale": device.locale, **extra}


def envelope(request: dict[str, Any], device: Device, *, session_id: str | None = None, new: bool = False,
             attributes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Wrap a request in an envelope. With ``session_id`` the request is in a session."""
    body: dict[str, Any] = {"version": "1.0", "context": {"System": device.system()}, "request": request}
    if session_id is not None:
        body["session"] = {
            "new": new,
            "sessionId": session_id,
            "application": {"applicationId": device.skill_id},
            "attributes": dict(attributes or {}),
            "user": {"userId": device.user_id},
        }
    return body


def launch_request(device: Device, moment: datetime | None = None) -> dict[str, Any]:
    return _request("LaunchRequest", device, moment)


def slot(name: str, value: str | None = None, resolved_id: str | None = None,
         authority: str = "PRINCIPLE") -> dict[str, Any]:
    """A slot as Alexa sends it; ``resolved_id`` adds a successful entity-resolution match."""
    data: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is not None:
        data["value"] = value
        data["source"] = "USER"
    if resolved_id is not None:
        data["resolutions"] = {"resolutionsPerAuthority": [{
            "authority": f"amzn1.er-authority.echo-sdk.{DEFAULT_SKILL_ID}.{authority}",
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": value or resolved_id, "id": resolved_id}}],
        }]}
    return data


def intent_request(device: Device, name: str, slots: Mapping[str, dict[str, Any]] | None = None,
                   moment: datetime | None = None) -> dict[str, Any]:
    intent: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if slots:
        intent["slots"] = dict(slots)
    return _request("IntentRequest", device, moment, dialogState="COMPLETED", intent=intent)


def session_ended_request(device: Device, reason: str = "USER_INITIATED",
                          moment: datetime | None = None) -> dict[str, Any]:
    return _request("SessionEndedRequest", device, moment, reason=reason)


def skill_event(device: Device, kind: str, body: Mapping[str, Any] | None = None,
                moment: datetime | None = None) -> dict[str, Any]:
    """An out-of-session skill event such as ``AlexaSkillEvent.SkillDisabled``."""
    request = _request(kind, device, moment, eventCreationTime=timestamp(moment),
                       eventPublishingTime=timestamp(moment))
    if body is not None:
        request["body"] = dict(body)
    return envelope(request, device)
