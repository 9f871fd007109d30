"""HTTP load: the real server under wrk at 1, 8 and 32 connections, against a bare Flask endpoint.

Run from the project root:  .venv/bin/python benchmarks/http_load.py [--seconds 2] [--rounds 3] [--workers 2]
(needs wrk on the PATH; `make bench` installs it with apt-get)

The skill runs exactly as `secure-base serve --dev` runs it: the same command, gunicorn options
(skill.web.server.gunicorn_options) and worker count (default Settings().workers), a temporary SQLite store,
request logging on at INFO into a file. Development mode changes only verification (no signature or timestamp
checks) and the bind address (loopback), so it is what can be driven without Alexa's signing key;
benchmarks/turn_cost.py measures verification. The baseline is benchmarks/bare_server.py: a Flask endpoint that
parses the JSON and answers a fixed envelope, under the same gunicorn options, started in the same run; the
hello skill (benchmarks/hello.py) behind the same Flask and gunicorn is shown too, as the floor for any
ask-sdk skill.

wrk (a separate process) replays envelopes recorded from simulated conversations (benchmarks/traffic.py), so
each carries real session attributes (the hello skill gets only the LaunchRequests among them). At each
concurrency level every server gets a warm-up, then timed rounds that rotate among the servers, so all see the
same machine noise; latency histograms are merged over the rounds.
Goals: requests/s at least 0.6x the bare endpoint's, p99 at most 2x its p99.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import BIN, Figure, Served, free_port, report  # noqa: E402
from benchmarks.traffic import Traffic  # noqa: E402
from skill.settings import Settings  # noqa: E402
from skill.web import create_app  # noqa: E402
from skill.alexa import load_checked_library  # noqa: E402

HERE = Path(__file__).resolve().parent
LEVELS = (1, 8, 32)
THROUGHPUT_GOAL = 0.6
P99_GOAL = 2.0


def record_bodies(folder: Path, count: int) -> tuple[Path, Path]:
    """Envelopes from simulated conversations with an in-process app, one JSON body per line; and a second
    file with only the LaunchRequests among them, for the hello skill, which answers nothing else."""
    settings = Settings(dev=True, data_dir=folder / "recording")
    library = load_checked_library(settings)
    client = create_app(settings, library=library).test_client()
    traffic = Traffic(library.locales["en-US"], people=300, seed=2)
    bodies = traffic.bodies(count, lambda body: client.post("/alexa", data=body,
                                                            content_type="application/json").get_json())
    every, launches = folder / "bodies.jsonl", folder / "launches.jsonl"
    every.write_bytes(b"\n".join(bodies) + b"\n")
    launches.write_bytes(b"\n".join(b for b in bodies if b'"type":"LaunchRequest"' in b) + b"\n")
    return every, launches


@dataclass
class Load:
    """What wrk measured against one server at one level, summed over rounds."""

    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    latency_us: Counter = field(default_factory=Counter)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile_ms(self, fraction: float) -> float:
        """The latency at ``fraction`` of all requests, from the merged histogram (nearest rank)."""
        rank, seen = fraction * sum(self.latency_us.values()), 0
        for value in sorted(self.latency_us):
            seen += self.latency_us[value]
            if seen >= rank:
                return value / 1e3
        raise ValueError("no requests measured")


def wrk(url: str, bodies: Path, connections: int, seconds: int, into: Load | None = None) -> None:
    """One wrk run, added to ``into`` (a warm-up passes None)."""
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(HERE / "wrk_envelopes.lua"), url + "/alexa", "--", str(bodies)]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    if into is None:
        return
    run = json.loads(next(line for line in output.splitlines() if line.startswith("WRK "))[4:])
    into.requests += run["requests"]
    into.seconds += run["duration_us"] / 1e6
    into.errors += run["non_2xx"] + run["socket_errors"]
    into.latency_us.update({value: count for value, count in run["latency_us"]})


def figures_for(connections: int, loads: dict[str, Load]) -> list[Figure]:
    skill, bare, hello = loads["skill"], loads["bare"], loads["hello"]
    level = f"c={connections}"
    figures = [
        Figure("http_load", f"{level} requests/s", skill.rps, bare.rps, "req/s", f">= {THROUGHPUT_GOAL:g}x bare",
               skill.rps >= THROUGHPUT_GOAL * bare.rps),
        Figure("http_load", f"{level} p50", skill.percentile_ms(0.5), bare.percentile_ms(0.5), "ms", "", None),
        Figure("http_load", f"{level} p99", skill.percentile_ms(0.99), bare.percentile_ms(0.99), "ms",
               f"<= {P99_GOAL:g}x bare", skill.percentile_ms(0.99) <= P99_GOAL * bare.percentile_ms(0.99)),
        Figure("http_load", f"{level} requests/s vs hello skill", skill.rps, hello.rps, "req/s", "", None),
    ]
    if skill.errors:
        figures.append(Figure("http_load", f"{level} errors (non-2xx, socket)", skill.errors, bare.errors, "",
                              "0", False))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=2, help="length of each timed round (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per level and server (default 3)")
    parser.add_argument("--workers", type=int, default=Settings().workers, help="gunicorn workers (default: serve's)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("http_load: wrk is not installed (make bench installs it: apt-get install -y wrk)")

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="http-load-") as name:
        folder = Path(name)
        every, launches = record_bodies(folder, 2000)
        bodies = {"bare": every, "hello": launches, "skill": every}
        ports = {label: free_port() for label in ("bare", "hello", "skill")}
        baseline = [sys.executable, str(HERE / "bare_server.py"), "--workers", str(args.workers), "--port"]
        commands = {
            "bare": [*baseline, str(ports["bare"])],
            "hello": [*baseline, str(ports["hello"]), "--hello"],
            "skill": [str(BIN / "secure-base"), "serve", "--dev", "--workers", str(args.workers),
                      "--port", str(ports["skill"])],
        }
        with contextlib.ExitStack() as stack:
            servers = {label: stack.enter_context(Served(command, ports[label], log=folder / f"{label}.log",
                                                         env={"SECURE_BASE_DATA_DIR": str(folder / "data")}))
                       for label, command in commands.items()}
            print(f"servers: {args.workers} sync gunicorn workers each; skill = `secure-base serve --dev` (SQLite, "
                  f"request log at INFO); baselines = a bare Flask JSON endpoint and the hello skill behind Flask; "
                  f"per level {args.rounds} interleaved rounds of {args.seconds} s on each, after a 1 s warm-up")
            for connections in LEVELS:
                loads = {label: Load() for label in servers}
                for label, server in servers.items():
                    wrk(server.url, bodies[label], connections, 1)
                for _ in range(args.rounds):
                    for label, server in servers.items():
                        wrk(server.url, bodies[label], connections, args.seconds, loads[label])
                print(f"c={connections}: " + "; ".join(f"{label} {load.requests} requests, {load.errors} errors"
                                                       for label, load in loads.items()))
                figures += figures_for(connections, loads)
    report(figures, args.json)


if __name__ == "__main__":
    main()
