"""The daily principle as an Alexa Flash Briefing feed: one item for the UTC day, the same for everyone."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time, timedelta, timezone

from skill.content import Content
from skill.content.ssml import plain_text
from skill.dialogue.rotation import fallback_principle

MAIN_TEXT_LIMIT = 4500


def daily_item(content: Content, today: date, redirection_url: str) -> dict[str, str]:
    """Today's principle as a feed item: title, one short version and today's practice, in plain text."""
    principle = content.principle(fallback_principle([p.id for p in content.principles], today))
    assert principle is not None
    short = principle.short[today.toordinal() % len(principle.short)]
    main = f"Principle {principle.number}: {plain_text(principle.title)}. {plain_text(short)} " \
           f"Something to try today: {plain_text(principle.practice)}"
    return {
        "uid": f"urn:secure-base:daily:{today.isoformat()}",
        "updateDate": f"{today.isoformat()}T00:00:00.0Z",
        "titleText": f"Secure Base: {plain_text(principle.title)}",
        "mainText": main[:MAIN_TEXT_LIMIT],
        "redirectionUrl": redirection_url,
    }


def feed_body(content: Content, now: datetime, redirection_url: str) -> bytes:
    """The feed document (1 item, newest first) as JSON bytes."""
    today = now.astimezone(timezone.utc).date()
    return json.dumps([daily_item(content, today, redirection_url)], ensure_ascii=False).encode()


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def seconds_until_tomorrow(now: datetime) -> int:
    """How long the item stays current: until the next UTC midnight, at least a minute."""
    now = now.astimezone(timezone.utc)
    midnight = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=timezone.utc)
    return max(60, int((midnight - now).total_seconds()))
