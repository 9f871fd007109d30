"""Today's principle, the list of principles, and moving through them in order."""

from __future__ import annotations

from dataclasses import replace

from skill.dialogue.actions import cleared, next_principle, offer, present, withheld
from skill.dialogue.guidance import principle_prefix
from skill.dialogue.reply import Ctx
from skill.dialogue.state import DialogueState
from skill.dialogue.table import STAY

LIST_GROUP = 4


def give_daily(ctx: Ctx) -> DialogueState:
    """Today's principle (chosen by the Alexa layer from the person's rotation), then an offer of more."""
    principle = ctx.content.principle(ctx.event.principle or "")
    if principle is None:
        ctx.reply.say("guide.unknown_principle")
        ctx.reply.goto = STAY
        return ctx.state
    return present(ctx, principle.id, None, "daily.intro", number=principle.number)


def _browse(ctx: Ctx, step: int) -> DialogueState:
    principle = next_principle(ctx.content, ctx.state, step)
    if principle is not None:
        return present(ctx, principle, ctx.state.situation, "guide.next_intro" if step > 0 else "guide.previous_intro")
    if ctx.state.principle is None and step < 0:
        ctx.reply.say("start.need_situation")
        ctx.reply.goto = STAY
        return ctx.state
    if ctx.state.principle is None:
        return withheld(ctx)
    ctx.reply.say("guide.exhausted" if step > 0 else "guide.at_first")
    ctx.reply.show = ctx.state.last_show
    return offer(ctx, ctx.state)


def browse_next(ctx: Ctx) -> DialogueState:
    return _browse(ctx, 1)


def browse_previous(ctx: Ctx) -> DialogueState:
    return _browse(ctx, -1)


def _list_group(ctx: Ctx, start: int) -> DialogueState:
    principles = ctx.content.principles
    group = principles[start:start + LIST_GROUP]
    ctx.reply.say("list.intro", first=group[0].number, last=group[-1].number)
    for principle in group:
        prefix = principle_prefix(ctx.content, ctx.state, principle.id)
        if prefix is not None:
            ctx.reply.say("list.item", number=principle.number, title=ctx.reply.ref(f"{prefix}.title"))
    ctx.reply.say("list.more" if start + LIST_GROUP < len(principles) else "list.last")
    return replace(cleared(ctx.state), list_start=start)


def list_principles(ctx: Ctx) -> DialogueState:
    return _list_group(ctx, 0)


def list_next(ctx: Ctx) -> DialogueState:
    start = ctx.state.list_start + LIST_GROUP
    if start >= len(ctx.content.principles):
        ctx.reply.say("list.last")
        return ctx.state
    return _list_group(ctx, start)


def list_previous(ctx: Ctx) -> DialogueState:
    return _list_group(ctx, max(0, ctx.state.list_start - LIST_GROUP))


def decline_list(ctx: Ctx) -> DialogueState:
    ctx.reply.say("list.declined")
    return cleared(ctx.state)

