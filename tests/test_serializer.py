"""The envelope serializer gives the same models as ask-sdk's stock one, faster."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.alexa import envelopes
from skill.alexa.envelopes import Device
from skill.alexa.serializer import EnvelopeSerializer


def test_parsed_data_deserializes_like_the_stock_serializer_does_text() -> None:
    device = Device(screen=True)
    request = envelopes.intent_request(device, "PrincipleIntent", {"Idea": envelopes.slot("Idea", "space", "give_space")})
    data = envelopes.envelope(request, device, session_id="s", attributes={"dialogue": "{}"})
    ours = EnvelopeSerializer().from_data(data, RequestEnvelope)
    stock = DefaultSerializer().deserialize(json.dumps(data), RequestEnvelope)
    assert ours == stock
    assert ours.request.timestamp.tzinfo is not None


def test_timestamps_in_other_shapes_still_parse() -> None:
    serializer = EnvelopeSerializer()
    method = serializer._DefaultSerializer__deserialize_datetime
    assert method("2026-11-25T12:00:00Z", datetime) == datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
    assert method("2026-11-25", date) == date(2026, 11, 25)
    assert method("25 Nov 2026 12:00 UTC", datetime).day == 25
