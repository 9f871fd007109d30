"""Pseudonymous user IDs for logs and storage: never the raw Alexa user ID."""

from __future__ import annotations

import hashlib
import hmac


def hash_user_id(user_id: str | None, salt: str) -> str:
    """A stable, keyed hash (HMAC-SHA256) of an Alexa user ID; ``-`` when there is no user."""
    if not user_id:
        return "-"
    return hmac.new(salt.encode(), user_id.encode(), hashlib.sha256).hexdigest()[:32]
