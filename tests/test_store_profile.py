"""The stored profile: JSON round trip, migration from schema 1, and refusal of anything but ids."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from skill.dialogue.rotation import Rotation, Streak
from skill.store import Bookmark, CorruptRecord, Preferences, Profile, StoreError
from skill.store.profile import SCHEMA, dumps, loads

FULL = Profile(
    rotation=Rotation(("be_patient", "give_space", "be_reliable"), 2, "2026-11-25"),
    streak=Streak(4, "2026-11-25"),
    preferences=Preferences(reflection_pace="slow"),
    bookmark=Bookmark("noticing_the_story", 3),
)
V1 = {
    "schema": 1,
    "order": ["be_patient", "give_space", "be_reliable"],
    "position": 2,
    "last_day": "2026-11-25",
    "streak": {"count": 4, "day": "2026-11-25"},
    "preferences": {"reflection_pace": "slow"},
}


@pytest.mark.parametrize("profile", [Profile(), FULL], ids=["empty", "full"])
def test_json_round_trip(profile):
    assert Profile.from_json(json.loads(json.dumps(profile.to_json()))) == profile
    assert loads(dumps(profile)) == profile
    assert profile.to_json()["schema"] == SCHEMA == Profile.schema


def test_a_schema_1_record_migrates_on_read():
    assert Profile.from_json(V1) == replace(FULL, bookmark=None, visits=1)


def test_a_schema_2_record_counts_as_one_earlier_visit():
    v2 = {key: value for key, value in FULL.to_json().items() if key != "visits"} | {"schema": 2}
    assert Profile.from_json(v2) == replace(FULL, visits=1)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        {},
        {**FULL.to_json(), "schema": SCHEMA + 1},
        {**FULL.to_json(), "schema": "2"},
        {**FULL.to_json(), "said": "I feel pushed away"},
        {**FULL.to_json(), "bookmark": {"reflection": "I feel pushed away", "step": 1}},
        {**FULL.to_json(), "rotation": {"order": ["be_patient"], "position": 5, "day": None}},
        {**FULL.to_json(), "rotation": {"order": ["be_patient", "be_patient"], "position": 0, "day": None}},
        {**FULL.to_json(), "rotation": {"order": "be_patient", "position": 0, "day": None}},
        {**FULL.to_json(), "streak": {"count": -1, "day": None}},
        {**FULL.to_json(), "streak": {"count": True, "day": None}},
        {**FULL.to_json(), "streak": {"count": 1, "day": "25/11/2026"}},
        {**FULL.to_json(), "streak": {"count": 1, "day": "2026-W48-3"}},
        {**FULL.to_json(), "preferences": {}},
        {key: value for key, value in V1.items() if key != "order"},
    ],
)
def test_records_that_cannot_be_read_raise_corrupt_record(raw):
    with pytest.raises(CorruptRecord) as caught:
        Profile.from_json(raw)
    assert isinstance(caught.value, StoreError)


@pytest.mark.parametrize("text", ["", "{", "null", "[1, 2]", '"text"'])
def test_text_that_is_not_a_profile_raises_corrupt_record(text):
    with pytest.raises(CorruptRecord):
        loads(text)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Bookmark("I feel pushed away", 0),
        lambda: Bookmark("noticing_the_story", -1),
        lambda: Preferences(reflection_pace="amzn1.ask.account.ABC"),
        lambda: Profile(rotation=Rotation(("They went quiet again",), 1, None)),
        lambda: Profile(rotation=Rotation(["be_patient"], 0, None)),
        lambda: Profile(streak=Streak(1, "yesterday")),
    ],
)
def test_free_text_and_bad_values_cannot_be_put_in_a_profile(build):
    with pytest.raises(ValueError):
        build()
