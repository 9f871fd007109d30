"""The daily principle: one per local day, all of them before any repeats, stable within a day."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skill.dialogue.rotation import (
    Rotation,
    Streak,
    fallback_principle,
    local_date,
    record_listen,
    todays_principle,
)

PRINCIPLES = (
    "dont_take_it_personally",
    "be_reliable",
    "communicate_needs",
    "be_patient",
    "give_space",
    "stand_your_ground",
    "dont_fix_them",
    "connect_outside",
    "focus_on_you",
    "be_prepared_to_leave",
)
START = date(2026, 11, 25)

seeds = st.integers(min_value=0, max_value=2**32)
gaps = st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=45)
id_sets = st.lists(st.sampled_from([f"p{i}" for i in range(14)]), min_size=1, max_size=14, unique=True)


def serve(days: list[date], ids=PRINCIPLES, seed: int = 0, rotation: Rotation | None = None):
    """Serve each day in turn; return the principles served and the final rotation."""
    rng = random.Random(seed)
    served = []
    for day in days:
        principle, rotation = todays_principle(rotation, ids, day, rng)
        served.append(principle)
    return served, rotation


def days_from(gap_list: list[int], start: date = START) -> list[date]:
    days, day = [], start
    for gap in gap_list:
        day += timedelta(days=gap)
        days.append(day)
    return days


def assert_valid(rotation: Rotation, ids) -> None:
    assert sorted(rotation.order) == sorted(set(ids))
    assert 1 <= rotation.position <= len(rotation.order)


@given(gaps, seeds)
def test_each_cycle_of_ten_is_a_permutation(gap_list, seed):
    served, rotation = serve(days_from(gap_list), seed=seed)
    for start in range(0, len(served) - len(PRINCIPLES) + 1, len(PRINCIPLES)):
        assert sorted(served[start : start + len(PRINCIPLES)]) == sorted(PRINCIPLES)
    tail = served[len(served) - len(served) % len(PRINCIPLES) :]
    assert len(set(tail)) == len(tail)
    assert_valid(rotation, PRINCIPLES)


@given(gaps, seeds, id_sets)
def test_no_principle_twice_in_a_row_even_across_cycles(gap_list, seed, ids):
    served, _ = serve(days_from(gap_list), ids=ids, seed=seed)
    if len(ids) > 1:
        assert all(a != b for a, b in zip(served, served[1:]))
    else:
        assert set(served) == set(ids)


@given(gaps, seeds)
def test_the_same_day_always_gives_the_same_principle(gap_list, seed):
    rng = random.Random(seed)
    rotation = None
    for day in days_from(gap_list):
        first, rotation = todays_principle(rotation, PRINCIPLES, day, rng)
        again, unchanged = todays_principle(rotation, PRINCIPLES, day, rng)
        assert (again, unchanged) == (first, rotation)


@given(gaps, seeds, st.integers(min_value=1, max_value=400))
def test_a_day_earlier_than_the_last_served_repeats_it_without_advancing(gap_list, seed, back):
    days = days_from(gap_list)
    served, rotation = serve(days, seed=seed)
    principle, after = todays_principle(rotation, PRINCIPLES, days[-1] - timedelta(days=back), random.Random(seed))
    assert (principle, after) == (served[-1], rotation)
    following, _ = todays_principle(after, PRINCIPLES, days[-1] + timedelta(days=1), random.Random(seed))
    assert following != served[-1]


@given(gaps, gaps, seeds, id_sets)
def test_changed_ids_keep_a_valid_rotation_and_no_repeats_within_a_cycle(before, after, seed, new_ids):
    days = days_from(before + after)
    rng = random.Random(seed)
    rotation, cycle, last = None, [], None
    for i, day in enumerate(days):
        ids = PRINCIPLES if i < len(before) else new_ids
        principle, rotation = todays_principle(rotation, ids, day, rng)
        assert principle in ids
        assert_valid(rotation, ids)
        if rotation.position == 1:
            cycle = []
        cycle.append(principle)
        assert len(cycle) == len(set(cycle))
        if len(ids) > 1:
            assert principle != last
        last = principle


@given(st.integers(min_value=1, max_value=len(PRINCIPLES)), id_sets, seeds)
def test_after_ids_change_the_cycle_finishes_with_every_id_not_yet_served(served_days, new_ids, seed):
    ids = list(PRINCIPLES[:4]) + new_ids
    days = days_from([1] * served_days)
    served, rotation = serve(days, ids=PRINCIPLES, seed=seed)
    rng = random.Random(seed)
    today, rotation = todays_principle(rotation, ids, days[-1], rng)
    if served[-1] in ids:
        assert today == served[-1]
    else:
        assert today not in served
        served.append(today)
    unserved = set(ids) - set(served)
    rest, _ = serve(days_from([1] * len(unserved), days[-1]), ids=ids, seed=seed, rotation=rotation)
    assert sorted(rest) == sorted(unserved)


@pytest.mark.parametrize(
    "rotation",
    [
        Rotation(("gone_a", "gone_b"), 2, "2026-11-24"),
        Rotation(PRINCIPLES, 0, "2026-11-24"),
        Rotation(PRINCIPLES, 99, "2026-11-24"),
        Rotation(PRINCIPLES + PRINCIPLES[:3], 4, None),
    ],
    ids=["all-ids-unknown", "day-without-position", "position-past-end", "repeated-ids"],
)
def test_inconsistent_rotations_are_repaired(rotation):
    principle, repaired = todays_principle(rotation, PRINCIPLES, START, random.Random(1))
    assert principle in PRINCIPLES
    assert_valid(repaired, PRINCIPLES)
    assert repaired.day == START.isoformat()


def test_no_ids_is_an_error():
    with pytest.raises(ValueError):
        todays_principle(None, [], START, random.Random(1))
    with pytest.raises(ValueError):
        fallback_principle([], START)


@pytest.mark.parametrize(
    ("timestamp", "zone", "expected"),
    [
        ("2026-11-25T23:30:00+00:00", "Pacific/Auckland", date(2026, 11, 26)),  # UTC+13 (summer)
        ("2026-11-25T23:30:00+00:00", "America/Los_Angeles", date(2026, 11, 25)),  # UTC-8
        ("2026-11-26T05:00:00+00:00", "America/Los_Angeles", date(2026, 11, 25)),
        ("2026-11-26T05:00:00+00:00", "Pacific/Auckland", date(2026, 11, 26)),
        ("2026-11-26T05:00:00+00:00", "Europe/London", date(2026, 11, 26)),
        ("2026-11-25T18:29:00+00:00", "Asia/Kolkata", date(2026, 11, 25)),  # UTC+5:30
        ("2026-11-25T18:30:00+00:00", "Asia/Kolkata", date(2026, 11, 26)),
        ("2026-07-01T11:30:00+00:00", "Pacific/Auckland", date(2026, 7, 1)),  # UTC+12 (winter)
        ("2026-07-01T12:00:00+00:00", "Pacific/Auckland", date(2026, 7, 2)),
        ("2026-11-26T05:00:00+00:00", None, date(2026, 11, 26)),
        ("2026-11-26T05:00:00+00:00", "", date(2026, 11, 26)),
        ("2026-11-26T05:00:00+00:00", "Not/A_Zone", date(2026, 11, 26)),
        ("2026-11-26T05:00:00+00:00", "../../etc/passwd", date(2026, 11, 26)),
        ("2026-11-26T05:00:00", "America/Los_Angeles", date(2026, 11, 25)),  # naive means UTC
    ],
)
def test_local_date(timestamp, zone, expected):
    assert local_date(datetime.fromisoformat(timestamp), zone) == expected


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=0, max_value=86399),
    st.sampled_from(["Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Kiritimati", "UTC"]),
    seeds,
)
def test_two_requests_on_one_local_day_get_the_same_principle(moment, seconds, zone, seed):
    first = moment.replace(tzinfo=UTC)
    second = first + timedelta(seconds=seconds)
    day, later_day = local_date(first, zone), local_date(second, zone)
    principle, rotation = todays_principle(None, PRINCIPLES, day, random.Random(seed))
    again, _ = todays_principle(rotation, PRINCIPLES, later_day, random.Random(seed))
    assert (again == principle) == (later_day == day)


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=40))
def test_streak_counts_consecutive_days_and_a_gap_restarts_it(gap_list):
    streak, day, expected = None, START, 0
    for gap in gap_list:
        day += timedelta(days=gap)
        streak = record_listen(streak, day)
        expected = 1 if expected == 0 or gap > 1 else expected + (gap == 1)
        assert streak == Streak(expected, day.isoformat())


def test_streak_ignores_a_day_earlier_than_the_last():
    streak = record_listen(record_listen(None, START), START + timedelta(days=1))
    assert record_listen(streak, START) == streak


def test_fallback_is_fixed_by_the_date_and_covers_every_principle():
    days = [START + timedelta(days=n) for n in range(len(PRINCIPLES))]
    assert sorted(fallback_principle(PRINCIPLES, d) for d in days) == sorted(PRINCIPLES)
    assert fallback_principle(PRINCIPLES, START) == fallback_principle(list(PRINCIPLES), START)
