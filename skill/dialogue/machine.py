"""The dialogue machine: one pure function from (state, event) to (state, Turn)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

from skill.content import Content, ContentError, Problem
from skill.content.ssml import plain_text
from skill.dialogue import table as tables
from skill.dialogue.actions import ACTIONS, GUIDANCE_OPTIONS, FINAL_OPTIONS, Action, Ctx, Reply
from skill.dialogue.events import Event
from skill.dialogue.phrasing import Picker, placeholders, render
from skill.dialogue.state import TURN_COUNT_CAP, DialogueState, Part, Ref
from skill.dialogue.turn import Card, Turn

# Dialog keys whose phrasings take placeholders, and exactly which ones.
KEY_PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "guide.intro": frozenset({"title"}),
    "guide.next_intro": frozenset({"title"}),
    "guide.principle_intro": frozenset({"number", "title"}),
    "offer.frame": frozenset({"a", "b"}),
}

# Dialog keys the actions speak, besides those per state, principle and situation.
STATIC_KEYS: tuple[str, ...] = (
    "launch.first", "launch.returning", "disclaimer",
    "start.prompt", "start.something_else", "start.go_ahead", "start.need_situation",
    "choosing.declined", "steady.moment",
    "guide.intro", "guide.next_intro", "guide.principle_intro", "guide.question_lead",
    "guide.exhausted", "guide.unknown_principle",
    "offer.frame", *(f"offer.option.{o}" for o in (*GUIDANCE_OPTIONS, *FINAL_OPTIONS)),
    "fallback.first", "fallback.second", "fallback.third",
    "not_caught", "goodbye", "error",
)


class Machine:
    """A validated transition table plus its actions. Building one checks the table."""

    def __init__(self, table: Mapping[str, Mapping[str, tables.Transition]], nodes: tuple[str, ...],
                 events: tuple[str, ...], actions: Mapping[str, Action]) -> None:
        tables.validate(table, nodes, events, actions)
        self.table = table
        self.nodes = nodes
        self.events = events
        self.actions = actions

    def required_keys(self) -> tuple[str, ...]:
        per_node = [key for node in self.nodes for key in (f"help.{node}", f"{node}.reprompt")]
        return (*STATIC_KEYS, *per_node)

    def step(self, state: DialogueState, event: Event, content: Content,
             rng: random.Random) -> tuple[DialogueState, Turn]:
        """Answer one event. Unknown events count as a miss; an inconsistent state starts over."""
        if event.name not in self.events:
            event = Event("fallback", new_user=event.new_user)
        state = self._consistent(state, content)
        transition = tables.resolve(self.table, state.node, event.name)
        picker = Picker(content, rng, state.recent)
        reply = Reply(content, picker)
        if state.turns == 0 and event.new_user and event.name in tables.DISCLAIMED_EVENTS:
            reply.say("disclaimer")
        misses = state.misses + 1 if event.name == "fallback" else 0
        ctx = Ctx(replace(state, misses=misses), event, content, reply)
        updated = self.actions[transition.action](ctx)

        goto = reply.goto or transition.target
        if goto not in transition.targets:
            raise RuntimeError(f"action {transition.action!r} chose {goto!r}, which the table does not declare")
        ends = reply.ends or goto == tables.END
        node = state.node if ends else tables.target_of(state.node, goto)

        if reply.replay is not None:
            parts, reprompt, card_principle = state.last, state.last_reprompt, state.last_card
        else:
            parts = tuple(reply.parts)
            reprompt = () if ends else (Part(f"{node}.reprompt", picker.pick(f"{node}.reprompt")),)
            card_principle = reply.card_principle
        speech = render(content, parts)
        new_state = replace(
            updated, node=node, misses=misses, turns=min(state.turns + 1, TURN_COUNT_CAP),
            last=parts, last_reprompt=reprompt, last_card=card_principle, recent=picker.recent)
        turn = Turn(
            keys=dialog_keys(parts),
            speech=speech,
            reprompt=render(content, reprompt) if reprompt else None,
            card=_card(content, card_principle, speech),
            end_session=ends,
        )
        return new_state, turn

    def _consistent(self, state: DialogueState, content: Content) -> DialogueState:
        """Start over if the state names a state, situation or principle this content does not have."""
        broken = (
            state.node not in self.nodes
            or (state.situation is not None and content.situation(state.situation) is None)
            or (state.principle is not None and content.principle(state.principle) is None)
            or (state.node == "choosing" and state.situation is None)
            or (state.node == "guiding" and state.principle is None)
        )
        return DialogueState(turns=state.turns, recent=state.recent) if broken else state


def dialog_keys(parts: tuple[Part, ...]) -> tuple[str, ...]:
    """The dialog keys a turn used, in order, including the pools its placeholders drew from."""
    keys: list[str] = []
    for part in parts:
        keys.append(part.key)
        keys.extend(value.key for _, value in part.params if isinstance(value, Ref))
    return tuple(keys)


def _card(content: Content, principle_id: str | None, speech: str) -> Card | None:
    principle = content.principle(principle_id) if principle_id else None
    if principle is None:
        return None
    return Card(title=plain_text(principle.title), text=plain_text(speech))


@lru_cache(maxsize=1)
def default_machine() -> Machine:
    """The skill's machine, built (and so validated) once."""
    return Machine(tables.TABLE, tables.NODES, tables.EVENTS, ACTIONS)


def step(state: DialogueState, event: Event, content: Content, rng: random.Random) -> tuple[DialogueState, Turn]:
    """Answer one event with the skill's machine."""
    return default_machine().step(state, event, content, rng)


def check_content(content: Content, machine: Machine | None = None) -> None:
    """Raise :class:`ContentError` unless the content has every dialog key the machine speaks,
    with the right placeholders, and every intent raises an event the machine knows."""
    machine = machine or default_machine()
    problems: list[Problem] = []
    for key in machine.required_keys():
        if key not in content.pools:
            problems.append(Problem("dialog.yaml", key, "missing: the dialogue needs this pool"))
    for key, pool in content.pools.items():
        expected = KEY_PLACEHOLDERS.get(key, frozenset())
        source = content.sources[key]
        for i, text in enumerate(pool):
            found = placeholders(text)
            if found != expected:
                want = ", ".join("{" + p + "}" for p in sorted(expected)) or "no placeholders"
                problems.append(Problem(source.file, f"{source.path}[{i}]", f"must use {want}; found {sorted(found)}"))
    for intent in content.intents:
        if intent.event not in machine.events:
            problems.append(Problem("intents.yaml", intent.name, f"event {intent.event!r} is not one the dialogue knows"))
    for name, event in content.builtins.items():
        if event not in machine.events:
            problems.append(Problem("intents.yaml", f"builtins.{name}", f"event {event!r} is not one the dialogue knows"))
    if problems:
        raise ContentError(problems)
