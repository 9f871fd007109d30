"""Which words stand for a principle in this session: after an abuse disclosure some principles are
withheld and "be prepared to leave" becomes planning safely with an advocate (see safety.yaml)."""

from __future__ import annotations

from collections.abc import Iterable

from skill.content import Content
from skill.dialogue.state import DialogueState


def principle_prefix(content: Content, state: DialogueState, principle_id: str) -> str | None:
    """The pool prefix to speak a principle from (``principles.<id>`` or a safety replacement);
    None when the principle is withheld in this session."""
    if state.abuse:
        if principle_id in content.safety.withhold_after_abuse:
            return None
        replacement = content.safety.replace_after_abuse.get(principle_id)
        if replacement is not None:
            return replacement
    return f"principles.{principle_id}"


def allowed(content: Content, state: DialogueState, principle_ids: Iterable[str]) -> list[str]:
    """The principles, in order, that may be spoken in this session."""
    return [p for p in principle_ids if principle_prefix(content, state, p) is not None]
