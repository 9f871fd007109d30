"""Deleting what the skill stores about a person, by voice, after a confirmation."""

from __future__ import annotations

from skill.dialogue.actions import cleared
from skill.dialogue.reply import Ctx
from skill.dialogue.state import DialogueState
from skill.dialogue.turn import DELETE_DATA


def ask_delete(ctx: Ctx) -> DialogueState:
    ctx.reply.say("data.confirm")
    return cleared(ctx.state)


def delete_data(ctx: Ctx) -> DialogueState:
    ctx.reply.say("data.deleted")
    ctx.reply.effects.append(DELETE_DATA)
    return ctx.state


def keep_data(ctx: Ctx) -> DialogueState:
    ctx.reply.say("data.kept")
    return ctx.state
