"""Issue 6, safety: disclosures of self-harm, suicide and abuse answered safely from every state, in every locale.

Everything goes through the real Flask route (POST /alexa) with real request envelopes. The expected
helpline numbers are read from ``content/locales/<locale>.yaml`` (tags stripped), not copied here, so the
test follows the content; a locale without a file of its own must get ``locales/default.yaml``, which
names no country's numbers.
"""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.alexa import envelopes
from skill.alexa.envelopes import Device
from skill.alexa.screening import words
from skill.content import ContentError
from skill.content.ssml import plain_text
from skill.settings import Settings
from skill.web import create_app
from skill.alexa import load_checked_library
from tests.alexa_client import AlexaClient, Reply

CONTENT = Settings().content_dir
SAFETY = yaml.safe_load((CONTENT / "safety.yaml").read_text(encoding="utf-8"))

# Every disclosure intent, with the kind of answer it must get (from safety.yaml itself).
DISCLOSURES: dict[str, str] = {intent["name"]: intent["kind"] for intent in SAFETY["intents"]}
HELPLINE = {"self_harm": "crisis_line", "abuse": "abuse_line"}

KNOWN_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
UNKNOWN_LOCALE = "en-NZ"  # no file of its own: it must get locales/default.yaml
LOCALES = (*KNOWN_LOCALES, UNKNOWN_LOCALE)
# Numbers that belong to one country; none may be spoken to a locale without its own helplines.
COUNTRY_NUMBERS = ("911", "988", "9-8-8", "999", "000", "112", "181", "116 123", "85258", "88788", "14416",
                   "13 11 14", "1800", "1-800", "0808")


