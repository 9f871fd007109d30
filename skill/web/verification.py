"""Check that a request really comes from Alexa, for this skill, just now. No Flask: headers, bytes and a clock in.

The checks follow Amazon's "host a custom skill as a web service" page, cheapest first, so a forged request
costs no network fetch: the certificate URL and the signature header are checked before the chain is fetched.

1. ``SignatureCertChainUrl``: https, host ``s3.amazonaws.com``, port 443, path under ``/echo.api/`` after
   resolving ``..``.
2. ``Signature-256`` is present and base64 (the SHA-1 ``Signature`` header alone is refused).
3. The PEM chain at that URL validates against the trusted roots at ``now``, for ``echo-api.amazon.com``.
4. The signature (RSA PKCS#1 v1.5, SHA-256) matches the exact body bytes.
5. ``request.timestamp`` is within 150 s of ``now`` (3600 s for ``AlexaSkillEvent.*``).
6. Every application ID in the envelope is one of the configured skill IDs.

With ``check_signature=False`` (development) only step 6 runs, and only when skill IDs are configured.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as ChainError

from skill.alexa.shape import application_ids
from skill.web.certificates import Fetch, https_fetcher, load_pem_certificates, load_trust_roots
from skill.web.chain_cache import ChainCache

log = logging.getLogger("skill.verification")

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
LEGACY_SIGNATURE_HEADER = "Signature"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
SIGNING_NAME = "echo-api.amazon.com"
MAX_SKEW = timedelta(seconds=150)
MAX_EVENT_SKEW = timedelta(seconds=3600)
EVENT_PREFIX = "AlexaSkillEvent."


class VerificationError(Exception):
    """The request failed a check; ``reason`` is short, safe to return and to log (it holds no body content)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalised_cert_url(url: str) -> str:
    """The certificate-chain URL with its path normalised, or :class:`VerificationError` if Alexa would not use it."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise VerificationError("certificate URL is malformed") from exc
    if parts.scheme.lower() != "https":
        raise VerificationError("certificate URL is not https")
    if host != CERT_URL_HOST or parts.username is not None or parts.password is not None:
        raise VerificationError(f"certificate URL host is not {CERT_URL_HOST}")
    if port is not None and port != 443:
        raise VerificationError("certificate URL port is not 443")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise VerificationError(f"certificate URL path is not under {CERT_URL_PATH_PREFIX}")
    return urlunsplit(("https", parts.netloc.lower(), path, parts.query, ""))


class RequestVerifier:
    """Verifies Alexa requests. Build it once per process and share it: the chain cache is thread-safe."""

    def __init__(self, skill_ids: Iterable[str], *, trust_roots: Sequence[x509.Certificate] | None = None,
                 fetch: Fetch | None = None, cache: ChainCache | None = None, check_signature: bool = True) -> None:
        self._skill_ids = frozenset(skill_ids)
        self._signatures = _SignatureCheck(
            Store(list(trust_roots if trust_roots is not None else load_trust_roots())),
            fetch or https_fetcher(),
            cache if cache is not None else ChainCache(),
        ) if check_signature else None

    @property
    def checks_signature(self) -> bool:
        return self._signatures is not None

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        """Return if the request passes every check; raise :class:`VerificationError` naming the first failure."""
        now = _aware(now)
        payload: Any = None
        if self._signatures is not None:
            self._signatures.check(headers, body, now)
            payload = _payload(body)
            _check_timestamp(payload, now)
        if self._skill_ids:
            _check_skill_id(_payload(body) if payload is None else payload, self._skill_ids)


class _SignatureCheck:
    """Steps 1 to 4: the certificate URL, the chain (cached per URL) and the signature over the body."""

    def __init__(self, store: Store, fetch: Fetch, cache: ChainCache) -> None:
        self._store = store
        self._fetch = fetch
        self._cache = cache

    def check(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        lowered = {name.lower(): value for name, value in headers.items()}
        url = normalised_cert_url(_header(lowered, CERT_URL_HEADER))
        signature = _signature(lowered)
        key = self._cache.get(url, now)
        if key is None:
            key = self._fetch_signing_key(url, now)
        try:
            key.verify(signature, body, PKCS1v15(), SHA256())
        except InvalidSignature as exc:
            raise VerificationError("signature does not match the body") from exc

    def _fetch_signing_key(self, url: str, now: datetime) -> RSAPublicKey:
        """Fetch and validate the chain at ``url``; cache and return its signing key only if it is good."""
        try:
            data = self._fetch(url)
        except Exception as exc:  # any failure to fetch is a rejection, never a 500
            log.warning("certificate chain fetch failed: %s: %s", type(exc).__name__, exc)
            raise VerificationError("certificate chain could not be fetched") from exc
        chain = load_pem_certificates(data) if isinstance(data, bytes) else []
        if not chain:
            raise VerificationError("certificate chain is not PEM")
        leaf, intermediates = chain[0], chain[1:]
        verifier = PolicyBuilder().store(self._store).time(now).build_server_verifier(x509.DNSName(SIGNING_NAME))
        try:
            verifier.verify(leaf, intermediates)
        except ChainError as exc:
            log.warning("certificate chain rejected: %s", exc)
            raise VerificationError("certificate chain is not valid") from exc
        key = leaf.public_key()
        if not isinstance(key, RSAPublicKey):
            raise VerificationError("signing key is not RSA")
        self._cache.put(url, key, min(c.not_valid_after_utc for c in chain), now)
        return key


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _header(lowered: Mapping[str, str], name: str) -> str:
    value = lowered.get(name.lower())
    if not value:
        raise VerificationError(f"missing {name} header")
    return value


def _signature(lowered: Mapping[str, str]) -> bytes:
    if not lowered.get(SIGNATURE_HEADER.lower()) and lowered.get(LEGACY_SIGNATURE_HEADER.lower()):
        raise VerificationError(f"missing {SIGNATURE_HEADER} header (SHA-1 {LEGACY_SIGNATURE_HEADER} is not accepted)")
    value = _header(lowered, SIGNATURE_HEADER)
    try:
        signature = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerificationError(f"{SIGNATURE_HEADER} is not base64") from exc
    if not signature:
        raise VerificationError(f"missing {SIGNATURE_HEADER} header")
    return signature


def _payload(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise VerificationError("body is not valid JSON") from exc


def _check_timestamp(payload: Any, now: datetime) -> None:
    request = payload.get("request") if isinstance(payload, dict) else None
    request = request if isinstance(request, dict) else {}
    raw = request.get("timestamp")
    try:
        stamp = _aware(datetime.fromisoformat(raw)) if isinstance(raw, str) else None
    except ValueError:
        stamp = None
    if stamp is None:
        raise VerificationError("missing or invalid request.timestamp")
    kind = request.get("type")
    allowed = MAX_EVENT_SKEW if isinstance(kind, str) and kind.startswith(EVENT_PREFIX) else MAX_SKEW
    try:
        skew = abs(now - stamp)
    except OverflowError:
        skew = timedelta.max
    if skew > allowed:
        raise VerificationError(f"request timestamp is more than {int(allowed.total_seconds())} s from now")


def _check_skill_id(payload: Any, skill_ids: frozenset[str]) -> None:
    claimed = application_ids(payload) if isinstance(payload, dict) else set()
    if not claimed or not claimed <= skill_ids:
        raise VerificationError("skill ID does not match")
