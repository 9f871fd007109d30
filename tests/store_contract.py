"""Behaviour every store backend must have. A backend's test class inherits this and defines a
``store`` fixture; the helpers are module-level so worker threads and processes can use them."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from types import SimpleNamespace

import pytest

from skill.dialogue.rotation import Streak
from skill.store import CorruptRecord, Profile, Store, StoreAdapter, StoreConflict
from skill.store.profile import dumps

KEY = "0123456789abcdef0123456789abcdef"
OTHER_KEY = "fedcba9876543210fedcba9876543210"
V1_TEXT = json.dumps(
    {
        "schema": 1,
        "order": ["be_patient", "give_space"],
        "position": 1,
        "last_day": "2026-11-24",
        "streak": {"count": 2, "day": "2026-11-24"},
        "preferences": {"reflection_pace": None},
    }
)
CORRUPT_TEXTS = ["{not json", json.dumps({"schema": 99}), json.dumps({"schema": 2, "rotation": []})]


def increment(profile: Profile) -> Profile:
    return replace(profile, streak=Streak(profile.streak.count + 1, profile.streak.day))


def increment_many(store: Store, key: str, count: int) -> None:
    for _ in range(count):
        store.update(key, increment)


def run_threads(store: Store, threads: int, each: int) -> float:
    """``threads`` threads each increment KEY ``each`` times; returns the elapsed seconds."""
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work() -> None:
        try:
            start.wait()
            increment_many(store, KEY, each)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            store.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    return time.perf_counter() - began


class StoreContract:
    def test_a_missing_profile_loads_as_a_fresh_one(self, store):
        assert store.load(KEY) == Profile()

    def test_update_round_trip_and_keys_are_separate(self, store):
        stored = store.update(KEY, increment)
        assert stored.streak.count == 1
        assert store.load(KEY) == stored
        assert store.load(OTHER_KEY) == Profile()

    def test_an_unchanged_profile_is_not_written(self, store):
        assert store.update(KEY, lambda profile: profile) == Profile()
        assert store._read(KEY) is None

    def test_delete(self, store):
        store.update(KEY, increment)
        store.update(OTHER_KEY, increment)
        store.delete(KEY)
        store.delete(KEY)
        assert store.load(KEY) == Profile()
        assert store.load(OTHER_KEY).streak.count == 1

    def test_an_old_record_migrates_on_read_and_is_rewritten_at_the_new_schema(self, store):
        assert store._write(KEY, None, V1_TEXT)
        loaded = store.load(KEY)
        assert loaded.rotation.order == ("be_patient", "give_space")
        assert loaded.rotation.day == "2026-11-24"
        assert loaded.bookmark is None
        store.update(KEY, increment)
        assert json.loads(store._read(KEY).data)["schema"] == Profile.schema

    @pytest.mark.parametrize("text", CORRUPT_TEXTS, ids=["not-json", "newer-schema", "bad-shape"])
    def test_a_corrupt_record_raises_and_is_never_overwritten(self, store, text):
        assert store._write(KEY, None, text)
        with pytest.raises(CorruptRecord):
            store.load(KEY)
        with pytest.raises(CorruptRecord):
            store.update(KEY, lambda _: Profile())
        assert store._read(KEY).data == text

    def test_a_mutate_that_raises_leaves_the_stored_profile_intact(self, store):
        before = store.update(KEY, increment)

        def broken(profile: Profile) -> Profile:
            raise RuntimeError("mutate failed")

        with pytest.raises(RuntimeError):
            store.update(KEY, broken)
        with pytest.raises(TypeError):
            store.update(KEY, lambda profile: profile.to_json())
        assert store._read(KEY).data == dumps(before)

    @pytest.mark.parametrize("key", ["amzn1.ask.account.AEXAMPLE", "-", "", "ABCDEF0123456789"])
    def test_only_hashed_keys_are_accepted(self, store, key):
        for call in (store.load, store.delete, lambda k: store.update(k, increment)):
            with pytest.raises(ValueError):
                call(key)

    def test_a_stale_compare_and_set_is_refused(self, store):
        store.update(KEY, increment)
        version = store._read(KEY).version
        assert store._write(KEY, version, dumps(Profile()))
        assert not store._write(KEY, version, dumps(Profile()))
        assert not store._write(KEY, None, dumps(Profile()))

    def test_a_record_that_keeps_changing_is_a_store_conflict_within_the_budget(self, store, monkeypatch):
        store.update(KEY, increment)
        monkeypatch.setattr(store, "conflict_budget_s", 0.05)

        def raced(profile: Profile) -> Profile:
            """Another writer gets in between every read and write."""
            assert store._write(KEY, store._read(KEY).version, dumps(increment(profile)))
            return increment(increment(profile))

        began = time.perf_counter()
        with pytest.raises(StoreConflict):
            store.update(KEY, raced)
        assert time.perf_counter() - began < 1
        assert store.load(KEY).streak.count == store._read(KEY).version  # only the other writer's writes landed

    def test_concurrent_threads_lose_no_update(self, store):
        run_threads(store, threads=4, each=50)
        assert store.load(KEY).streak.count == 200

    def test_ping(self, store):
        store.ping()

    def test_the_ask_sdk_adapter(self, store):
        adapter = StoreAdapter(store, key_for=lambda envelope: envelope.key)
        envelope = SimpleNamespace(key=KEY)
        attributes = adapter.get_attributes(request_envelope=envelope)
        assert attributes == Profile().to_json()
        attributes["streak"] = {"count": 3, "day": "2026-11-25"}
        adapter.save_attributes(request_envelope=envelope, attributes=attributes)
        assert store.load(KEY).streak == Streak(3, "2026-11-25")
        with pytest.raises(ValueError):
            adapter.save_attributes(request_envelope=envelope, attributes={**attributes, "said": "pushed away"})
        adapter.delete_attributes(request_envelope=envelope)
        assert store.load(KEY) == Profile()
