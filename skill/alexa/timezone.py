"""The device's time zone from the Alexa Settings API, bounded in time, with UTC as the fallback."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from ask_sdk_core.api_client import DefaultApiClient
from ask_sdk_core.handler_input import HandlerInput

log = logging.getLogger("skill.timezone")

TimeZoneLookup = Callable[[HandlerInput], "str | None"]
TIMEOUT_SECONDS = 0.8


class TimedApiClient(DefaultApiClient):
    """The SDK's HTTP client with a timeout on every call (the SDK's own has none)."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self._timeout = timeout

    def _resolve_method(self, request):  # type: ignore[no-untyped-def]
        return functools.partial(super()._resolve_method(request), timeout=self._timeout)


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
