"""The dialogue machine: one pure function from (state, event) to (state, Turn)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

from skill.content import Content, ContentError, Problem
from skill.content.ssml import plain_text
from skill.dialogue import table as tables
from skill.dialogue.actions import FINAL_OPTIONS, GUIDANCE_OPTIONS
from skill.dialogue.disclosure import HELPLINE
from skill.dialogue.events import ROUTED_EVENTS, Event
from skill.dialogue.phrasing import PAUSE_KEY, Picker, placeholders, render
from skill.dialogue.registry import ACTIONS
from skill.dialogue.reply import Action, Ctx, Reply
from skill.dialogue.state import TURN_COUNT_CAP, DialogueState, Part, Ref
from skill.dialogue.turn import SAVE_BOOKMARK, Card, Display, Turn

# Dialog keys whose phrasings take placeholders, and exactly which ones.
KEY_PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "guide.intro": frozenset({"title"}),
    "guide.next_intro": frozenset({"title"}),
    "guide.previous_intro": frozenset({"title"}),
    "guide.principle_intro": frozenset({"number", "title"}),
    "daily.intro": frozenset({"number", "title"}),
    "offer.frame": frozenset({"a", "b"}),
    "launch.returning_streak": frozenset({"streak"}),
    "screen.step": frozenset({"number", "total"}),
    "list.intro": frozenset({"first", "last"}),
    "list.item": frozenset({"number", "title"}),
    "reflection.intro": frozenset({"title"}),
    **{f"safety.{kind}.{moment}": frozenset({line, "emergency"})
       for kind, line in HELPLINE.items() for moment in ("respond", "again")},
}

# Dialog keys the actions speak, besides those per state, principle, situation and reflection.
STATIC_KEYS: tuple[str, ...] = (
    "launch.first", "launch.returning", "launch.returning_streak", "launch.resume", "disclaimer",
    "start.prompt", "start.something_else", "start.go_ahead", "start.need_situation",
    "choosing.declined", "steady.moment",
    "guide.intro", "guide.next_intro", "guide.previous_intro", "guide.principle_intro", "guide.question_lead",
    "guide.exhausted", "guide.at_first", "guide.unknown_principle", "daily.intro",
    "offer.frame", *(f"offer.option.{o}" for o in (*GUIDANCE_OPTIONS, *FINAL_OPTIONS)),
    "list.intro", "list.item", "list.more", "list.last", "list.declined",
    "reflection.intro", "reflection.cue", "reflection.back", "reflection.at_start", "reflection.slower",
    "reflection.slowest", "reflection.paused", "reflection.continuing", "reflection.resumed",
    "reflection.resume_declined", "reflection.end_offer", "reflection.none", "reflection.presence",
    "screen.step", "screen.hint",
    "data.confirm", "data.deleted", "data.kept",
    *(f"safety.{kind}.{moment}" for kind in HELPLINE for moment in ("respond", "again", "reprompt", "after")),
    "safety.withheld", "safety.card_title",
    *(f"helplines.{line}" for line in (*HELPLINE.values(), "emergency", "card")),
    "fallback.first", "fallback.second", "fallback.third",
    "not_caught", "goodbye", "error",
)
# States whose reprompt depends on more than the state's name.
_OWN_REPROMPTS = frozenset({"safety"})


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
        per_node = [f"help.{node}" for node in self.nodes]
        per_node += [f"{node}.reprompt" for node in self.nodes if node not in _OWN_REPROMPTS]
        return (*STATIC_KEYS, *per_node)

    def uses_today(self, state: DialogueState, event_name: str) -> bool:
        """Whether answering this event speaks today's principle, so the caller must supply it."""
        node = state.node if state.node in self.nodes else tables.INITIAL
        return event_name in self.events and tables.resolve(self.table, node, event_name).uses_today

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
            parts, reprompt, show = state.last, state.last_reprompt, state.last_show
        else:
            parts = tuple(reply.parts)
            key = _reprompt_key(node, updated)
            reprompt = () if ends else (Part(key, picker.pick(key)),)
            show = reply.show
        speech = render(content, parts)
        new_state = replace(
            updated, node=node, misses=misses, turns=min(state.turns + 1, TURN_COUNT_CAP),
            last=parts, last_reprompt=reprompt, last_show=show, recent=picker.recent)
        display = _display(content, show, speech)
        effects = () if reply.replay is not None else tuple(reply.effects)
        turn = Turn(
            keys=dialog_keys(parts),
            speech=speech,
            reprompt=render(content, reprompt) if reprompt else None,
            card=_card(display),
            end_session=ends,
            display=display,
            effects=effects,
            bookmark=(new_state.reflection, new_state.step, new_state.pace) if SAVE_BOOKMARK in effects and new_state.reflection
            else None,
        )
        return new_state, turn

    def _consistent(self, state: DialogueState, content: Content) -> DialogueState:
        """Start over if the state names a state, situation, principle or reflection this content does not have."""
        reflection = content.reflection(state.reflection or "") if state.reflection else None
        broken = (
            state.node not in self.nodes
            or (state.situation is not None and content.situation(state.situation) is None)
            or (state.principle is not None and content.principle(state.principle) is None)
            or (state.reflection is not None and reflection is None)
            or (reflection is not None and state.step >= len(reflection.steps))
            or (state.node == "choosing" and state.situation is None)
            or (state.node == "guiding" and state.principle is None)
            or (state.node in ("reflecting", "paused", "resume_offer") and reflection is None)
            or (state.node == "safety" and state.disclosure not in HELPLINE)
        )
        if not broken:
            return state
        return DialogueState(turns=state.turns, recent=state.recent, abuse=state.abuse)


