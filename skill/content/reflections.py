"""Load ``reflections.yaml``: guided reflections, each a few spoken steps with real silences after them."""

from __future__ import annotations

from typing import Any

from skill.content.reader import Reader
from skill.content.records import Reflection, Source, Step

REFLECTIONS_FILE = "reflections.yaml"

TITLE_MAX_WORDS = 8
PROMPT_MAX_WORDS = 45
CLOSING_MAX_WORDS = 45
MIN_STEPS, MAX_STEPS = 3, 6
MIN_PAUSE_SECONDS, MAX_PAUSE_SECONDS = 5, 60


def load_reflections(document: Any, reader: Reader, principle_ids: set[str], situation_ids: set[str],
                     pools: dict, sources: dict) -> tuple[Reflection, ...]:
    """Validate every reflection; its words go into ``pools`` under ``reflections.<id>.*``."""
    if document is None:
        return ()
    top = reader.mapping(document, "", required={"reflections"})
    reflections: list[Reflection] = []
    seen: set[str] = set()
    for i, raw in enumerate(reader.items(top.get("reflections") if top else None, "reflections")):
        path = f"reflections[{i}]"
        record = reader.mapping(raw, path, required={"id", "title", "principles", "situations", "steps", "closing"})
        if record is None:
            continue
        rid = reader.identifier(record.get("id"), f"{path}.id") or f"?{i}"
        if rid in seen:
            reader.problem(f"{path}.id", f"{rid!r} is already used by another reflection")
        seen.add(rid)

        def remember(key: str, value: str, where: str) -> None:
            pools[key] = (value,)
            sources[key] = Source(reader.file, where)

        remember(f"reflections.{rid}.title", reader.speech(record.get("title"), f"{path}.title", TITLE_MAX_WORDS),
                 f"{path}.title")
        remember(f"reflections.{rid}.closing",
                 reader.speech(record.get("closing"), f"{path}.closing", CLOSING_MAX_WORDS), f"{path}.closing")
        steps = []
        raw_steps = reader.items(record.get("steps"), f"{path}.steps", MIN_STEPS)
        if len(raw_steps) > MAX_STEPS:
            reader.problem(f"{path}.steps", f"has {len(raw_steps)} steps; a reflection has at most {MAX_STEPS}")
        for j, raw_step in enumerate(raw_steps):
            step_path = f"{path}.steps[{j}]"
            step = reader.mapping(raw_step, step_path, required={"prompt", "pause"})
            if step is None:
                continue
            key = f"reflections.{rid}.steps.{j + 1}"
            prompt = reader.speech(step.get("prompt"), f"{step_path}.prompt", PROMPT_MAX_WORDS)
            if "<break" in prompt:
                reader.problem(f"{step_path}.prompt", "pauses come from 'pause'; write no <break> in a prompt")
            remember(key, prompt, f"{step_path}.prompt")
            steps.append(Step(key, _pause(reader, step.get("pause"), f"{step_path}.pause")))
        reflections.append(Reflection(
            id=rid,
            principles=_refs(reader, record.get("principles"), f"{path}.principles", principle_ids, "principle"),
            situations=_refs(reader, record.get("situations"), f"{path}.situations", situation_ids, "situation"),
            steps=tuple(steps),
        ))
    return tuple(reflections)


def _pause(reader: Reader, value: Any, path: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_PAUSE_SECONDS <= value <= MAX_PAUSE_SECONDS:
        reader.problem(path, f"{value!r} is not a whole number of seconds from {MIN_PAUSE_SECONDS} "
                             f"to {MAX_PAUSE_SECONDS}")
        return MIN_PAUSE_SECONDS
    return value


def _refs(reader: Reader, value: Any, path: str, known: set[str], what: str) -> tuple[str, ...]:
    refs: list[str] = []
    for j, ref in enumerate(reader.items(value if value is not None else [], path, 0)):
        if ref not in known:
            reader.problem(f"{path}[{j}]", f"{ref!r} is not the id of a {what}")
        elif ref not in refs:
            refs.append(ref)
    return tuple(refs)
