"""``secure-base export-package``: the ASK CLI skill package, built from a small made-up library."""

from __future__ import annotations

import json
from types import MappingProxyType

import pytest

from skill import cli
from skill.content import Content, IntentSpec, Library, Principle, Situation
from skill.interaction_model import model_json
from skill.package import export_package, manifest
from skill.settings import Settings, SettingsError

ENDPOINT = "https://skill.example.org/alexa"


def _content(locale: str) -> Content:
    principle = Principle(id="give_space", number=5, title="Give space", short=("Give them room.",), more="More.",
                          practice="Try this.", question="What helps?", synonyms=("giving space",))
    situation = Situation(id="pushed_away", name="feeling pushed away",
                          utterances=("I feel pushed away", "they keep pushing me away"),
                          validate=("That hurts.",), principles=("give_space",), choice="Which would help?")
    intent = IntentSpec(name="PrincipleIntent", event="principle", samples=("tell me about {Idea}",),
                        slots=MappingProxyType({"Idea": "PRINCIPLE"}))
    return Content(locale=locale, invocation="secure base", principles=(principle,), situations=(situation,),
                   intents=(intent,), builtins=MappingProxyType({"AMAZON.HelpIntent": "help"}),
                   pools=MappingProxyType({}), sources=MappingProxyType({}))


@pytest.fixture
def library() -> Library:
    """Overrides the real-content fixture: these tests need only the shape of a library."""
    us, gb = _content("en-US"), _content("en-GB")
    return Library(default=us, locales=MappingProxyType({"en-US": us, "en-GB": gb}))


@pytest.fixture
def settings() -> Settings:
    return Settings(endpoint_uri=ENDPOINT, privacy_policy_url="https://skill.example.org/privacy")


def read(path) -> dict:  # noqa: ANN001
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_package_has_the_ask_cli_layout(library, settings, tmp_path) -> None:
    written = export_package(library, settings, tmp_path / "project")
    root = tmp_path / "project"
    assert sorted(p.relative_to(root).as_posix() for p in written) == [
        "ask-resources.json",
        "skill-package/interactionModels/custom/en-GB.json",
        "skill-package/interactionModels/custom/en-US.json",
        "skill-package/skill.json",
    ]
    resources = read(root / "ask-resources.json")
    assert resources["profiles"]["default"]["skillMetadata"]["src"] == "./skill-package"
    assert resources["askcliResourcesVersion"]
    for locale in ("en-US", "en-GB"):
        path = root / "skill-package" / "interactionModels" / "custom" / f"{locale}.json"
        assert path.read_text(encoding="utf-8") == model_json(library.locales[locale])
        assert read(path)["interactionModel"]["languageModel"]["invocationName"] == "secure base"


def test_the_manifest_publishes_each_locale_with_a_health_disclaimer(library, settings) -> None:
    info = manifest(library, settings)["manifest"]["publishingInformation"]
    assert set(info["locales"]) == {"en-US", "en-GB"}
    assert info["isAvailableWorldwide"] is False
    assert info["distributionCountries"] == ["GB", "US"]
    assert info["category"] == "HEALTH_AND_FITNESS"
    for listing in info["locales"].values():
        assert listing["name"] == "Secure Base"
        assert listing["summary"] and len(listing["summary"]) <= 160
        assert "not a substitute for professional medical or mental-health advice" in listing["description"]
        assert listing["examplePhrases"] == ["Alexa, open secure base", "Alexa, tell secure base I feel pushed away"]


def test_example_phrases_are_sample_utterances_of_the_model(library, settings) -> None:
    listing = manifest(library, settings)["manifest"]["publishingInformation"]["locales"]["en-US"]
    model = json.loads(model_json(library.locales["en-US"]))["interactionModel"]["languageModel"]
    samples = {sample.lower() for intent in model["intents"] for sample in intent["samples"]}
    for phrase in listing["examplePhrases"][1:]:
        assert phrase.split("secure base ", 1)[1].lower() in samples


def test_privacy_and_compliance(library, settings) -> None:
    privacy = manifest(library, settings)["manifest"]["privacyAndCompliance"]
    assert privacy["allowsPurchases"] is False and privacy["usesPersonalInfo"] is False
    assert privacy["isChildDirected"] is False and privacy["containsAds"] is False
    assert privacy["isExportCompliant"] is True
    assert privacy["locales"] == {locale: {"privacyPolicyUrl": "https://skill.example.org/privacy"}
                                  for locale in ("en-GB", "en-US")}
    without = manifest(library, settings.with_changes(privacy_policy_url=""))["manifest"]["privacyAndCompliance"]
    assert "locales" not in without


def test_the_https_endpoint_apl_and_skill_events(library, settings) -> None:
    document = manifest(library, settings)["manifest"]
    expected = {"uri": ENDPOINT, "sslCertificateType": "Trusted"}
    assert document["apis"]["custom"]["endpoint"] == expected
    interfaces = document["apis"]["custom"]["interfaces"]
    assert [i["type"] for i in interfaces] == ["ALEXA_PRESENTATION_APL"]
    assert interfaces[0]["supportedViewports"]
    assert document["events"]["endpoint"] == expected
    assert [s["eventName"] for s in document["events"]["subscriptions"]] == ["SKILL_ENABLED", "SKILL_DISABLED"]
    assert "permissions" not in document
    self_signed = manifest(library, settings.with_changes(ssl_certificate_type="SelfSigned"))["manifest"]
    assert self_signed["apis"]["custom"]["endpoint"]["sslCertificateType"] == "SelfSigned"


def test_a_lambda_arn_endpoint_has_no_certificate_type(library, settings) -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:secure-base"
    document = manifest(library, settings.with_changes(endpoint_uri=arn))["manifest"]
    assert document["apis"]["custom"]["endpoint"] == {"uri": arn}
    assert document["events"]["endpoint"] == {"uri": arn}


@pytest.mark.parametrize("changes, variable", [
    ({"endpoint_uri": ""}, "SECURE_BASE_ENDPOINT_URI"),
    ({"endpoint_uri": "http://skill.example.org/alexa"}, "SECURE_BASE_ENDPOINT_URI"),
    ({"ssl_certificate_type": "Whatever"}, "SECURE_BASE_SSL_CERTIFICATE_TYPE"),
])
def test_unusable_settings_are_refused_before_anything_is_written(library, settings, tmp_path, changes,
                                                                  variable) -> None:
    with pytest.raises(SettingsError, match=variable):
        export_package(library, settings.with_changes(**changes), tmp_path / "project")
    assert not (tmp_path / "project").exists()


def test_the_cli_command(library, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "_library", lambda settings: library)
    monkeypatch.delenv("SECURE_BASE_PRIVACY_POLICY_URL", raising=False)
    monkeypatch.setenv("SECURE_BASE_ENDPOINT_URI", "https://from-env.example.org/alexa")
    assert cli.main(["export-package", str(tmp_path / "out"), "--ssl-certificate-type", "Wildcard"]) == 0
    document = read(tmp_path / "out" / "skill-package" / "skill.json")["manifest"]
    assert document["apis"]["custom"]["endpoint"] == {"uri": "https://from-env.example.org/alexa",
                                                      "sslCertificateType": "Wildcard"}
    out = capsys.readouterr()
    assert "ask deploy" in out.out and "privacy policy" in out.err


def test_the_cli_command_names_the_missing_endpoint(library, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "_library", lambda settings: library)
    monkeypatch.delenv("SECURE_BASE_ENDPOINT_URI", raising=False)
    assert cli.main(["export-package", str(tmp_path / "out")]) == 2
    assert "--endpoint-uri" in capsys.readouterr().err
