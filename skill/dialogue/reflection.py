"""Guided reflection: spoken steps with real silence, at the person's pace."""

from __future__ import annotations

from dataclasses import replace

from skill.content import Reflection
from skill.dialogue.actions import cleared, withheld
from skill.dialogue.guidance import allowed
from skill.dialogue.reply import Ctx
from skill.dialogue.state import BASE_PACE, DialogueState
from skill.dialogue.turn import CLEAR_BOOKMARK, SAVE_BOOKMARK

PACE_STEP = 50
MAX_PACE = 200
# Silences longer than this get a soft word of presence in the middle.
PRESENCE_AFTER_SECONDS = 30


def _current(ctx: Ctx) -> Reflection:
    reflection = ctx.content.reflection(ctx.state.reflection or "")
    assert reflection is not None, "the machine resets states whose reflection is unknown"
    return reflection


def _choose(ctx: Ctx) -> Reflection | None:
    """A reflection linked to the situation just shared, else to the principle in play, else any; after an
    abuse disclosure, only those linked to no withheld principle. None if there is none to offer."""
    reflections = [r for r in ctx.content.reflections
                   if len(allowed(ctx.content, ctx.state, r.principles)) == len(r.principles)]
    linked = ([r for r in reflections if ctx.state.situation in r.situations]
              or [r for r in reflections if ctx.state.principle in r.principles])
    return ctx.reply.picker.choice(linked or reflections) if reflections else None


def _speak_step(ctx: Ctx, state: DialogueState, step: int, lead: str | None = None, **params: object) -> DialogueState:
    reflection = ctx.content.reflection(state.reflection or "")
    assert reflection is not None
    if lead is not None:
        ctx.reply.say(lead, **params)  # type: ignore[arg-type]
    ctx.reply.say(reflection.steps[step].key)
    _silence(ctx, round(reflection.steps[step].pause_seconds * state.pace / BASE_PACE))
    ctx.reply.say("reflection.cue")
    ctx.reply.show = ("reflection", reflection.id, str(step))
    ctx.reply.effects.append(SAVE_BOOKMARK)
    return replace(state, step=step)


def _silence(ctx: Ctx, seconds: int) -> None:
    """Real silence; a long one is split by a quiet word that says the skill is still there."""
    if seconds <= PRESENCE_AFTER_SECONDS:
        ctx.reply.pause(seconds)
        return
    ctx.reply.pause(seconds // 2)
    ctx.reply.say("reflection.presence")
    ctx.reply.pause(seconds - seconds // 2)


def start_reflection(ctx: Ctx) -> DialogueState:
    reflection = _choose(ctx)
    if reflection is None:
        return withheld(ctx)
    state = replace(cleared(ctx.state), reflection=reflection.id, pace=BASE_PACE)
    ctx.reply.goto = "reflecting"
    return _speak_step(ctx, state, 0, "reflection.intro", title=ctx.reply.ref(reflection.title_key))


def reflection_next(ctx: Ctx) -> DialogueState:
    reflection = _current(ctx)
    if ctx.state.step + 1 < len(reflection.steps):
        return _speak_step(ctx, ctx.state, ctx.state.step + 1)
    ctx.reply.say(reflection.closing_key)
    ctx.reply.say("reflection.end_offer")
    ctx.reply.show = ("reflection", reflection.id, str(len(reflection.steps)))
    ctx.reply.effects.append(CLEAR_BOOKMARK)
    ctx.reply.goto = "reflection_end"
    return ctx.state


def reflection_back(ctx: Ctx) -> DialogueState:
    if ctx.state.step == 0:
        return _speak_step(ctx, ctx.state, 0, "reflection.at_start")
    return _speak_step(ctx, ctx.state, ctx.state.step - 1, "reflection.back")


def reflection_again(ctx: Ctx) -> DialogueState:
    """Go back from the closing to the last step."""
    return _speak_step(ctx, ctx.state, ctx.state.step, "reflection.back")


def reflection_slower(ctx: Ctx) -> DialogueState:
    """Longer pauses for the rest of this reflection, starting with this step again."""
    if ctx.state.pace >= MAX_PACE:
        return _speak_step(ctx, ctx.state, ctx.state.step, "reflection.slowest")
    state = replace(ctx.state, pace=min(MAX_PACE, ctx.state.pace + PACE_STEP))
    return _speak_step(ctx, state, state.step, "reflection.slower")


def reflection_pause(ctx: Ctx) -> DialogueState:
    ctx.reply.say("reflection.paused")
    ctx.reply.show = ctx.state.last_show
    return ctx.state


def reflection_continue(ctx: Ctx) -> DialogueState:
    return _speak_step(ctx, ctx.state, ctx.state.step, "reflection.continuing")


def resume_reflection(ctx: Ctx) -> DialogueState:
    """Pick up a reflection left unfinished in an earlier session (offered at launch)."""
    return _speak_step(ctx, ctx.state, ctx.state.step, "reflection.resumed")


def not_reflecting(ctx: Ctx) -> DialogueState:
    """Slower, pause or continue outside a reflection: "continue" opening a session with an unfinished
    reflection picks it up; otherwise say how to start one."""
    bookmark = ctx.event.bookmark
    reflection = ctx.content.reflection(bookmark[0]) if bookmark and ctx.event.name == "resume" else None
    if bookmark is None or reflection is None or not 0 <= bookmark[1] < len(reflection.steps):
        ctx.reply.say("reflection.none")
        return ctx.state
    ctx.reply.goto = "reflecting"
    state = replace(cleared(ctx.state), reflection=reflection.id, pace=bookmark[2])
    return _speak_step(ctx, state, bookmark[1], "reflection.resumed")


def decline_resume(ctx: Ctx) -> DialogueState:
    ctx.reply.say("reflection.resume_declined")
    ctx.reply.effects.append(CLEAR_BOOKMARK)
    return cleared(ctx.state)
