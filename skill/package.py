"""Write an ASK CLI skill package: ``ask-resources.json``, ``skill-package/skill.json`` and one interaction
model per locale, so ``ask deploy`` can create or update the skill from this repository's content and settings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.content import Content, Library
from skill.interaction_model import model_json
from skill.settings import Settings, SettingsError

SKILL_NAME = "Secure Base"
CATEGORY = "HEALTH_AND_FITNESS"
SSL_CERTIFICATE_TYPES = ("Trusted", "Wildcard", "SelfSigned")
LAMBDA_ARN_PREFIX = "arn:aws:lambda:"
EVENTS = ("SKILL_ENABLED", "SKILL_DISABLED")
SUMMARY = "A gentle voice companion for the times your partner pulls away."
DESCRIPTION = (
    "Secure Base keeps you company when your partner has an avoidant attachment style. Tell it what is happening, "
    "such as \"I feel pushed away\", and it names the feeling, offers you a choice, and talks you through ideas "
    "drawn from ten principles, one short turn at a time. You can also ask for a principle by number or by idea.\n\n"
    "Secure Base offers support and reflection only. It is not a substitute for professional medical or "
    "mental-health advice, diagnosis or treatment, and it is not an emergency service. If you are in crisis or in "
    "danger, contact your local emergency number or a crisis line.\n\n"
    "Secure Base does not store what you say."
)
KEYWORDS = ("relationships", "attachment", "avoidant partner", "support", "wellbeing")
TESTING_INSTRUCTIONS = (
    "No account linking or permissions are needed. Say 'Alexa, open secure base', then share a feeling such as "
    "'I feel pushed away' and follow the choices offered."
)
# Viewports the APL documents are laid out for: round and landscape hubs, and TV.
APL_VIEWPORTS = (
    {"mode": "HUB", "shape": "ROUND", "minWidth": 100, "maxWidth": 599, "minHeight": 100, "maxHeight": 599},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 960, "maxWidth": 1279, "minHeight": 600, "maxHeight": 959},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 1280, "maxWidth": 1920, "minHeight": 600, "maxHeight": 1279},
    {"mode": "TV", "shape": "RECTANGLE", "minWidth": 960, "maxWidth": 960, "minHeight": 540, "maxHeight": 540},
)
ASK_RESOURCES = {
    "askcliResourcesVersion": "2020-03-31",
    "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
}


def endpoint(settings: Settings) -> dict[str, str]:
    """The endpoint object for ``settings.endpoint_uri``: an HTTPS URL with its certificate type, or a Lambda ARN."""
    uri = settings.endpoint_uri.strip()
    if uri.startswith(LAMBDA_ARN_PREFIX):
        return {"uri": uri}
    if not uri.startswith("https://"):
        raise SettingsError("the skill package needs the endpoint: set SECURE_BASE_ENDPOINT_URI (or --endpoint-uri) "
                            "to an https:// URL ending in /alexa, or to a Lambda ARN")
    if settings.ssl_certificate_type not in SSL_CERTIFICATE_TYPES:
        raise SettingsError(f"SECURE_BASE_SSL_CERTIFICATE_TYPE={settings.ssl_certificate_type!r} must be one of "
                            f"{', '.join(SSL_CERTIFICATE_TYPES)}")
    return {"uri": uri, "sslCertificateType": settings.ssl_certificate_type}


def _country(locale: str) -> str:
    return locale.split("-")[-1].upper()


def _locale_listing(content: Content) -> dict[str, Any]:
    phrases = [f"Alexa, open {content.invocation}"]
    if content.situations and content.situations[0].utterances:
        phrases.append(f"Alexa, tell {content.invocation} {content.situations[0].utterances[0]}")
    return {"name": SKILL_NAME, "summary": SUMMARY, "description": DESCRIPTION, "examplePhrases": phrases,
            "keywords": list(KEYWORDS)}


def manifest(library: Library, settings: Settings) -> dict[str, Any]:
    """The ``skill.json`` document for every locale the content speaks."""
    locales = library.locale_names
    skill_endpoint = endpoint(settings)
    privacy: dict[str, Any] = {
        "allowsPurchases": False,
        "usesPersonalInfo": False,
        "isChildDirected": False,
        "isExportCompliant": True,
        "containsAds": False,
    }
    if settings.privacy_policy_url:
        privacy["locales"] = {locale: {"privacyPolicyUrl": settings.privacy_policy_url} for locale in locales}
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {locale: _locale_listing(library.locales[locale]) for locale in locales},
                "isAvailableWorldwide": False,
                "distributionCountries": sorted({_country(locale) for locale in locales}),
                "distributionMode": "PUBLIC",
                "category": CATEGORY,
                "testingInstructions": TESTING_INSTRUCTIONS,
            },
            "privacyAndCompliance": privacy,
            "apis": {
                "custom": {
                    "endpoint": skill_endpoint,
                    "interfaces": [{"type": "ALEXA_PRESENTATION_APL", "supportedViewports": list(APL_VIEWPORTS)}],
                },
            },
            "events": {
                "endpoint": dict(skill_endpoint),
                "subscriptions": [{"eventName": name} for name in EVENTS],
            },
        }
    }


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def export_package(library: Library, settings: Settings, directory: Path) -> list[Path]:
    """Write the package under ``directory`` (created if needed); returns the files written."""
    files = {
        directory / "ask-resources.json": _dump(ASK_RESOURCES),
        directory / "skill-package" / "skill.json": _dump(manifest(library, settings)),
    }
    for locale in library.locale_names:
        path = directory / "skill-package" / "interactionModels" / "custom" / f"{locale}.json"
        files[path] = model_json(library.locales[locale])
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
