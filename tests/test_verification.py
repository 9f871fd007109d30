"""Alexa request verification, without a server or the network: a test CA, signed bodies, an injected fetcher."""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes

from skill.alexa import envelopes
from skill.alexa.envelopes import Device
from skill.web import certificates
from skill.web.certificates import FetchError, https_fetcher, load_trust_roots
from skill.web.chain_cache import ChainCache
from skill.web.verification import RequestVerifier, VerificationError, normalised_cert_url
from tests.pki import CHAIN_URL, FakeFetch, TestPKI

SKILL_ID = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555"

AMAZON_INVALID_URLS = [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
]
OTHER_INVALID_URLS = [
    "https://s3.amazonaws.com/echo.api/../evil/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api",
    "https://s3.amazonaws.com",
    "https://s3.amazonaws.com:abc/echo.api/echo-api-cert.pem",
    "https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com.evil.com/echo.api/echo-api-cert.pem",
    "ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "//s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "not a url",
]


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI()


@pytest.fixture
def device() -> Device:
    return Device(skill_id=SKILL_ID)


@pytest.fixture
def fetch(pki) -> FakeFetch:
    return FakeFetch({CHAIN_URL: pki.chain()})


@pytest.fixture
def verifier(pki, fetch) -> RequestVerifier:
    return RequestVerifier([SKILL_ID], trust_roots=[pki.root.cert], fetch=fetch)


def launch_body(device: Device, moment: datetime) -> bytes:
    return json.dumps(envelopes.envelope(envelopes.launch_request(device, moment), device, session_id="s1",
                                         new=True)).encode()


def event_body(device: Device, moment: datetime) -> bytes:
    return json.dumps(envelopes.skill_event(device, "AlexaSkillEvent.SkillEnabled", moment=moment)).encode()


def rejects(verifier: RequestVerifier, headers: dict[str, str], body: bytes, now: datetime) -> str:
    with pytest.raises(VerificationError) as caught:
        verifier.verify(headers, body, now)
    return caught.value.reason


def test_a_valid_request_passes(verifier, pki, device, fetch) -> None:
    body = launch_body(device, pki.now)
    verifier.verify(pki.headers(body), body, pki.now)
    assert fetch.calls == [CHAIN_URL]


def test_header_names_are_case_insensitive(verifier, pki, device) -> None:
    body = launch_body(device, pki.now)
    headers = {name.lower(): value for name, value in pki.headers(body).items()}
    verifier.verify(headers, body, pki.now)


@pytest.mark.parametrize("url", AMAZON_INVALID_URLS + OTHER_INVALID_URLS)
def test_invalid_chain_urls_are_rejected_without_a_fetch(verifier, pki, device, fetch, url) -> None:
    body = launch_body(device, pki.now)
    reason = rejects(verifier, pki.headers(body, url=url), body, pki.now)
    assert reason.startswith("certificate URL")
    assert fetch.calls == []


@pytest.mark.parametrize("url", [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
])
def test_amazon_valid_chain_urls_are_accepted_and_normalised(url) -> None:
    assert normalised_cert_url(url).lower().endswith("/echo.api/echo-api-cert.pem")
    assert ".." not in normalised_cert_url(url)


def test_the_normalised_url_is_what_gets_fetched(verifier, pki, device, fetch) -> None:
    body = launch_body(device, pki.now)
    verifier.verify(pki.headers(body, url="https://s3.amazonaws.com/echo.api/x/../echo-api-cert-12.pem"), body,
                    pki.now)
    assert fetch.calls == [CHAIN_URL]


def test_missing_headers_are_rejected_without_a_fetch(verifier, pki, device, fetch) -> None:
    body = launch_body(device, pki.now)
    assert "SignatureCertChainUrl" in rejects(verifier, {"Signature-256": pki.sign(body)}, body, pki.now)
    assert "Signature-256" in rejects(verifier, {"SignatureCertChainUrl": CHAIN_URL}, body, pki.now)
    assert fetch.calls == []


def test_a_sha1_signature_alone_is_rejected(verifier, pki, device, fetch) -> None:
    body = launch_body(device, pki.now)
    headers = {"SignatureCertChainUrl": CHAIN_URL, "Signature": pki.sign(body, algorithm=hashes.SHA1())}
    assert "SHA-1" in rejects(verifier, headers, body, pki.now)
    assert fetch.calls == []


