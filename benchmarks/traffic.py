"""Simulated people talking to the skill: the realistic turn mix the benchmarks send.

Each person walks through whole sessions picked at random from :data:`SESSIONS`, carrying the session
attributes from each answer into the next request as Alexa does. People take turns at random, so the
sessions of many people interleave.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skill.alexa import envelopes
from skill.alexa.envelopes import DEFAULT_SKILL_ID, Device
from skill.content import Content

SITUATION = "<situation>"
"""Stands for one of the content's situation intents, picked afresh for each session."""

SESSIONS: tuple[tuple[str, ...], ...] = (
    ("LaunchRequest", SITUATION, "IdeaIntent", "TellMeMoreIntent", "AMAZON.StopIntent"),
    (SITUATION, "IdeaIntent", "TellMeMoreIntent"),
    ("LaunchRequest", "DailyPrincipleIntent"),
    ("DailyPrincipleIntent",),
    ("LaunchRequest", "StartReflectionIntent", "AMAZON.NextIntent"),
)


@dataclass
class SimulatedUser:
    """One person on one device, part-way through a session (or between sessions)."""

    device: Device
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    plan: list[str] = field(default_factory=list)

    def next_request(self, rng: random.Random, situations: Sequence[str],
                     moment: datetime | None = None) -> dict[str, Any]:
        """The next envelope this person sends, starting a new session when the last one is done."""
        if not self.plan:
            self.start_session(rng.choice(SESSIONS))
        name = self.plan.pop(0)
        if name == SITUATION:
            name = rng.choice(situations)
        new = self.session_id is None
        if new:
            self.session_id = f"amzn1.echo-api.session.{uuid.UUID(int=rng.getrandbits(128))}"
            self.attributes = {}
        if name == "LaunchRequest":
            request = envelopes.launch_request(self.device, moment)
        else:
            request = envelopes.intent_request(self.device, name, moment=moment)
        return envelopes.envelope(request, self.device, session_id=self.session_id, new=new,
                                  attributes=self.attributes)

    def start_session(self, plan: Sequence[str]) -> None:
        """Leave any open session; the next request opens a new one and works through ``plan``."""
        self.session_id, self.plan = None, list(plan)

    def receive(self, answer: dict[str, Any]) -> None:
        """Carry the answer's session attributes forward; forget the session if it ended."""
        self.attributes = answer.get("sessionAttributes") or {}
        if (answer.get("response") or {}).get("shouldEndSession", True):
            self.session_id, self.plan = None, []


class Traffic:
    """``people`` simulated users taking turns at random, repeatably for a given ``seed``."""

    def __init__(self, content: Content, people: int, seed: int, skill_id: str = DEFAULT_SKILL_ID) -> None:
        self._rng = random.Random(seed)
        self._situations = [s.intent_name for s in content.situations]
        self.users = [SimulatedUser(Device(user_id=f"amzn1.ask.account.BENCH{seed:04d}{n:06d}",
                                           device_id=f"amzn1.ask.device.BENCH{seed:04d}{n:06d}", skill_id=skill_id))
                      for n in range(people)]

    def next(self, moment: datetime | None = None) -> tuple[SimulatedUser, dict[str, Any]]:
        """A person chosen at random and the envelope they send next."""
        user = self._rng.choice(self.users)
        return user, user.next_request(self._rng, self._situations, moment)

    def bodies(self, count: int, answer: Any) -> list[bytes]:
        """``count`` request bodies, each answered by ``answer(body) -> response dict`` as it is made, so
        every body carries the session attributes a real conversation would have. For replay by wrk."""
        recorded = []
        for _ in range(count):
            user, envelope = self.next()
            body = json.dumps(envelope, separators=(",", ":")).encode()
            user.receive(answer(body))
            recorded.append(body)
        return recorded
