"""One frozen settings object, built from ``SECURE_BASE_*`` environment variables and command-line flags.

Nothing reads the environment at import time: build a :class:`Settings` and pass it in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "SECURE_BASE_"
ENV_ALIASES = {"skill_ids": ENV_PREFIX + "SKILL_ID"}  # field -> extra variable read when the main one is unset
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Each field can be set as ``SECURE_BASE_<FIELD NAME IN CAPITALS>``."""

    dev: bool = False
    skill_ids: tuple[str, ...] = ()
    host: str = "0.0.0.0"
    port: int = 5000
    workers: int = 2
    content_dir: Path = PROJECT_ROOT / "content"
    model_dir: Path = PROJECT_ROOT / "interaction_model"
    data_dir: Path = PROJECT_ROOT / "data"
    id_salt: str = "secure-base"
    seed: int | None = None
    max_body_bytes: int = 64 * 1024
    log_level: str = "INFO"
    ca_bundle: Path | None = None  # PEM bundle of roots trusted for Alexa's signing chain; None: certifi's bundle
    cert_fetch_timeout: float = 2.0  # seconds allowed for fetching Alexa's signing chain
    endpoint_uri: str = ""  # the skill's public HTTPS endpoint (or Lambda ARN), written into the skill package
    ssl_certificate_type: str = "Trusted"  # the endpoint's certificate: Trusted, Wildcard or SelfSigned
    briefing_redirect_url: str = "https://www.amazon.com/alexa"  # where a flash briefing item links; set your own page
    privacy_policy_url: str = ""  # written into the skill package's privacyAndCompliance
    store: str = "sqlite"  # where profiles live: "sqlite" or "dynamodb"
    sqlite_path: Path | None = None  # None: data_dir / "secure-base.sqlite3"
    dynamodb_table: str = "secure-base"
    dynamodb_region: str | None = None  # None: boto3's default (AWS_REGION)
    dynamodb_endpoint_url: str | None = None  # e.g. http://localhost:8000 for DynamoDB Local

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **overrides: Any) -> Settings:
        """Settings from environment variables, then explicit overrides (flags), then defaults."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper()) or environ.get(ENV_ALIASES.get(f.name, ""))
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_changes(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _convert(name: str, kind: Any, raw: str) -> Any:
    variable = ENV_PREFIX + name.upper()
    kind = str(kind)
    try:
        if kind == "bool":
            if raw.lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(raw)
            return raw.lower() in {"1", "true", "yes", "on"}
        if kind in {"int", "int | None"}:
            return int(raw)
        if kind in {"Path", "Path | None"}:
            return Path(raw).expanduser()
        if kind == "float":
            return float(raw)
        if kind == "tuple[str, ...]":
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"{variable}={raw!r} is not a valid {kind}") from exc
    return raw
