"""The Flash Briefing feed: shape, dates, headers, and conditional requests."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from skill.web.feed import MAIN_TEXT_LIMIT, daily_item, seconds_until_tomorrow


def test_the_feed_has_one_item_in_alexas_format(client) -> None:
    response = client.get("/feeds/daily.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    items = response.get_json()
    assert len(items) == 1
    item = items[0]
    assert set(item) == {"uid", "updateDate", "titleText", "mainText", "redirectionUrl"}
    today = datetime.now(timezone.utc).date().isoformat()
    assert item["updateDate"] == f"{today}T00:00:00.0Z"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.0Z", item["updateDate"])
    assert today in item["uid"]
    assert 0 < len(item["mainText"]) < MAIN_TEXT_LIMIT
    assert "<" not in item["mainText"] and item["redirectionUrl"].startswith("https://")


def test_etag_and_cache_control_and_a_304_for_the_same_etag(client) -> None:
    first = client.get("/feeds/daily.json")
    assert first.headers["ETag"]
    assert first.cache_control.public and 60 <= first.cache_control.max_age <= 86400
    again = client.get("/feeds/daily.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_each_day_gives_the_days_principle_and_the_week_varies(content) -> None:
    week = [daily_item(content, date(2026, 11, d), "https://x.example/") for d in range(20, 27)]
    assert len({item["titleText"] for item in week}) > 1
    assert daily_item(content, date(2026, 11, 25), "https://x.example/") == week[5]


def test_the_item_lasts_until_the_next_utc_midnight() -> None:
    assert seconds_until_tomorrow(datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc)) == 3600
    assert seconds_until_tomorrow(datetime(2026, 11, 25, 23, 59, 59, tzinfo=timezone.utc)) == 60
