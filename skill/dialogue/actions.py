"""The actions named in the transition table: each says something and returns the updated state.

Actions choose dialog keys only; the wording lives in content. The machine fills in what every
turn shares (state node, reprompt, misses, repeat memory).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from skill.content import Content, Principle
from skill.dialogue.events import Event
from skill.dialogue.phrasing import Picker
from skill.dialogue.state import DialogueState, ParamValue, Part, Ref
from skill.dialogue.table import END

# Offer options, in the order they are offered, and the pool naming each one.
GUIDANCE_OPTIONS = ("more", "practice", "question", "next")
FINAL_OPTIONS = ("something_else", "done")
MAX_MISSES = 3


@dataclass
class Reply:
    """What an action says: parts of speech, a card, and any change to where the conversation goes."""

    content: Content
    picker: Picker
    parts: list[Part] = field(default_factory=list)
    card_principle: str | None = None
    ends: bool = False
    goto: str | None = None
    replay: DialogueState | None = None

    def say(self, key: str, **params: ParamValue) -> None:
        self.parts.append(Part(key, self.picker.pick(key), tuple(params.items())))

    def ref(self, key: str) -> Ref:
        return Ref(key, self.picker.pick(key))

    def end(self) -> None:
        self.ends = True
        self.goto = END


@dataclass(frozen=True)
class Ctx:
    """Everything an action may read."""

    state: DialogueState
    event: Event
    content: Content
    reply: Reply


Action = Callable[[Ctx], DialogueState]


def _cleared(state: DialogueState) -> DialogueState:
    return replace(state, situation=None, principle=None, heard=(), offer=())


def _title(ctx: Ctx, principle: Principle) -> Ref:
    return ctx.reply.ref(f"principles.{principle.id}.title")


def _current(ctx: Ctx) -> Principle:
    principle = ctx.content.principle(ctx.state.principle or "")
    assert principle is not None, "the machine resets states whose principle is unknown"
    return principle


def _next_principle(content: Content, state: DialogueState) -> Principle | None:
    """The next idea: the situation's next principle, or the next by number when browsing."""
    situation = content.situation(state.situation or "")
    if situation is not None:
        order = situation.principles
        if state.principle not in order:
            return content.principle(order[0])
        position = order.index(state.principle) + 1
        return content.principle(order[position]) if position < len(order) else None
    current = content.principle(state.principle or "")
    number = 1 if current is None else current.number % len(content.principles) + 1
    return content.principle_by_number(number)


def _offer(ctx: Ctx, state: DialogueState) -> DialogueState:
    """Ask what they would like next, from what they have not heard yet; "yes" will take the first option."""
    has_next = _next_principle(ctx.content, state) is not None
    remaining = [o for o in GUIDANCE_OPTIONS if o not in state.heard and (o != "next" or has_next)]
    if len(remaining) >= 2:
        options = remaining[:2]
    elif remaining:
        options = [remaining[0], "done"]
    else:
        options = list(FINAL_OPTIONS)
    ctx.reply.say("offer.frame", a=ctx.reply.ref(f"offer.option.{options[0]}"),
                  b=ctx.reply.ref(f"offer.option.{options[1]}"))
    return replace(state, offer=tuple(options))


def _present(ctx: Ctx, principle: Principle, situation: str | None) -> DialogueState:
    """Speak a principle's short version and offer more."""
    ctx.reply.say(f"principles.{principle.id}.short")
    ctx.reply.card_principle = principle.id
    state = replace(ctx.state, situation=situation, principle=principle.id, heard=(), offer=())
    return _offer(ctx, state)


def _first_idea(ctx: Ctx) -> DialogueState:
    situation = ctx.content.situation(ctx.state.situation or "")
    assert situation is not None, "the machine resets states whose situation is unknown"
    principle = ctx.content.principle(situation.principles[0])
    assert principle is not None
    ctx.reply.say("guide.intro", title=_title(ctx, principle))
    return _present(ctx, principle, situation.id)


def welcome(ctx: Ctx) -> DialogueState:
    ctx.reply.say("launch.first" if ctx.event.new_user else "launch.returning")
    return _cleared(ctx.state)


def share_situation(ctx: Ctx) -> DialogueState:
    situation = ctx.content.situation(ctx.event.situation or "")
    if situation is None:
        ctx.reply.say("start.prompt")
        ctx.reply.goto = "start"
        return _cleared(ctx.state)
    ctx.reply.say(f"situations.{situation.id}.validate")
    ctx.reply.say(f"situations.{situation.id}.choice")
    return replace(_cleared(ctx.state), situation=situation.id)


