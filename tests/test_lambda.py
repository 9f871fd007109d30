"""The AWS Lambda entry point, called as Lambda calls it: a parsed envelope and a context object."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from skill import lambda_function
from skill.alexa import envelopes
from skill.alexa.envelopes import Device
from skill.settings import PROJECT_ROOT

SKILL_ID = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555"


@pytest.fixture
def loads() -> list:
    """The settings each content load was asked for."""
    return []


@pytest.fixture
def handler(monkeypatch, library, loads):
    """The handler with a fresh runner, the session's checked content, and settings from the environment."""

    def load(settings):
        loads.append(settings)
        return library

    for name in list(os.environ):
        if name.startswith("SECURE_BASE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SECURE_BASE_SKILL_IDS", SKILL_ID)
    monkeypatch.setenv("SECURE_BASE_SEED", "11")
    monkeypatch.setattr(lambda_function, "_runner", None)
    monkeypatch.setattr(lambda_function, "load_checked_library", load)
    return lambda_function.handler


@pytest.fixture
def device() -> Device:
    return Device(skill_id=SKILL_ID)


def test_a_launch_request_gets_speech(handler, device) -> None:
    response = handler(envelopes.envelope(envelopes.launch_request(device), device, session_id="s", new=True), None)
    assert response["version"] == "1.0"
    assert response["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert response["response"]["shouldEndSession"] is False


def test_a_conversation_continues_with_the_returned_session_attributes(handler, device) -> None:
    first = handler(envelopes.envelope(envelopes.launch_request(device), device, session_id="s", new=True), None)
    second = handler(envelopes.envelope(envelopes.intent_request(device, "AMAZON.HelpIntent"), device,
                                        session_id="s", attributes=first["sessionAttributes"]), None)
    assert second["response"]["outputSpeech"]["ssml"].startswith("<speak>")


def test_the_runner_is_built_once_per_process(handler, loads, device) -> None:
    for _ in range(3):
        handler(envelopes.envelope(envelopes.launch_request(device), device, session_id="s", new=True), None)
    assert len(loads) == 1
    assert loads[0].skill_ids == (SKILL_ID,) and loads[0].seed == 11


def test_a_skill_event_gets_an_empty_response(handler, device) -> None:
    response = handler(envelopes.skill_event(device, "AlexaSkillEvent.SkillEnabled"), None)
    assert "outputSpeech" not in response.get("response", {})


@pytest.mark.parametrize("event, message", [
    ({}, "missing 'version'"),
    ([1, 2], "body is not a JSON object"),
    ("LaunchRequest", "body is not a JSON object"),
])
def test_a_malformed_event_raises_a_short_error(handler, event, message) -> None:
    with pytest.raises(lambda_function.InvalidRequest) as caught:
        handler(event, None)
    assert str(caught.value) == message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_request_for_another_skill_is_refused(handler) -> None:
    other = Device(skill_id="amzn1.ask.skill.someone-else")
    with pytest.raises(lambda_function.InvalidRequest, match="skill ID does not match"):
        handler(envelopes.envelope(envelopes.launch_request(other), other), None)


def test_importing_the_module_does_no_work() -> None:
    """Importing must not read settings or content: a broken content directory fails only on first call."""
    env = {**os.environ, "SECURE_BASE_CONTENT_DIR": "/nonexistent", "PYTHONPATH": str(PROJECT_ROOT)}
    code = "import skill.lambda_function as m; assert m._runner is None; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                            cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_settings_come_from_the_environment_with_real_content(monkeypatch, device) -> None:
    for name in list(os.environ):
        if name.startswith("SECURE_BASE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SECURE_BASE_SKILL_ID", SKILL_ID)  # the singular alias works too
    monkeypatch.setattr(lambda_function, "_runner", None)
    response = lambda_function.handler(envelopes.envelope(envelopes.launch_request(device), device, session_id="s",
                                                          new=True), None)
    assert response["response"]["outputSpeech"]["ssml"]
    other = Device(skill_id="amzn1.ask.skill.someone-else")
    with pytest.raises(lambda_function.InvalidRequest):
        lambda_function.handler(envelopes.envelope(envelopes.launch_request(other), other), None)


def test_the_lambda_entry_point_does_not_import_flask() -> None:
    """Cold start on Lambda pays only for what it uses: no web framework."""
    import subprocess
    import sys

    code = "import sys, skill.lambda_function; print('flask' in sys.modules or 'werkzeug' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
