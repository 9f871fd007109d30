"""The conversation declared as data: states, events, and what each event does in each state.

A row for ``ANY`` applies in every state unless the state's own row overrides it. The table is
checked when the machine is built: every state reachable, every state able to end, and every
(state, event) pair answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

ANY = "*"
STAY = "="
END = "END"
INITIAL = "start"

NODES: tuple[str, ...] = (
    "start", "choosing", "guiding", "listing", "confirm_delete",
    "reflecting", "paused", "reflection_end", "resume_offer", "safety",
)

EVENTS: tuple[str, ...] = (
    "launch", "situation", "principle", "daily", "list_principles", "reflect", "delete_data", "disclosure",
    "steady", "idea", "more", "practice", "question", "next_principle", "next", "previous",
    "slower", "pause", "resume",
    "something_else", "done",
    "yes", "no", "help", "repeat", "stop", "cancel", "start_over", "navigate_home", "fallback",
)

# Events that can open a session with guidance; a new user hears the disclaimer first.
DISCLAIMED_EVENTS = frozenset({"situation", "principle", "daily", "list_principles", "reflect"})


@dataclass(frozen=True)
class Transition:
    """What an event does: the action that speaks, the state it leads to, and any other state the action may choose.

    ``uses_today`` marks transitions that speak today's principle: the Alexa layer works it out from the
    person's stored rotation and passes it in the event, only for these.
    """

    action: str
    target: str = STAY
    alternatives: tuple[str, ...] = ()
    uses_today: bool = False

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target, *self.alternatives)


def _rows(rows: dict[str, dict[str, Transition]]) -> Mapping[str, Mapping[str, Transition]]:
    return MappingProxyType({node: MappingProxyType(row) for node, row in rows.items()})


def _each(events: tuple[str, ...], transition: Transition) -> dict[str, Transition]:
    return {event: transition for event in events}


_GUIDANCE = ("steady", "idea", "more", "practice", "question", "next")
_REFLECTION_CONTROLS = ("slower", "pause", "resume")


def _speaking(action: str) -> Transition:
    """Speak a principle and guide; a principle withheld after an abuse disclosure leads to safety instead."""
    return Transition(action, "guiding", alternatives=("safety",))


DAILY = Transition("give_daily", "guiding", alternatives=("safety", STAY), uses_today=True)

TABLE: Mapping[str, Mapping[str, Transition]] = _rows({
    ANY: {
        "launch": Transition("welcome", "start", alternatives=("resume_offer",)),
        "situation": Transition("share_situation", "choosing", alternatives=("start",)),
        "principle": Transition("give_principle", "guiding", alternatives=(STAY, "safety")),
        "daily": DAILY,
        "list_principles": Transition("list_principles", "listing"),
        "reflect": Transition("start_reflection", "reflecting", alternatives=("safety",)),
        "delete_data": Transition("ask_delete", "confirm_delete"),
        "disclosure": Transition("disclose", "safety"),
        "next_principle": _speaking("browse_next"),
        "previous": Transition("browse_previous", "guiding", alternatives=("safety", STAY)),
        **_each(_REFLECTION_CONTROLS, Transition("not_reflecting", alternatives=("reflecting",))),
        "something_else": Transition("ask_something_else", "start"),
        "start_over": Transition("start_over", "start"),
        "navigate_home": Transition("start_over", "start"),
        "done": Transition("goodbye", END),
        "stop": Transition("goodbye", END),
        "cancel": Transition("goodbye", END),
        "help": Transition("give_help"),
        "repeat": Transition("repeat"),
        "fallback": Transition("fallback", alternatives=(END,)),
    },
    "start": {
        "yes": Transition("go_ahead"),
        "no": Transition("goodbye", END),
        **_each(_GUIDANCE, Transition("need_situation")),
    },
    "choosing": {
        "yes": _speaking("steady_then_first_idea"),
        "steady": _speaking("steady_then_first_idea"),
        "no": Transition("decline_choice", "start"),
        **_each(("idea", "more", "practice", "question", "next"), _speaking("first_idea")),
    },
    "guiding": {
        "yes": Transition("accept_offer", "guiding", alternatives=(END, "start", "reflecting", "safety")),
        "no": Transition("goodbye", END),
        "steady": Transition("steady_then_offer"),
        "more": Transition("tell_more"),
        "practice": Transition("give_practice"),
        "question": Transition("give_question"),
        "idea": _speaking("next_idea"),
        "next": _speaking("next_idea"),
    },
    "listing": {
        "yes": Transition("list_next"),
        "next": Transition("list_next"),
        "previous": Transition("list_previous"),
        "no": Transition("decline_list", "start"),
        **_each(("steady", "idea", "more", "practice", "question"), Transition("reask")),
    },
    "confirm_delete": {
        "yes": Transition("delete_data", "start"),
        "no": Transition("keep_data", "start"),
        **_each(_GUIDANCE + ("previous",) + _REFLECTION_CONTROLS, Transition("reask")),
    },
    "reflecting": {
        **_each(("yes", "next", "resume"), Transition("reflection_next", alternatives=("reflection_end",))),
        "previous": Transition("reflection_back"),
        "slower": Transition("reflection_slower"),
        "pause": Transition("reflection_pause", "paused"),
        "no": Transition("reflection_pause", "paused"),
        **_each(("steady", "idea", "more", "practice", "question"), Transition("reask")),
    },
    "paused": {
        **_each(("yes", "next", "resume"), Transition("reflection_continue", "reflecting")),
        "previous": Transition("reflection_back", "reflecting"),
        "slower": Transition("reflection_slower", "reflecting"),
        **_each(("no", "pause", "steady", "idea", "more", "practice", "question"), Transition("reask")),
    },
    "reflection_end": {
        "yes": DAILY,
        "previous": Transition("reflection_again", "reflecting"),
        "no": Transition("goodbye", END),
        **_each(_GUIDANCE + _REFLECTION_CONTROLS, Transition("reask")),
    },
    "resume_offer": {
        **_each(("yes", "resume", "next"), Transition("resume_reflection", "reflecting")),
        "previous": Transition("reflection_back", "reflecting"),
        "no": Transition("decline_resume", "start"),
        **_each(("steady", "idea", "more", "practice", "question", "slower", "pause"), Transition("reask")),
    },
    "safety": {
        **_each(("yes", "more", "next", "steady", "idea", "practice", "question"), Transition("safety_again")),
        "fallback": Transition("safety_again"),
        "no": Transition("safety_after", "start"),
    },
})


class TableError(Exception):
    """The transition table is inconsistent; raised when the machine is built."""


def resolve(table: Mapping[str, Mapping[str, Transition]], node: str, event: str) -> Transition:
    """The transition for an event in a state: the state's own row first, then the ``ANY`` row."""
    row = table.get(node, {})
    if event in row:
        return row[event]
    return table[ANY][event]


