"""Cold start: from a fresh Python process to the first answered request, against a minimal skill.

Run from the project root:  .venv/bin/python benchmarks/cold_start.py [--rounds 7] [--importtime]

Each round starts four fresh processes (benchmarks/cold_child.py), in turn, each answering one LaunchRequest:
  flask        the skill's create_app with its content loaded and checked, answering through Flask's test client
  lambda       skill.lambda_function.handler, as AWS Lambda calls it on a cold start
  hello-flask  the baseline for flask: the hello skill (benchmarks/hello.py) behind a Flask route
  hello        the baseline for lambda: the hello skill called directly
Time runs from just before the process is spawned to the answer. A first untimed round warms the file cache
and writes bytecode caches (the children run without PYTHONDONTWRITEBYTECODE), as an installed package has.
Prints the medians, split into interpreter start and imports, content, building and the first answer, and the
ratios (goal: at most 2x). With --importtime, also which packages the import time goes to (python -X importtime).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Figure, report  # noqa: E402
from skill.alexa import envelopes  # noqa: E402

HERE = Path(__file__).resolve().parent
TARGETS = ("flask", "lambda", "hello-flask", "hello")
BASELINE = {"flask": "hello-flask", "lambda": "hello"}
PHASES = ("imported", "content", "built", "answered")
GOAL = 2.0


def cold_start(target: str, body: bytes, env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawning a fresh process to each stamp it reports."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(HERE / "cold_child.py"), target], input=body, env=env,
                            capture_output=True, timeout=120, check=True)
    return {phase: stamp - started for phase, stamp in json.loads(result.stdout).items()}


def import_time_by_package(module: str, count: int) -> list[tuple[float, str]]:
    """Import time (ms, the modules' own time summed per top-level package) of importing ``module``, slowest
    ``count`` packages first."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True,
                            text=True, timeout=120, check=True, cwd=HERE.parent)
    by_package: Counter[str] = Counter()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:
            own, _, name = line[len("import time:"):].split("|")
            by_package[name.strip().split(".")[0]] += int(own)
    return [(micros / 1e3, name) for name, micros in by_package.most_common(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--importtime", action="store_true", help="also list the skill's slowest imports")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()

    device = envelopes.Device()
    body = json.dumps(envelopes.envelope(envelopes.launch_request(device), device, session_id="cold", new=True))
    runs: dict[str, list[dict[str, float]]] = {target: [] for target in TARGETS}
    with tempfile.TemporaryDirectory(prefix="cold-start-") as folder:
        env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
        env["SECURE_BASE_DATA_DIR"] = folder
        for target in TARGETS:
            cold_start(target, body.encode(), env)
        for _ in range(args.rounds):
            for target in TARGETS:
                runs[target].append(cold_start(target, body.encode(), env))

    print(f"medians of {args.rounds} rounds, ms from spawn (cumulative):")
    for target in TARGETS:
        phases = [phase for phase in PHASES if phase in runs[target][0]]
        print(f"  {target:12s} " + ", ".join(
            f"{phase} {statistics.median(run[phase] for run in runs[target]) * 1e3:.0f}" for phase in phases))
    figures = []
    for target, baseline in BASELINE.items():
        value = statistics.median(run["answered"] for run in runs[target]) * 1e3
        base = statistics.median(run["answered"] for run in runs[baseline]) * 1e3
        figures.append(Figure("cold_start", f"{target}: first answer", value, base, "ms", f"<= {GOAL:g}x {baseline}",
                              value <= GOAL * base))
    report(figures, args.json)
    if args.importtime:
        for module in ("skill.web.app", "skill.lambda_function", "benchmarks.hello"):
            timings = import_time_by_package(module, 10)
            print(f"\nimporting {module}: slowest packages (python -X importtime, own time summed per package):")
            print("  " + ", ".join(f"{name} {millis:.1f} ms" for millis, name in timings))


if __name__ == "__main__":
    main()