def _reprompt_key(node: str, state: DialogueState) -> str:
    if node == "safety":
        return f"safety.{state.disclosure}.reprompt"
    return f"{node}.reprompt"


def dialog_keys(parts: tuple[Part, ...]) -> tuple[str, ...]:
    """The dialog keys a turn used, in order, including the pools its placeholders drew from."""
    keys: list[str] = []
    for part in parts:
        if part.key == PAUSE_KEY:
            continue
        keys.append(part.key)
        keys.extend(value.key for _, value in part.params if isinstance(value, Ref))
    return tuple(keys)


def _first(content: Content, key: str) -> str:
    return plain_text(content.pool(key)[0])


def _display(content: Content, show: tuple[str, ...], speech: str) -> Display | None:
    """What a screen shows for this turn: the principle, reflection step or helplines it spoke."""
    if not show:
        return None
    kind, name, *rest = show
    hint = _first(content, "screen.hint")
    if kind == "principle":
        return Display(_first(content, f"{name}.title"), plain_text(speech), hint=hint)
    if kind == "reflection":
        reflection = content.reflection(name)
        if reflection is None:
            return None
        step = int(rest[0]) if rest and rest[0].isdigit() else len(reflection.steps)
        label = content.pool("screen.step")[0].format(number=step + 1, total=len(reflection.steps)) \
            if step < len(reflection.steps) else ""
        return Display(_first(content, reflection.title_key), plain_text(speech), label, hint)
    return Display(_first(content, "safety.card_title"), _first(content, "helplines.card"), hint=hint)


def _card(display: Display | None) -> Card | None:
    """Principles, guidance and reflections get a card of what was said; a disclosure, the helplines."""
    return None if display is None else Card(title=display.title, text=display.text)


def _file_for(key: str, content: Content) -> str:
    """The content file a missing pool belongs in."""
    if key.startswith("helplines."):
        return f"locales/{content.locale}.yaml"
    return "safety.yaml" if key.startswith("safety.") else "dialog.yaml"


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
            problems.append(Problem(_file_for(key, content), key, "missing: the dialogue needs this pool"))
    for key, pool in content.pools.items():
        expected = KEY_PLACEHOLDERS.get(key, frozenset())
        source = content.sources[key]
        for i, text in enumerate(pool):
            found = placeholders(text)
            if found != expected:
                want = ", ".join("{" + p + "}" for p in sorted(expected)) or "no placeholders"
                problems.append(Problem(source.file, f"{source.path}[{i}]", f"must use {want}; found {sorted(found)}"))
    for intent in content.intents:
        if intent.event not in machine.events and intent.event not in ROUTED_EVENTS:
            problems.append(Problem("intents.yaml", intent.name, f"event {intent.event!r} is not one the dialogue knows"))
    for name, event in content.builtins.items():
        if event not in machine.events:
            problems.append(Problem("intents.yaml", f"builtins.{name}", f"event {event!r} is not one the dialogue knows"))
    if problems:
        raise ContentError(problems)
