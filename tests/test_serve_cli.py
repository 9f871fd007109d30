"""``secure-base serve``: production by default, refusing to start without a skill ID; ``--dev`` warns."""

from __future__ import annotations

import os

import pytest

from skill import cli
from skill.web import server

SKILL_ID = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555"


@pytest.fixture
def served(monkeypatch, library) -> list:
    """Stands in for gunicorn: records the settings ``serve`` would have run with."""
    for name in list(os.environ):
        if name.startswith("SECURE_BASE_"):
            monkeypatch.delenv(name)
    calls: list = []
    monkeypatch.setattr(server, "serve", lambda settings, lib: calls.append(settings))
    monkeypatch.setattr(cli, "_library", lambda settings: library)
    return calls


def test_production_without_a_skill_id_refuses_to_start(served, capsys) -> None:
    assert cli.main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "--skill-id" in err and "SECURE_BASE_SKILL_IDS" in err
    assert served == []


@pytest.mark.parametrize("args, env", [
    (["serve", "--skill-id", SKILL_ID], {}),
    (["serve"], {"SECURE_BASE_SKILL_IDS": SKILL_ID}),
    (["serve"], {"SECURE_BASE_SKILL_ID": SKILL_ID}),
])
def test_production_with_a_skill_id_serves_with_verification(served, monkeypatch, capsys, args, env) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main([*args, "--workers", "3"]) == 0
    (settings,) = served
    assert settings.dev is False and settings.skill_ids == (SKILL_ID,) and settings.workers == 3
    assert "verification on" in capsys.readouterr().out
    assert server.gunicorn_options(settings)["bind"] == "0.0.0.0:5000"


def test_dev_mode_warns_and_binds_loopback(served, capsys) -> None:
    assert cli.main(["serve", "--dev", "--host", "0.0.0.0", "--workers", "2"]) == 0
    (settings,) = served
    assert settings.dev is True
    assert capsys.readouterr().out.startswith("WARNING: development mode")
    options = server.gunicorn_options(settings)
    assert options["bind"].startswith("127.0.0.1:") and options["workers"] == 2


def test_a_bad_ca_bundle_stops_start_up(served, monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setenv("SECURE_BASE_CA_BUNDLE", str(tmp_path / "missing.pem"))
    assert cli.main(["serve", "--skill-id", SKILL_ID]) == 2
    assert "SECURE_BASE_CA_BUNDLE" in capsys.readouterr().err
    assert served == []