def test_a_sha1_signature_in_signature_256_does_not_verify(verifier, pki, device) -> None:
    body = launch_body(device, pki.now)
    headers = pki.headers(body, **{"Signature-256": pki.sign(body, algorithm=hashes.SHA1())})
    assert rejects(verifier, headers, body, pki.now) == "signature does not match the body"


def test_a_signature_that_is_not_base64_is_rejected_without_a_fetch(verifier, pki, device, fetch) -> None:
    body = launch_body(device, pki.now)
    assert "base64" in rejects(verifier, pki.headers(body, **{"Signature-256": "not base64!"}), body, pki.now)
    assert fetch.calls == []


def test_a_one_byte_change_to_the_body_is_rejected(verifier, pki, device) -> None:
    body = launch_body(device, pki.now)
    headers = pki.headers(body)
    tampered = body.replace(b'"new": true', b'"new": tru ')
    assert tampered != body and len(tampered) == len(body)
    assert rejects(verifier, headers, tampered, pki.now) == "signature does not match the body"
    assert rejects(verifier, headers, body + b" ", pki.now) == "signature does not match the body"


def test_a_signature_by_another_key_is_rejected(verifier, pki, device) -> None:
    body = launch_body(device, pki.now)
    headers = pki.headers(body, **{"Signature-256": pki.sign(body, key=pki.intermediate.key)})
    assert rejects(verifier, headers, body, pki.now) == "signature does not match the body"


@pytest.mark.parametrize("offset, passes", [
    (0, True), (-150, True), (150, True), (-151, False), (151, False), (-3600, False), (86400, False),
])
def test_request_timestamp_must_be_within_150_seconds(verifier, pki, device, offset, passes) -> None:
    body = launch_body(device, pki.now + timedelta(seconds=offset))
    if passes:
        verifier.verify(pki.headers(body), body, pki.now)
    else:
        assert "150 s" in rejects(verifier, pki.headers(body), body, pki.now)


@pytest.mark.parametrize("offset, passes", [
    (-3600, True), (3600, True), (-1000, True), (-3601, False), (3601, False),
])
def test_skill_event_timestamp_may_be_an_hour_away(verifier, pki, device, offset, passes) -> None:
    body = event_body(device, pki.now + timedelta(seconds=offset))
    if passes:
        verifier.verify(pki.headers(body), body, pki.now)
    else:
        assert "3600 s" in rejects(verifier, pki.headers(body), body, pki.now)


@pytest.mark.parametrize("mutate", [
    lambda b: b["request"].pop("timestamp"),
    lambda b: b["request"].update(timestamp="yesterday"),
    lambda b: b["request"].update(timestamp=1700000000),
    lambda b: b["request"].update(timestamp="0001-01-01T00:00:00+23:59"),
    lambda b: b.pop("request"),
])
def test_a_missing_or_unreadable_timestamp_is_rejected(verifier, pki, device, mutate) -> None:
    data = json.loads(launch_body(device, pki.now))
    mutate(data)
    body = json.dumps(data).encode()
    assert "timestamp" in rejects(verifier, pki.headers(body), body, pki.now)


def test_signed_body_that_is_not_json_is_rejected(verifier, pki) -> None:
    body = b"\xff not json"
    assert rejects(verifier, pki.headers(body), body, pki.now) == "body is not valid JSON"


def test_a_request_for_another_skill_is_rejected(verifier, pki) -> None:
    body = launch_body(Device(skill_id="amzn1.ask.skill.someone-else"), pki.now)
    assert rejects(verifier, pki.headers(body), body, pki.now) == "skill ID does not match"