def give_principle(ctx: Ctx) -> DialogueState:
    principle = ctx.content.principle(ctx.event.principle or "")
    if principle is None:
        ctx.reply.say("not_caught" if ctx.event.slot_missing else "guide.unknown_principle")
        ctx.reply.goto = "="
        return ctx.state
    ctx.reply.say("guide.principle_intro", number=principle.number, title=_title(ctx, principle))
    return _present(ctx, principle, None)


def first_idea(ctx: Ctx) -> DialogueState:
    return _first_idea(ctx)


def steady_then_first_idea(ctx: Ctx) -> DialogueState:
    ctx.reply.say("steady.moment")
    return _first_idea(ctx)


def steady_then_offer(ctx: Ctx) -> DialogueState:
    ctx.reply.say("steady.moment")
    return _offer(ctx, ctx.state)


def next_idea(ctx: Ctx) -> DialogueState:
    principle = _next_principle(ctx.content, ctx.state)
    if principle is None:
        ctx.reply.say("guide.exhausted")
        return _offer(ctx, ctx.state)
    ctx.reply.say("guide.next_intro", title=_title(ctx, principle))
    return _present(ctx, principle, ctx.state.situation)


def _tell(ctx: Ctx, option: str, *keys: str) -> DialogueState:
    for key in keys:
        ctx.reply.say(key)
    ctx.reply.card_principle = ctx.state.principle
    heard = ctx.state.heard if option in ctx.state.heard else (*ctx.state.heard, option)
    return _offer(ctx, replace(ctx.state, heard=heard))


def tell_more(ctx: Ctx) -> DialogueState:
    return _tell(ctx, "more", f"principles.{_current(ctx).id}.more")


def give_practice(ctx: Ctx) -> DialogueState:
    return _tell(ctx, "practice", f"principles.{_current(ctx).id}.practice")


def give_question(ctx: Ctx) -> DialogueState:
    return _tell(ctx, "question", "guide.question_lead", f"principles.{_current(ctx).id}.question")


def goodbye(ctx: Ctx) -> DialogueState:
    ctx.reply.say("goodbye")
    ctx.reply.end()
    return ctx.state


def ask_something_else(ctx: Ctx) -> DialogueState:
    ctx.reply.say("start.something_else")
    return _cleared(ctx.state)


def start_over(ctx: Ctx) -> DialogueState:
    ctx.reply.say("start.prompt")
    return _cleared(ctx.state)


def accept_offer(ctx: Ctx) -> DialogueState:
    """"Yes" to an offer takes its first option."""
    option = ctx.state.offer[0] if ctx.state.offer else "more"
    if option == "something_else":
        ctx.reply.goto = "start"
    return OPTION_ACTIONS[option](ctx)


def give_help(ctx: Ctx) -> DialogueState:
    ctx.reply.say(f"help.{ctx.state.node}")
    return ctx.state


def repeat(ctx: Ctx) -> DialogueState:
    if not ctx.state.last:
        ctx.reply.say("start.prompt")
        return ctx.state
    ctx.reply.replay = ctx.state
    return ctx.state


def fallback(ctx: Ctx) -> DialogueState:
    """Escalate: a short re-ask, then more explanation, then a graceful exit."""
    node = ctx.state.node
    if ctx.state.misses >= MAX_MISSES:
        ctx.reply.say("fallback.third")
        ctx.reply.end()
    elif ctx.state.misses == 2:
        ctx.reply.say("fallback.second")
        ctx.reply.say(f"help.{node}")
    else:
        ctx.reply.say("fallback.first")
        ctx.reply.say(f"{node}.reprompt")
    return ctx.state


def go_ahead(ctx: Ctx) -> DialogueState:
    ctx.reply.say("start.go_ahead")
    return ctx.state


def need_situation(ctx: Ctx) -> DialogueState:
    ctx.reply.say("start.need_situation")
    return ctx.state


def decline_choice(ctx: Ctx) -> DialogueState:
    ctx.reply.say("choosing.declined")
    return _cleared(ctx.state)


OPTION_ACTIONS: Mapping[str, Action] = MappingProxyType({
    "more": tell_more,
    "practice": give_practice,
    "question": give_question,
    "next": next_idea,
    "done": goodbye,
    "something_else": ask_something_else,
})

ACTIONS: Mapping[str, Action] = MappingProxyType({
    action.__name__: action
    for action in (
        welcome, share_situation, give_principle, first_idea, steady_then_first_idea, steady_then_offer,
        next_idea, tell_more, give_practice, give_question, goodbye, ask_something_else, start_over,
        accept_offer, give_help, repeat, fallback, go_ahead, need_situation, decline_choice,
    )
})
