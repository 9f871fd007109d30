"""``create_app(settings)``: a fresh Flask app with ``POST /alexa`` and ``GET /healthz``."""

from __future__ import annotations

import json
import time

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from skill.alexa import RequestRejected, SkillRunner
from skill.content import Library, load_library
from skill.dialogue import check_content
from skill.settings import Settings
from skill.web.request_log import log_rejection, log_request


def load_checked_library(settings: Settings) -> Library:
    """Load the content and check it against the dialogue; raises ContentError naming file and path."""
    library = load_library(settings.content_dir)
    for content in {id(c): c for c in (library.default, *library.locales.values())}.values():
        check_content(content)
    return library


def _error(status: int, reason: str) -> Response:
    response = jsonify(error=reason)
    response.status_code = status
    return response


def create_app(settings: Settings, library: Library | None = None) -> Flask:
    """Build the app. Content is loaded and validated here, once, unless a checked library is passed in."""
    library = library or load_checked_library(settings)
    runner = SkillRunner(library, id_salt=settings.id_salt, skill_ids=settings.skill_ids, seed=settings.seed)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions["secure_base"] = {"settings": settings, "library": library, "runner": runner}

    @app.post("/alexa")
    def alexa() -> Response:
        started = time.perf_counter()
        body = request.get_data(cache=False)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return _reject(400, "body is not valid JSON", started)
        try:
            response, record = runner.handle(payload)
        except RequestRejected as exc:
            return _reject(400, str(exc), started)
        log_request(record, 200, (time.perf_counter() - started) * 1000)
        return jsonify(response)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return _error(exc.code or 500, (exc.name or "error").lower())

    return app


def _reject(status: int, reason: str, started: float) -> Response:
    log_rejection(reason, status, (time.perf_counter() - started) * 1000)
    return _error(status, reason)
