"""Per-turn cost in process: the whole pipeline of one Alexa turn, without HTTP, against a minimal skill.

Run from the project root:  .venv/bin/python benchmarks/turn_cost.py [--turns 6000] [--people 300] [--profile]

Each timed turn does what POST /alexa does once the body is read: verify it in production mode (the test CA from
tests/pki.py, a warm chain cache, a really signed body), parse the JSON, run the skill (ask-sdk dispatch, the
dialogue state machine, SSML rendering, the person's stored progress in a temporary SQLite file) and dump the
answer to JSON. Signing is not timed. The turns come from benchmarks/traffic.py: many simulated people in
whole sessions (launch, situations, IdeaIntent, TellMeMoreIntent, the daily principle, a reflection step).

The baseline is benchmarks/hello.py, an ask-sdk-core skill with one LaunchRequest handler, invoked the same
way (parse, deserialize, invoke, serialize); one baseline turn is timed after each skill turn, so both see the
same machine noise. Prints p50 and p99 of both with their ratios (goal: at most 2x), the median of each stage,
and with --profile the functions where the skill's time goes (cProfile, over separate untimed turns).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Figure, percentile, report  # noqa: E402
from benchmarks.hello import HelloSkill  # noqa: E402
from benchmarks.traffic import Traffic  # noqa: E402
from skill.alexa import build_runner, envelopes, load_checked_library  # noqa: E402
from skill.settings import Settings  # noqa: E402
from skill.store import open_store  # noqa: E402
from skill.web.app import build_verifier  # noqa: E402
from tests.pki import CHAIN_URL, FakeFetch, TestPKI  # noqa: E402

SKILL_ID = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555"
STAGES = ("verify", "parse", "skill", "dump")
GOAL = 2.0
AREAS = (  # (where a function lives, by a fragment of its file or name) -> the area its own time counts to
    ("dateutil", "dateutil (ask-sdk parsing request.timestamp)"),
    ("ask_sdk", "ask-sdk (deserialize, dispatch, serialize)"),
    ("dataclasses.py", "dataclasses and copy (replace, asdict, deepcopy)"),
    ("copy.py", "dataclasses and copy (replace, asdict, deepcopy)"),
    ("/skill/dialogue/", "skill.dialogue (state machine, phrasing)"),
    ("/skill/store/", "skill.store (profile JSON, compare-and-set)"),
    ("sqlite3", "sqlite3 (SQLite calls)"),
    ("/skill/alexa/", "skill.alexa (handlers, progress, runner)"),
    ("/skill/web/", "skill.web (verification)"),
    ("cryptography", "cryptography (RSA verify)"),
    ("verify' of", "cryptography (RSA verify)"),
    ("json", "json"),
)
OTHER = "other Python (the benchmark loop, stdlib called from stdlib)"


class Pipeline:
    """The route's work on one signed body, timed stage by stage."""

    def __init__(self, folder: Path, pki: TestPKI) -> None:
        bundle = folder / "roots.pem"
        bundle.write_bytes(pki.roots_pem)
        settings = Settings(dev=False, skill_ids=(SKILL_ID,), ca_bundle=bundle, data_dir=folder / "data")
        library = load_checked_library(settings)
        self.content = library.locales["en-US"]
        self.store = open_store(settings)  # SQLite in data_dir, configured as in production
        self.verifier = build_verifier(settings, FakeFetch({CHAIN_URL: pki.chain()}))
        self.runner = build_runner(settings, library, store=self.store)
        self.now = pki.now

    def turn(self, headers: dict[str, str], body: bytes, stages: dict[str, list[float]]) -> dict:
        t0 = time.perf_counter()
        self.verifier.verify(headers, body, self.now)
        t1 = time.perf_counter()
        payload = json.loads(body)
        t2 = time.perf_counter()
        response, _ = self.runner.handle(payload)
        t3 = time.perf_counter()
        json.dumps(response).encode()
        t4 = time.perf_counter()
        for name, start, end in zip(STAGES, (t0, t1, t2, t3), (t1, t2, t3, t4)):
            stages[name].append(end - start)
        return response


