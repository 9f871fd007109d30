"""One cold start, run in a fresh process by benchmarks/cold_start.py: build a target and answer one envelope.

Usage:  .venv/bin/python benchmarks/cold_child.py TARGET < envelope.json
TARGET is flask (the skill's create_app, via Flask's test client), lambda (skill.lambda_function.handler),
hello (benchmarks/hello.py) or hello-flask (the hello skill behind a Flask route, via the test client).

Prints one JSON object of time.monotonic() stamps (a clock shared by every process): "imported" once the
target's modules are imported, "content" once the content is loaded and checked, "built" once the app or skill
is built, "answered" once the first answer is back. Only the standard library is imported before the target.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def flask_app(body: bytes, stamps: dict[str, float]) -> None:
    import os

    from skill.settings import Settings
    from skill.web import create_app
    from skill.alexa import load_checked_library

    stamps["imported"] = time.monotonic()
    settings = Settings.from_env(os.environ, dev=True)
    library = load_checked_library(settings)
    stamps["content"] = time.monotonic()
    client = create_app(settings, library=library).test_client()
    stamps["built"] = time.monotonic()
    reply = client.post("/alexa", data=body, content_type="application/json")
    assert reply.status_code == 200, reply.status_code


def lambda_handler(body: bytes, stamps: dict[str, float]) -> None:
    from skill.lambda_function import handler

    stamps["imported"] = time.monotonic()
    answer = handler(json.loads(body), None)
    assert answer["response"]["outputSpeech"], answer


def hello(body: bytes, stamps: dict[str, float]) -> None:
    from benchmarks.hello import HelloSkill

    stamps["imported"] = time.monotonic()
    skill = HelloSkill()
    stamps["built"] = time.monotonic()
    assert json.loads(skill.answer(body))["response"]["outputSpeech"]


def hello_flask(body: bytes, stamps: dict[str, float]) -> None:
    import flask  # noqa: F401 - imported here so the stamp counts Flask's import time

    from benchmarks.hello import hello_app

    stamps["imported"] = time.monotonic()
    client = hello_app().test_client()
    stamps["built"] = time.monotonic()
    assert client.post("/alexa", data=body, content_type="application/json").status_code == 200


TARGETS: dict[str, Callable[[bytes, dict[str, float]], None]] = {
    "flask": flask_app, "lambda": lambda_handler, "hello": hello, "hello-flask": hello_flask,
}


def main() -> None:
    body = sys.stdin.buffer.read()
    stamps: dict[str, float] = {}
    TARGETS[sys.argv[1]](body, stamps)
    stamps["answered"] = time.monotonic()
    print(json.dumps(stamps))


if __name__ == "__main__":
    main()
