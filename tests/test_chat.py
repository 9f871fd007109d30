"""``secure-base chat``: typed text to intents via the committed model, piped or typed, in-process or over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest
from werkzeug.serving import make_server

from skill.chat import UtteranceMatcher
from skill.settings import Settings


@pytest.fixture(scope="module")
def matcher() -> UtteranceMatcher:
    return UtteranceMatcher(json.loads((Settings().model_dir / "en-US.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("said, intent", [
    ("I feel pushed away", "SituationPushedAwayIntent"),
    ("I FEEL PUSHED AWAY!", "SituationPushedAwayIntent"),
    ("i feel pushed awy", "SituationPushedAwayIntent"),
    ("yeah", "AMAZON.YesIntent"),
    ("start a reflection", "StartReflectionIntent"),
    ("what is today's principle", "DailyPrincipleIntent"),
    ("I'm having dark thoughts", "SelfHarmIntent"),
    ("blorp zzz qux", "AMAZON.FallbackIntent"),
])
def test_typed_text_matches_the_intent(matcher, said, intent) -> None:
    assert matcher.match(said).intent == intent


def test_numbers_and_ideas_fill_slots(matcher) -> None:
    number = matcher.match("tell me principle three")
    assert number.intent == "PrincipleIntent" and number.slots["Number"]["value"] == "3"
    idea = matcher.match("tell me about giving space")
    resolved = idea.slots["Idea"]["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"]
    assert idea.intent == "PrincipleIntent" and resolved == "give_space"


def test_free_text_is_the_last_resort(matcher) -> None:
    found = matcher.match("my partner never texts me back these days")
    assert found.intent == "ShareIntent"
    assert found.slots["Query"]["value"] == "never texts me back these days"


def _chat(*args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skill.cli", "chat", *args], input=stdin, capture_output=True,
                          text=True, timeout=60, env={"SECURE_BASE_DATA_DIR": "/tmp/secure-base-chat-test",
                                                      "PATH": "/usr/bin:/bin"})


def test_piped_conversation_reaches_a_warm_goodbye() -> None:
    result = _chat(stdin="I feel pushed away\ngive me an idea\ntell me more\nI'm done\n")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("Alexa: ")]
    assert len(lines) == 5
    assert "(the skill ended the session)" in result.stdout
    assert "<" not in result.stdout, "SSML tags are removed"


def test_end_of_input_leaves_cleanly() -> None:
    result = _chat(stdin="I feel pushed away\n")
    assert result.returncode == 0 and "(you left the conversation)" in result.stdout
    assert "Traceback" not in result.stderr


def test_chat_over_http_with_a_running_server(app) -> None:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/alexa"
        result = _chat("--url", url, "--verbose", stdin="I feel pushed away\nsteady me\nstop\n")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert "[heard: SituationPushedAwayIntent]" in result.stdout
    assert "[card:" in result.stdout and "(the skill ended the session)" in result.stdout


def test_an_unreachable_server_is_a_clear_error() -> None:
    result = _chat("--url", "http://127.0.0.1:9/alexa", stdin="hello\n")
    assert result.returncode == 1
    assert "cannot reach" in result.stderr and "Traceback" not in result.stderr
