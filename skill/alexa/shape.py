"""Recognise an Alexa request envelope before handing it to the SDK, so bad input gets a clear 400."""

from __future__ import annotations

from typing import Any


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def envelope_problem(data: Any) -> str | None:
    """Why ``data`` is not an Alexa request envelope, or None if it is one."""
    if not isinstance(data, dict):
        return "body is not a JSON object"
    if not isinstance(data.get("version"), str):
        return "missing 'version'"
    request = data.get("request")
    if not isinstance(request, dict):
        return "missing 'request'"
    for key in ("type", "requestId", "timestamp"):
        if not isinstance(request.get(key), str) or not request[key]:
            return f"missing 'request.{key}'"
    if not isinstance(_get(data, "context", "System", "application", "applicationId"), str):
        return "missing 'context.System.application.applicationId'"
    session = data.get("session")
    if session is not None and not isinstance(session, dict):
        return "'session' is not an object"
    if isinstance(session, dict) and not isinstance(session.get("attributes", {}), dict):
        return "'session.attributes' is not an object"
    if request["type"] == "IntentRequest" and not isinstance(_get(request, "intent", "name"), str):
        return "missing 'request.intent.name'"
    return None


def application_ids(data: dict) -> set[str]:
    """Every skill ID the envelope claims, from ``context`` and, when present, ``session``."""
    ids = {_get(data, "context", "System", "application", "applicationId")}
    ids.add(_get(data, "session", "application", "applicationId"))
    return {i for i in ids if isinstance(i, str)}


def user_id(data: Any) -> str | None:
    """The Alexa user ID from ``context.System.user``, falling back to ``session.user``."""
    found = _get(data, "context", "System", "user", "userId") or _get(data, "session", "user", "userId")
    return found if isinstance(found, str) else None
