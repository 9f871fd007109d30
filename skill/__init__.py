"""Secure Base: an Alexa voice companion for people whose partner has an avoidant attachment style."""

__version__ = "0.1.0"
