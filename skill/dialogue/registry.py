"""Every action the transition table may name, by name."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from skill.dialogue import actions, browsing, data, disclosure, reflection
from skill.dialogue.reply import Action, Ctx
from skill.dialogue.state import DialogueState
from skill.dialogue.table import END

# What "yes" to an offer does, for each option the offer can name, and the state it leads to.
OPTION_ACTIONS: Mapping[str, tuple[Action, str | None]] = MappingProxyType({
    "more": (actions.tell_more, None),
    "practice": (actions.give_practice, None),
    "question": (actions.give_question, None),
    "next": (actions.next_idea, None),
    "reflect": (reflection.start_reflection, "reflecting"),
    "done": (actions.goodbye, END),
    "something_else": (actions.ask_something_else, "start"),
})


def accept_offer(ctx: Ctx) -> DialogueState:
    """"Yes" to an offer takes its first option."""
    action, target = OPTION_ACTIONS[ctx.state.offer[0] if ctx.state.offer else "more"]
    if target is not None:
        ctx.reply.goto = target
    return action(ctx)


ACTIONS: Mapping[str, Action] = MappingProxyType({
    action.__name__: action
    for action in (
        actions.welcome, actions.share_situation, actions.give_principle, actions.first_idea,
        actions.steady_then_first_idea, actions.steady_then_offer, actions.next_idea, actions.tell_more,
        actions.give_practice, actions.give_question, actions.goodbye, actions.ask_something_else,
        actions.start_over, actions.give_help, actions.reask, actions.repeat, actions.fallback, actions.go_ahead,
        actions.need_situation, actions.decline_choice, accept_offer,
        browsing.give_daily, browsing.browse_next, browsing.browse_previous, browsing.list_principles,
        browsing.list_next, browsing.list_previous, browsing.decline_list, reflection.not_reflecting,
        reflection.start_reflection, reflection.reflection_next, reflection.reflection_back, reflection.reflection_again,
        reflection.reflection_slower, reflection.reflection_pause, reflection.reflection_continue,
        reflection.resume_reflection, reflection.decline_resume,
        disclosure.disclose, disclosure.safety_again, disclosure.safety_after,
        data.ask_delete, data.delete_data, data.keep_data,
    )
})