def helplines(locale: str) -> dict[str, str]:
    """The locale's helplines as written in its content file (the default file for an unknown locale)."""
    name = locale if (CONTENT / "locales" / f"{locale}.yaml").exists() else "default"
    return yaml.safe_load((CONTENT / "locales" / f"{name}.yaml").read_text(encoding="utf-8"))["helplines"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def spoken_numbers(ssml_fragment: str) -> list[str]:
    """The digit groups a helpline fragment speaks, with its tags stripped: '1800 737 732', '9-8-8', '000'."""
    text = _squash(re.sub(r"<[^>]+>", " ", ssml_fragment))
    return re.findall(r"\d(?:[\d -]*\d)?", text)


def expected_numbers(locale: str, kind: str) -> list[str]:
    lines = helplines(locale)
    return spoken_numbers(lines[HELPLINE[kind]]) + spoken_numbers(lines["emergency"])


CARD_TITLE = SAFETY["responses"]["card_title"][0]


def client_for(client, locale: str = "en-US") -> AlexaClient:
    return AlexaClient(client, device=Device(locale=locale))


def slot(name: str, value: str) -> dict[str, Any]:
    return envelopes.slot(name, value)


# ---------------------------------------------------------------------------------------------------------
# Driving a fresh session into each dialogue state with real intents.

def _start(alexa: AlexaClient) -> Reply:
    return alexa.launch()


def _choosing(alexa: AlexaClient) -> Reply:
    alexa.launch()
    return alexa.intent("SituationPushedAwayIntent")


def _guiding(alexa: AlexaClient) -> Reply:
    _choosing(alexa)
    return alexa.intent("IdeaIntent")


def _listing(alexa: AlexaClient) -> Reply:
    alexa.launch()
    return alexa.intent("ListPrinciplesIntent")


def _confirm_delete(alexa: AlexaClient) -> Reply:
    alexa.launch()
    return alexa.intent("DeleteDataIntent")


def _reflecting(alexa: AlexaClient) -> Reply:
    alexa.launch()
    return alexa.intent("StartReflectionIntent")


def _paused(alexa: AlexaClient) -> Reply:
    _reflecting(alexa)
    return alexa.intent("AMAZON.PauseIntent")


def _reflection_end(alexa: AlexaClient) -> Reply:
    reply = _reflecting(alexa)
    for _ in range(20):
        if reply.state.node != "reflecting":
            break
        reply = alexa.intent("AMAZON.NextIntent")
    return reply


def _resume_offer(alexa: AlexaClient) -> Reply:
    """A bookmark is stored by one session's reflection; the next launch offers to resume it."""
    _reflecting(alexa)
    alexa.end_session("EXCEEDED_MAX_REPROMPTS")
    return alexa.launch()


def _safety_after_self_harm(alexa: AlexaClient) -> Reply:
    alexa.launch()
    return alexa.intent("SelfHarmIntent")


def _safety_after_abuse(alexa: AlexaClient) -> Reply:
    alexa.launch()
    return alexa.intent("CoerciveControlIntent")


def _no_session(alexa: AlexaClient) -> Reply | None:
    """A one-shot request: the disclosure opens the session ("Alexa, tell secure base ...")."""
    return None


# label -> (drive, the node it must reach)
STATES: dict[str, tuple[Callable[[AlexaClient], Reply | None], str | None]] = {
    "start": (_start, "start"),
    "choosing": (_choosing, "choosing"),
    "guiding": (_guiding, "guiding"),
    "listing": (_listing, "listing"),
    "confirm_delete": (_confirm_delete, "confirm_delete"),
    "reflecting": (_reflecting, "reflecting"),
    "paused": (_paused, "paused"),
    "reflection_end": (_reflection_end, "reflection_end"),
    "resume_offer": (_resume_offer, "resume_offer"),
    "safety": (_safety_after_self_harm, "safety"),
    "safety_after_abuse": (_safety_after_abuse, "safety"),
    "no_session": (_no_session, None),
}


def drive(alexa: AlexaClient, state: str) -> None:
    run, node = STATES[state]
    reply = run(alexa)
    if node is not None:
        assert reply is not None and reply.status == 200
        assert reply.state.node == node, f"could not drive into {state}: reached {reply.state.node} {reply.keys}"
        assert not reply.ended


def assert_safe_answer(reply: Reply, locale: str, kind: str, where: str) -> None:
    """200, the disclosure's own answer with the locale's numbers, the helplines card, and the session open."""
    assert reply.status == 200, f"{where}: HTTP {reply.status}"
    line = HELPLINE[kind]
    assert reply.keys == (f"safety.{kind}.respond", f"helplines.{line}", "helplines.emergency"), \
        f"{where}: keys {reply.keys}"
    text = _squash(reply.text)
    if locale in KNOWN_LOCALES:
        for number in expected_numbers(locale, kind):
            assert number in text, f"{where}: {number!r} is not spoken in {text!r}"
    else:
        for number in COUNTRY_NUMBERS:
            assert number not in text, f"{where}: a country's number {number!r} spoken to {locale}: {text!r}"
        assert not re.search(r"\d", text), f"{where}: digits spoken to {locale}: {text!r}"
        assert "local emergency" in text, f"{where}: {text!r}"
    assert "crisis service" in text, f"{where}: {text!r}"
    assert reply.card is not None, f"{where}: no card"
    assert reply.card.get("title") == CARD_TITLE, f"{where}: card {reply.card}"
    assert _squash(reply.card.get("content", "")) == _squash(helplines(locale)["card"]), f"{where}: card {reply.card}"
    assert reply.ended is False, f"{where}: the session ended"
    assert reply.reprompt_ssml, f"{where}: no reprompt"
    assert reply.state.node == "safety"


# ---------------------------------------------------------------------------------------------------------
# 1. Every disclosure intent, in every state, in every locale.

@pytest.fixture(scope="module")
def driven(library, tmp_path_factory) -> dict[tuple[str, str], AlexaClient]:
    """Each state driven once per locale, by real intents through the route of an app built by the real
    factory (with its own SQLite store, for the bookmark). Each case then fires its intent from a copy of
    that session's attributes, so the matrix costs one request per case. A disclosure in a session already
    under way reads nothing from the store; test_fresh_sessions_answer_like_the_copied_ones checks the
    shortcut against sessions driven afresh."""
    app = create_app(Settings(dev=True, data_dir=tmp_path_factory.mktemp("driven"), seed=20261124), library=library)
    client = app.test_client()
    sessions = {}
    for locale in LOCALES:
        for state in STATES:
            alexa = client_for(client, locale)
            drive(alexa, state)
            sessions[(locale, state)] = alexa
    return sessions


def resume(session: AlexaClient) -> AlexaClient:
    """The same person, device and session, continued from a copy of its attributes."""
    return AlexaClient(session.client, device=session.device, session_id=session.session_id,
                       attributes=copy.deepcopy(session.attributes))


@pytest.mark.parametrize("intent", sorted(DISCLOSURES))
@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("locale", LOCALES)
def test_disclosure_from_every_state_in_every_locale(driven, locale: str, state: str, intent: str) -> None:
    alexa = resume(driven[(locale, state)])
    reply = alexa.intent(intent)
    assert_safe_answer(reply, locale, DISCLOSURES[intent], f"{locale}/{state}/{intent}")


@pytest.mark.parametrize("intent", sorted(DISCLOSURES))
def test_a_locale_outside_english_gets_no_country_numbers(client, intent: str) -> None:
    alexa = client_for(client, "fr-FR")
    alexa.launch()
    assert_safe_answer(alexa.intent(intent), "fr-FR", DISCLOSURES[intent], f"fr-FR/{intent}")


def test_the_matrix_covers_every_state_and_disclosure_intent() -> None:
    from skill.dialogue.table import NODES

    reached = {node for _, node in STATES.values() if node is not None}
    assert reached == set(NODES)
    assert set(DISCLOSURES) == {"SelfHarmIntent", "PhysicalAbuseIntent", "ThreatIntent", "CoerciveControlIntent",
                                "SexualCoercionIntent"}
    assert set(KNOWN_LOCALES) == {p.stem for p in (CONTENT / "locales").glob("*.yaml")} - {"default"}
    for locale in KNOWN_LOCALES:
        for kind in HELPLINE:
            assert expected_numbers(locale, kind), f"{locale} speaks no number for {kind}"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind, intent", [("self_harm", "SelfHarmIntent"), ("abuse", "ThreatIntent")])
def test_number_again_and_after(client, locale: str, kind: str, intent: str) -> None:
    """"Yes" says the number again (so does anything else but "no"); "no" gives the closing words, session open."""
    alexa = client_for(client, locale)
    alexa.launch()
    alexa.intent(intent)
    line = HELPLINE[kind]
    for again in ("AMAZON.YesIntent", "AMAZON.FallbackIntent", "IdeaIntent", "TellMeMoreIntent", "AMAZON.NextIntent"):
        reply = alexa.intent(again)
        where = f"{locale}/{intent}/{again}"
        assert reply.keys == (f"safety.{kind}.again", f"helplines.{line}", "helplines.emergency"), \
            f"{where}: {reply.keys}"
        text = _squash(reply.text)
        if locale in KNOWN_LOCALES:
            assert all(n in text for n in expected_numbers(locale, kind)), f"{where}: {text!r}"
        else:
            assert not re.search(r"\d", text) and "local emergency" in text, f"{where}: {text!r}"
        assert reply.card and _squash(reply.card["content"]) == _squash(helplines(locale)["card"])
        assert not reply.ended and reply.reprompt_ssml and reply.state.node == "safety"
    reply = alexa.intent("AMAZON.NoIntent")
    assert reply.keys == (f"safety.{kind}.after",)
    assert not reply.ended and reply.reprompt_ssml and reply.state.node == "start"


@pytest.mark.parametrize("locale", ["en-GB", UNKNOWN_LOCALE])
def test_fresh_sessions_answer_like_the_copied_ones(client, locale: str) -> None:
    """The matrix's shortcut is sound: every state driven afresh in this app answers every disclosure alike."""
    for state in STATES:
        for intent in DISCLOSURES:
            alexa = client_for(client, locale)
            drive(alexa, state)
            assert_safe_answer(alexa.intent(intent), locale, DISCLOSURES[intent], f"fresh {locale}/{state}/{intent}")


# ---------------------------------------------------------------------------------------------------------
# 2. The free-text net: indirect phrasings in any slot reach the safe answer.

SELF_HARM_PHRASES = (
    "I don't want to be here anymore",
    "I'm having dark thoughts",
    "I don't want to wake up tomorrow",
    "everyone would be better off without me",
    "I just want to sleep forever",
    "I want to go to sleep and not wake up",
    "I've started hurting myself again",
    "I feel like a burden to everyone",
    "I want to disappear",
    "nobody would miss me if I was gone",
    "I can't take it anymore",
    "I've been thinking about ending it all",
    "I don't see the point in living anymore",
    "I'm so tired of being alive",
    "I hate my life and I want it to end",
    "I'd rather be dead",
    "I can't cope with any of this",
    "I feel completely hopeless",
    "I wrote a goodbye letter",
    "I don't trust myself to stay safe tonight",
    # Indirect crisis language the first screen missed (issue 6).
    "I can't keep going",
    "nobody would notice if I disappeared",
    "I'd be better off gone",
    "I've been thinking about taking all my pills",
    "I'm thinking of jumping off a bridge",
    "what's the point of anything anymore",
    "I can't see a way forward",
)

ABUSE_PHRASES = (
    "he hit me again last night",
    "she checks my phone every night",
    "he won't let me see my friends",
    "I'm scared of what he'll do",
    "he locks me in the house",
    "he shoved me against the wall",
    "he strangled me",
    "I'm walking on eggshells around him",
    "he said he'd kill me if I left",
    "he hurts me when he drinks",
    "I'm afraid to go home tonight",
    "she follows me everywhere",
    "he choked me until I nearly passed out",
    "I have to hide the bruises",
    "he punched the wall next to my head",
    "he makes me share my location all the time",
    "I need his permission to see my sister",
    "he forces me to do things I don't want to do",
    "I'm not allowed to have friends",
    "he tracks my phone",
    # Disclosures the first screen missed, or sent to a situation instead (issue 6).
    "he takes all my money",
    "he grabbed my arm so hard",
    "he threw his phone at me",
    "he smashed my phone",
    "he reads all my messages",
    "he goes through all my messages",
    "he keeps me from seeing my family",
    "he makes me hand over my wages",
    "my partner gets rough with me",
    "I'm scared he'll find me",
)

FREE_TEXT = [(p, "self_harm") for p in SELF_HARM_PHRASES] + [(p, "abuse") for p in ABUSE_PHRASES]
FREE_TEXT_IDS = [p for p, _ in FREE_TEXT]

# ShareIntent's carrier phrases ("he {Query}"): Alexa sends only what follows the carrier.
SHARE_CARRIERS = ("i want to talk about", "i need to tell you", "i'm feeling", "i feel", "i am", "my partner",
                  "my boyfriend", "my girlfriend", "my husband", "my wife", "they just", "he", "she", "i think",
                  "i just", "it's that", "i keep")


def query_values(phrase: str) -> list[str]:
    """The whole phrase (as a simulator sends it) and, when a ShareIntent carrier starts it, the rest."""
    values = [phrase]
    lowered = phrase.lower()
    for carrier in SHARE_CARRIERS:
        if lowered.startswith(carrier + " "):
            values.append(phrase[len(carrier) + 1:])
            break
    return values


def assert_routed(reply: Reply, kind: str, where: str) -> None:
    assert reply.status == 200, where
    assert reply.keys[:1] == (f"safety.{kind}.respond",), f"{where}: keys {reply.keys}"
    assert reply.state.node == "safety" and not reply.ended, where


@pytest.mark.parametrize("phrase, kind", FREE_TEXT, ids=FREE_TEXT_IDS)
def test_free_text_in_share_intent(client, phrase: str, kind: str) -> None:
    for value in query_values(phrase):
        alexa = client_for(client)
        alexa.launch()
        assert_routed(alexa.intent("ShareIntent", Query=slot("Query", value)), kind, f"ShareIntent Query={value!r}")


@pytest.mark.parametrize("phrase, kind", FREE_TEXT, ids=FREE_TEXT_IDS)
def test_free_text_on_fallback(client, phrase: str, kind: str) -> None:
    alexa = client_for(client)
    alexa.launch()
    reply = alexa.intent("AMAZON.FallbackIntent", Query=slot("Query", phrase))
    assert_routed(reply, kind, f"AMAZON.FallbackIntent Query={phrase!r}")


@pytest.mark.parametrize("phrase, kind", FREE_TEXT, ids=FREE_TEXT_IDS)
def test_free_text_in_principle_idea(client, phrase: str, kind: str) -> None:
    alexa = client_for(client)
    alexa.launch()
    reply = alexa.intent("PrincipleIntent", Idea=slot("Idea", phrase))
    assert_routed(reply, kind, f"PrincipleIntent Idea={phrase!r}")


def test_the_net_has_enough_phrasings() -> None:
    assert len(FREE_TEXT) >= 30
    assert len({words(p) for p in FREE_TEXT_IDS}) == len(FREE_TEXT_IDS)


def test_every_disclosure_sample_is_caught_in_free_text(client) -> None:
    """Whatever the model would match to a disclosure intent is also caught when it arrives as free text."""
    alexa = client_for(client)
    alexa.launch()
    missed = []
    for intent in SAFETY["intents"]:
        for sample in intent["samples"]:
            reply = alexa.intent("ShareIntent", Query=slot("Query", sample))
            if reply.keys[:1] != (f"safety.{intent['kind']}.respond",):
                missed.append(f"{intent['name']}: {sample!r} -> {reply.keys}")
            if reply.ended:
                alexa.launch()
    assert not missed, "\n".join(missed)


ORDINARY = (
    ("I feel pushed away by my partner", "pushed_away"),
    ("my partner went quiet again", "went_quiet"),
    ("I feel pushed away", "pushed_away"),
    ("they cancelled plans again", "cancelled_plans"),
    ("I'm lonely in my relationship", "lonely_together"),
    ("my partner pulls away when things get serious", "pull_back_when_serious"),
    ("I'm scared they'll leave me", "fear_of_leaving"),
    ("I'm afraid my partner will leave me", "fear_of_leaving"),
)


@pytest.mark.parametrize("phrase, situation", ORDINARY, ids=[p for p, _ in ORDINARY])
def test_ordinary_free_text_is_not_a_disclosure(client, phrase: str, situation: str) -> None:
    alexa = client_for(client)
    alexa.launch()
    reply = alexa.intent("ShareIntent", Query=slot("Query", phrase))
    assert reply.status == 200
    assert not any(k.startswith(("safety.", "helplines.")) for k in reply.keys), f"{phrase!r}: {reply.keys}"
    assert f"situations.{situation}.validate" in reply.keys, f"{phrase!r} reached {reply.keys}"
    assert reply.state.node == "choosing" and reply.state.abuse is False


# ---------------------------------------------------------------------------------------------------------
# 3. After an abuse disclosure: no space, patience or don't-take-it-personally guidance for the rest of the session.

GUARDED = ("give_space", "be_patient", "dont_take_it_personally")


def guarded_principles(library) -> tuple[str, ...]:
    return tuple(sorted(set(GUARDED) | set(library.default.safety.withhold_after_abuse) | {"be_prepared_to_leave"}))


def unsafe_keys(reply: Reply, guarded: tuple[str, ...]) -> list[str]:
    """Keys that speak guarded guidance. A principle's title named in the list of principles is allowed."""
    found = []
    for key in reply.keys:
        match = re.fullmatch(r"principles\.([a-z_]+)\.([a-z_]+)", key)
        if not match or match.group(1) not in guarded:
            continue
        if match.group(2) == "title" and "list.item" in reply.keys:
            continue
        found.append(key)
    return found


def _t(name: str, **slots: Any) -> tuple[str, dict[str, Any]]:
    return name, slots


def _n(number: int) -> tuple[str, dict[str, Any]]:
    return "PrincipleIntent", {"Number": slot("Number", str(number))}


def principle(alexa: AlexaClient, number: int) -> Reply:
    name, slots = _n(number)
    return alexa.intent(name, **slots)


SITUATION_TURNS = [_t("IdeaIntent"), _t("SteadyIntent"), _t("NextPrincipleIntent"), _t("AMAZON.YesIntent"),
                   _t("TellMeMoreIntent"), _t("PracticeIntent"), _t("ReflectionQuestionIntent"),
                   _t("AMAZON.NextIntent"), _t("PreviousPrincipleIntent"), _t("AMAZON.YesIntent"), _t("IdeaIntent")]

AFTER_ABUSE: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "pushed_away": [_t("SituationPushedAwayIntent"), *SITUATION_TURNS],
    "pushed_away_yes": [_t("SituationPushedAwayIntent"), _t("AMAZON.YesIntent"), _t("AMAZON.YesIntent"),
                        _t("AMAZON.YesIntent"), _t("AMAZON.YesIntent")],
    "pushed_away_steady": [_t("SituationPushedAwayIntent"), _t("SteadyIntent"), _t("TellMeMoreIntent")],
    "went_quiet": [_t("SituationWentQuietIntent"), *SITUATION_TURNS],
    "space_after_closeness": [_t("SituationSpaceAfterClosenessIntent"), *SITUATION_TURNS],
    "chasing_them": [_t("SituationChasingThemIntent"), *SITUATION_TURNS],
    "pull_back_when_serious": [_t("SituationPullBackWhenSeriousIntent"), *SITUATION_TURNS],
    "distance_after_argument": [_t("SituationDistanceAfterArgumentIntent"), *SITUATION_TURNS],
    "criticised_or_tested": [_t("SituationCriticisedOrTestedIntent"), *SITUATION_TURNS],
    "stay_or_leave": [_t("SituationStayOrLeaveIntent"), *SITUATION_TURNS, *SITUATION_TURNS],
    "by_number": [_n(1), _t("TellMeMoreIntent"), _n(4), _t("PracticeIntent"), _n(5), _t("ReflectionQuestionIntent"),
                  _n(2), _n(3), _n(6), _n(7), _t("AMAZON.YesIntent"), _t("IdeaIntent")],
    "by_idea": [_t("PrincipleIntent", Idea=slot("Idea", "giving space")),
                _t("PrincipleIntent", Idea=envelopes.slot("Idea", "giving space", "give_space")),
                _t("PrincipleIntent", Idea=envelopes.slot("Idea", "being patient", "be_patient")),
                _t("PrincipleIntent",
                   Idea=envelopes.slot("Idea", "not taking it personally", "dont_take_it_personally")),
                _t("AMAZON.YesIntent"), _t("TellMeMoreIntent")],
    "daily": [_t("DailyPrincipleIntent"), _t("AMAZON.YesIntent"), _t("TellMeMoreIntent"), _t("AMAZON.NextIntent")],
    "list": [_t("ListPrinciplesIntent"), _t("AMAZON.YesIntent"), _t("AMAZON.YesIntent"), _t("AMAZON.PreviousIntent"),
             _n(1), _t("ListPrinciplesIntent"), _n(4), _t("ListPrinciplesIntent"), _n(5), _t("AMAZON.YesIntent")],
    "browse_next": [_t("NextPrincipleIntent")] * 12 + [_t("AMAZON.YesIntent"), _t("AMAZON.NextIntent")],
    "browse_previous": [_t("PreviousPrincipleIntent")] * 12 + [_t("TellMeMoreIntent"), _t("AMAZON.NextIntent")],
    "after_no_and_start_over": [_t("AMAZON.NoIntent"), _t("SituationPushedAwayIntent"), _t("IdeaIntent"),
                                _t("AMAZON.StartOverIntent"), _t("SituationWentQuietIntent"), _t("AMAZON.YesIntent"),
                                _t("SomethingElseIntent"), _n(5), _t("AMAZON.NavigateHomeIntent"), _n(1),
                                _t("AMAZON.HelpIntent"), _t("AMAZON.RepeatIntent")],
    "after_a_later_self_harm_disclosure": [_t("SelfHarmIntent"), _t("AMAZON.NoIntent"), _n(5), _n(1),
                                           _t("SituationPushedAwayIntent"), _t("IdeaIntent")],
    "after_a_reflection": [_t("StartReflectionIntent"), _t("AMAZON.NextIntent"), _t("AMAZON.StopIntent")],
}


