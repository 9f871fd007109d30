"""Load ``safety.yaml``: disclosure intents, the free-text screen, the safe responses, and what changes
in a session after an abuse disclosure."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any

from skill.content.reader import Reader, UtteranceRegistry, join, kind
from skill.content.records import IntentSpec, Safety, Source

SAFETY_FILE = "safety.yaml"
DISCLOSURE_EVENT = "disclosure"
KINDS = ("self_harm", "abuse")
RESPONSE_MAX_WORDS = 110
MIN_SAMPLES = 10
MIN_SCREEN_PHRASES = 20
REPLACEMENT_FIELDS = ("title", "short", "more", "practice", "question")
_INTENT_NAME = re.compile(r"^[A-Z][A-Za-z]*Intent$")
_PHRASE = re.compile(r"^[a-z' ]+$")


def load_safety(document: Any, reader: Reader, principle_ids: set[str], utterances: UtteranceRegistry,
                pools: dict, sources: dict) -> tuple[Safety, tuple[IntentSpec, ...]]:
    """Validate the safety content. Responses become pools under ``safety.*``."""
    empty = Safety(MappingProxyType({}), MappingProxyType({}), frozenset(), MappingProxyType({}))
    if document is None:
        return empty, ()
    top = reader.mapping(document, "", required={"intents", "screen", "responses", "after_abuse"})
    if top is None:
        return empty, ()
    intents, kinds = _intents(reader, top.get("intents"), utterances)
    screen = _screen(reader, top.get("screen"))
    _responses(reader, top.get("responses"), "responses", pools, sources)
    withhold, replace = _after_abuse(reader, top.get("after_abuse"), principle_ids, pools)
    safety = Safety(MappingProxyType(kinds), MappingProxyType(screen), withhold, MappingProxyType(replace))
    return safety, intents


def _intents(reader: Reader, value: Any, utterances: UtteranceRegistry) -> tuple[tuple[IntentSpec, ...], dict]:
    intents, kinds = [], {}
    for i, raw in enumerate(reader.items(value, "intents")):
        path = f"intents[{i}]"
        record = reader.mapping(raw, path, required={"name", "kind", "samples"})
        if record is None:
            continue
        name = reader.identifier(record.get("name"), f"{path}.name", _INTENT_NAME) or f"?{i}"
        if name in kinds:
            reader.problem(f"{path}.name", f"intent {name!r} is defined twice")
        disclosure = record.get("kind")
        if disclosure not in KINDS:
            reader.problem(f"{path}.kind", f"{disclosure!r} is not one of {', '.join(KINDS)}")
        samples = []
        for j, text in enumerate(reader.items(record.get("samples"), f"{path}.samples", MIN_SAMPLES)):
            added = utterances.add(reader, f"{path}.samples[{j}]", text, {}) if isinstance(text, str) else None
            if not isinstance(text, str):
                reader.problem(f"{path}.samples[{j}]", f"expected a phrase, found {kind(text)}")
            if added:
                samples.append(added)
        kinds[name] = disclosure
        intents.append(IntentSpec(name=name, event=DISCLOSURE_EVENT, samples=tuple(samples),
                                  slots=MappingProxyType({})))
    return tuple(intents), kinds


def _screen(reader: Reader, value: Any) -> dict[str, tuple[str, ...]]:
    lists = reader.mapping(value, "screen", required=set(KINDS)) or {}
    return {disclosure: reader.phrases(lists.get(disclosure), f"screen.{disclosure}", MIN_SCREEN_PHRASES, _PHRASE)
            for disclosure in KINDS}


def _responses(reader: Reader, node: Any, path: str, pools: dict, sources: dict) -> None:
    """Every leaf under ``responses`` is a pool, keyed ``safety.<path below responses>``."""
    if isinstance(node, dict):
        for key, child in node.items():
            if reader.identifier(key, join(path, str(key))) is not None:
                _responses(reader, child, join(path, str(key)), pools, sources)
        return
    key = "safety." + path.removeprefix("responses.")
    pools[key] = reader.pool(node, path, RESPONSE_MAX_WORDS, placeholders=True)
    sources[key] = Source(reader.file, path)


def _after_abuse(reader: Reader, value: Any, principle_ids: set[str], pools: dict) -> tuple[frozenset, dict]:
    policy = reader.mapping(value, "after_abuse", required={"withhold", "replace"}) or {}
    withhold = set()
    for j, ref in enumerate(reader.items(policy.get("withhold"), "after_abuse.withhold")):
        if ref not in principle_ids:
            reader.problem(f"after_abuse.withhold[{j}]", f"{ref!r} is not the id of a principle")
        withhold.add(ref)
    replace = {}
    raw_replace = policy.get("replace")
    if not isinstance(raw_replace, dict):
        reader.problem("after_abuse.replace", f"expected a mapping of principle id to a response, found "
                                              f"{kind(raw_replace)}")
        raw_replace = {}
    for principle_id, replacement in raw_replace.items():
        path = f"after_abuse.replace.{principle_id}"
        if principle_id not in principle_ids:
            reader.problem(path, f"{principle_id!r} is not the id of a principle")
        missing = [f for f in REPLACEMENT_FIELDS if f"safety.{replacement}.{f}" not in pools]
        if missing:
            reader.problem(path, f"responses.{replacement} needs {', '.join(missing)}")
        replace[principle_id] = f"safety.{replacement}"
    overlap = withhold & replace.keys()
    if overlap:
        reader.problem("after_abuse", f"{', '.join(sorted(overlap))} cannot be both withheld and replaced")
    return frozenset(withhold), replace
