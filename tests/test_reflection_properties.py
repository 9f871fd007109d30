"""Property tests for guided reflections, read from the SSML (never by timing).

Every step of every reflection at every pace is well-formed SSML whose silence is the step's written pause
times the pace, in breaks of at most 10 s and at most 240 s a response. Random sequences of the reflection
controls never raise, never drop the session except on stop, cancel or a third miss, always leave a reprompt
that differs from the speech, and move through the steps exactly as the controls say.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.content.reflections import MAX_PAUSE_SECONDS
from skill.content.ssml import (
    MAX_AUDIO_SECONDS, MAX_BREAK_MS, longest_break_seconds, plain_text, speech_problems, total_break_seconds,
)
from skill.dialogue import DialogueState, Event, step
from skill.dialogue.phrasing import silence
from skill.dialogue.reflection import MAX_PACE, PACE_STEP
from skill.dialogue.state import BASE_PACE

PACES = (100, 150, 200)
MAX_BREAK_SECONDS = MAX_BREAK_MS / 1000
MAX_REPROMPT_AUDIO_SECONDS = 90
REFLECTION_NODES = ("reflecting", "paused", "reflection_end", "resume_offer")
CONTROLS = ("next", "previous", "slower", "pause", "resume", "repeat", "help", "fallback", "yes", "no")
ENDINGS = ("stop", "cancel")
STEP_KEY = re.compile(r"^reflections\.(?P<id>\w+)\.steps\.(?P<number>\d+)$")


def _spoken_step(keys: tuple[str, ...]) -> tuple[str, int] | None:
    """The (reflection id, step index) a turn spoke, if it spoke a step."""
    found = [STEP_KEY.match(key) for key in keys]
    found = [m for m in found if m]
    assert len(found) <= 1, f"one turn spoke two steps: {keys}"
    return (found[0]["id"], int(found[0]["number"]) - 1) if found else None


def _check_ssml(turn) -> None:
    assert speech_problems(turn.speech_ssml) == [], turn.speech_ssml
    assert longest_break_seconds(turn.speech_ssml) <= MAX_BREAK_SECONDS
    assert total_break_seconds(turn.speech_ssml) <= MAX_AUDIO_SECONDS
    if turn.reprompt_ssml is not None:
        assert speech_problems(turn.reprompt_ssml) == [], turn.reprompt_ssml
        assert total_break_seconds(turn.reprompt_ssml) <= MAX_REPROMPT_AUDIO_SECONDS


def _check_step_turn(content, state: DialogueState, turn, reflection_id: str, index: int, pace: int) -> None:
    """A turn that speaks step ``index`` of a reflection at ``pace``."""
    reflection = content.reflection(reflection_id)
    written = reflection.steps[index].pause_seconds
    where = f"{reflection_id} step {index + 1} at {pace}%"
    _check_ssml(turn)
    assert f"reflections.{reflection_id}.steps.{index + 1}" in turn.keys, where
    assert turn.keys[-1] == "reflection.cue", f"{where}: the cue comes last, after the silence: {turn.keys}"
    assert abs(total_break_seconds(turn.speech_ssml) - written * pace / BASE_PACE) <= 1, (
        f"{where}: {total_break_seconds(turn.speech_ssml)} s of silence, written {written} s")
    assert (state.node, state.reflection, state.step, state.pace) == ("reflecting", reflection_id, index, pace), where
    assert not turn.end_session and turn.reprompt and turn.reprompt != turn.speech, where
    assert turn.bookmark is not None and tuple(turn.bookmark[:2]) == (reflection_id, index), (
        f"{where}: bookmark {turn.bookmark}")
    assert tuple(turn.bookmark[2:]) in ((), (pace,)), f"{where}: bookmark {turn.bookmark} (a pace, if kept, is this one)"
    assert turn.display is not None
    assert re.search(rf"\b{index + 1}\b.*\b{len(reflection.steps)}\b", turn.display.step_label), turn.display
    assert turn.card is not None and "<" not in turn.card.text


def _every_step(content):
    for reflection in content.reflections:
        for index in range(len(reflection.steps)):
            for pace in PACES:
                yield reflection, index, pace


def test_the_paces_are_the_documented_ones() -> None:
    assert (BASE_PACE, BASE_PACE + PACE_STEP, MAX_PACE) == PACES


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32))
def test_every_step_at_every_pace_by_every_route(library, seed) -> None:
    """Each step, spoken by continue (after pause), next, go back, slower and resume-after-launch."""
    content = library.default
    rng = random.Random(seed)
    for reflection, index, pace in _every_step(content):
        at = DialogueState(node="reflecting", reflection=reflection.id, step=index, pace=pace, turns=3)
        routes = [(replace(at, node="paused"), "resume"), (replace(at, node="resume_offer"), "yes")]
        if index > 0:
            routes.append((replace(at, step=index - 1), "next"))
        if index + 1 < len(reflection.steps):
            routes.append((replace(at, step=index + 1), "previous"))
        if pace > BASE_PACE:
            routes.append((replace(at, pace=pace - PACE_STEP), "slower"))
            routes.append((replace(at, node="paused", pace=pace - PACE_STEP), "slower"))
        for before, event in routes:
            state, turn = step(before, Event(event, new_user=False), content, rng)
            _check_step_turn(content, state, turn, reflection.id, index, pace)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32), new_user=st.booleans())
def test_starting_a_reflection_speaks_its_first_step_at_the_written_pace(library, seed, new_user) -> None:
    content = library.default
    state, turn = step(DialogueState(), Event("reflect", new_user=new_user), content, random.Random(seed))
    assert turn.keys[0] == ("disclaimer" if new_user else "reflection.intro")
    _check_step_turn(content, state, turn, state.reflection, 0, BASE_PACE)


@given(seconds=st.integers(0, MAX_PAUSE_SECONDS * MAX_PACE // BASE_PACE))
def test_any_pause_the_content_allows_renders_as_legal_breaks(seconds) -> None:
    """Any written pause (up to the loader's limit) at the slowest pace fits Alexa's limits exactly."""
    ssml = f"<speak>{silence(seconds)}</speak>"
    assert speech_problems(ssml) == []
    assert total_break_seconds(ssml) == seconds
    assert longest_break_seconds(ssml) <= MAX_BREAK_SECONDS
    assert total_break_seconds(ssml) <= MAX_AUDIO_SECONDS


# --- random sequences of the controls ------------------------------------------------------------------

def _expected(before: DialogueState, event: str, content) -> tuple[str, int, int] | None:
    """Where (node, step, pace) the controls should lead from a reflection state; None where not pinned down."""
    reflection = content.reflection(before.reflection or "")
    if reflection is None:
        return None
    last = len(reflection.steps) - 1
    node, index, pace = before.node, before.step, before.pace
    slower = min(pace + PACE_STEP, MAX_PACE)
    if node == "reflecting":
        return {
            "next": ("reflection_end", index, pace) if index == last else ("reflecting", index + 1, pace),
            "previous": ("reflecting", max(index - 1, 0), pace),
            "slower": ("reflecting", index, slower),
            "pause": ("paused", index, pace),
            "no": ("paused", index, pace),
            "resume": ("reflection_end", index, pace) if index == last else ("reflecting", index + 1, pace),
            "yes": ("reflection_end", index, pace) if index == last else ("reflecting", index + 1, pace),
        }.get(event, (node, index, pace))
    if node == "paused":
        return {
            "next": ("reflecting", index, pace), "resume": ("reflecting", index, pace), "yes": ("reflecting", index, pace),
            "previous": ("reflecting", max(index - 1, 0), pace), "slower": ("reflecting", index, slower),
        }.get(event, (node, index, pace))
    if node == "resume_offer" and event in ("yes", "next", "resume"):
        return ("reflecting", index, pace)
    return None


def _may_end(before: DialogueState, event: str, misses: int) -> bool:
    """The only ways out: stop, cancel, the third miss in a row, and "no" to "today's principle, or stop here?"."""
    return (event in ENDINGS or (event == "fallback" and misses >= 3)
            or (event == "no" and before.node == "reflection_end"))


def _opening(content, rng: random.Random, new_user: bool, resume_after: list[str] | None):
    """A reflection started by request; or, with ``resume_after``, one started in an earlier session, moved
    on by those controls, and offered at launch from the bookmark its last step turn saved."""
    state, turn = step(DialogueState(), Event("reflect", new_user=new_user), content, rng)
    if resume_after is None:
        return state, turn
    bookmark = turn.bookmark
    for name in resume_after:
        state, turn = step(state, Event(name, new_user=False), content, rng)
        bookmark = turn.bookmark or bookmark
    saved = (state.reflection, state.step, state.pace)
    state, turn = step(DialogueState(), Event("launch", new_user=False, bookmark=bookmark), content, rng)
    assert turn.keys[0] == "launch.resume" and state.node == "resume_offer", turn.keys
    assert (state.reflection, state.step) == saved[:2], f"resume offered at {state.step}, left at {saved}"
    return state, turn


def _controls() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(CONTROLS), st.sampled_from(CONTROLS), st.sampled_from(CONTROLS),
                     st.sampled_from(ENDINGS))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_random_reflection_controls_keep_every_promise(library, data, seed) -> None:
    content = library.default
    rng = random.Random(seed)
    resume_after = data.draw(st.none() | st.lists(st.sampled_from(("next", "slower", "previous")), max_size=4))
    state, turn = _opening(content, rng, data.draw(st.booleans()), resume_after)
    assert state.node in ("reflecting", "resume_offer"), turn.keys
    previous_turn = turn
    for event_name in data.draw(st.lists(_controls(), min_size=1, max_size=40)):
        before = state
        state, turn = step(before, Event(event_name, new_user=False), content, rng)
        where = f"{event_name} in {before.node} (step {before.step}, pace {before.pace}): {turn.keys}"

        _check_ssml(turn)
        assert turn.speech.strip(), where
        assert DialogueState.from_json(json.loads(json.dumps(state.to_json()))) == state, where
        if event_name in ENDINGS:
            assert turn.end_session, where
        if turn.end_session:
            assert _may_end(before, event_name, state.misses), f"session dropped: {where}"
            assert turn.reprompt is None
            break
        assert turn.reprompt, f"no reprompt: {where}"
        assert turn.reprompt != turn.speech, f"the reprompt just repeats the speech: {where}"
        assert plain_text(turn.reprompt) not in plain_text(turn.speech), f"the reprompt is already in the speech: {where}"

        if state.node in ("reflecting", "paused"):
            reflection = content.reflection(state.reflection or "")
            assert reflection is not None and 0 <= state.step < len(reflection.steps), where
            assert state.pace in PACES, where
        expected = _expected(before, event_name, content)
        if expected is not None:
            assert (state.node, state.step, state.pace) == expected, where
        if event_name == "repeat":
            assert (turn.speech, turn.reprompt, turn.keys) == (previous_turn.speech, previous_turn.reprompt,
                                                               previous_turn.keys), where
            assert (state.node, state.step, state.pace) == (before.node, before.step, before.pace), where
        spoken = _spoken_step(turn.keys)
        if spoken is not None:
            assert spoken == (state.reflection, state.step), where
            if event_name != "repeat":  # a repeat replays the words and asks nothing of the store
                _check_step_turn(content, state, turn, *spoken, state.pace)
        previous_turn = turn
        if state.node not in REFLECTION_NODES:  # left the reflection (today's principle, declined resume): begin again
            state, turn = step(state, Event("reflect", new_user=False), content, rng)
            previous_turn = turn


def test_the_slowest_pace_of_the_longest_pause_fits_one_response(library) -> None:
    """Not by timing: the longest written pause, at the slowest pace, plus everything said with it."""
    content = library.default
    worst = max(_every_step(content), key=lambda item: item[0].steps[item[1]].pause_seconds * item[2])
    reflection, index, pace = worst
    before = DialogueState(node="paused", reflection=reflection.id, step=index, pace=pace, turns=3)
    state, turn = step(before, Event("resume", new_user=False), content, random.Random(0))
    _check_step_turn(content, state, turn, reflection.id, index, pace)
    assert total_break_seconds(turn.speech_ssml) == pytest.approx(
        reflection.steps[index].pause_seconds * pace / BASE_PACE, abs=1)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_a_reflection_started_from_a_conversation_fits_what_was_shared(library, data, seed) -> None:
    """From a situation, a reflection linked to it; from a principle alone, one linked to the principle."""
    content = library.default
    situation = data.draw(st.sampled_from([None, *(s.id for s in content.situations)]))
    principle = data.draw(st.sampled_from([p.id for p in content.principles]))
    node = "guiding" if situation is None else data.draw(st.sampled_from(("choosing", "guiding")))
    before = DialogueState(node=node, situation=situation, principle=principle if node == "guiding" else None, turns=2)
    state, turn = step(before, Event("reflect", new_user=False), content, random.Random(seed))
    chosen = content.reflection(state.reflection)
    by_situation = [r.id for r in content.reflections if situation in r.situations]
    by_principle = [r.id for r in content.reflections if before.principle in r.principles]
    expected = by_situation or by_principle or [r.id for r in content.reflections]
    assert chosen.id in expected, f"{situation}/{before.principle}: {chosen.id}"
    _check_step_turn(content, state, turn, chosen.id, 0, BASE_PACE)
