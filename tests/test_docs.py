"""The operator's documentation keeps up with the code."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from skill.settings import ENV_PREFIX, Settings

DEPLOY = Path(__file__).parent.parent / "docs" / "deploy.md"


def test_every_setting_has_a_row_in_the_deploy_guide() -> None:
    rows = [line for line in DEPLOY.read_text(encoding="utf-8").splitlines() if line.startswith("| `SECURE_BASE_")]
    documented = {line.split("`")[1] for line in rows}
    expected = {ENV_PREFIX + field.name.upper() for field in dataclasses.fields(Settings)}
    assert expected <= documented, f"add rows to docs/deploy.md for {sorted(expected - documented)}"
