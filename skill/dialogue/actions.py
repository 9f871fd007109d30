"""Reassurance and the moves every state shares: each action says something and returns the new state.

Actions choose dialog keys only; the wording lives in content. The machine fills in what every
turn shares (state node, reprompt, misses, repeat memory).
"""

from __future__ import annotations

from dataclasses import replace

from skill.content import Content
from skill.dialogue.guidance import allowed, principle_prefix
from skill.dialogue.reply import Ctx
from skill.dialogue.state import DialogueState, Ref
from skill.dialogue.table import STAY

# Offer options, in the order they are offered; each has a pool ``offer.option.<name>``.
GUIDANCE_OPTIONS = ("more", "practice", "question", "next", "reflect")
FINAL_OPTIONS = ("something_else", "done")
MAX_MISSES = 3


def cleared(state: DialogueState) -> DialogueState:
    """The state with no topic in play (the person's session flags stay)."""
    return replace(state, situation=None, principle=None, heard=(), offer=(), reflection=None, step=0,
                   list_start=0)


def title_ref(ctx: Ctx, prefix: str) -> Ref:
    return ctx.reply.ref(f"{prefix}.title")


def _prefix(ctx: Ctx) -> str:
    prefix = principle_prefix(ctx.content, ctx.state, ctx.state.principle or "")
    assert prefix is not None, "a withheld principle is never the current one"
    return prefix


def next_principle(content: Content, state: DialogueState, step: int = 1) -> str | None:
    """The next (or, with ``step=-1``, previous) idea: in the situation's order, or by number when
    browsing, wrapping around. Principles withheld in this session are skipped."""
    situation = content.situation(state.situation or "")
    if situation is not None:
        order = allowed(content, state, situation.principles)
        if state.principle not in order:
            return order[0] if order and step > 0 else None
        position = order.index(state.principle) + step
        return order[position] if 0 <= position < len(order) else None
    order = allowed(content, state, [p.id for p in content.principles])
    if not order:
        return None
    if state.principle not in order:
        return order[0] if step > 0 else order[-1]
    return order[(order.index(state.principle) + step) % len(order)]


def _reflection_available(content: Content) -> bool:
    return bool(content.reflections)


def offer(ctx: Ctx, state: DialogueState) -> DialogueState:
    """Ask what they would like next, from what they have not heard yet; "yes" will take the first option."""
    has_next = next_principle(ctx.content, state) is not None
    usable = {"next": has_next, "reflect": _reflection_available(ctx.content)}
    remaining = [o for o in GUIDANCE_OPTIONS if o not in state.heard and usable.get(o, True)]
    if len(remaining) >= 2:
        options = remaining[:2]
    elif remaining:
        options = [remaining[0], "done"]
    else:
        options = list(FINAL_OPTIONS)
    ctx.reply.say("offer.frame", a=ctx.reply.ref(f"offer.option.{options[0]}"),
                  b=ctx.reply.ref(f"offer.option.{options[1]}"))
    return replace(state, offer=tuple(options))


def withheld(ctx: Ctx) -> DialogueState:
    """After an abuse disclosure: no guidance that could be unsafe; safety comes first."""
    ctx.reply.say("safety.withheld")
    ctx.reply.show = ("safety", "abuse")
    ctx.reply.goto = "safety"
    return replace(cleared(ctx.state), disclosure="abuse")


def present(ctx: Ctx, principle_id: str, situation: str | None, lead: str | None = None,
            **lead_params: object) -> DialogueState:
    """Speak a principle's short version (after an optional lead-in) and offer more."""
    prefix = principle_prefix(ctx.content, ctx.state, principle_id)
    if prefix is None:
        return withheld(ctx)
    if lead is not None:
        ctx.reply.say(lead, **lead_params, title=title_ref(ctx, prefix))  # type: ignore[arg-type]
    ctx.reply.say(f"{prefix}.short")
    ctx.reply.show = ("principle", prefix)
    state = replace(cleared(ctx.state), situation=situation, principle=principle_id)
    return offer(ctx, state)


