"""The Alexa layer: ask-sdk-core handlers around the dialogue machine. Never imports Flask."""

from skill.alexa.handlers import TurnRecord
from skill.alexa.runner import RequestRejected, SkillRunner, build_runner, load_checked_library

__all__ = ["RequestRejected", "SkillRunner", "TurnRecord", "build_runner", "load_checked_library"]
