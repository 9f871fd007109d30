"""The SSML checks that guard everything the skill says."""

from __future__ import annotations

import pytest

from skill.content.ssml import (
    escape,
    fragment_problems,
    longest_break_seconds,
    plain_text,
    speech_problems,
    total_break_seconds,
)


@pytest.mark.parametrize("fragment", [
    "Plain words are fine.",
    'Take a breath. <break time="3s"/> And another.',
    '<prosody rate="slow">Slowly</prosody> <emphasis level="moderate">now</emphasis>.',
    '<amazon:emotion name="disappointed" intensity="low">That is hard.</amazon:emotion>',
    '<say-as interpret-as="telephone">988</say-as>',
    '<break time="10s"/>', '<break time="10000ms"/>', '<break strength="strong"/>',
])
def test_good_fragments_pass(fragment: str) -> None:
    assert fragment_problems(fragment) == []


@pytest.mark.parametrize("fragment, complaint", [
    ("You & me", "not well-formed"),
    ("a < b", "not well-formed"),
    ("<b>bold</b>", "<b> is not one Alexa supports"),
    ("<speak>nested</speak>", "<speak> is not one Alexa supports"),
    ('<break time="11s"/>', "longer than Alexa's 10 s limit"),
    ('<break time="10001ms"/>', "longer than Alexa's 10 s limit"),
    ('<break time="soon"/>', "is not a time"),
    ('<break strength="huge"/>', "not a known strength"),
    ("<s>unclosed", "not well-formed"),
])
def test_bad_fragments_are_named(fragment: str, complaint: str) -> None:
    problems = fragment_problems(fragment)
    assert any(complaint in p for p in problems), problems


def test_whole_speech_limits() -> None:
    assert speech_problems("<speak>Hello.</speak>") == []
    assert any("8000" in p for p in speech_problems("<speak>" + "a" * 8000 + "</speak>"))
    assert any("wrapped" in p for p in speech_problems("Hello."))
    many_breaks = "<speak>" + '<break time="10s"/>' * 25 + "</speak>"
    assert any("240 s" in p for p in speech_problems(many_breaks))


def test_pause_arithmetic_and_plain_text() -> None:
    ssml = '<speak>One. <break time="3s"/> Two. <break time="500ms"/> <s>Three.</s></speak>'
    assert total_break_seconds(ssml) == 3.5
    assert longest_break_seconds(ssml) == 3
    assert plain_text(ssml) == "One. Two. Three."


def test_escape_makes_any_text_safe_inside_ssml() -> None:
    hostile = """Tom & "Jerry" <script>'"""
    assert fragment_problems(escape(hostile)) == []
    assert plain_text(escape(hostile)) == hostile
