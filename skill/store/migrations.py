"""Upgrades of stored profile JSON from older schema numbers, one step at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Raw = dict[str, Any]


def upgrade(raw: Raw, to: int) -> Raw:
    """``raw`` brought up to schema ``to``; ValueError for a missing, unknown or newer schema."""
    schema = raw.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise ValueError("the record has no valid schema number")
    if schema > to:
        raise ValueError(f"schema {schema} is newer than this code ({to})")
    while schema < to:
        raw = _STEPS[schema](raw)
        schema = raw["schema"]
    return raw


def _v1_to_v2(raw: Raw) -> Raw:
    """v1 kept the rotation at the top level (``order``, ``position``, ``last_day``); v2 nests it
    under ``rotation`` and adds the reflection ``bookmark``."""
    return {
        "schema": 2,
        "rotation": {"order": raw["order"], "position": raw["position"], "day": raw["last_day"]},
        "streak": raw["streak"],
        "preferences": raw["preferences"],
        "bookmark": None,
    }


def _v2_to_v3(raw: Raw) -> Raw:
    """v3 counts ``visits`` (sessions opened), so a returning person gets the short welcome. A v2 record
    means at least one earlier visit."""
    return {**raw, "schema": 3, "visits": 1}


_STEPS: dict[int, Callable[[Raw], Raw]] = {1: _v1_to_v2, 2: _v2_to_v3}
