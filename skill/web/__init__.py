"""The HTTP layer: a Flask app factory with the Alexa route. The only package that imports Flask."""

from skill.web.app import create_app

__all__ = ["create_app"]
