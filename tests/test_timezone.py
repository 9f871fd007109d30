"""The device time zone: the Settings API through the SDK, bounded in time, UTC whenever it fails."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClientRequest

from skill.alexa.timezone import TIMEOUT_SECONDS, TimedApiClient, settings_api_time_zone


def _handler_input(token: str | None, ups: object) -> SimpleNamespace:
    system = SimpleNamespace(api_access_token=token, device=SimpleNamespace(device_id="device-1"))
    return SimpleNamespace(request_envelope=SimpleNamespace(context=SimpleNamespace(system=system)),
                           service_client_factory=SimpleNamespace(get_ups_service=lambda: ups))


class _Ups:
    def __init__(self, answer: object) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def get_system_time_zone(self, device_id: str) -> object:
        self.asked.append(device_id)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_the_zone_comes_from_the_settings_api() -> None:
    ups = _Ups("Europe/London")
    assert settings_api_time_zone(_handler_input("token", ups)) == "Europe/London"
    assert ups.asked == ["device-1"]


@pytest.mark.parametrize("answer", [ApiClientException("403"), TimeoutError(), None, ""])
def test_any_failure_means_utc(answer) -> None:
    assert settings_api_time_zone(_handler_input("token", _Ups(answer))) is None


def test_without_an_access_token_the_api_is_not_called() -> None:
    ups = _Ups("Europe/London")
    assert settings_api_time_zone(_handler_input(None, ups)) is None
    assert ups.asked == []


def test_every_call_has_a_timeout_under_a_second(monkeypatch) -> None:
    seen = {}

    def fake_urlopen(request, timeout):  # noqa: ANN001, ANN202
        seen.update(url=request.full_url, timeout=timeout, auth=request.get_header("Authorization"))
        raise TimeoutError("slow")

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    request = ApiClientRequest(method="GET", url="https://api.amazonalexa.com/v2/devices/d/settings/System.timeZone",
                               headers=[("Authorization", "Bearer t")])
    with pytest.raises(ApiClientException):
        TimedApiClient().invoke(request)
    assert seen == {"url": request.url, "timeout": TIMEOUT_SECONDS, "auth": "Bearer t"}
    assert TIMEOUT_SECONDS < 1


def test_an_error_status_comes_back_for_the_service_client_to_raise(monkeypatch) -> None:
    import io
    import urllib.error
    from email.message import Message

    def refuse(request, timeout):  # noqa: ANN001, ANN202
        raise urllib.error.HTTPError(request.full_url, 403, "Forbidden", Message(), io.BytesIO(b"{}"))

    monkeypatch.setattr("urllib.request.urlopen", refuse)
    response = TimedApiClient().invoke(ApiClientRequest(method="GET", url="https://api.amazonalexa.com/x", headers=[]))
    assert response.status_code == 403


def test_plain_http_is_refused() -> None:
    with pytest.raises(ApiClientException):
        TimedApiClient().invoke(ApiClientRequest(method="GET", url="http://api.amazonalexa.com/x", headers=[]))
