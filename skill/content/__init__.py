"""Load, validate and hold the spoken content under ``content/`` as typed, immutable objects.

This package never imports Flask, ask_sdk or boto3.
"""

from skill.content.errors import ContentError, Problem
from skill.content.loader import load_library
from skill.content.records import Content, IntentSpec, Library, Principle, Reflection, Situation

__all__ = [
    "Content",
    "ContentError",
    "IntentSpec",
    "Library",
    "Principle",
    "Problem",
    "Reflection",
    "Situation",
    "load_library",
]
