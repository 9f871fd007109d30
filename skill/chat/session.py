"""A terminal conversation with the skill: typed lines become real Alexa envelopes, speech comes back as text."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TextIO

from skill.alexa import envelopes
from skill.alexa.envelopes import Device
from skill.chat.matcher import UtteranceMatcher
from skill.content.ssml import plain_text


class ChatError(Exception):
    """The skill could not be reached or answered with an error."""


class Transport(Protocol):
    def send(self, envelope: dict[str, Any]) -> dict[str, Any]: ...


class InProcess:
    """Send envelopes straight to a skill runner in this process."""

    def __init__(self, handle: Callable[[dict[str, Any]], tuple[dict[str, Any], Any]]) -> None:
        self._handle = handle

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        response, _ = self._handle(envelope)
        return response


class OverHttp:
    """POST envelopes to a running ``secure-base serve``."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self._url = url
        self._timeout = timeout

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(envelope).encode()
        request = urllib.request.Request(self._url, data=data, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as reply:  # noqa: S310 - operator's URL
                return json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            raise ChatError(f"{self._url} answered HTTP {exc.code}: {exc.read()[:200].decode(errors='replace')}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ChatError(f"cannot reach {self._url}: {exc}") from exc


def read_lines(stream: TextIO, prompt: str | None) -> Iterator[str]:
    """Lines from a terminal (with a prompt) or a pipe, until end of input or Ctrl-C."""
    while True:
        try:
            line = input(prompt) if prompt is not None else stream.readline()
        except (EOFError, KeyboardInterrupt):
            return
        if prompt is None and line == "":
            return
        yield line.rstrip("\n")


def _say(out: TextIO, response: dict[str, Any], verbose: bool) -> bool:
    """Print what Alexa would say; return whether the skill ended the session."""
    body = response.get("response") or {}
    speech = (body.get("outputSpeech") or {}).get("ssml")
    if speech:
        out.write(f"Alexa: {plain_text(speech)}\n")
    card = body.get("card")
    if verbose and card:
        out.write(f"  [card: {card.get('title')}]\n")
    reprompt = ((body.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml")
    if verbose and reprompt:
        out.write(f"  [if silent: {plain_text(reprompt)}]\n")
    out.flush()
    return bool(body.get("shouldEndSession", True))


def run_chat(lines: Iterable[str], out: TextIO, transport: Transport, matcher: UtteranceMatcher,
             device: Device, verbose: bool = False) -> int:
    """Open the skill, then send each line as a request until the skill ends the session or input ends."""
    session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
    response = transport.send(envelopes.envelope(envelopes.launch_request(device), device,
                                                 session_id=session_id, new=True))
    if _say(out, response, verbose):
        return 0
    for line in lines:
        if not line.strip():
            continue
        match = matcher.match(line)
        if verbose:
            out.write(f"  [heard: {match.intent}]\n")
        request = envelopes.intent_request(device, match.intent, match.slots)
        response = transport.send(envelopes.envelope(request, device, session_id=session_id,
                                                     attributes=response.get("sessionAttributes") or {}))
        if _say(out, response, verbose):
            out.write("(the skill ended the session)\n")
            return 0
    transport.send(envelopes.envelope(envelopes.session_ended_request(device), device, session_id=session_id,
                                      attributes=response.get("sessionAttributes") or {}))
    out.write("(you left the conversation)\n")
    return 0
