"""Memory per worker: peak RSS after 10,000 requests and growth from 10,000 to 50,000, against a minimal skill.

Run from the project root:  .venv/bin/python benchmarks/memory.py [--requests 50000] [--checkpoint 10000]

Each side runs in its own fresh process (the two side by side), which plays one worker: it builds the app and
sends it requests through Flask's test client, in process. Everything the process maps and touches is counted,
so this is an upper bound: a forked gunicorn worker's RSS leaves out shared-library pages until it touches them
itself (benchmarks/soak.py reads real workers). The skill's process runs create_app in development mode with a
temporary SQLite store and answers the realistic mix of benchmarks/traffic.py (300 simulated people); the
baseline's process runs the hello skill (benchmarks/hello.py) behind a Flask route and answers LaunchRequests.
At the checkpoint and at the end each reports VmRSS, VmHWM (peak) and RssAnon (the heap, what a leak grows;
the rest of RSS is file pages such as shared libraries) from /proc, and the count of live Python objects after
a full collection. Goals: peak under 80 MB; no growth (under 1 MB of heap and under 1% more live objects
between the checkpoint and the end).
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Figure, memory_mb, report  # noqa: E402

PEAK_GOAL_MB = 80.0
GROWTH_GOAL_MB = 1.0
OBJECTS_GOAL = 0.01


def skill_worker(folder: Path) -> Callable[[], None]:
    """One request of the realistic mix to the skill's app, per call. Imports here, so the baseline doesn't."""
    from benchmarks.traffic import Traffic
    from skill.settings import Settings
    from skill.web import create_app
    from skill.alexa import load_checked_library

    settings = Settings(dev=True, data_dir=folder)
    library = load_checked_library(settings)
    client = create_app(settings, library=library).test_client()
    traffic = Traffic(library.locales["en-US"], people=300, seed=3)

    def one() -> None:
        user, envelope = traffic.next()
        reply = client.post("/alexa", data=json.dumps(envelope), content_type="application/json")
        assert reply.status_code == 200, reply.status_code
        user.receive(reply.get_json())

    return one


def hello_worker(folder: Path) -> Callable[[], None]:
    """One LaunchRequest to the hello skill behind a Flask route, per call."""
    from benchmarks.hello import hello_app

    client = hello_app().test_client()
    body = json.dumps({
        "version": "1.0",
        "session": {"new": True, "sessionId": "s", "application": {"applicationId": "a"}, "attributes": {},
                    "user": {"userId": "u"}},
        "context": {"System": {"application": {"applicationId": "a"}, "user": {"userId": "u"},
                               "device": {"deviceId": "d", "supportedInterfaces": {}}}},
        "request": {"type": "LaunchRequest", "requestId": "r", "timestamp": "2026-01-01T00:00:00Z",
                    "locale": "en-US"},
    })

    def one() -> None:
        assert client.post("/alexa", data=body, content_type="application/json").status_code == 200

    return one


WORKERS = {"skill": skill_worker, "hello": hello_worker}


def child(kind: str, checkpoint: int, total: int) -> None:
    """Play one worker and print its readings at the checkpoint and at the end, as JSON."""
    readings = {}
    with tempfile.TemporaryDirectory(prefix="memory-") as folder:
        one = WORKERS[kind](Path(folder))
        for done in range(1, total + 1):
            one()
            if done in (checkpoint, total):
                gc.collect()
                memory = memory_mb()
                readings[str(done)] = {"rss": memory.rss, "peak": memory.peak, "anon": memory.anon,
                                       "objects": len(gc.get_objects())}
    print(json.dumps(readings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--checkpoint", type=int, default=10_000)
    parser.add_argument("--child", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.checkpoint, args.requests)
        return

    children = {kind: subprocess.Popen([sys.executable, __file__, "--child", kind, "--requests", str(args.requests),
                                        "--checkpoint", str(args.checkpoint)], stdout=subprocess.PIPE, text=True)
                for kind in WORKERS}  # side by side: they are measured for memory, not speed
    readings = {}
    try:
        for kind, process in children.items():
            output, _ = process.communicate(timeout=900)
            if process.returncode != 0:
                sys.exit(f"memory: the {kind} worker failed with exit code {process.returncode}")
            readings[kind] = json.loads(output)
    finally:
        for process in children.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    at, end = str(args.checkpoint), str(args.requests)
    for kind, reading in readings.items():
        print(f"{kind}: " + "; ".join(
            f"after {n}: RSS {reading[n]['rss']:.1f} MB (heap {reading[n]['anon']:.1f}), peak {reading[n]['peak']:.1f} "
            f"MB, {reading[n]['objects']} objects" for n in (at, end)))
    skill, hello = readings["skill"], readings["hello"]
    growth = {kind: r[end]["anon"] - r[at]["anon"] for kind, r in readings.items()}
    objects = {kind: r[end]["objects"] / r[at]["objects"] - 1 for kind, r in readings.items()}
    figures = [
        Figure("memory", f"peak RSS after {at} requests", skill[at]["peak"], hello[at]["peak"], "MB",
               f"< {PEAK_GOAL_MB:g} MB", skill[at]["peak"] < PEAK_GOAL_MB),
        Figure("memory", f"heap (RssAnon) growth {at} to {end}", growth["skill"], growth["hello"], "MB",
               f"< {GROWTH_GOAL_MB:g} MB", growth["skill"] < GROWTH_GOAL_MB),
        Figure("memory", f"live objects growth {at} to {end}", objects["skill"] * 100, objects["hello"] * 100, "%",
               f"< {OBJECTS_GOAL:.0%}", objects["skill"] < OBJECTS_GOAL),
    ]
    report(figures, args.json)


if __name__ == "__main__":
    main()