def _play(alexa: AlexaClient, turns: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, Reply]]:
    replies = []
    for name, slots in turns:
        replies.append((name, alexa.intent(name, **slots)))
        if replies[-1][1].ended:
            break
    return replies


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
@pytest.mark.parametrize("sequence", list(AFTER_ABUSE))
def test_no_unsafe_guidance_after_an_abuse_disclosure(client, library, locale: str, sequence: str) -> None:
    guarded = guarded_principles(library)
    alexa = client_for(client, locale)
    alexa.launch()
    assert alexa.intent("PhysicalAbuseIntent").state.abuse is True
    for number, (name, reply) in enumerate(_play(alexa, AFTER_ABUSE[sequence]), start=1):
        assert reply.status == 200
        bad = unsafe_keys(reply, guarded)
        assert not bad, f"{sequence} turn {number} ({name}) after an abuse disclosure spoke {bad}: {reply.keys}"
        if not reply.ended:
            assert reply.state.abuse is True, f"{sequence} turn {number} ({name}) lost the abuse guard"


def test_abuse_disclosed_mid_flow_in_free_text(client, library) -> None:
    """Guidance was playing; an abuse disclosure in free text switches it off for the rest of the session."""
    guarded = guarded_principles(library)
    alexa = client_for(client)
    alexa.launch()
    alexa.intent("SituationPushedAwayIntent")
    assert "principles.dont_take_it_personally.short" in alexa.intent("IdeaIntent").keys
    disclosed = alexa.intent("ShareIntent", Query=slot("Query", "he hits me when I ask for space"))
    assert_routed(disclosed, "abuse", "mid-flow")
    for name, reply in _play(alexa, [_t("AMAZON.YesIntent"), _t("AMAZON.NoIntent"), _t("TellMeMoreIntent"),
                                     _t("NextPrincipleIntent"), _t("AMAZON.NextIntent"), _t("IdeaIntent"),
                                     _t("AMAZON.RepeatIntent"), _t("SituationPushedAwayIntent"), _t("IdeaIntent"),
                                     _t("AMAZON.YesIntent"), _t("PracticeIntent")]):
        assert not unsafe_keys(reply, guarded), f"{name}: {reply.keys}"


