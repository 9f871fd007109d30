"""The device's time zone from the Alexa Settings API, bounded in time, with UTC as the fallback."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

log = logging.getLogger("skill.timezone")

TimeZoneLookup = Callable[[HandlerInput], "str | None"]
TIMEOUT_SECONDS = 0.8


class TimedApiClient(ApiClient):
    """An HTTPS client for the SDK's service clients with a timeout on every call. The SDK's own
    DefaultApiClient has no timeout, and importing it loads ``requests``, a sixth of a cold start."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self.timeout = timeout

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        if not (request.url or "").startswith("https://"):
            raise ApiClientException("Requests against non-HTTPS endpoints are not allowed.")
        body = request.body
        data = None if body is None else (body if isinstance(body, str) else json.dumps(body)).encode()
        call = urllib.request.Request(request.url, data=data, method=request.method or "GET",
                                      headers=dict(request.headers or []))
        try:
            with urllib.request.urlopen(call, timeout=self.timeout) as reply:  # noqa: S310 - https only, above
                return ApiClientResponse(list(reply.headers.items()), reply.read().decode(), reply.status)
        except urllib.error.HTTPError as exc:
            return ApiClientResponse(list(exc.headers.items()), exc.read().decode(errors="replace"), exc.code)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ApiClientException(f"Error executing the request: {type(exc).__name__}") from exc


def settings_api_time_zone(handler_input: HandlerInput) -> str | None:
    """The device's IANA time zone, or None when the API is unavailable, fails or is slow."""
    system = handler_input.request_envelope.context.system
    if not system.api_access_token or system.device is None or not system.device.device_id:
        return None
    try:
        ups = handler_input.service_client_factory.get_ups_service()
        zone = ups.get_system_time_zone(system.device.device_id)
    except Exception as exc:  # noqa: BLE001 - any failure of the API means UTC
        log.info("time zone unavailable: %s", type(exc).__name__)
        return None
    return zone if isinstance(zone, str) and zone else None
