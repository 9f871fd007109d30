"""Fuzzing POST /alexa with odd envelopes: the skill answers with valid SSML (200) or refuses (4xx), never a 500.

Envelopes start as real ones (tests' Alexa shapes from skill.alexa.envelopes) and are then bent: fields
removed or given the wrong type, huge strings, deep nesting, unknown request types and intents, odd locales,
and slot values full of SSML's special characters. The runs are derandomized, so CI sees the same examples
every time.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from skill.alexa import envelopes
from skill.alexa.envelopes import Device
from skill.content.ssml import speech_problems

FUZZ = settings(derandomize=True, max_examples=300, deadline=None, database=None,
                # One app serves every example, as one worker serves every request; its store just fills up.
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

SSML_SPECIAL = "&<>\"'"
MARK = "QQ"  # every fuzzed slot value contains it, so finding a raw value in the SSML means it was echoed
NASTY = [MARK + value for value in (
    "&", "<", ">", '"', "'", "&amp;", "<speak>", "</speak>", "<audio src='https://example.com/a.mp3'/>",
    '<break time="600s"/>', "<![CDATA[x]]>", "<!-- x -->", "&#0;", "&lt;", "]]>", "<?xml version='1.0'?>",
    "Tom & Jerry's <b>\"quote\"</b>", "\u202e\u0000\ufffe", "😀" * 20,
)]
REQUEST_TYPES = ["LaunchRequest", "IntentRequest", "SessionEndedRequest", "CanFulfillIntentRequest",
                 "AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillDisabled", "Alexa.Presentation.APL.UserEvent",
                 "System.ExceptionEncountered", "Connections.Response", "AudioPlayer.PlaybackStarted"]
INTENTS = ["AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.FallbackIntent", "AMAZON.YesIntent", "AMAZON.NextIntent",
           "SteadyIntent", "IdeaIntent", "TellMeMoreIntent", "PrincipleIntent", "DailyPrincipleIntent",
           "StartReflectionIntent", "ShareIntent", "DeleteDataIntent", "SituationPushedAwayIntent", "SelfHarmIntent"]
LOCALES = ["en-US", "en-GB", "en-IN", "de-DE", "xx-YY", "", "EN-us", "en_US", "ja-JP", "en-US\u0000"]
PATHS = [
    ("version",), ("session",), ("session", "new"), ("session", "sessionId"), ("session", "attributes"),
    ("session", "attributes", "dialogue"), ("session", "attributes", "dialogue", "node"),
    ("session", "attributes", "dialogue", "recent"), ("session", "attributes", "dialogue", "turns"),
    ("session", "attributes", "dialogue", "last"), ("session", "user"), ("session", "user", "userId"),
    ("session", "application", "applicationId"), ("context",), ("context", "System"),
    ("context", "System", "user"), ("context", "System", "user", "userId"), ("context", "System", "device"),
    ("context", "System", "device", "supportedInterfaces"), ("context", "System", "application", "applicationId"),
    ("request",), ("request", "type"), ("request", "requestId"), ("request", "timestamp"), ("request", "locale"),
    ("request", "intent"), ("request", "intent", "name"), ("request", "intent", "slots"),
    ("request", "intent", "slots", "Number", "value"), ("request", "intent", "slots", "Idea"),
    ("request", "intent", "slots", "Idea", "resolutions"), ("request", "dialogState"), ("request", "reason"),
    ("request", "body"), ("request", "error"), ("request", "extra field"),
]
DEEP = "__deep__"  # a value replaced, in the JSON text, by nesting too deep to build as a Python value first
REMOVE = object()

huge_strings = st.builds(lambda char, n: char * n, st.sampled_from(["x", "&", "<", "é", "\\", "\U0001f600"]),
                         st.integers(1_000, 40_000))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
values = json_values | huge_strings | st.just(DEEP) | st.just(REMOVE)
slot_values = st.sampled_from(NASTY) | st.text(st.sampled_from("ab 7&<>\"';/=!?é"), max_size=40).map(MARK.__add__)


def _set(data: dict, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        child = data.get(key)
        if not isinstance(child, dict):
            child = data[key] = {}
        data = child
    if value is REMOVE:
        data.pop(path[-1], None)
    else:
        data[path[-1]] = value


def _body(data: dict, depth: int) -> bytes:
    text = json.dumps(data)
    return text.replace(json.dumps(DEEP), "[" * depth + "{}" + "]" * depth).encode()


def _check(response, slot_texts: tuple[str, ...] = ()) -> None:  # noqa: ANN001
    """200 with a well-formed response and valid SSML that echoes no slot text unescaped, or a 4xx with a reason."""
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.status_code
    body = response.get_json(silent=True)
    assert isinstance(body, dict)
    if response.status_code != 200:
        assert isinstance(body.get("error"), str) and body["error"]
        return
    assert body.get("version") == "1.0" and isinstance(body.get("response"), dict)
    answer = body["response"]
    for speech in (answer.get("outputSpeech"), (answer.get("reprompt") or {}).get("outputSpeech")):
        if speech is None:
            continue
        assert speech["type"] == "SSML"
        assert speech_problems(speech["ssml"]) == []
        for text in slot_texts:
            if any(char in text for char in SSML_SPECIAL):
                assert text not in speech["ssml"]


@FUZZ
@given(kind=st.sampled_from(["LaunchRequest", "IntentRequest"]) | st.sampled_from(REQUEST_TYPES) | st.text(max_size=30),
       intent=st.sampled_from(INTENTS) | st.sampled_from(INTENTS) | st.text(max_size=30),
       locale=st.sampled_from(LOCALES) | st.text(max_size=12),
       in_session=st.booleans(),
       changes=st.lists(st.tuples(st.sampled_from(PATHS), values), max_size=4),
       depth=st.integers(1, 30_000))
def test_bent_envelopes_get_valid_speech_or_a_4xx(client, kind, intent, locale, in_session, changes, depth) -> None:
    device = Device(locale=locale)
    request = envelopes.intent_request(device, intent)
    request["type"] = kind
    data = envelopes.envelope(request, device, session_id="amzn1.echo-api.session.fuzz" if in_session else None,
                              attributes={"dialogue": {"node": "guiding", "principle": "be_patient", "turns": 3}})
    for path, value in changes:
        _set(data, path, value)
    response = client.post("/alexa", data=_body(data, depth), content_type="application/json")
    event(f"HTTP {response.status_code}")  # --hypothesis-show-statistics shows how many got through to the skill
    _check(response)


@FUZZ
@given(intent=st.sampled_from(["PrincipleIntent", "ShareIntent", "DailyPrincipleIntent", "AMAZON.FallbackIntent"])
       | st.text(max_size=20),
       slots=st.dictionaries(st.sampled_from(["Number", "Idea", "Query"]) | st.text(max_size=10), slot_values,
                             min_size=1, max_size=3),
       resolved=st.sampled_from([None, "be_patient", "no_such_principle", MARK + "<&>"]),
       node=st.sampled_from(["start", "choosing", "guiding", "reflecting", "safety", "listing"]))
def test_slot_values_with_ssml_characters_are_never_spoken_raw(client, intent, slots, resolved, node) -> None:
    device = Device()
    built = {name: envelopes.slot(name, value, resolved_id=resolved if name == "Idea" else None)
             for name, value in slots.items()}
    data = envelopes.envelope(envelopes.intent_request(device, intent, built), device, session_id="s",
                              attributes={"dialogue": {"node": node, "turns": 2}})
    response = client.post("/alexa", data=json.dumps(data), content_type="application/json")
    _check(response, tuple(slots.values()))


@pytest.mark.parametrize("path, depth", [
    *(((), depth) for depth in (50, 500, 990, 5_000, 30_000)),
    *((("session", "attributes"), depth) for depth in (50, 500, 5_000)),
    *((("request", "intent", "slots"), depth) for depth in (50, 500, 5_000)),
    *((("context", "System", "device"), depth) for depth in (50, 500, 5_000)),
    *((("session", "attributes", "dialogue", "recent"), depth) for depth in (50, 990, 5_000, 30_000)),
    (("session", "attributes", "dialogue", "recent"), 500),
    (("session", "attributes", "anything"), 800),
])
def test_deep_nesting_anywhere_is_answered_or_refused(client, path, depth) -> None:
    device = Device()
    data: Any = envelopes.envelope(envelopes.intent_request(device, "IdeaIntent"), device, session_id="s")
    if path:
        _set(data, path, DEEP)
    else:
        data = DEEP
    _check(client.post("/alexa", data=_body(data, depth), content_type="application/json"))
