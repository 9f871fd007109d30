"""The HTTP baselines: a bare Flask JSON endpoint on POST /alexa, under the gunicorn options `secure-base serve` uses.

Run from the project root:  .venv/bin/python benchmarks/bare_server.py --port 5001 [--workers 2] [--hello]

It parses the JSON body and answers a fixed response envelope, so it costs what Flask and gunicorn cost and
nothing more. With --hello the route runs the hello skill (benchmarks/hello.py) instead: the least an ask-sdk
skill costs over the same HTTP stack. benchmarks/http_load.py starts both next to the real server.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request
from gunicorn.app.base import BaseApplication

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.hello import HelloSkill  # noqa: E402
from skill.settings import Settings  # noqa: E402
from skill.web.server import gunicorn_options  # noqa: E402

ANSWER = {"version": "1.0", "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Hello.</speak>"},
                                         "shouldEndSession": False}}


def bare_app(hello: bool) -> Flask:
    app = Flask(__name__)
    skill = HelloSkill() if hello else None

    @app.post("/alexa")
    def alexa() -> Response:
        if skill is not None:
            return Response(skill.answer(request.get_data()), mimetype="application/json")
        request.get_json(force=True)
        return jsonify(ANSWER)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    return app


class _BareServer(BaseApplication):
    def __init__(self, settings: Settings, hello: bool) -> None:
        self._settings = settings
        self._hello = hello
        super().__init__()

    def load_config(self) -> None:
        for key, value in gunicorn_options(self._settings).items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return bare_app(self._hello)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=Settings().workers)
    parser.add_argument("--hello", action="store_true", help="answer with the hello skill instead of fixed JSON")
    args = parser.parse_args()
    _BareServer(Settings(dev=True, port=args.port, workers=args.workers), args.hello).run()


if __name__ == "__main__":
    main()
