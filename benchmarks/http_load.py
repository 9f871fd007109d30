"""HTTP load: the real server under wrk at 1, 8 and 32 connections, against a bare Flask endpoint.

Run from the project root:  .venv/bin/python benchmarks/http_load.py [--seconds 2] [--rounds 3] [--workers 2]
(needs wrk on the PATH; `make bench` installs it with apt-get)

The skill runs exactly as `secure-base serve --dev` runs it: the same command, gunicorn options
(skill.web.server.gunicorn_options) and worker count (default Settings().workers), a temporary SQLite store,
request logging on at INFO into a file. Development mode changes only verification (no signature or timestamp
checks) and the bind address (loopback), so it is what can be driven without Alexa's signing key;
benchmarks/turn_cost.py measures verification. The baseline is benchmarks/bare_server.py: a Flask endpoint that
parses the JSON and answers a fixed envelope, under the same gunicorn options, started in the same run.

wrk (a separate process) replays envelopes recorded from simulated conversations (benchmarks/traffic.py), so
each carries real session attributes. At each concurrency level both servers get a warm-up, then timed rounds
that alternate between them, so both see the same machine noise; latency histograms are merged over the rounds.
Goals: requests/s at least 0.6x the bare endpoint's, p99 at most 2x its p99.
"""

from __future__ import annotations

import argparse
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
from skill.web.app import load_checked_library  # noqa: E402

HERE = Path(__file__).resolve().parent
LEVELS = (1, 8, 32)
THROUGHPUT_GOAL = 0.6
P99_GOAL = 2.0


def record_bodies(folder: Path, count: int) -> Path:
    """Envelopes from simulated conversations with an in-process app, one JSON body per line."""
    settings = Settings(dev=True, data_dir=folder / "recording")
    library = load_checked_library(settings)
    client = create_app(settings, library=library).test_client()
    traffic = Traffic(library.locales["en-US"], people=300, seed=2)
    bodies = traffic.bodies(count, lambda body: client.post("/alexa", data=body,
                                                            content_type="application/json").get_json())
    path = folder / "bodies.jsonl"
    path.write_bytes(b"\n".join(bodies) + b"\n")
    return path


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


def figures_for(connections: int, skill: Load, bare: Load) -> list[Figure]:
    level = f"c={connections}"
    figures = [
        Figure("http_load", f"{level} requests/s", skill.rps, bare.rps, "req/s", f">= {THROUGHPUT_GOAL:g}x bare",
               skill.rps >= THROUGHPUT_GOAL * bare.rps),
        Figure("http_load", f"{level} p50", skill.percentile_ms(0.5), bare.percentile_ms(0.5), "ms", "", None),
        Figure("http_load", f"{level} p99", skill.percentile_ms(0.99), bare.percentile_ms(0.99), "ms",
               f"<= {P99_GOAL:g}x bare", skill.percentile_ms(0.99) <= P99_GOAL * bare.percentile_ms(0.99)),
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
        bodies = record_bodies(folder, 2000)
        skill_port, bare_port = free_port(), free_port()
        skill_command = [str(BIN / "secure-base"), "serve", "--dev", "--port", str(skill_port),
                         "--workers", str(args.workers)]
        bare_command = [sys.executable, str(HERE / "bare_server.py"), "--port", str(bare_port),
                        "--workers", str(args.workers)]
        with (Served(skill_command, skill_port, env={"SECURE_BASE_DATA_DIR": str(folder / "data")},
                     log=folder / "skill.log") as skill,
              Served(bare_command, bare_port, log=folder / "bare.log") as bare):
            print(f"servers: {args.workers} sync gunicorn workers each; skill = `secure-base serve --dev` (SQLite, "
                  f"request log at INFO), baseline = bare Flask JSON endpoint; per level {args.rounds} interleaved "
                  f"rounds of {args.seconds} s on each, after a 1 s warm-up")
            for connections in LEVELS:
                loads = {"bare": Load(), "skill": Load()}
                for server in (bare, skill):
                    wrk(server.url, bodies, connections, 1)
                for _ in range(args.rounds):
                    for label, server in (("bare", bare), ("skill", skill)):
                        wrk(server.url, bodies, connections, args.seconds, loads[label])
                print(f"c={connections}: skill {loads['skill'].requests} requests, {loads['skill'].errors} errors; "
                      f"bare {loads['bare'].requests} requests, {loads['bare'].errors} errors")
                figures += figures_for(connections, loads["skill"], loads["bare"])
    report(figures, args.json)


if __name__ == "__main__":
    main()
