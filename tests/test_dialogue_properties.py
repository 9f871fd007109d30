"""Property tests: random event sequences through the pure machine never break its promises."""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.content.ssml import longest_break_seconds, speech_problems
from skill.dialogue import DialogueState, Event, step
from skill.dialogue.table import EVENTS

MAX_STATE_BYTES = 4096


def events(content) -> st.SearchStrategy[Event]:
    situation_ids = [s.id for s in content.situations] + ["no_such_situation"]
    principle_ids = [p.id for p in content.principles] + [None]
    return st.builds(
        Event,
        name=st.sampled_from(EVENTS + ("an_unknown_event",)),
        situation=st.sampled_from(situation_ids),
        principle=st.sampled_from(principle_ids),
        slot_missing=st.booleans(),
        new_user=st.booleans(),
    )


def _check_turn(state: DialogueState, turn, event: Event) -> None:
    for ssml in filter(None, (turn.speech_ssml, turn.reprompt_ssml)):
        assert speech_problems(ssml) == [], ssml
        assert longest_break_seconds(ssml) <= 10
    assert turn.speech.strip(), f"{event.name} said nothing"
    encoded = json.dumps(state.to_json())
    assert len(encoded.encode()) < MAX_STATE_BYTES
    assert DialogueState.from_json(json.loads(encoded)) == state
    if event.name in ("stop", "cancel"):
        assert turn.end_session
    if not turn.end_session:
        assert turn.reprompt, f"{event.name} left the session open without a reprompt"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_random_conversations_keep_every_promise(library, data, seed) -> None:
    content = library.default
    sequence = data.draw(st.lists(events(content), min_size=1, max_size=30))
    rng = random.Random(seed)
    state = DialogueState()
    for event in sequence:
        state, turn = step(state, event, content, rng)
        _check_turn(state, turn, event)
        if turn.end_session:
            state = DialogueState()


@settings(max_examples=60, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_repeat_always_says_the_last_turn_again(library, data, seed) -> None:
    content = library.default
    rng = random.Random(seed)
    state = DialogueState()
    for event in data.draw(st.lists(events(content), min_size=1, max_size=12)):
        before = state
        state, turn = step(state, event, content, rng)
        if turn.end_session:
            state = DialogueState()
            continue
        repeated_state, repeated = step(state, Event("repeat"), content, rng)
        assert repeated.speech == turn.speech
        assert repeated.reprompt == turn.reprompt
        assert repeated.card == turn.card
        assert repeated.keys == turn.keys
        assert repeated_state.node == state.node, f"repeat moved from {state.node} (before: {before.node})"
