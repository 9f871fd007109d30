"""Crisis and abuse disclosures: a safe answer with the locale's helplines, from any state."""

from __future__ import annotations

from dataclasses import replace

from skill.dialogue.actions import cleared
from skill.dialogue.reply import Ctx
from skill.dialogue.state import DialogueState, Ref

SELF_HARM = "self_harm"
ABUSE = "abuse"
# Which helpline each kind of disclosure speaks, besides the emergency number.
HELPLINE = {SELF_HARM: "crisis_line", ABUSE: "abuse_line"}


def _numbers(kind: str) -> dict[str, Ref]:
    line = HELPLINE[kind]
    return {line: Ref(f"helplines.{line}", 0), "emergency": Ref("helplines.emergency", 0)}


def _kind(ctx: Ctx) -> str:
    return ctx.state.disclosure if ctx.state.disclosure in HELPLINE else SELF_HARM


def disclose(ctx: Ctx) -> DialogueState:
    """Acknowledge, say plainly this is not a crisis service, give the numbers, and stay with them."""
    kind = ctx.event.disclosure if ctx.event.disclosure in HELPLINE else SELF_HARM
    ctx.reply.say(f"safety.{kind}.respond", **_numbers(kind))
    ctx.reply.show = ("safety", kind)
    return replace(cleared(ctx.state), disclosure=kind, abuse=ctx.state.abuse or kind == ABUSE)


def safety_again(ctx: Ctx) -> DialogueState:
    kind = _kind(ctx)
    ctx.reply.say(f"safety.{kind}.again", **_numbers(kind))
    ctx.reply.show = ("safety", kind)
    return ctx.state


def safety_after(ctx: Ctx) -> DialogueState:
    ctx.reply.say(f"safety.{_kind(ctx)}.after")
    return ctx.state
