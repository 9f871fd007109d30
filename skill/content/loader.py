"""Read ``content/*.yaml`` once, validate all of it, and build immutable records.

Every failure becomes a :class:`Problem` naming the file and the YAML path; all of them are
reported together in one :class:`ContentError`, never as a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from skill.content import ssml
from skill.content.errors import ContentError, Problem
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

_ID = re.compile(r"^[a-z]+(?:_[a-z]+)*$")
_EVENT = re.compile(r"^[a-z]+(?:_[a-z]+)*$")
_INTENT_NAME = re.compile(r"^[A-Z][A-Za-z]*Intent$")
_SLOT_NAME = re.compile(r"^[A-Z][A-Za-z]*$")
_UTTERANCE = re.compile(r"^[A-Za-z' .{}]+$")
_SLOT_REF = re.compile(r"\{([^{}]*)\}")
_PLACEHOLDER_SYNTAX = re.compile(r"\{[a-z_]+\}")
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
FRAGMENT_MAX_CHARS = 2000


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects a key given twice in one mapping."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


class _Reader:
    """Validates the values of one YAML file, recording problems instead of raising."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))

    def mapping(self, value: Any, path: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict | None:
        """A mapping with exactly the allowed keys; reports missing and unknown ones."""
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping, found {_kind(value)}")
            return None
        required, optional = set(required), set(optional)
        for key in sorted(required - value.keys()):
            self.problem(_join(path, key), "missing required field")
        for key in sorted(set(value) - required - optional, key=str):
            self.problem(_join(path, str(key)), f"unknown field (allowed: {', '.join(sorted(required | optional))})")
        return value

    def items(self, value: Any, path: str, min_items: int = 1) -> list:
        if not isinstance(value, list):
            self.problem(path, f"expected a list, found {_kind(value)}")
            return []
        if len(value) < min_items:
            self.problem(path, f"needs at least {min_items} item{'s' if min_items != 1 else ''}, found {len(value)}")
        return value

    def identifier(self, value: Any, path: str, pattern: re.Pattern = _ID) -> str | None:
        if not isinstance(value, str) or not pattern.match(value):
            self.problem(path, f"{value!r} is not a valid name (expected {pattern.pattern})")
            return None
        return value

    def speech(self, value: Any, path: str, max_words: int, placeholders: bool = False) -> str:
        """A spoken SSML fragment within a word limit."""
        if not isinstance(value, str) or not value.strip():
            self.problem(path, f"expected spoken text, found {_kind(value)}")
            return ""
        text = value.strip()
        if len(text) > FRAGMENT_MAX_CHARS:
            self.problem(path, f"is {len(text)} characters; keep a phrasing under {FRAGMENT_MAX_CHARS}")
        for message in ssml.fragment_problems(text):
            self.problem(path, message)
        stripped = _PLACEHOLDER_SYNTAX.sub("", text) if placeholders else text
        if "{" in stripped or "}" in stripped:
            self.problem(path, "braces are only allowed around a placeholder such as {title}")
        words = ssml.word_count(text)
        if words > max_words:
            self.problem(path, f"is {words} words; the limit here is {max_words}")
        return text

    def pool(self, value: Any, path: str, max_words: int, min_items: int = 1, placeholders: bool = False) -> tuple[str, ...]:
        phrasings = [self.speech(v, f"{path}[{i}]", max_words, placeholders)
                     for i, v in enumerate(self.items(value, path, min_items))]
        seen: dict[str, int] = {}
        for i, text in enumerate(phrasings):
            if text and text in seen:
                self.problem(f"{path}[{i}]", f"repeats {path}[{seen[text]}]; each phrasing in a pool must differ")
            seen.setdefault(text, i)
        return tuple(phrasings)

    def phrases(self, value: Any, path: str, min_items: int, pattern: re.Pattern) -> tuple[str, ...]:
        result = []
        for i, item in enumerate(self.items(value, path, min_items)):
            if not isinstance(item, str) or not pattern.match(item.strip()):
                self.problem(f"{path}[{i}]", f"{item!r} may use only letters, spaces and apostrophes")
                continue
            result.append(" ".join(item.split()))
        return tuple(result)


class _UtteranceRegistry:
    """Sample utterances across the whole model, so one phrase never belongs to two intents."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, str]] = {}

    def add(self, reader: _Reader, path: str, utterance: str, slots: Mapping[str, str]) -> str | None:
        text = " ".join(utterance.split())
        if not _UTTERANCE.match(text):
            reader.problem(path, f"{utterance!r}: a sample may use only letters, spaces, apostrophes and {{Slot}}s")
            return None
        refs = _SLOT_REF.findall(text)
        for ref in refs:
            if ref not in slots:
                reader.problem(path, f"{utterance!r} names slot {{{ref}}}, which this intent does not define")
        if refs and not _SLOT_REF.sub("", text).strip():
            reader.problem(path, f"{utterance!r} is only a slot; a sample needs carrier words around it")
        key = _SLOT_REF.sub(lambda m: "{" + m.group(1).lower() + "}", text.lower())
        if key in self._seen:
            other_file, other_path = self._seen[key]
            reader.problem(path, f"duplicate sample utterance {utterance!r} (also at {other_file}: {other_path})")
            return None
        self._seen[key] = (reader.file, path)
        return text


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _read_yaml(directory: Path, name: str, problems: list[Problem]) -> Any:
    path = directory / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(name, "", f"file not found in {directory}"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, "", f"cannot be read: {exc}"))
        return None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        detail = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(name, where, f"is not valid YAML: {detail}"))
        return None


def _top(reader: _Reader, document: Any, key: str) -> list:
    if document is None:
        return []
    top = reader.mapping(document, "", required={key})
    return reader.items(top.get(key), key) if top else []


def _load_principles(document: Any, reader: _Reader, pools: dict, sources: dict) -> tuple[Principle, ...]:
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


def _check_unique(reader: _Reader, records: list, top: str, field: str, value: Callable[[Any], Any]) -> None:
    seen: dict[Any, int] = {}
    for i, record in enumerate(records):
        key = value(record)
        if key in seen:
            reader.problem(f"{top}[{i}].{field}", f"{key!r} is already used by {top}[{seen[key]}]")
        seen.setdefault(key, i)


def _load_situations(document: Any, reader: _Reader, principle_ids: set[str], utterances: _UtteranceRegistry,
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
                reader.problem(f"{path}.utterances[{j}]", f"expected a phrase, found {_kind(text)}")
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


def _load_dialog(document: Any, reader: _Reader, pools: dict, sources: dict) -> None:
    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                child_path = _join(path, str(key))
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
            reader.problem("", f"expected a mapping of dialog keys, found {_kind(document)}")
        else:
            walk(document, "")


def _load_intents(document: Any, reader: _Reader, utterances: _UtteranceRegistry,
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
                reader.problem(f"{path}.samples[{j}]", f"expected a phrase, found {_kind(text)}")
                continue
            added = utterances.add(reader, f"{path}.samples[{j}]", text, slots)
            if added:
                samples.append(added)
        intents.append(IntentSpec(name=name, event=event, samples=tuple(samples), slots=MappingProxyType(slots)))
    builtins = _check_builtins(reader, top.get("builtins"))
    return invocation, tuple(intents), builtins


def _check_invocation(reader: _Reader, value: Any) -> str:
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


def _check_slots(reader: _Reader, slots: Any, path: str, intent_name: str) -> dict[str, str]:
    if not isinstance(slots, dict):
        reader.problem(path, f"expected a mapping of slot name to slot type, found {_kind(slots)}")
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


def _check_builtins(reader: _Reader, value: Any) -> Mapping[str, str]:
    if not isinstance(value, dict):
        reader.problem("builtins", f"expected a mapping of built-in intent to event, found {_kind(value)}")
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


def load_content(directory: Path, locale: str = DEFAULT_LOCALE) -> Content:
    """Load and validate the content in ``directory``; raise :class:`ContentError` listing every problem."""
    problems: list[Problem] = []
    pools: dict[str, tuple[str, ...]] = {}
    sources: dict[str, Source] = {}
    utterances = _UtteranceRegistry()

    principles = _load_principles(
        _read_yaml(directory, PRINCIPLES_FILE, problems), _Reader(PRINCIPLES_FILE, problems), pools, sources)
    situations = _load_situations(
        _read_yaml(directory, SITUATIONS_FILE, problems), _Reader(SITUATIONS_FILE, problems),
        {p.id for p in principles}, utterances, pools, sources)
    _load_dialog(_read_yaml(directory, DIALOG_FILE, problems), _Reader(DIALOG_FILE, problems), pools, sources)
    invocation, intents, builtins = _load_intents(
        _read_yaml(directory, INTENTS_FILE, problems), _Reader(INTENTS_FILE, problems), utterances,
        {situation_intent_name(s.id) for s in situations})
    if problems:
        raise ContentError(problems)
    return Content(
        locale=locale,
        invocation=invocation,
        principles=tuple(sorted(principles, key=lambda p: p.number)),
        situations=situations,
        intents=intents,
        builtins=builtins,
        pools=MappingProxyType(pools),
        sources=MappingProxyType(sources),
    )


def load_library(directory: Path) -> Library:
    """Load the content for every locale the skill speaks."""
    if not directory.is_dir():
        raise ContentError([Problem(str(directory), "", "content directory not found")])
    default = load_content(directory)
    return Library(default=default, locales=MappingProxyType({default.locale: default}))