def test_a_mismatched_session_application_is_rejected(verifier, pki, device) -> None:
    data = json.loads(launch_body(device, pki.now))
    data["session"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    body = json.dumps(data).encode()
    assert rejects(verifier, pki.headers(body), body, pki.now) == "skill ID does not match"


def test_any_of_several_configured_skill_ids_is_accepted(pki, fetch) -> None:
    verifier = RequestVerifier(["amzn1.ask.skill.first", SKILL_ID], trust_roots=[pki.root.cert], fetch=fetch)
    for skill_id in ("amzn1.ask.skill.first", SKILL_ID):
        body = launch_body(Device(skill_id=skill_id), pki.now)
        verifier.verify(pki.headers(body), body, pki.now)


@pytest.mark.parametrize("kind", ["no SAN", "other SAN", "expired", "not yet valid", "wrong issuer",
                                  "self-signed", "no intermediate", "root only", "not PEM", "empty"])
def test_bad_chains_are_rejected_and_not_cached(pki, device, kind) -> None:
    now = pki.now
    chains = {
        "no SAN": lambda: pki.chain(pki.leaf(san=None)),
        "other SAN": lambda: pki.chain(pki.leaf(san=("echo-api.example.com",))),
        "expired": lambda: pki.chain(pki.leaf(not_before=now - timedelta(days=30),
                                              not_after=now - timedelta(seconds=1))),
        "not yet valid": lambda: pki.chain(pki.leaf(not_before=now + timedelta(seconds=60))),
        "wrong issuer": lambda: pki.chain(pki.leaf(issuer=pki.other_intermediate), pki.other_intermediate),
        "self-signed": lambda: pki.leaf(self_signed=True).pem,
        "no intermediate": lambda: pki.signer.pem,
        "root only": lambda: pki.root.pem,
        "not PEM": lambda: b"this is not a certificate",
        "empty": lambda: b"",
    }
    fetch = FakeFetch({CHAIN_URL: chains[kind]()})
    verifier = RequestVerifier([SKILL_ID], trust_roots=[pki.root.cert], fetch=fetch)
    body = launch_body(device, now)
    reason = rejects(verifier, pki.headers(body), body, now)
    assert reason.startswith("certificate chain")
    rejects(verifier, pki.headers(body), body, now)
    assert len(fetch.calls) == 2  # a bad chain is never cached


@pytest.mark.parametrize("failure", [TimeoutError("timed out"), OSError("connection refused"),
                                     FetchError("too large"), RuntimeError("anything")])
def test_a_failed_fetch_is_rejected_and_not_cached(pki, device, failure) -> None:
    fetch = FakeFetch({CHAIN_URL: failure})
    verifier = RequestVerifier([SKILL_ID], trust_roots=[pki.root.cert], fetch=fetch)
    body = launch_body(device, pki.now)
    assert rejects(verifier, pki.headers(body), body, pki.now) == "certificate chain could not be fetched"
    fetch.responses[CHAIN_URL] = pki.chain()
    verifier.verify(pki.headers(body), body, pki.now)
    assert len(fetch.calls) == 2


def test_a_cached_chain_is_not_fetched_again(verifier, pki, device, fetch) -> None:
    for seconds in range(0, 600, 60):
        moment = pki.now + timedelta(seconds=seconds)
        body = launch_body(device, moment)
        verifier.verify(pki.headers(body), body, moment)
    assert fetch.calls == [CHAIN_URL]


def test_the_cache_expires_at_the_certificates_not_after(pki, device) -> None:
    now = pki.now
    short = pki.leaf(not_after=now + timedelta(minutes=10))
    fetch = FakeFetch({CHAIN_URL: pki.chain(short)})
    verifier = RequestVerifier([SKILL_ID], trust_roots=[pki.root.cert], fetch=fetch)

    def at(moment: datetime) -> None:
        body = launch_body(device, moment)
        verifier.verify(pki.headers(body), body, moment)

    at(now)
    at(now + timedelta(minutes=9, seconds=59))
    assert len(fetch.calls) == 1
    with pytest.raises(VerificationError, match="certificate chain is not valid"):
        at(now + timedelta(minutes=10, seconds=1))
    assert len(fetch.calls) == 2


def test_the_cache_expires_after_its_maximum_age(verifier, pki, device, fetch) -> None:
    for moment in (pki.now, pki.now + timedelta(minutes=59), pki.now + timedelta(minutes=61)):
        body = launch_body(device, moment)
        verifier.verify(pki.headers(body), body, moment)
    assert len(fetch.calls) == 2


def test_the_cache_is_bounded_and_least_recently_used(pki, device) -> None:
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{n}.pem" for n in range(3)]
    fetch = FakeFetch({url: pki.chain() for url in urls})
    cache = ChainCache(max_entries=2)
    verifier = RequestVerifier([SKILL_ID], trust_roots=[pki.root.cert], fetch=fetch, cache=cache)
    body = launch_body(device, pki.now)
    for url in (urls[0], urls[1], urls[0], urls[2], urls[0], urls[1]):
        verifier.verify(pki.headers(body, url=url), body, pki.now)
    assert len(cache) == 2
    # 0 and 1 fetched; 0 hit; 2 fetched and evicts 1 (least recently used); 0 hit; 1 fetched again
    assert fetch.calls == [urls[0], urls[1], urls[2], urls[1]]


def test_chain_cache_unit_behaviour(pki) -> None:
    cache = ChainCache(max_entries=2, max_age=timedelta(minutes=5))
    key = pki.leaf_key.public_key()
    now = pki.now
    cache.put("a", key, now + timedelta(minutes=1), now)
    assert cache.get("a", now + timedelta(seconds=59)) is key
    assert cache.get("a", now + timedelta(minutes=1)) is None and len(cache) == 0
    cache.put("b", key, now - timedelta(seconds=1), now)  # already expired: not stored
    assert len(cache) == 0
    cache.put("c", key, now + timedelta(days=1), now)
    assert cache.get("c", now + timedelta(minutes=5)) is None  # max age
    with pytest.raises(ValueError):
        ChainCache(max_entries=0)


def test_concurrent_requests_share_the_cache_safely(verifier, pki, device, fetch) -> None:
    bodies = [launch_body(device, pki.now) for _ in range(64)]

    def check(body: bytes) -> None:
        verifier.verify(pki.headers(body), body, pki.now)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(check, bodies))
    assert 1 <= len(fetch.calls) <= 8


