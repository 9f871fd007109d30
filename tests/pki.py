"""A throwaway certificate authority shaped like Alexa's (root -> intermediate -> signing certificate), for tests.

Nothing here touches the network: the verifier gets :class:`FakeFetch` instead of an HTTPS client.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SIGNING_NAME = "echo-api.amazon.com"
CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"


@dataclass(frozen=True)
class Issued:
    """A certificate and the private key that goes with it."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class TestPKI:
    """Keys are made once (RSA key generation is the slow part); certificates are cheap to issue."""

    __test__ = False  # not a pytest test class

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(timezone.utc).replace(microsecond=0)
        self.leaf_key = _key()
        self.root = self.ca("Test Root CA", _key())
        self.intermediate = self.ca("Test Intermediate CA", _key(), issuer=self.root)
        self.other_root = self.ca("Untrusted Root CA", _key())
        self.other_intermediate = self.ca("Untrusted Intermediate CA", _key(), issuer=self.other_root)
        self.signer = self.leaf()

    def _builder(self, subject: str, key: rsa.RSAPrivateKey, issuer: Issued | None, not_before: datetime | None,
                 not_after: datetime | None) -> x509.CertificateBuilder:
        builder = (x509.CertificateBuilder()
                   .subject_name(_name(subject))
                   .issuer_name(issuer.cert.subject if issuer else _name(subject))
                   .public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(not_before or self.now - timedelta(days=1))
                   .not_valid_after(not_after or self.now + timedelta(days=365))
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
        if issuer is not None:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
        return builder

    def ca(self, subject: str, key: rsa.RSAPrivateKey, issuer: Issued | None = None) -> Issued:
        builder = (self._builder(subject, key, issuer, None, self.now + timedelta(days=3650))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(
                       digital_signature=True, content_commitment=False, key_encipherment=False,
                       data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                       encipher_only=False, decipher_only=False), critical=True))
        return Issued(key, builder.sign(issuer.key if issuer else key, hashes.SHA256()))

    def leaf(self, *, issuer: Issued | None = None, san: Sequence[str] | None = (SIGNING_NAME,),
             not_before: datetime | None = None, not_after: datetime | None = None,
             self_signed: bool = False) -> Issued:
        """A signing certificate; by default a good one, issued by the intermediate, valid for a year."""
        issuer = None if self_signed else (issuer or self.intermediate)
        builder = (self._builder(SIGNING_NAME, self.leaf_key, issuer, not_before, not_after)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(
                       digital_signature=True, content_commitment=False, key_encipherment=True,
                       data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                       encipher_only=False, decipher_only=False), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                         ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False))
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in san]),
                                            critical=False)
        return Issued(self.leaf_key, builder.sign(issuer.key if issuer else self.leaf_key, hashes.SHA256()))

    def chain(self, leaf: Issued | None = None, *intermediates: Issued) -> bytes:
        """PEM as Alexa serves it: the signing certificate first, then the intermediates."""
        return b"".join(c.pem for c in (leaf or self.signer, *(intermediates or (self.intermediate,))))

    @property
    def roots_pem(self) -> bytes:
        return self.root.pem

    def sign(self, body: bytes, key: rsa.RSAPrivateKey | None = None,
             algorithm: hashes.HashAlgorithm | None = None) -> str:
        signature = (key or self.leaf_key).sign(body, padding.PKCS1v15(), algorithm or hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")

    def headers(self, body: bytes, url: str = CHAIN_URL, **extra: str) -> dict[str, str]:
        """Headers as Alexa sends them for ``body``."""
        return {"SignatureCertChainUrl": url, "Signature-256": self.sign(body), **extra}


@dataclass
class FakeFetch:
    """Serves PEM per URL and records every fetch. A value that is an exception is raised instead."""

    responses: dict[str, bytes | BaseException | Callable[[], bytes]]
    calls: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        answer = self.responses[url]
        if isinstance(answer, BaseException):
            raise answer
        return answer() if callable(answer) else answer