def where_time_goes(profiler: cProfile.Profile) -> list[tuple[str, float]]:
    """Each area's share of the profiled time, largest first: a function's own time counts to its area
    (:data:`AREAS`); a builtin's or other stdlib function's counts to the areas of its callers."""

    def area_of(function: tuple[str, int, str]) -> str | None:
        where = f"{function[0]}:{function[2]}"
        return next((name for fragment, name in AREAS if fragment in where), None)

    shares: dict[str, float] = {}
    for function, (_, _, own, _, callers) in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        area = area_of(function)
        if area is not None or not callers:
            shares[area or OTHER] = shares.get(area or OTHER, 0.0) + own
            continue
        for caller, (_, _, caller_own, _) in callers.items():
            into = area_of(caller) or OTHER
            shares[into] = shares.get(into, 0.0) + caller_own
    total = sum(shares.values())
    return sorted(((area, own / total) for area, own in shares.items()), key=lambda item: -item[1])


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=6000, help="timed turns (default 6000)")
    parser.add_argument("--people", type=int, default=300, help="simulated people (default 300)")
    parser.add_argument("--warmup", type=int, default=500, help="untimed turns first (default 500)")
    parser.add_argument("--profile", action="store_true", help="also profile the skill's turns with cProfile")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()

    pki = TestPKI()
    with tempfile.TemporaryDirectory(prefix="turn-cost-") as folder:
        pipeline = Pipeline(Path(folder), pki)
        traffic = Traffic(pipeline.content, args.people, seed=1, skill_id=SKILL_ID)
        hello = HelloSkill()
        device = envelopes.Device(skill_id=SKILL_ID)
        hello_body = json.dumps(envelopes.envelope(envelopes.launch_request(device, pki.now), device,
                                                   session_id="hello", new=True)).encode()
        stages: dict[str, list[float]] = {name: [] for name in STAGES}
        ignored: dict[str, list[float]] = {name: [] for name in STAGES}
        skill_times: list[float] = []
        hello_times: list[float] = []

        def play(record: bool, profiler: cProfile.Profile | None = None) -> None:
            user, envelope = traffic.next(pki.now)
            body = json.dumps(envelope).encode()
            headers = pki.headers(body)
            if profiler is not None:
                profiler.enable()
            started = time.perf_counter()
            user.receive(pipeline.turn(headers, body, stages if record else ignored))
            elapsed = time.perf_counter() - started
            if profiler is not None:
                profiler.disable()
            hello_elapsed = timed(lambda: hello.answer(hello_body))
            if record:
                skill_times.append(elapsed)
                hello_times.append(hello_elapsed)

        for _ in range(args.warmup):
            play(record=False)
        for _ in range(args.turns):
            play(record=True)
        if args.profile:
            profiler = cProfile.Profile()
            for _ in range(args.turns // 3):
                play(record=False, profiler=profiler)
        pipeline.store.close()

    print(f"turns: {args.turns} timed after {args.warmup} warm-up, {args.people} simulated people, "
          f"SQLite store, production verification (chain fetches: 1, cached)")
    print("median per stage: " + ", ".join(f"{name} {statistics.median(stages[name]) * 1e6:.0f} us"
                                           for name in STAGES))
    figures = []
    for label, fraction in (("p50", 0.5), ("p99", 0.99)):
        value, baseline = percentile(skill_times, fraction), percentile(hello_times, fraction)
        figures.append(Figure("turn_cost", f"turn {label} (in process)", value * 1e3, baseline * 1e3, "ms",
                              f"<= {GOAL:g}x hello", value <= GOAL * baseline))
    report(figures, args.json)
    if args.profile:
        print("\nwhere the skill's time goes (cProfile over the pipeline, own time by area):")
        for area, share in where_time_goes(profiler):
            print(f"  {share:6.1%}  {area}")
        print("\ntop functions by cumulative time:")
        pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("cumulative").print_stats(20)


if __name__ == "__main__":
    main()
