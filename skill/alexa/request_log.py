"""One structured log line per request: what happened, never what was said."""

from __future__ import annotations

import json
import logging

from skill.alexa.handlers import TurnRecord

log = logging.getLogger("skill.requests")


def log_request(record: TurnRecord, status: int, millis: float) -> None:
    """Log a request as one JSON line: type, intent, dialog keys, latency, outcome and hashed user ID."""
    line = {
        "type": record.request_type,
        "intent": record.intent,
        "keys": list(record.keys),
        "ms": round(millis, 2),
        "status": status,
        "outcome": record.outcome,
        "user": record.user,
        **record.extra,
    }
    if record.end_session is not None:
        line["end"] = record.end_session
    log.info(json.dumps(line, separators=(",", ":")))


def log_rejection(reason: str, status: int, millis: float) -> None:
    """Log a request refused before the skill saw it, with the reason and no body content."""
    log.warning(json.dumps({"outcome": "rejected", "status": status, "reason": reason, "ms": round(millis, 2)},
                           separators=(",", ":")))
