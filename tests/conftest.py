"""Fixtures in the style of Flask's tutorial: a fresh app per test, built by the real factory."""

from __future__ import annotations

import pytest

from skill.content import Library
from skill.settings import Settings
from skill.web import create_app
from skill.alexa import load_checked_library
from tests.alexa_client import AlexaClient


@pytest.fixture(scope="session")
def library() -> Library:
    """The real content, loaded and checked once for the whole run (it is immutable)."""
    return load_checked_library(Settings())


@pytest.fixture
def content(library):
    return library.locales["en-US"]


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(dev=True, data_dir=tmp_path / "data", seed=20261124)


@pytest.fixture
def app(settings, library):
    return create_app(settings, library=library)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def alexa(client) -> AlexaClient:
    return AlexaClient(client)
