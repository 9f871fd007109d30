"""Reading YAML and validating its values, recording every problem with its file and YAML path."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from skill.content import ssml
from skill.content.errors import Problem

FRAGMENT_MAX_CHARS = 2000
ID = re.compile(r"^[a-z]+(?:_[a-z]+)*$")
UTTERANCE = re.compile(r"^[A-Za-z' .{}]+$")
SLOT_REF = re.compile(r"\{([^{}]*)\}")
PLACEHOLDER_SYNTAX = re.compile(r"\{[a-z_]+\}")


# libyaml's C parser when PyYAML was built with it (the wheels are): several times faster at start-up.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UniqueKeyLoader(_SAFE_LOADER):  # type: ignore[misc, valid-type]
    """A safe YAML loader that rejects a key given twice in one mapping."""


def _construct_unique_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


class Reader:
    """Validates the values of one YAML file, recording problems instead of raising."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))

    def mapping(self, value: Any, path: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict | None:
        """A mapping with exactly the allowed keys; reports missing and unknown ones."""
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping, found {kind(value)}")
            return None
        required, optional = set(required), set(optional)
        for key in sorted(required - value.keys()):
            self.problem(join(path, key), "missing required field")
        for key in sorted(set(value) - required - optional, key=str):
            self.problem(join(path, str(key)), f"unknown field (allowed: {', '.join(sorted(required | optional))})")
        return value

    def items(self, value: Any, path: str, min_items: int = 1) -> list:
        if not isinstance(value, list):
            self.problem(path, f"expected a list, found {kind(value)}")
            return []
        if len(value) < min_items:
            self.problem(path, f"needs at least {min_items} item{'s' if min_items != 1 else ''}, found {len(value)}")
        return value

    def identifier(self, value: Any, path: str, pattern: re.Pattern = ID) -> str | None:
        if not isinstance(value, str) or not pattern.match(value):
            self.problem(path, f"{value!r} is not a valid name (expected {pattern.pattern})")
            return None
        return value

    def speech(self, value: Any, path: str, max_words: int, placeholders: bool = False) -> str:
        """A spoken SSML fragment within a word limit."""
        if not isinstance(value, str) or not value.strip():
            self.problem(path, f"expected spoken text, found {kind(value)}")
            return ""
        text = value.strip()
        if len(text) > FRAGMENT_MAX_CHARS:
            self.problem(path, f"is {len(text)} characters; keep a phrasing under {FRAGMENT_MAX_CHARS}")
        for message in ssml.fragment_problems(text):
            self.problem(path, message)
        stripped = PLACEHOLDER_SYNTAX.sub("", text) if placeholders else text
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


class UtteranceRegistry:
    """Sample utterances across the whole model, so one phrase never belongs to two intents."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, str]] = {}

    def add(self, reader: Reader, path: str, utterance: str, slots: Mapping[str, str]) -> str | None:
        text = " ".join(utterance.split())
        if not UTTERANCE.match(text):
            reader.problem(path, f"{utterance!r}: a sample may use only letters, spaces, apostrophes and {{Slot}}s")
            return None
        refs = SLOT_REF.findall(text)
        for ref in refs:
            if ref not in slots:
                reader.problem(path, f"{utterance!r} names slot {{{ref}}}, which this intent does not define")
        if refs and not SLOT_REF.sub("", text).strip():
            reader.problem(path, f"{utterance!r} is only a slot; a sample needs carrier words around it")
        key = SLOT_REF.sub(lambda m: "{" + m.group(1).lower() + "}", text.lower())
        if key in self._seen:
            other_file, other_path = self._seen[key]
            reader.problem(path, f"duplicate sample utterance {utterance!r} (also at {other_file}: {other_path})")
            return None
        self._seen[key] = (reader.file, path)
        return text


def kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def read_yaml(directory: Path, name: str, problems: list[Problem]) -> Any:
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
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        detail = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(name, where, f"is not valid YAML: {detail}"))
        return None