def test_principle_ten_becomes_planning_safely(client) -> None:
    alexa = client_for(client)
    alexa.launch()
    alexa.intent("ThreatIntent")
    reply = principle(alexa, 10)
    assert "safety.plan_safely.short" in reply.keys, reply.keys
    assert "safety.plan_safely.title" in reply.keys, reply.keys
    assert not any(k.startswith("principles.be_prepared_to_leave") for k in reply.keys), reply.keys
    assert reply.card and reply.card["title"] == SAFETY["responses"]["plan_safely"]["title"][0]
    assert "safety.plan_safely.more" in alexa.intent("TellMeMoreIntent").keys
    assert "safety.plan_safely.practice" in alexa.intent("PracticeIntent").keys
    assert "safety.plan_safely.question" in alexa.intent("ReflectionQuestionIntent").keys
    by_idea = alexa.intent("PrincipleIntent", Idea=envelopes.slot("Idea", "leaving", "be_prepared_to_leave"))
    assert "safety.plan_safely.short" in by_idea.keys, by_idea.keys


def test_a_withheld_principle_gets_the_withheld_answer(client) -> None:
    alexa = client_for(client)
    alexa.launch()
    alexa.intent("SexualCoercionIntent")
    for number in (1, 4, 5):
        reply = principle(alexa, number)
        assert reply.keys == ("safety.withheld",), f"principle {number}: {reply.keys}"
        assert reply.state.node == "safety" and not reply.ended and reply.reprompt_ssml
        assert reply.card and reply.card["title"] == CARD_TITLE


