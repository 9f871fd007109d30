"""``secure-base chat``: talk to the skill from a terminal, without an Echo."""

from skill.chat.matcher import Match, UtteranceMatcher
from skill.chat.session import ChatError, InProcess, OverHttp, read_lines, run_chat

__all__ = ["ChatError", "InProcess", "Match", "OverHttp", "UtteranceMatcher", "read_lines", "run_chat"]
