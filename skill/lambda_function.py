"""AWS Lambda entry point (handler ``skill.lambda_function.handler``): the same SkillRunner, no web server.

Alexa invokes the function directly, so there is no signature to check: the Lambda trigger's skill ID
verification and the runner's own skill ID check (``SECURE_BASE_SKILL_IDS``) guard it instead.
The runner is built on the first invocation and reused while the execution environment lives. Flask is never
imported here: the content loader and the request log live in ``skill.alexa``, shared with the web server.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from skill.alexa import RequestRejected, SkillRunner, build_runner
from skill.settings import Settings
from skill.alexa import load_checked_library
from skill.alexa.request_log import log_rejection, log_request

_runner: SkillRunner | None = None
_lock = threading.Lock()


class InvalidRequest(Exception):
    """The event is not an Alexa request for this skill. Lambda reports it as a failed invocation."""


def _get_runner() -> SkillRunner:
    global _runner
    with _lock:
        if _runner is None:
            settings = Settings.from_env(os.environ)
            logging.getLogger("skill").setLevel(getattr(logging, settings.log_level.upper(), logging.INFO))
            _runner = build_runner(settings, load_checked_library(settings))
        return _runner


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Answer one Alexa request envelope with a response envelope; raise :class:`InvalidRequest` if rejected."""
    started = time.perf_counter()
    runner = _get_runner()
    try:
        response, record = runner.handle(event)
    except RequestRejected as exc:
        log_rejection(str(exc), 400, (time.perf_counter() - started) * 1000)
        raise InvalidRequest(str(exc)) from None
    log_request(record, 200, (time.perf_counter() - started) * 1000)
    return response