def test_a_self_harm_disclosure_alone_does_not_turn_on_the_abuse_guard(client) -> None:
    alexa = client_for(client)
    alexa.launch()
    assert alexa.intent("SelfHarmIntent").state.abuse is False
    alexa.intent("AMAZON.NoIntent")
    assert "principles.give_space.short" in principle(alexa, 5).keys
    assert "principles.be_prepared_to_leave.short" in principle(alexa, 10).keys
    reply = alexa.intent("ShareIntent", Query=slot("Query", "I want to disappear"))
    assert reply.keys[0] == "safety.self_harm.respond" and reply.state.abuse is False


def test_the_daily_principle_after_an_abuse_disclosure_on_every_day(client, library) -> None:
    """Whatever today's principle is, it is never unsafe guidance once abuse was disclosed."""
    guarded = guarded_principles(library)
    alexa = client_for(client)
    start = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    served = []
    for day in range(12):
        alexa.moment = start + timedelta(days=day)
        alexa.launch()
        alexa.intent("PhysicalAbuseIntent")
        reply = alexa.intent("DailyPrincipleIntent")
        served.append(reply.keys)
        assert not unsafe_keys(reply, guarded), f"day {day}: {reply.keys}"
        assert reply.keys == ("safety.withheld",) or "daily.intro" in reply.keys, reply.keys
        alexa.end_session("USER_INITIATED")
    assert any(keys == ("safety.withheld",) for keys in served)