def target_of(node: str, target: str) -> str:
    """The state a transition leads to, with ``STAY`` resolved to the current state."""
    return node if target == STAY else target


def validate(table: Mapping[str, Mapping[str, Transition]], nodes: tuple[str, ...], events: tuple[str, ...],
             actions: Mapping[str, object]) -> None:
    """Raise :class:`TableError` unless the table is complete, consistent and every state can be reached and left."""
    problems = []
    for row_name, row in table.items():
        if row_name != ANY and row_name not in nodes:
            problems.append(f"row {row_name!r} is not a declared state")
        for event, transition in row.items():
            if event not in events:
                problems.append(f"{row_name}/{event}: {event!r} is not a declared event")
            if transition.action not in actions:
                problems.append(f"{row_name}/{event}: no action named {transition.action!r}")
            for target in transition.targets:
                if target not in (*nodes, STAY, END):
                    problems.append(f"{row_name}/{event}: target {target!r} is not a state")
    for node in nodes:
        for event in events:
            if event not in table.get(node, {}) and event not in table.get(ANY, {}):
                problems.append(f"{node}/{event}: no transition (add it to the state's row or to ANY)")
    if not problems:
        problems.extend(_reachability_problems(table, nodes, events))
    if problems:
        raise TableError("dialogue table is invalid:\n  " + "\n  ".join(problems))


def edges(table: Mapping[str, Mapping[str, Transition]], nodes: tuple[str, ...],
          events: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Every (from state, event, to state) the table allows, including actions' alternatives."""
    result = []
    for node in nodes:
        for event in events:
            for target in resolve(table, node, event).targets:
                result.append((node, event, target_of(node, target)))
    return result


def _reachability_problems(table: Mapping[str, Mapping[str, Transition]], nodes: tuple[str, ...],
                           events: tuple[str, ...]) -> list[str]:
    graph: dict[str, set[str]] = {node: set() for node in nodes}
    for source, _, target in edges(table, nodes, events):
        graph[source].add(target)
    reached, frontier = {INITIAL}, [INITIAL]
    while frontier:
        for nxt in graph.get(frontier.pop(), ()):
            if nxt not in reached and nxt != END:
                reached.add(nxt)
                frontier.append(nxt)
    problems = [f"state {node!r} cannot be reached from {INITIAL!r}" for node in nodes if node not in reached]
    can_end = {node for node in nodes if END in graph[node]}
    changed = True
    while changed:
        changed = False
        for node in nodes:
            if node not in can_end and graph[node] & can_end:
                can_end.add(node)
                changed = True
    problems.extend(f"state {node!r} has no way to end the session" for node in nodes if node not in can_end)
    return problems
