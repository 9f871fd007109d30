"""The committed interaction model is generated from content, and follows Alexa's model rules."""

from __future__ import annotations

import json
import re

import pytest

from skill.interaction_model import build_model, model_json, model_path
from skill.settings import Settings

REQUIRED_BUILTINS = {"AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent",
                     "AMAZON.FallbackIntent", "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.RepeatIntent",
                     "AMAZON.StartOverIntent", "AMAZON.NextIntent"}


@pytest.fixture(params=["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def language(request, library):
    """Each locale's model, so respelling can never break Alexa's rules in one of them."""
    return build_model(library.locales[request.param])["interactionModel"]["languageModel"]


def test_committed_model_matches_the_content(library) -> None:
    for content in (library.locales[name] for name in library.locale_names):
        path = model_path(Settings().model_dir, content.locale)
        assert path.is_file(), f"{path} is missing: run 'secure-base build-model'"
        assert path.read_text(encoding="utf-8") == model_json(content), (
            f"{path} is out of date with content/: run 'secure-base build-model' and commit it")


def test_invocation_name(language) -> None:
    assert language["invocationName"] == "secure base"


def test_builtins_and_own_intents(language, content) -> None:
    names = [i["name"] for i in language["intents"]]
    assert len(names) == len(set(names)), "duplicate intent names"
    assert REQUIRED_BUILTINS <= set(names)
    assert "SituationPushedAwayIntent" in names
    assert "PrincipleIntent" in names
    assert len([n for n in names if n.startswith("Situation")]) == len(content.situations)


def test_utterances_are_unique_across_intents(language) -> None:
    seen: dict[str, str] = {}
    for intent in language["intents"]:
        for sample in intent["samples"]:
            key = sample.lower()
            assert key not in seen, f"{sample!r} is under {seen[key]} and {intent['name']}"
            seen[key] = intent["name"]
    assert "i feel pushed away" in seen


def test_samples_use_only_defined_slots_and_words(language) -> None:
    slot_names = set()
    for intent in language["intents"]:
        defined = {s["name"] for s in intent.get("slots", [])}
        assert intent["name"] not in defined, "an intent name must not also be a slot name"
        slot_names |= defined
        for sample in intent["samples"]:
            assert not re.search(r"\d", sample), f"numbers must be spelled out: {sample!r}"
            assert re.fullmatch(r"[A-Za-z' .{}]+", sample), sample
            used = set(re.findall(r"\{(\w+)\}", sample))
            assert used <= defined, f"{sample!r} uses undefined slots {used - defined}"
            if used:
                assert re.sub(r"\{\w+\}", "", sample).strip(), f"{sample!r} is only a slot"
    assert not slot_names & {i["name"] for i in language["intents"]}


def test_custom_slot_types_have_ids_and_synonyms(language, content) -> None:
    types = {t["name"]: t for t in language["types"]}
    values = types["PRINCIPLE"]["values"]
    assert [v["id"] for v in values] == [p.id for p in content.principles]
    assert all(v["name"]["value"] and v["name"]["synonyms"] for v in values)
    for intent in language["intents"]:
        for slot in intent.get("slots", []):
            assert slot["type"].startswith("AMAZON.") or slot["type"] in types


def test_build_model_check_command(capsys) -> None:
    from skill.cli import main

    assert main(["build-model", "--check"]) == 0
    assert json.loads(model_path(Settings().model_dir, "en-US").read_text())["interactionModel"]
