"""Focused tests of the machine: the table's checks, phrasing variety, state safety, the Mermaid graph."""

from __future__ import annotations

import random

import pytest

from skill.dialogue import DialogueState, Event, step
from skill.dialogue.registry import ACTIONS
from skill.dialogue.graph import mermaid
from skill.dialogue.machine import Machine, default_machine
from skill.dialogue.table import ANY, END, EVENTS, NODES, TABLE, TableError, Transition


def _table(**rows):
    return {ANY: {e: Transition("give_help") for e in ("a", "b")}, **rows}


def test_the_skills_table_is_valid_and_covers_every_pair() -> None:
    machine = default_machine()
    for node in NODES:
        for event in EVENTS:
            transition = TABLE.get(node, {}).get(event) or TABLE[ANY][event]
            assert transition.action in ACTIONS


def test_a_missing_pair_fails_at_construction() -> None:
    table = {ANY: {"a": Transition("goodbye", END)}, "one": {}}
    with pytest.raises(TableError, match="one/b: no transition"):
        Machine(table, ("start", "one"), ("a", "b"), ACTIONS)


def test_an_unreachable_state_fails_at_construction() -> None:
    table = {ANY: {"a": Transition("goodbye", END), "b": Transition("give_help")}}
    with pytest.raises(TableError, match="'island' cannot be reached"):
        Machine(table, ("start", "island"), ("a", "b"), ACTIONS)


def test_a_state_that_cannot_end_fails_at_construction() -> None:
    table = {ANY: {"a": Transition("give_help", "trap"), "b": Transition("give_help")},
             "start": {"b": Transition("goodbye", END)}}
    with pytest.raises(TableError, match="'trap' has no way to end"):
        Machine(table, ("start", "trap"), ("a", "b"), ACTIONS)


def test_an_unknown_action_or_target_fails_at_construction() -> None:
    table = {ANY: {"a": Transition("no_such_action", END), "b": Transition("give_help", "nowhere")}}
    with pytest.raises(TableError) as failure:
        Machine(table, ("start",), ("a", "b"), ACTIONS)
    assert "no action named 'no_such_action'" in str(failure.value)
    assert "target 'nowhere' is not a state" in str(failure.value)


def test_the_same_pool_never_gives_the_same_phrasing_twice_in_a_row(content) -> None:
    state, rng, picks = DialogueState(), random.Random(7), []
    for _ in range(12):
        state, turn = step(state, Event("help"), content, rng)
        picks.append(state.last[0].index)
    assert all(a != b for a, b in zip(picks, picks[1:])), picks
    assert len(set(picks)) > 1


def test_the_same_seed_gives_the_same_conversation(content) -> None:
    def run(seed: int) -> list[str]:
        state, rng, said = DialogueState(), random.Random(seed), []
        for name in ("launch", "situation", "idea", "more", "yes", "next"):
            state, turn = step(state, Event(name, situation=content.situations[0].id), content, rng)
            said.append(turn.speech)
        return said

    assert run(5) == run(5)


@pytest.mark.parametrize("raw", [None, 7, "x", {"node": 3}, {"node": "start", "bogus": 1},
                                 {"node": "start", "last": [["k"]]}, {"node": "start", "misses": -1},
                                 {"node": "start", "recent": "abc"}])
def test_malformed_session_state_starts_fresh(raw) -> None:
    assert DialogueState.from_json(raw) == DialogueState()


def test_a_state_naming_unknown_content_starts_over(content) -> None:
    stale = DialogueState(node="guiding", principle="a_principle_that_was_removed")
    state, turn = step(stale, Event("more"), content, random.Random(1))
    assert state.node == "start"
    assert turn.keys == ("start.need_situation",)


def test_an_unknown_event_counts_as_a_miss(content) -> None:
    state, turn = step(DialogueState(), Event("no_such_event"), content, random.Random(1))
    assert state.misses == 1
    assert turn.keys[0] == "fallback.first"


def test_the_graph_shows_every_state_and_the_end() -> None:
    diagram = mermaid(default_machine())
    assert diagram.startswith("stateDiagram-v2")
    for node in NODES:
        assert f"    {node} --> " in diagram
    assert "--> [*]" in diagram


def test_the_documented_diagram_matches_the_table() -> None:
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "dialogue.md").read_text(encoding="utf-8")
    assert "```mermaid\n" + mermaid(default_machine()) + "```" in doc, (
        "docs/dialogue.md is out of date: paste the output of 'secure-base graph' into it")
