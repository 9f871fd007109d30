"""Read ``content/*.yaml`` once, validate all of it, and build immutable records.

Every failure becomes a :class:`Problem` naming the file and the YAML path; all of them are
reported together in one :class:`ContentError`, never as a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from skill.content.errors import ContentError, Problem
from skill.content.locales import DEFAULT_NAME, LOCALES_DIR, load_locales, localise
from skill.content.reader import ID, Reader, UtteranceRegistry, join, kind, read_yaml
from skill.content.reflections import REFLECTIONS_FILE, load_reflections
from skill.content.safety import SAFETY_FILE, load_safety
from skill.content.records import (
    DEFAULT_LOCALE,
    Content,
    IntentSpec,
    Library,
    Principle,
    Situation,
    Source,
    situation_intent_name,
)

PRINCIPLES_FILE = "principles.yaml"
SITUATIONS_FILE = "situations.yaml"
DIALOG_FILE = "dialog.yaml"
INTENTS_FILE = "intents.yaml"

_EVENT = ID
_INTENT_NAME = re.compile(r"^[A-Z][A-Za-z]*Intent$")
_SLOT_NAME = re.compile(r"^[A-Z][A-Za-z]*$")
_SYNONYM = re.compile(r"^[a-z' ]+$")
_INVOCATION = re.compile(r"^[a-z][a-z' ]*[a-z]$")
_FORBIDDEN_INVOCATION_WORDS = frozenset({
    "ask", "tell", "open", "launch", "load", "begin", "start", "run", "resume", "use", "play",
    "alexa", "amazon", "echo", "computer", "skill", "app",
})
REQUIRED_BUILTINS = frozenset({
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent",
})
SLOT_TYPE_PRINCIPLE = "PRINCIPLE"
GENERATED_SLOT_TYPES = frozenset({SLOT_TYPE_PRINCIPLE})

SHORT_MAX_WORDS = 45
MORE_MAX_WORDS = 130
PRACTICE_MAX_WORDS = 60
QUESTION_MAX_WORDS = 30
VALIDATE_MAX_WORDS = 40
CHOICE_MAX_WORDS = 25
TITLE_MAX_WORDS = 8
DIALOG_MAX_WORDS = 80


def _top(reader: Reader, document: Any, key: str) -> list:
    if document is None:
        return []
    top = reader.mapping(document, "", required={key})
    return reader.items(top.get(key), key) if top else []


def _load_principles(document: Any, reader: Reader, pools: dict, sources: dict) -> tuple[Principle, ...]:
    principles: list[Principle] = []
    fields = {"id", "number", "title", "short", "more", "practice", "question", "synonyms"}
    synonym_owner: dict[str, str] = {}
    for i, raw in enumerate(_top(reader, document, "principles")):
        path = f"principles[{i}]"
        record = reader.mapping(raw, path, required=fields)
        if record is None:
            continue
        pid = reader.identifier(record.get("id"), f"{path}.id")
        number = record.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            reader.problem(f"{path}.number", f"{number!r} is not a whole number from 1 up")
            number = 0
        title = reader.speech(record.get("title"), f"{path}.title", TITLE_MAX_WORDS)
        synonyms = reader.phrases(record.get("synonyms"), f"{path}.synonyms", 3, _SYNONYM)
        for j, synonym in enumerate(synonyms):
            owner = synonym_owner.setdefault(synonym.lower(), pid or "?")
            if owner != pid:
                reader.problem(f"{path}.synonyms[{j}]", f"{synonym!r} is already a synonym of {owner}")
        principle = Principle(
            id=pid or f"?{i}",
            number=number,
            title=title,
            short=reader.pool(record.get("short"), f"{path}.short", SHORT_MAX_WORDS, min_items=3),
            more=reader.speech(record.get("more"), f"{path}.more", MORE_MAX_WORDS),
            practice=reader.speech(record.get("practice"), f"{path}.practice", PRACTICE_MAX_WORDS),
            question=reader.speech(record.get("question"), f"{path}.question", QUESTION_MAX_WORDS),
            synonyms=synonyms,
        )
        principles.append(principle)
        for field in ("title", "short", "more", "practice", "question"):
            value = getattr(principle, field)
            key = f"principles.{principle.id}.{field}"
            pools[key] = value if isinstance(value, tuple) else (value,)
            sources[key] = Source(reader.file, f"{path}.{field}")
    _check_unique(reader, principles, "principles", "id", lambda p: p.id)
    _check_unique(reader, principles, "principles", "number", lambda p: p.number)
    numbers = sorted(p.number for p in principles)
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        reader.problem("principles", f"numbers must run 1 to {len(numbers)} without gaps, found {numbers}")
    return tuple(principles)


def _check_unique(reader: Reader, records: list, top: str, field: str, value: Callable[[Any], Any]) -> None:
    seen: dict[Any, int] = {}
    for i, record in enumerate(records):
        key = value(record)
        if key in seen:
            reader.problem(f"{top}[{i}].{field}", f"{key!r} is already used by {top}[{seen[key]}]")
        seen.setdefault(key, i)


def _load_situations(document: Any, reader: Reader, principle_ids: set[str], utterances: UtteranceRegistry,
                     pools: dict, sources: dict) -> tuple[Situation, ...]:
    situations: list[Situation] = []
    fields = {"id", "name", "utterances", "validate", "principles", "choice"}
    for i, raw in enumerate(_top(reader, document, "situations")):
        path = f"situations[{i}]"
        record = reader.mapping(raw, path, required=fields)
        if record is None:
            continue
        sid = reader.identifier(record.get("id"), f"{path}.id") or f"?{i}"
        samples = []
        for j, text in enumerate(reader.items(record.get("utterances"), f"{path}.utterances", 10)):
            if not isinstance(text, str):
                reader.problem(f"{path}.utterances[{j}]", f"expected a phrase, found {kind(text)}")
                continue
            added = utterances.add(reader, f"{path}.utterances[{j}]", text, {})
            if added:
                samples.append(added)
        refs = []
        for j, ref in enumerate(reader.items(record.get("principles"), f"{path}.principles", 1)):
            if ref not in principle_ids:
                reader.problem(f"{path}.principles[{j}]", f"{ref!r} is not the id of a principle in {PRINCIPLES_FILE}")
            elif ref in refs:
                reader.problem(f"{path}.principles[{j}]", f"{ref!r} is listed twice")
            else:
                refs.append(ref)
        situation = Situation(
            id=sid,
            name=reader.speech(record.get("name"), f"{path}.name", TITLE_MAX_WORDS),
            utterances=tuple(samples),
            validate=reader.pool(record.get("validate"), f"{path}.validate", VALIDATE_MAX_WORDS, min_items=3),
            principles=tuple(refs),
            choice=reader.speech(record.get("choice"), f"{path}.choice", CHOICE_MAX_WORDS),
        )
        situations.append(situation)
        for field in ("name", "validate", "choice"):
            value = getattr(situation, field)
            key = f"situations.{sid}.{field}"
            pools[key] = value if isinstance(value, tuple) else (value,)
            sources[key] = Source(reader.file, f"{path}.{field}")
    _check_unique(reader, situations, "situations", "id", lambda s: s.id)
    return tuple(situations)


def _load_dialog(document: Any, reader: Reader, pools: dict, sources: dict) -> None:
    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                child_path = join(path, str(key))
                if reader.identifier(key, child_path) is not None:
                    walk(child, child_path)
            return
        if path.split(".")[0] in {"principles", "situations"}:
            reader.problem(path, "dialog keys may not start with 'principles' or 'situations'")
            return
        pools[path] = reader.pool(node, path, DIALOG_MAX_WORDS, placeholders=True)
        sources[path] = Source(reader.file, path)

    if document is not None:
        if not isinstance(document, dict):
            reader.problem("", f"expected a mapping of dialog keys, found {kind(document)}")
        else:
            walk(document, "")


def _load_intents(document: Any, reader: Reader, utterances: UtteranceRegistry,
                  situation_intents: set[str]) -> tuple[str, tuple[IntentSpec, ...], Mapping[str, str]]:
    top = reader.mapping(document, "", required={"invocation", "intents", "builtins"}) if document is not None else None
    if top is None:
        return "", (), MappingProxyType({})
    invocation = _check_invocation(reader, top.get("invocation"))
    intents: list[IntentSpec] = []
    names: dict[str, int] = {}
    for i, raw in enumerate(reader.items(top.get("intents"), "intents")):
        path = f"intents[{i}]"
        record = reader.mapping(raw, path, required={"name", "event", "samples"}, optional={"slots"})
        if record is None:
            continue
        name = reader.identifier(record.get("name"), f"{path}.name", _INTENT_NAME) or f"?{i}"
        if name in names or name in situation_intents:
            reader.problem(f"{path}.name", f"intent {name!r} is defined twice")
        names.setdefault(name, i)
        event = reader.identifier(record.get("event"), f"{path}.event", _EVENT) or ""
        slots = _check_slots(reader, record.get("slots") or {}, f"{path}.slots", name)
        samples = []
        for j, text in enumerate(reader.items(record.get("samples"), f"{path}.samples", 3)):
            if not isinstance(text, str):
                reader.problem(f"{path}.samples[{j}]", f"expected a phrase, found {kind(text)}")
                continue
            added = utterances.add(reader, f"{path}.samples[{j}]", text, slots)
            if added:
                samples.append(added)
        intents.append(IntentSpec(name=name, event=event, samples=tuple(samples), slots=MappingProxyType(slots)))
    builtins = _check_builtins(reader, top.get("builtins"))
    return invocation, tuple(intents), builtins


def _check_invocation(reader: Reader, value: Any) -> str:
    if not isinstance(value, str) or not _INVOCATION.match(value):
        reader.problem("invocation", f"{value!r}: use lower-case letters and spaces only")
        return ""
    words = value.split()
    if len(words) < 2:
        reader.problem("invocation", "needs at least two words")
    banned = _FORBIDDEN_INVOCATION_WORDS & set(words)
    if banned:
        reader.problem("invocation", f"may not contain launch or wake words: {', '.join(sorted(banned))}")
    return value


def _check_slots(reader: Reader, slots: Any, path: str, intent_name: str) -> dict[str, str]:
    if not isinstance(slots, dict):
        reader.problem(path, f"expected a mapping of slot name to slot type, found {kind(slots)}")
        return {}
    checked = {}
    for slot, slot_type in slots.items():
        if not isinstance(slot, str) or not _SLOT_NAME.match(slot):
            reader.problem(f"{path}.{slot}", "slot names are capitalised letters only, like Number")
        elif slot == intent_name:
            reader.problem(f"{path}.{slot}", "a slot may not share its intent's name")
        elif not isinstance(slot_type, str) or not (slot_type.startswith("AMAZON.") or slot_type in GENERATED_SLOT_TYPES):
            reader.problem(f"{path}.{slot}", f"{slot_type!r} is not a built-in AMAZON type or one of "
                                            f"{', '.join(sorted(GENERATED_SLOT_TYPES))}")
        else:
            checked[slot] = slot_type
    return checked


def _check_builtins(reader: Reader, value: Any) -> Mapping[str, str]:
    if not isinstance(value, dict):
        reader.problem("builtins", f"expected a mapping of built-in intent to event, found {kind(value)}")
        return MappingProxyType({})
    builtins = {}
    for name, event in value.items():
        if not isinstance(name, str) or not name.startswith("AMAZON.") or not name.endswith("Intent"):
            reader.problem(f"builtins.{name}", "expected a built-in intent name like AMAZON.HelpIntent")
        elif reader.identifier(event, f"builtins.{name}", _EVENT):
            builtins[name] = event
    for name in sorted(REQUIRED_BUILTINS - builtins.keys()):
        reader.problem("builtins", f"{name} is required by Alexa and must be listed")
    return MappingProxyType(builtins)


def _load_base(directory: Path, problems: list[Problem]) -> Content:
    """The one English source, validated; problems are added to ``problems``."""
    pools: dict[str, tuple[str, ...]] = {}
    sources: dict[str, Source] = {}
    utterances = UtteranceRegistry()

    principles = _load_principles(
        read_yaml(directory, PRINCIPLES_FILE, problems), Reader(PRINCIPLES_FILE, problems), pools, sources)
    principle_ids = {p.id for p in principles}
    situations = _load_situations(
        read_yaml(directory, SITUATIONS_FILE, problems), Reader(SITUATIONS_FILE, problems),
        principle_ids, utterances, pools, sources)
    _load_dialog(read_yaml(directory, DIALOG_FILE, problems), Reader(DIALOG_FILE, problems), pools, sources)
    reflections = load_reflections(
        read_yaml(directory, REFLECTIONS_FILE, problems), Reader(REFLECTIONS_FILE, problems),
        principle_ids, {s.id for s in situations}, pools, sources)
    safety, safety_intents = load_safety(
        read_yaml(directory, SAFETY_FILE, problems), Reader(SAFETY_FILE, problems), principle_ids, utterances,
        pools, sources)
    invocation, intents, builtins = _load_intents(
        read_yaml(directory, INTENTS_FILE, problems), Reader(INTENTS_FILE, problems), utterances,
        {situation_intent_name(s.id) for s in situations} | set(safety.intent_kinds))
    return Content(
        locale=DEFAULT_LOCALE,
        invocation=invocation,
        principles=tuple(sorted(principles, key=lambda p: p.number)),
        situations=situations,
        intents=(*intents, *safety_intents),
        builtins=builtins,
        pools=MappingProxyType(pools),
        sources=MappingProxyType(sources),
        reflections=reflections,
        safety=safety,
    )


def load_library(directory: Path) -> Library:
    """Load the content once and build it for every locale; raise :class:`ContentError` listing every problem."""
    if not directory.is_dir():
        raise ContentError([Problem(str(directory), "", "content directory not found")])
    problems: list[Problem] = []
    base = _load_base(directory, problems)
    overrides = load_locales(directory, problems)
    if DEFAULT_LOCALE not in overrides:
        problems.append(Problem(f"{LOCALES_DIR}/{DEFAULT_LOCALE}.yaml", "", "file not found: the default locale "
                                                                             "needs its helplines"))
    if problems:
        raise ContentError(problems)
    locales = {name: localise(base, name, o) for name, o in overrides.items() if name != DEFAULT_NAME}
    default = localise(base, DEFAULT_NAME, overrides[DEFAULT_NAME])
    return Library(default=default, locales=MappingProxyType(locales))
