"""The HTTP baseline: a bare Flask JSON endpoint on POST /alexa, under the gunicorn options `secure-base serve` uses.

Run from the project root:  .venv/bin/python benchmarks/bare_server.py --port 5001 [--workers 2]

It parses the JSON body and answers a fixed response envelope, so it costs what Flask and gunicorn cost and
nothing more. benchmarks/http_load.py starts it next to the real server.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request
from gunicorn.app.base import BaseApplication

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skill.settings import Settings  # noqa: E402
from skill.web.server import gunicorn_options  # noqa: E402

ANSWER = {"version": "1.0", "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Hello.</speak>"},
                                         "shouldEndSession": False}}


def bare_app() -> Flask:
    app = Flask(__name__)

    @app.post("/alexa")
    def alexa() -> Response:
        request.get_json(force=True)
        return jsonify(ANSWER)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    return app


class _BareServer(BaseApplication):
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in gunicorn_options(self._settings).items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return bare_app()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=Settings().workers)
    args = parser.parse_args()
    _BareServer(Settings(dev=True, port=args.port, workers=args.workers)).run()


if __name__ == "__main__":
    main()
