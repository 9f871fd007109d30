"""Generate the Alexa interaction model (ASK JSON) from content. Content is the single source."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from skill.content import Content
from skill.content.loader import SLOT_TYPE_PRINCIPLE
from skill.content.ssml import plain_text


def build_model(content: Content) -> dict[str, Any]:
    """The ``interactionModel`` document for one locale: built-ins, the skill's intents, situations, slot types."""
    intents: list[dict[str, Any]] = [{"name": name, "samples": []} for name in content.builtins]
    for intent in content.intents:
        entry: dict[str, Any] = {"name": intent.name}
        if intent.slots:
            entry["slots"] = [{"name": slot, "type": kind} for slot, kind in intent.slots.items()]
        entry["samples"] = list(intent.samples)
        intents.append(entry)
    for situation in content.situations:
        intents.append({"name": situation.intent_name, "samples": list(situation.utterances)})
    principle_values = []
    for principle in content.principles:
        name = " ".join(re.sub(r"[^a-z' ]", " ", plain_text(principle.title).lower()).split())
        synonyms = [s for s in principle.synonyms if s.lower() != name]
        principle_values.append({"id": principle.id, "name": {"value": name, "synonyms": synonyms}})
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": content.invocation,
                "intents": intents,
                "types": [{"name": SLOT_TYPE_PRINCIPLE, "values": principle_values}],
            }
        }
    }


def model_json(content: Content) -> str:
    """The model as it is committed: two-space indented JSON with a trailing newline."""
    return json.dumps(build_model(content), indent=2, ensure_ascii=False) + "\n"


def model_path(model_dir: Path, locale: str) -> Path:
    return model_dir / f"{locale}.json"


def write_models(contents: list[Content], model_dir: Path) -> list[Path]:
    """Write ``<locale>.json`` for each locale; returns the paths written."""
    model_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for content in contents:
        path = model_path(model_dir, content.locale)
        path.write_text(model_json(content), encoding="utf-8")
        written.append(path)
    return written