def _first_idea(ctx: Ctx) -> DialogueState:
    situation = ctx.content.situation(ctx.state.situation or "")
    assert situation is not None, "the machine resets states whose situation is unknown"
    order = allowed(ctx.content, ctx.state, situation.principles)
    if not order:
        return withheld(ctx)
    return present(ctx, order[0], situation.id, "guide.intro")


def welcome(ctx: Ctx) -> DialogueState:
    bookmark = ctx.event.bookmark
    reflection = ctx.content.reflection(bookmark[0]) if bookmark else None
    if bookmark and reflection is not None and 0 <= bookmark[1] < len(reflection.steps):
        ctx.reply.say("launch.resume")
        ctx.reply.goto = "resume_offer"
        return replace(cleared(ctx.state), reflection=reflection.id, step=bookmark[1], pace=bookmark[2])
    if ctx.event.new_user:
        ctx.reply.say("launch.first")
    elif ctx.event.streak >= 2:
        ctx.reply.say("launch.returning_streak", streak=ctx.event.streak)
    else:
        ctx.reply.say("launch.returning")
    return cleared(ctx.state)


def share_situation(ctx: Ctx) -> DialogueState:
    situation = ctx.content.situation(ctx.event.situation or "")
    if situation is None:
        ctx.reply.say("start.prompt")
        ctx.reply.goto = "start"
        return cleared(ctx.state)
    ctx.reply.say(f"situations.{situation.id}.validate")
    ctx.reply.say(f"situations.{situation.id}.choice")
    return replace(cleared(ctx.state), situation=situation.id)


def give_principle(ctx: Ctx) -> DialogueState:
    principle = ctx.content.principle(ctx.event.principle or "")
    if principle is None:
        ctx.reply.say("not_caught" if ctx.event.slot_missing else "guide.unknown_principle")
        ctx.reply.goto = STAY
        return ctx.state
    return present(ctx, principle.id, None, "guide.principle_intro", number=principle.number)


def first_idea(ctx: Ctx) -> DialogueState:
    return _first_idea(ctx)


def steady_then_first_idea(ctx: Ctx) -> DialogueState:
    ctx.reply.say("steady.moment")
    return _first_idea(ctx)


def steady_then_offer(ctx: Ctx) -> DialogueState:
    ctx.reply.say("steady.moment")
    return offer(ctx, ctx.state)


def next_idea(ctx: Ctx) -> DialogueState:
    principle = next_principle(ctx.content, ctx.state)
    if principle is None:
        ctx.reply.say("guide.exhausted")
        ctx.reply.goto = "guiding"
        return offer(ctx, ctx.state)
    return present(ctx, principle, ctx.state.situation, "guide.next_intro")


def _tell(ctx: Ctx, option: str, *keys: str) -> DialogueState:
    for key in keys:
        ctx.reply.say(key)
    ctx.reply.show = ("principle", _prefix(ctx))
    heard = ctx.state.heard if option in ctx.state.heard else (*ctx.state.heard, option)
    return offer(ctx, replace(ctx.state, heard=heard))


def tell_more(ctx: Ctx) -> DialogueState:
    return _tell(ctx, "more", f"{_prefix(ctx)}.more")


def give_practice(ctx: Ctx) -> DialogueState:
    return _tell(ctx, "practice", f"{_prefix(ctx)}.practice")


def give_question(ctx: Ctx) -> DialogueState:
    return _tell(ctx, "question", "guide.question_lead", f"{_prefix(ctx)}.question")


def goodbye(ctx: Ctx) -> DialogueState:
    ctx.reply.say("goodbye")
    ctx.reply.end()
    return ctx.state


def ask_something_else(ctx: Ctx) -> DialogueState:
    ctx.reply.say("start.something_else")
    return cleared(ctx.state)


def start_over(ctx: Ctx) -> DialogueState:
    ctx.reply.say("start.prompt")
    return cleared(ctx.state)


def give_help(ctx: Ctx) -> DialogueState:
    ctx.reply.say(f"help.{ctx.state.node}")
    ctx.reply.show = ctx.state.last_show
    return ctx.state


def reask(ctx: Ctx) -> DialogueState:
    """An event that means nothing here: say again, gently, what this state is waiting for."""
    ctx.reply.say(f"{ctx.state.node}.reprompt")
    ctx.reply.show = ctx.state.last_show
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
    return cleared(ctx.state)
