"""``create_app(settings)``: a fresh Flask app with ``POST /alexa``, ``GET /healthz`` and ``GET /readyz``."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from skill.alexa import RequestRejected, build_runner, load_checked_library
from skill.alexa.request_log import log_rejection, log_request
from skill.alexa.timezone import TimeZoneLookup, settings_api_time_zone
from skill.content import Library
from skill.content.records import DEFAULT_LOCALE
from skill.settings import Settings, SettingsError
from skill.store import Store, StoreError
from skill.web import feed
from skill.web.certificates import Fetch, https_fetcher, load_trust_roots
from skill.web.verification import RequestVerifier, VerificationError


def _read_body(limit: int) -> bytes:
    """The raw body, at most ``limit`` bytes, or 413.

    Werkzeug refuses a Content-Length over the limit, but silently cuts a chunked body at the limit, so
    whether more follows is checked on the server's own input stream.
    """
    body = request.get_data(cache=False)
    if request.content_length is None and len(body) >= limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
    return body


def _error(status: int, reason: str) -> Response:
    response = jsonify(error=reason)
    response.status_code = status
    return response


def build_verifier(settings: Settings, fetch: Fetch | None = None) -> RequestVerifier:
    """The request verifier the settings ask for: full checks in production, skill ID only in development."""
    if settings.dev:
        return RequestVerifier(settings.skill_ids, check_signature=False)
    if not settings.cert_fetch_timeout > 0:
        raise SettingsError("SECURE_BASE_CERT_FETCH_TIMEOUT must be a positive number of seconds")
    try:
        roots = load_trust_roots(settings.ca_bundle)
    except (OSError, ValueError) as exc:
        raise SettingsError(f"SECURE_BASE_CA_BUNDLE={settings.ca_bundle}: {exc}") from exc
    return RequestVerifier(settings.skill_ids, trust_roots=roots,
                           fetch=fetch or https_fetcher(timeout=settings.cert_fetch_timeout))


def create_app(settings: Settings, library: Library | None = None, *, fetch: Fetch | None = None,
               store: Store | None = None, time_zone: TimeZoneLookup = settings_api_time_zone) -> Flask:
    """Build the app. Content is loaded and validated here, once, unless a checked library is passed in.

    ``fetch`` replaces the HTTPS fetch of Alexa's certificate chain, ``store`` the configured store, and
    ``time_zone`` the Alexa Settings API lookup (tests inject them; nothing else should).
    """
    library = library or load_checked_library(settings)
    logging.getLogger("skill").setLevel(settings.log_level.upper())
    runner = build_runner(settings, library, store=store, time_zone=time_zone)
    verifier = build_verifier(settings, fetch)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions["secure_base"] = {"settings": settings, "library": library, "runner": runner,
                                     "verifier": verifier}

    @app.post("/alexa")
    def alexa() -> Response:
        started = time.perf_counter()
        body = _read_body(settings.max_body_bytes)
        try:
            verifier.verify(request.headers, body, datetime.now(timezone.utc))
        except VerificationError as exc:
            return _reject(400, exc.reason, started)
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

    @app.get("/feeds/daily.json")
    def daily_feed() -> Response:
        """Today's principle (UTC day) as a Flash Briefing feed, with ETag and Cache-Control."""
        now = datetime.now(timezone.utc)
        body = feed.feed_body(library.locales[DEFAULT_LOCALE], now, settings.briefing_redirect_url)
        response = Response(body, mimetype="application/json")
        response.set_etag(feed.etag(body).strip('"'))
        response.cache_control.public = True
        response.cache_control.max_age = feed.seconds_until_tomorrow(now)
        return response.make_conditional(request)

    @app.get("/healthz")
    def healthz() -> Response:
        """Liveness: the process answers."""
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz() -> Response:
        """Readiness: content is loaded and checked (it was, to get here) and the store answers."""
        checks = {"content": f"{len(library.locales)} locales"}
        try:
            if runner.store is not None:
                runner.store.ping()
            checks["store"] = "ok"
        except StoreError as exc:
            checks["store"] = f"unavailable ({type(exc).__name__})"
            response = jsonify(status="unavailable", checks=checks)
            response.status_code = 503
            return response
        return jsonify(status="ready", checks=checks)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return _error(exc.code or 500, (exc.name or "error").lower())

    return app


def _reject(status: int, reason: str, started: float) -> Response:
    log_rejection(reason, status, (time.perf_counter() - started) * 1000)
    return _error(status, reason)
