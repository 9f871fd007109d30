"""POST /alexa in production mode: request verification on, test roots from settings, an injected fetcher."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from skill.alexa import envelopes
from skill.alexa.envelopes import Device
from skill.settings import Settings, SettingsError
from skill.web import create_app
from tests.pki import CHAIN_URL, FakeFetch, TestPKI

SKILL_ID = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555"
HEADER_NAMES = ["SignatureCertChainUrl", "Signature-256", "Signature", "Content-Type", "X-Other"]
GARBAGE = hypothesis_settings(derandomize=True, max_examples=200, deadline=None, database=None,
                              suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI()


@pytest.fixture(scope="module")
def fetch(pki) -> FakeFetch:
    return FakeFetch({CHAIN_URL: pki.chain()})


@pytest.fixture(scope="module")
def production_settings(pki, tmp_path_factory) -> Settings:
    folder = tmp_path_factory.mktemp("production")
    bundle = folder / "roots.pem"
    bundle.write_bytes(pki.roots_pem)
    return Settings(dev=False, skill_ids=(SKILL_ID,), data_dir=folder / "data", seed=7, ca_bundle=bundle)


@pytest.fixture(scope="module")
def client(production_settings, library, fetch):
    return create_app(production_settings, library=library, fetch=fetch).test_client()


def now() -> datetime:
    return datetime.now(timezone.utc)


def launch(device: Device | None = None, moment: datetime | None = None) -> bytes:
    device = device or Device(skill_id=SKILL_ID)
    return json.dumps(envelopes.envelope(envelopes.launch_request(device, moment), device, session_id="s1",
                                         new=True)).encode()


def post(client, body: bytes, headers: dict[str, str]):
    return client.post("/alexa", data=body, headers=headers, content_type="application/json")


def test_a_signed_launch_request_gets_speech(client, pki) -> None:
    body = launch()
    response = post(client, body, pki.headers(body))
    assert response.status_code == 200
    speech = response.get_json()["response"]["outputSpeech"]
    assert speech["ssml"].startswith("<speak>")


@pytest.mark.parametrize("case, reason", [
    ("bad signature", "signature does not match the body"),
    ("bad url", "certificate URL host is not s3.amazonaws.com"),
    ("stale timestamp", "request timestamp is more than 150 s from now"),
    ("other skill", "skill ID does not match"),
    ("no headers", "missing SignatureCertChainUrl header"),
    ("sha-1 only", "missing Signature-256 header (SHA-1 Signature is not accepted)"),
])
def test_verification_failures_are_400_with_a_reason(client, pki, case, reason) -> None:
    body = launch()
    headers = pki.headers(body)
    if case == "bad signature":
        headers["Signature-256"] = pki.sign(body + b" ")
    elif case == "bad url":
        headers["SignatureCertChainUrl"] = "https://notamazon.com/echo.api/echo-api-cert.pem"
    elif case == "stale timestamp":
        body = launch(moment=now() - timedelta(seconds=400))
        headers = pki.headers(body)
    elif case == "other skill":
        body = launch(Device(skill_id="amzn1.ask.skill.someone-else"))
        headers = pki.headers(body)
    elif case == "no headers":
        headers = {}
    elif case == "sha-1 only":
        headers = {"SignatureCertChainUrl": CHAIN_URL, "Signature": headers["Signature-256"]}
    response = post(client, body, headers)
    assert response.status_code == 400
    assert response.get_json() == {"error": reason}


def test_a_rejection_is_logged_with_its_reason_and_no_body(client, pki, caplog) -> None:
    caplog.set_level(logging.INFO, logger="skill.requests")
    device = Device(skill_id="amzn1.ask.skill.someone-else")
    body = launch(device)
    post(client, body, pki.headers(body))
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "skill.requests"]
    assert lines[-1]["outcome"] == "rejected" and lines[-1]["reason"] == "skill ID does not match"
    assert device.user_id not in caplog.text and "s1" not in caplog.text


def test_signed_invalid_json_is_400(client, pki) -> None:
    body = b"{not json"
    response = post(client, body, pki.headers(body))
    assert response.status_code == 400
    assert response.get_json() == {"error": "body is not valid JSON"}


def test_get_is_405(client) -> None:
    assert client.get("/alexa").status_code == 405


def test_a_70_kib_body_is_413(client, pki) -> None:
    body = b"{" + b" " * (70 * 1024) + b"}"
    response = post(client, body, pki.headers(body))
    assert response.status_code == 413
    assert response.get_json() == {"error": "request entity too large"}


def test_a_70_kib_chunked_body_without_content_length_is_413(client) -> None:
    body = b"{" + b" " * (70 * 1024) + b"}"
    response = client.post("/alexa", input_stream=io.BytesIO(body), content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413


def test_a_chunked_body_of_exactly_the_limit_is_read_whole(client, pki) -> None:
    body = b"{" + b" " * (64 * 1024 - 2) + b"}"
    response = client.post("/alexa", input_stream=io.BytesIO(body), content_type="application/json",
                           headers={"Transfer-Encoding": "chunked", **pki.headers(body)},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 400
    assert response.get_json() == {"error": "missing or invalid request.timestamp"}  # signature matched


def test_production_needs_a_readable_ca_bundle(library, tmp_path) -> None:
    settings = Settings(dev=False, skill_ids=(SKILL_ID,), ca_bundle=tmp_path / "missing.pem")
    with pytest.raises(SettingsError, match="SECURE_BASE_CA_BUNDLE"):
        create_app(settings, library=library)


def test_development_mode_skips_signatures(library, tmp_path) -> None:
    client = create_app(Settings(dev=True, skill_ids=(SKILL_ID,), data_dir=tmp_path), library=library).test_client()
    assert post(client, launch(), {}).status_code == 200
    other = launch(Device(skill_id="amzn1.ask.skill.someone-else"))
    assert post(client, other, {}).get_json() == {"error": "skill ID does not match"}


header_values = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=200)
chain_urls = st.sampled_from([CHAIN_URL, "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert-12.pem",
                              "http://s3.amazonaws.com/echo.api/x.pem", "https://s3.amazonaws.com:99999/echo.api/"])


@GARBAGE
@given(body=st.binary(max_size=2048),
       headers=st.dictionaries(st.sampled_from(HEADER_NAMES), header_values | chain_urls, max_size=5))
def test_garbage_bodies_and_headers_never_give_500(client, body, headers) -> None:
    response = post(client, body, headers)
    assert response.status_code == 400
    assert "error" in response.get_json()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
request_types = st.sampled_from(["LaunchRequest", "IntentRequest", "SessionEndedRequest", "CanFulfillIntentRequest",
                                 "AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillDisabled",
                                 "Alexa.Presentation.APL.UserEvent", "System.ExceptionEncountered"]) | st.text(max_size=20)
intent_names = st.sampled_from(["AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.FallbackIntent",
                                "SituationPushedAwayIntent", "PrincipleIntent"]) | st.text(max_size=20)
paths = st.sampled_from([("request", "type"), ("request", "intent"), ("request", "intent", "name"),
                         ("request", "intent", "slots"), ("request", "locale"), ("session",),
                         ("session", "attributes"), ("session", "new"), ("context", "System", "device"),
                         ("context", "System", "user"), ("version",), ("request", "reason")])


def _set(data: dict, path: tuple[str, ...], value) -> None:  # noqa: ANN001
    for key in path[:-1]:
        child = data.get(key)
        if not isinstance(child, dict):
            child = data[key] = {}
        data = child
    data[path[-1]] = value


@GARBAGE
@given(kind=request_types, intent=intent_names, changes=st.lists(st.tuples(paths, json_values), max_size=4))
def test_signed_odd_envelopes_never_give_500(client, pki, kind, intent, changes) -> None:
    device = Device(skill_id=SKILL_ID)
    request = envelopes.intent_request(device, intent)
    request["type"] = kind
    data = envelopes.envelope(request, device, session_id="s1", attributes={})
    for path, value in changes:
        _set(data, path, value)
    body = json.dumps(data).encode()
    response = post(client, body, pki.headers(body))
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert "error" in response.get_json()
