"""Cards and screens through the real Flask route: an Echo Show (declares Alexa.Presentation.APL) and an Echo Dot.

Principle, guidance and reflection turns send an APL RenderDocument only to the Show, never to the Dot; every
principle and guidance turn has a SimpleCard on both, titled with the principle and holding the plain text of
what was said. The APL document itself is checked: well-formed, and every field it binds is provided.
"""

from __future__ import annotations

import json
import random
import re
from importlib import resources
from typing import Any

import pytest

from skill.alexa import display
from skill.alexa.envelopes import Device
from skill.content.ssml import plain_text
from skill.dialogue import DialogueState, Event, step
from tests.alexa_client import AlexaClient, Reply

RENDER = "Alexa.Presentation.APL.RenderDocument"
EXPRESSION = re.compile(r"\$\{([^}]*)\}")
BOUND = re.compile(r"\bpayload\.(\w+)\.(\w+)")
APL_FILES = sorted(p for p in resources.files("skill.alexa.apl").iterdir() if p.name.endswith(".json"))
DEVICES = {"show": True, "dot": False}


def _renders(reply: Reply) -> list[dict[str, Any]]:
    return [d for d in reply.response.get("directives") or [] if d.get("type") == RENDER]


def _title(content, principle_id: str) -> str:
    return plain_text(content.pool(f"principles.{principle_id}.title")[0])


def _check_card(reply: Reply, title: str, where: str) -> None:
    card = reply.card
    assert card is not None, f"{where}: no card ({reply.keys})"
    assert card["type"] == "Simple", where
    assert card["title"] == title, f"{where}: card title {card['title']!r}"
    assert card["content"] == reply.text, f"{where}: the card is not what was said"
    assert not re.search(r"<[^>]*>|&\w+;|&#\d+;", card["content"] + card["title"]), f"{where}: markup in the card"


def _check_screen(reply: Reply, screen: bool, where: str) -> dict[str, Any] | None:
    renders = _renders(reply)
    if not screen:
        assert renders == [], f"{where}: an APL directive went to a device without a screen"
        return None
    assert len(renders) == 1, f"{where}: expected one RenderDocument, got {renders}"
    render = renders[0]
    assert render["token"] == display.APL_TOKEN
    assert render["document"] == display.apl_document()
    data = render["datasources"][display.APL_TOKEN]
    assert data["title"] == reply.card["title"] and data["text"] == reply.card["content"], where
    return data


@pytest.fixture(params=sorted(DEVICES), ids=sorted(DEVICES))
def device(request) -> tuple[str, bool]:
    return request.param, DEVICES[request.param]


@pytest.fixture
def person(client, device) -> AlexaClient:
    return AlexaClient(client, device=Device(screen=device[1]))


def test_principle_and_guidance_turns_show_a_card_everywhere_and_a_screen_only_on_the_show(person, device,
                                                                                              content) -> None:
    name, screen = device
    launch = person.launch()
    assert launch.card is None and _renders(launch) == [], "the welcome shows nothing"

    three = person.intent("PrincipleIntent", Number="3")
    assert three.state.principle == "communicate_needs", three.keys
    _check_card(three, _title(content, "communicate_needs"), f"{name} principle 3")
    _check_screen(three, screen, f"{name} principle 3")

    daily = person.intent("DailyPrincipleIntent")
    assert "daily.intro" in daily.keys
    _check_card(daily, _title(content, daily.state.principle), f"{name} today's principle")
    _check_screen(daily, screen, f"{name} today's principle")

    situation = person.intent("SituationWentQuietIntent")
    assert situation.card is None and _renders(situation) == [], "validation and a choice show nothing"
    for intent in ("IdeaIntent", "TellMeMoreIntent", "PracticeIntent", "ReflectionQuestionIntent",
                   "NextPrincipleIntent"):
        reply = person.intent(intent)
        assert reply.state.node == "guiding", (intent, reply.keys)
        _check_card(reply, _title(content, reply.state.principle), f"{name} {intent}")
        data = _check_screen(reply, screen, f"{name} {intent}")
        assert data is None or data["step"] == "", f"{intent}: a principle has no step label"


def test_a_steadying_moment_leaves_no_ssml_on_the_card(person, device, content) -> None:
    name, screen = device
    person.launch()
    person.intent("SituationPushedAwayIntent")
    reply = person.intent("SteadyIntent")
    assert "steady.moment" in reply.keys and "<break" in reply.ssml
    _check_card(reply, _title(content, reply.state.principle), f"{name} steady")
    _check_screen(reply, screen, f"{name} steady")


def test_reflection_steps_carry_their_number_on_the_show_only(person, device, content) -> None:
    name, screen = device
    person.launch()
    person.intent("SituationDistanceAfterArgumentIntent")
    reflection = content.reflection("kindness_after_an_argument")
    title = plain_text(content.pool(reflection.title_key)[0])
    total = len(reflection.steps)
    replies = [person.intent("StartReflectionIntent")]
    replies += [person.intent("AMAZON.NextIntent") for _ in range(total - 1)]
    for number, reply in enumerate(replies, start=1):
        where = f"{name} step {number}"
        assert f"reflections.kindness_after_an_argument.steps.{number}" in reply.keys, reply.keys
        assert reply.card is not None and reply.card["title"] == title, where
        assert reply.card["content"] == reply.text and "<" not in reply.card["content"], where
        data = _check_screen(reply, screen, where)
        if screen:
            assert data["step"] == f"Step {number} of {total}", where
            assert data["title"] == title
    back = person.intent("AMAZON.PreviousIntent")
    data = _check_screen(back, screen, f"{name} go back")
    assert data is None or data["step"] == f"Step {total - 1} of {total}"
    last = person.intent("AMAZON.NextIntent")
    data = _check_screen(last, screen, f"{name} last step again")
    assert data is None or data["step"] == f"Step {total} of {total}"
    closing = person.intent("AMAZON.NextIntent")
    assert closing.state.node == "reflection_end", closing.keys
    data = _check_screen(closing, screen, f"{name} closing")
    assert data is None or data["step"] == "", "the closing is not a numbered step"