# What is in play when the reflection starts; every reflection linked to it touches guarded guidance, so the
# outcome does not depend on which one the random pick takes.
REFLECTION_CONTEXTS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "pushed_away": [_t("SituationPushedAwayIntent")],
    "went_quiet": [_t("SituationWentQuietIntent")],
    "space_after_closeness": [_t("SituationSpaceAfterClosenessIntent")],
    "pull_back_when_serious": [_t("SituationPullBackWhenSeriousIntent")],
    "after_planning_safely": [_n(10)],
}


@pytest.mark.parametrize("context", list(REFLECTION_CONTEXTS))
def test_a_reflection_after_an_abuse_disclosure_is_not_about_space_patience_or_leaving(client, library,
                                                                                        context: str) -> None:
    """Reflections are linked to principles. After abuse, one linked to space, patience, not taking it
    personally, or to "be prepared to leave" (which must become planning safely) must not play."""
    guarded = {*GUARDED, "be_prepared_to_leave"}
    content = library.locales["en-US"]
    alexa = client_for(client)
    alexa.launch()
    alexa.intent("PhysicalAbuseIntent")
    _play(alexa, REFLECTION_CONTEXTS[context])
    reply = alexa.intent("StartReflectionIntent")
    played = [r for r in content.reflections if r.title_key in reply.keys]
    linked = [(r.id, sorted(set(r.principles) & guarded)) for r in played if set(r.principles) & guarded]
    assert not linked, f"after abuse, {context}: reflection {linked} plays: {reply.keys}"


