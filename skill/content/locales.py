"""Per-locale overrides of the one English source: helplines, emergency numbers and spelling.

``locales/<locale>.yaml`` exists for each locale the skill speaks; ``locales/default.yaml`` serves
requests from any other locale, and points to local services rather than one country's numbers.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from skill.content.errors import Problem
from skill.content.reader import Reader, read_yaml
from skill.content.records import Content, Source

LOCALES_DIR = "locales"
DEFAULT_NAME = "default"
HELPLINE_FIELDS = ("crisis_line", "abuse_line", "emergency")
CARD_FIELD = "card"
HELPLINE_MAX_WORDS = 45
CARD_MAX_WORDS = 120
_LOCALE = re.compile(r"^[a-z]{2}-[A-Z]{2}$")
_WORD = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class LocaleOverrides:
    """What one locale changes: helpline pools (``helplines.*``) and whole-word spelling changes."""

    name: str
    helplines: Mapping[str, str]
    spelling: Mapping[str, str]
    sources: Mapping[str, Source]


def load_locales(directory: Path, problems: list[Problem]) -> dict[str, LocaleOverrides]:
    """Every ``locales/*.yaml`` file, validated; ``default`` must be among them."""
    folder = directory / LOCALES_DIR
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    names = [f.stem for f in files]
    if DEFAULT_NAME not in names:
        problems.append(Problem(f"{LOCALES_DIR}/{DEFAULT_NAME}.yaml", "", "file not found: it holds the helplines "
                                                                          "for requests from other locales"))
    result = {}
    for path in files:
        file = f"{LOCALES_DIR}/{path.name}"
        if path.stem != DEFAULT_NAME and not _LOCALE.match(path.stem):
            problems.append(Problem(file, "", "name the file after an Alexa locale, such as en-GB.yaml"))
            continue
        document = read_yaml(folder, path.name, problems)
        if document is not None:
            result[path.stem] = _overrides(path.stem, document, Reader(file, problems))
    return result


def _overrides(name: str, document: Any, reader: Reader) -> LocaleOverrides:
    top = reader.mapping(document, "", required={"helplines"}, optional={"spelling"}) or {}
    lines = reader.mapping(top.get("helplines"), "helplines", required={*HELPLINE_FIELDS, CARD_FIELD}) or {}
    helplines, sources = {}, {}
    for field in (*HELPLINE_FIELDS, CARD_FIELD):
        if field in lines:
            limit = CARD_MAX_WORDS if field == CARD_FIELD else HELPLINE_MAX_WORDS
            helplines[f"helplines.{field}"] = reader.speech(lines[field], f"helplines.{field}", limit)
            sources[f"helplines.{field}"] = Source(reader.file, f"helplines.{field}")
    spelling = {}
    raw_spelling = top.get("spelling") or {}
    if not isinstance(raw_spelling, dict):
        reader.problem("spelling", "expected a mapping of word to word")
        raw_spelling = {}
    for source_word, local_word in raw_spelling.items():
        if not (isinstance(source_word, str) and isinstance(local_word, str)
                and _WORD.match(source_word) and _WORD.match(local_word)):
            reader.problem(f"spelling.{source_word}", "map one lower-case word to another")
            continue
        spelling[source_word] = local_word
    return LocaleOverrides(name, MappingProxyType(helplines), MappingProxyType(spelling), MappingProxyType(sources))


def respell(spelling: Mapping[str, str]) -> Callable[[str], str]:
    """A function that applies whole-word spelling changes, keeping a capital first letter."""
    if not spelling:
        return lambda text: text
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(spelling, key=len, reverse=True))) + r")\b",
                         re.IGNORECASE)

    def change(match: re.Match) -> str:
        word = match.group(0)
        local = spelling[word.lower()]
        return local[0].upper() + local[1:] if word[0].isupper() else local

    return lambda text: pattern.sub(change, text)


def localise(base: Content, locale: str, overrides: LocaleOverrides) -> Content:
    """The base content as spoken in ``locale``: respelled, with the locale's helplines as pools."""
    fix = respell(overrides.spelling)

    def phrases(values: tuple[str, ...]) -> tuple[str, ...]:
        """Sample utterances and synonyms: respelling may make two alike, so keep one."""
        return tuple(dict.fromkeys(fix(v) for v in values))

    def spoken(values: tuple[str, ...]) -> tuple[str, ...]:
        """A pool keeps its length, because the state remembers phrasings by index."""
        return tuple(fix(v) for v in values)

    pools = {key: spoken(values) for key, values in base.pools.items()}
    pools.update({key: (value,) for key, value in overrides.helplines.items()})
    return dataclasses.replace(
        base,
        locale=locale,
        principles=tuple(dataclasses.replace(p, title=fix(p.title), short=spoken(p.short), more=fix(p.more),
                                             practice=fix(p.practice), question=fix(p.question),
                                             synonyms=phrases(p.synonyms)) for p in base.principles),
        situations=tuple(dataclasses.replace(s, name=fix(s.name), utterances=phrases(s.utterances),
                                             validate=spoken(s.validate), choice=fix(s.choice))
                         for s in base.situations),
        intents=tuple(dataclasses.replace(i, samples=phrases(i.samples)) for i in base.intents),
        pools=MappingProxyType(pools),
        sources=MappingProxyType({**base.sources, **overrides.sources}),
    )