def test_dev_mode_skips_signature_and_timestamp_but_checks_skill_id(pki, device) -> None:
    verifier = RequestVerifier([SKILL_ID], check_signature=False)
    assert verifier.checks_signature is False
    old = launch_body(device, pki.now - timedelta(days=1))
    verifier.verify({}, old, pki.now)
    other = launch_body(Device(skill_id="amzn1.ask.skill.someone-else"), pki.now)
    assert rejects(verifier, {}, other, pki.now) == "skill ID does not match"
    RequestVerifier([], check_signature=False).verify({}, b"anything at all", pki.now)


def test_a_naive_now_is_taken_as_utc(verifier, pki, device) -> None:
    body = launch_body(device, pki.now)
    verifier.verify(pki.headers(body), body, pki.now.replace(tzinfo=None))


def test_trust_roots_default_to_certifi_and_can_come_from_a_file(tmp_path, pki) -> None:
    assert len(load_trust_roots()) > 50
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(pki.roots_pem + b"\n" + pki.other_root.pem)
    assert [c.subject for c in load_trust_roots(bundle)] == [pki.root.cert.subject, pki.other_root.cert.subject]
    (tmp_path / "empty.pem").write_bytes(b"")
    with pytest.raises(ValueError):
        load_trust_roots(tmp_path / "empty.pem")


def test_the_default_fetcher_only_fetches_https() -> None:
    with pytest.raises(FetchError):
        https_fetcher()("http://s3.amazonaws.com/echo.api/echo-api-cert.pem")


class _Response:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, limit: int) -> bytes:
        return self._data[:limit]

    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def test_the_default_fetcher_caps_the_size_and_passes_the_timeout(monkeypatch) -> None:
    seen = {}

    def fake_open(self, url, timeout):  # noqa: ANN001
        seen["timeout"] = timeout
        return _Response(b"x" * 2000)

    monkeypatch.setattr(certificates.urllib.request.OpenerDirector, "open", fake_open)
    assert https_fetcher(timeout=1.5, limit=2000)(CHAIN_URL) == b"x" * 2000
    assert seen["timeout"] == 1.5
    with pytest.raises(FetchError, match="larger than"):
        https_fetcher(limit=1999)(CHAIN_URL)


def test_signature_header_must_not_be_empty(verifier, pki, device, fetch) -> None:
    body = launch_body(device, pki.now)
    assert "Signature-256" in rejects(verifier, pki.headers(body, **{"Signature-256": ""}), body, pki.now)
    assert "Signature-256" in rejects(verifier, pki.headers(body, **{"Signature-256": base64.b64encode(b"").decode()}),
                                      body, pki.now)
    assert fetch.calls == []
