"""SSML checks and conversions: what Alexa accepts, plain text for cards, and pause arithmetic."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape as _xml_escape

ALLOWED_TAGS = frozenset({
    "speak", "audio", "break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub",
    "voice", "w", "amazon:effect", "amazon:emotion", "amazon:domain",
})
BREAK_STRENGTHS = frozenset({"none", "x-weak", "weak", "medium", "strong", "x-strong"})
MAX_BREAK_MS = 10_000
MAX_SPEECH_CHARS = 8000
MAX_AUDIO_SECONDS = 240

_AMAZON_NS = "urn:amazon"
_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")


def escape(text: str) -> str:
    """Escape text for inclusion in SSML (``&``, ``<``, ``>`` and quotes)."""
    return _xml_escape(text, {'"': "&quot;", "'": "&apos;"})


def _parse(fragment: str) -> ET.Element:
    return ET.fromstring(f'<speak xmlns:amazon="{_AMAZON_NS}">{fragment}</speak>')


def _tag_name(element: ET.Element) -> str:
    return element.tag.replace("{" + _AMAZON_NS + "}", "amazon:")


def break_ms(time_value: str) -> int | None:
    """Milliseconds in a ``<break time>`` value such as ``3s`` or ``500ms``; None if malformed."""
    match = _TIME.match(time_value)
    if not match:
        return None
    amount, unit = float(match.group(1)), match.group(2)
    return round(amount * 1000) if unit == "s" else round(amount)


def fragment_problems(fragment: str) -> list[str]:
    """Everything wrong with an SSML fragment (the text that goes inside ``<speak>``)."""
    try:
        root = _parse(fragment)
    except ET.ParseError as exc:
        return [f"not well-formed SSML ({exc}); write 'and' instead of '&', and avoid '<' and '>' outside tags"]
    problems = []
    for element in root.iter():
        if element is root:
            continue
        name = _tag_name(element)
        if name not in ALLOWED_TAGS or name == "speak":
            problems.append(f"SSML tag <{name}> is not one Alexa supports here")
        if name == "break":
            problems.extend(_break_problems(element))
    return problems


def _break_problems(element: ET.Element) -> list[str]:
    problems = []
    time_value = element.get("time")
    if time_value is not None:
        ms = break_ms(time_value)
        if ms is None:
            problems.append(f'<break time="{time_value}"> is not a time like "3s" or "500ms"')
        elif ms > MAX_BREAK_MS:
            problems.append(f'<break time="{time_value}"> is longer than Alexa\'s 10 s limit')
    strength = element.get("strength")
    if strength is not None and strength not in BREAK_STRENGTHS:
        problems.append(f'<break strength="{strength}"> is not a known strength')
    return problems


def speech_problems(ssml: str) -> list[str]:
    """Everything wrong with a whole ``<speak>`` document as it would go to Alexa."""
    problems = []
    if len(ssml) >= MAX_SPEECH_CHARS:
        problems.append(f"speech is {len(ssml)} characters; Alexa's limit is under {MAX_SPEECH_CHARS}")
    if not (ssml.startswith("<speak>") and ssml.endswith("</speak>")):
        return problems + ["speech is not wrapped in <speak>...</speak>"]
    problems.extend(fragment_problems(ssml[len("<speak>"):-len("</speak>")]))
    if total_break_seconds(ssml) > MAX_AUDIO_SECONDS:
        problems.append(f"speech holds more than {MAX_AUDIO_SECONDS} s of pauses")
    return problems


def _inner(ssml: str) -> str:
    return ssml[len("<speak>"):-len("</speak>")] if ssml.startswith("<speak>") else ssml


def _break_lengths_ms(ssml: str) -> list[int]:
    root = _parse(_inner(ssml))
    return [break_ms(e.get("time", "0ms")) or 0 for e in root.iter() if _tag_name(e) == "break"]


def total_break_seconds(ssml: str) -> float:
    """Total silence, in seconds, from every ``<break time>`` in a fragment or ``<speak>`` document."""
    return sum(_break_lengths_ms(ssml)) / 1000


def longest_break_seconds(ssml: str) -> float:
    """The longest single ``<break time>``, in seconds."""
    return max(_break_lengths_ms(ssml), default=0) / 1000


def plain_text(ssml: str) -> str:
    """The words of an SSML fragment or document, without tags, for cards and the terminal chat."""
    body = _inner(ssml)
    try:
        root = _parse(body)
    except ET.ParseError:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", body)).strip()
    return re.sub(r"\s+", " ", " ".join(root.itertext())).strip()


def word_count(ssml: str) -> int:
    """Number of spoken words in an SSML fragment."""
    return len(plain_text(ssml).split())
