"""The HTTP contract of POST /alexa and GET /healthz through the Flask test client."""

from __future__ import annotations

import json

import pytest

from skill.alexa import envelopes
from skill.alexa.envelopes import Device


def post_raw(client, data: bytes | str, content_type: str = "application/json"):
    return client.post("/alexa", data=data, content_type=content_type)


def test_launch_through_the_route(alexa) -> None:
    reply = alexa.launch()
    assert reply.status == 200
    assert reply.body["version"] == "1.0"
    assert reply.ssml.startswith("<speak>") and reply.ssml.endswith("</speak>")
    assert reply.keys == ("launch.first",)
    assert reply.ended is False
    assert reply.reprompt_ssml


def test_healthz(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


@pytest.mark.parametrize("body, reason", [
    (b"{not json", "body is not valid JSON"),
    (b"\xff\xfe\x00", "body is not valid JSON"),
    (b"", "body is not valid JSON"),
    (b"[1, 2, 3]", "body is not a JSON object"),
    (b'{"hello": "world"}', "missing 'version'"),
    (b'{"version": "1.0", "request": {"type": "LaunchRequest"}}', "missing 'request.requestId'"),
    (b"[" * 5000 + b"]" * 5000, "body is not"),
])
def test_malformed_bodies_get_400_with_a_reason(client, body: bytes, reason: str) -> None:
    response = post_raw(client, body)
    assert response.status_code == 400
    assert reason in response.get_json()["error"]


def test_envelope_with_wrong_types_gets_400(client) -> None:
    device = Device()
    body = envelopes.envelope(envelopes.launch_request(device), device, session_id="s", new=True)
    body["request"]["timestamp"] = "not a time"
    response = post_raw(client, json.dumps(body))
    assert response.status_code == 400


def test_get_on_alexa_is_405_json(client) -> None:
    response = client.get("/alexa")
    assert response.status_code == 405
    assert response.get_json() == {"error": "method not allowed"}


def test_oversized_body_is_413(client) -> None:
    response = post_raw(client, b"{" + b" " * (70 * 1024) + b"}")
    assert response.status_code == 413


def test_unknown_path_is_404_json(client) -> None:
    response = client.post("/nowhere", data="{}")
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_unknown_intent_is_a_gentle_miss(alexa) -> None:
    alexa.launch()
    reply = alexa.intent("SomeIntentFromAnotherSkill")
    assert reply.status == 200
    assert reply.keys[0] == "fallback.first"
    assert reply.ended is False


def test_missing_slots_get_a_spoken_question(alexa) -> None:
    alexa.launch()
    reply = alexa.intent("PrincipleIntent")
    assert reply.keys == ("not_caught",)
    assert reply.ended is False


def test_unsupported_request_type_gets_an_empty_200(client) -> None:
    device = Device()
    request = {"type": "Alexa.Presentation.APL.UserEvent", "requestId": "r1",
               "timestamp": envelopes.timestamp(), "locale": "en-US"}
    response = post_raw(client, json.dumps(envelopes.envelope(request, device, session_id="s")))
    assert response.status_code == 200
    assert "outputSpeech" not in response.get_json()["response"]


def test_session_ended_gets_an_empty_200(alexa) -> None:
    alexa.launch()
    reply = alexa.end_session()
    assert reply.status == 200
    assert "outputSpeech" not in reply.response


def test_a_failing_handler_apologises_without_a_traceback(alexa, monkeypatch, caplog) -> None:
    import skill.alexa.handlers as handlers

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(handlers, "step", explode)
    reply = alexa.launch()
    assert reply.status == 200
    assert reply.text and "boom" not in reply.text and "Traceback" not in reply.ssml
    assert reply.ended is False
    assert any("handler failed" in r.getMessage() for r in caplog.records)


def test_request_log_line_has_no_utterance_or_slot_text(alexa, caplog) -> None:
    caplog.set_level("INFO", logger="skill.requests")
    alexa.launch()
    alexa.intent("PrincipleIntent", Idea=envelopes.slot("Idea", "my secret words"))
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "skill.requests"]
    assert len(lines) == 2
    assert lines[1]["intent"] == "PrincipleIntent"
    assert lines[1]["keys"] and lines[1]["ms"] >= 0 and lines[1]["outcome"] == "ok"
    assert len(lines[1]["user"]) == 32 and alexa.device.user_id not in caplog.text
    assert "my secret words" not in caplog.text