def test_a_dot_never_gets_an_apl_directive(client) -> None:
    """A whole conversation on a Dot, through every kind of turn: not one directive of any APL kind."""
    person = AlexaClient(client, device=Device(screen=False))
    turns = [person.launch()]
    for intent, slots in (("PrincipleIntent", {"Number": "3"}), ("DailyPrincipleIntent", {}),
                          ("SituationPushedAwayIntent", {}), ("IdeaIntent", {}), ("TellMeMoreIntent", {}),
                          ("StartReflectionIntent", {}), ("AMAZON.NextIntent", {}), ("SlowerIntent", {}),
                          ("AMAZON.PauseIntent", {}), ("AMAZON.HelpIntent", {}), ("AMAZON.ResumeIntent", {}),
                          ("AMAZON.StopIntent", {})):
        turns.append(person.intent(intent, **slots))
    for reply in turns:
        directives = reply.response.get("directives") or []
        assert not [d for d in directives if d.get("type", "").startswith("Alexa.Presentation")], reply.keys


# --- the APL document ------------------------------------------------------------------------------------

def test_there_is_an_apl_document() -> None:
    assert display.DOCUMENT in [p.name for p in APL_FILES]


@pytest.mark.parametrize("path", APL_FILES, ids=[p.name for p in APL_FILES])
def test_apl_documents_are_well_formed(path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["type"] == "APL"
    assert isinstance(document.get("version"), str) and re.fullmatch(r"\d+(\.\d+)+", document["version"])
    template = document["mainTemplate"]
    assert template.get("parameters") == ["payload"], "bound as ${payload...}"
    assert template.get("items") or template.get("item"), "the main template shows something"


def _bound_fields(document: dict[str, Any]) -> set[tuple[str, str]]:
    """Every ``payload.<source>.<field>`` named inside a ``${...}`` data-binding expression."""
    return {found for expression in EXPRESSION.findall(json.dumps(document)) for found in BOUND.findall(expression)}


def _turns(content) -> dict[str, Any]:
    """A principle turn and a reflection step turn, from the pure machine."""
    rng = random.Random(7)
    _, principle = step(DialogueState(), Event("principle", principle="communicate_needs", new_user=False),
                        content, rng)
    state, _ = step(DialogueState(), Event("reflect", new_user=False), content, rng)
    _, reflection_step = step(state, Event("next", new_user=False), content, rng)
    assert principle.display is not None and reflection_step.display is not None
    return {"principle": principle, "reflection step": reflection_step}


def test_every_field_the_document_binds_is_in_the_datasources(content) -> None:
    bound = _bound_fields(display.apl_document())
    assert bound, "the document binds nothing from the payload"
    for kind, turn in _turns(content).items():
        data = display.datasources(turn)
        for source, name in sorted(bound):
            assert source in data, f"{kind}: the document binds payload.{source}, the datasources have {list(data)}"
            assert name in data[source], f"{kind}: payload.{source}.{name} is bound but not provided"
            assert isinstance(data[source][name], str), f"{kind}: payload.{source}.{name}"
        assert data[display.APL_TOKEN]["title"] and data[display.APL_TOKEN]["text"], kind
    step_label = display.datasources(_turns(content)["reflection step"])[display.APL_TOKEN]["step"]
    assert re.fullmatch(r"Step 2 of \d", step_label), step_label


def _resources_and_styles_used(node: Any, found: dict[str, set[str]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "style" and isinstance(value, str) and not value.startswith("${"):
                found["styles"].add(value)
            _resources_and_styles_used(value, found)
    elif isinstance(node, list):
        for item in node:
            _resources_and_styles_used(item, found)
    elif isinstance(node, str) and node.startswith("@"):
        found["resources"].add(node[1:])


def test_every_style_and_resource_the_document_uses_is_defined_or_imported() -> None:
    """``@spacingLarge`` or ``textStyleBody`` mean nothing unless the document defines them or imports a
    package that does (Amazon's alexa-styles); an unresolved name silently falls back to defaults."""
    document = display.apl_document()
    found: dict[str, set[str]] = {"styles": set(), "resources": set()}
    _resources_and_styles_used(document["mainTemplate"], found)
    imported = {item.get("name") for item in document.get("import", [])}
    defined_styles = set(document.get("styles", {}))
    defined_resources = {name for block in document.get("resources", []) for group in block.values()
                         if isinstance(group, dict) for name in group}
    if {"alexa-styles", "alexa-layouts"} & imported:
        return
    undefined = sorted(found["styles"] - defined_styles) + sorted("@" + r for r in found["resources"] - defined_resources)
    assert not undefined, f"used but neither defined nor imported (add alexa-styles to 'import'): {undefined}"
