"""Run the app under gunicorn, the production WSGI server, in both production and development mode."""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.app.base import BaseApplication

from skill.content import Library
from skill.settings import Settings
from skill.web.app import create_app

log = logging.getLogger("skill.server")
LOOPBACK = "127.0.0.1"


class _Server(BaseApplication):
    """A gunicorn application whose workers each build the app from the already-checked content."""

    def __init__(self, settings: Settings, library: Library) -> None:
        self._settings = settings
        self._library = library
        super().__init__()

    def load_config(self) -> None:
        for key, value in gunicorn_options(self._settings).items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(self._settings, library=self._library)


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """Worker settings shared by production and development: only the bind address differs."""
    host = LOOPBACK if settings.dev else settings.host
    return {
        "bind": f"{host}:{settings.port}",
        "workers": settings.workers,
        "worker_class": "sync",
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "proc_name": "secure-base",
        # No shared ~/.gunicorn control socket: two servers on one host would take it from each other.
        "control_socket_disable": True,
    }


def serve(settings: Settings, library: Library) -> None:
    """Serve until interrupted. The content has already been loaded and checked by the caller."""
    _Server(settings, library).run()
