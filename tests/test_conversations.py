"""Whole conversations as data (tests/conversations/*.yaml), run through the Flask route with real envelopes.

Each turn is one of ``launch``, ``intent`` (with optional ``slots``), ``say`` (typed text matched against the
committed interaction model, as ``secure-base chat`` does) or ``session_ended``. ``expect`` checks:
``keys`` (in order, shell-style patterns, other keys may come between), ``absent`` (patterns that must not
appear), ``end``, ``node``, ``card``, ``reprompt``, ``status`` and, for ``say``, ``intent``.

``card`` is either true/false (is there a card) or a mapping of shell-style patterns for the card's ``title``
and ``text``. ``state`` compares fields of the session's DialogueState exactly, e.g. ``state: {step: 1, pace: 150}``
(``step`` counts from 0, so it is one less than the ``steps.N`` key spoken).
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.alexa import envelopes
from skill.chat import UtteranceMatcher
from skill.settings import Settings
from tests.alexa_client import AlexaClient, Reply

STORIES = sorted((Path(__file__).parent / "conversations").glob("*.yaml"))


def _matcher(locale: str) -> UtteranceMatcher:
    path = Settings().model_dir / f"{locale}.json"
    return UtteranceMatcher(json.loads(path.read_text(encoding="utf-8")))


def _slots(raw: dict[str, Any]) -> dict[str, Any]:
    """Slots from a story: ``{Number: "3"}``, or ``{Idea: {value: giving space, id: give_space}}``."""
    built = {}
    for name, value in (raw or {}).items():
        if isinstance(value, dict):
            built[name] = envelopes.slot(name, value.get("value"), value.get("id"))
        else:
            built[name] = envelopes.slot(name, str(value))
    return built


def _in_order(patterns: list[str], keys: tuple[str, ...]) -> bool:
    position = 0
    for pattern in patterns:
        while position < len(keys) and not fnmatch.fnmatchcase(keys[position], pattern):
            position += 1
        if position == len(keys):
            return False
        position += 1
    return True


def _check(reply: Reply, expect: dict[str, Any], where: str, intent: str | None) -> None:
    assert reply.status == expect.get("status", 200), f"{where}: HTTP {reply.status}"
    if "intent" in expect:
        assert intent == expect["intent"], f"{where}: heard {intent}, expected {expect['intent']}"
    if "keys" in expect:
        assert _in_order(expect["keys"], reply.keys), f"{where}: keys {reply.keys} lack {expect['keys']} in order"
    for pattern in expect.get("absent", []):
        assert not fnmatch.filter(reply.keys, pattern), f"{where}: {pattern} should not be in {reply.keys}"
    if "end" in expect:
        assert reply.ended is expect["end"], f"{where}: shouldEndSession is {reply.ended}"
    if "node" in expect:
        assert reply.state.node == expect["node"], f"{where}: state {reply.state.node}"
    if "card" in expect:
        _check_card(reply, expect["card"], where)
    for name, value in (expect.get("state") or {}).items():
        actual = getattr(reply.state, name)
        actual = list(actual) if isinstance(actual, tuple) else actual
        assert actual == value, f"{where}: state.{name} is {actual!r}, expected {value!r}"
    if "reprompt" in expect:
        assert (reply.reprompt_ssml is not None) is expect["reprompt"], f"{where}: reprompt {reply.reprompt_ssml}"


def _check_card(reply: Reply, expected: bool | dict[str, str], where: str) -> None:
    if isinstance(expected, bool):
        assert (reply.card is not None) is expected, f"{where}: card {reply.card}"
        return
    assert reply.card is not None, f"{where}: no card, expected {expected}"
    fields = {"title": reply.card.get("title", ""), "text": reply.card.get("content", reply.card.get("text", ""))}
    for name, pattern in expected.items():
        assert fnmatch.fnmatchcase(fields[name], pattern), f"{where}: card {name} {fields[name]!r} is not {pattern!r}"


def _play(alexa: AlexaClient, turn: dict[str, Any], matcher: UtteranceMatcher) -> tuple[Reply, str | None]:
    if "launch" in turn:
        return alexa.launch(), None
    if "session_ended" in turn:
        return alexa.end_session(turn["session_ended"] or "USER_INITIATED"), None
    if "say" in turn:
        match = matcher.match(turn["say"])
        return alexa._send(envelopes.intent_request(alexa.device, match.intent, match.slots)), match.intent
    return alexa.intent(turn["intent"], **_slots(turn.get("slots"))), turn["intent"]


@pytest.mark.parametrize("story_file", STORIES, ids=[p.stem for p in STORIES])
def test_conversation(story_file: Path, client) -> None:
    story = yaml.safe_load(story_file.read_text(encoding="utf-8"))
    locale = story.get("locale", "en-US")
    alexa = AlexaClient(client, device=envelopes.Device(locale=locale))
    matcher = _matcher(locale)
    for number, turn in enumerate(story["turns"], start=1):
        reply, intent = _play(alexa, turn, matcher)
        _check(reply, turn.get("expect", {}), f"{story_file.name} turn {number}", intent)


def test_there_are_stories() -> None:
    assert len(STORIES) >= 8