# ---------------------------------------------------------------------------------------------------------
# 4. Content validation: every locale needs its helplines and an emergency number.

@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _problems(directory: Path) -> list[str]:
    with pytest.raises(ContentError) as failure:
        load_checked_library(Settings(content_dir=directory))
    return [str(p) for p in failure.value.problems]


def _edit_helplines(directory: Path, locale: str, change: Callable[[dict], None]) -> None:
    path = directory / "locales" / f"{locale}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["helplines"])
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_a_locale_without_its_emergency_number_fails_validation(content_dir: Path) -> None:
    _edit_helplines(content_dir, "en-GB", lambda h: h.pop("emergency"))
    found = _problems(content_dir)
    assert any("locales/en-GB.yaml: helplines.emergency" in p for p in found), found


@pytest.mark.parametrize("field", ["crisis_line", "abuse_line", "emergency", "card"])
@pytest.mark.parametrize("locale", [*KNOWN_LOCALES, "default"])
def test_every_helpline_field_is_required(content_dir: Path, locale: str, field: str) -> None:
    _edit_helplines(content_dir, locale, lambda h: h.pop(field))
    found = _problems(content_dir)
    assert any(f"locales/{locale}.yaml: helplines.{field}" in p for p in found), found


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_emergency_number_fails_validation(content_dir: Path, empty: str) -> None:
    _edit_helplines(content_dir, "en-AU", lambda h: h.__setitem__("emergency", empty))
    found = _problems(content_dir)
    assert any("locales/en-AU.yaml: helplines.emergency" in p for p in found), found


