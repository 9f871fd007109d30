"""Getting certificates: the trusted roots (a PEM bundle) and Alexa's signing chain (fetched over HTTPS)."""

from __future__ import annotations

import re
import ssl
import urllib.request
import warnings
from collections.abc import Callable
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning

Fetch = Callable[[str], bytes]
"""Fetch the bytes at an https URL; raise any exception on failure."""

DEFAULT_FETCH_TIMEOUT = 2.0
MAX_CHAIN_BYTES = 64 * 1024
_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


class FetchError(Exception):
    """The chain could not be fetched: refused, too large, or not over https."""


def load_pem_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle, in order, skipping blocks this version of cryptography cannot parse."""
    certificates = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in _PEM_BLOCK.findall(data):
            try:
                certificates.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return certificates


def load_trust_roots(bundle: Path | None = None) -> list[x509.Certificate]:
    """Trusted root certificates from ``bundle``, or from certifi's copy of Mozilla's bundle by default."""
    path = bundle or Path(certifi.where())
    roots = load_pem_certificates(path.read_bytes())
    if not roots:
        raise ValueError(f"no certificates found in {path}")
    return roots


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def https_fetcher(timeout: float = DEFAULT_FETCH_TIMEOUT, limit: int = MAX_CHAIN_BYTES) -> Fetch:
    """A fetcher that reads at most ``limit`` bytes over https within ``timeout`` seconds, following no redirects."""
    context = ssl.create_default_context(cafile=certifi.where())
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirects())

    def fetch(url: str) -> bytes:
        if not url.startswith("https://"):
            raise FetchError("only https URLs are fetched")
        with opener.open(url, timeout=timeout) as response:
            data = response.read(limit + 1)
        if len(data) > limit:
            raise FetchError(f"certificate chain is larger than {limit} bytes")
        return data

    return fetch