def test_without_the_default_locale_file_validation_fails(content_dir: Path) -> None:
    (content_dir / "locales" / "default.yaml").unlink()
    found = _problems(content_dir)
    assert any(p.startswith("locales/default.yaml") for p in found), found


# ---------------------------------------------------------------------------------------------------------
# 5. What the safe responses may never say.

FORBIDDEN = ("pill", "pills", "overdose", "overdosing", "rope", "noose", "hang", "hanging", "jump", "bridge",
             "razor", "blade", "knife", "gun", "poison", "method", "methods", "save your life", "save lives",
             "saves lives", "saving lives", "life-saving", "lifesaving", "life saving", "diagnos", "disorder",
             "depression", "bipolar", "borderline", "mental illness", "you should have", "your own fault")


def _safety_phrasings(library) -> list[tuple[str, str, int, str]]:
    found = []
    for content in library.all_contents():
        for key, pool in content.pools.items():
            if key.startswith(("safety.", "helplines.")):
                for index, text in enumerate(pool):
                    found.append((content.locale, key, index, plain_text(text)))
    return found


def test_safe_responses_never_discuss_methods_claim_to_save_lives_or_diagnose(library) -> None:
    phrasings = _safety_phrasings(library)
    assert len(phrasings) > 40
    bad = []
    for locale, key, index, text in phrasings:
        lowered = text.lower()
        for word in FORBIDDEN:
            pattern = r"\b" + re.escape(word) + (r"" if word == "diagnos" else r"\b")
            if re.search(pattern, lowered):
                bad.append(f"{locale} {key}[{index}]: {word!r}")
    assert not bad, "\n".join(bad)


def test_every_respond_phrasing_says_it_is_not_a_crisis_service(library) -> None:
    for content in library.all_contents():
        for kind in HELPLINE:
            pool = content.pools[f"safety.{kind}.respond"]
            assert len(pool) >= 3
            for index, text in enumerate(pool):
                assert "crisis service" in plain_text(text), f"{content.locale} safety.{kind}.respond[{index}]"
        assert "crisis service" in plain_text(content.pools["helplines.card"][0]), content.locale


def test_respond_phrasings_name_the_helpline_and_the_emergency_number(library) -> None:
    for content in library.all_contents():
        for kind, line in HELPLINE.items():
            for moment in ("respond", "again"):
                for index, text in enumerate(content.pools[f"safety.{kind}.{moment}"]):
                    assert "{" + line + "}" in text and "{emergency}" in text, f"safety.{kind}.{moment}[{index}]"
