"""Run every benchmark (what `make bench` does) and write their figures to one table, benchmarks/results.md.

Run from the project root:  .venv/bin/python benchmarks/bench.py [--output benchmarks/results.md]

Each benchmark runs in its own process, with its default settings, and prints as it goes; this script then
prints the combined table and writes it, with the machine, commit and run time, so runs can be compared
(`git diff benchmarks/results.md`). benchmarks/verification.py and benchmarks/soak.py (`make soak`) are not
part of it. The exit status is 0 even when a goal is missed: the table says so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT, TABLE_HEADER, Figure  # noqa: E402

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("turn_cost.py", "http_load.py", "cold_start.py", "memory.py")


def commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "skill", "content"], capture_output=True,
                           text=True, cwd=ROOT).stdout.strip()
    return (result.stdout.strip() or "unknown") + (" with uncommitted changes to skill/ or content/" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    args = parser.parse_args()

    started = time.monotonic()
    figures: list[Figure] = []
    timings = []
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        for script in BENCHMARKS:
            print(f"\n== {script}", flush=True)
            figures_file = Path(folder) / f"{script}.json"
            script_started = time.monotonic()
            subprocess.run([sys.executable, str(HERE / script), "--json", str(figures_file)], check=True, cwd=ROOT)
            timings.append(f"{script} {time.monotonic() - script_started:.0f} s")
            figures += [Figure(**row) for row in json.loads(figures_file.read_text(encoding="utf-8"))]
    elapsed = time.monotonic() - started

    met = sum(1 for f in figures if f.met)
    judged = sum(1 for f in figures if f.met is not None)
    table = "\n".join([TABLE_HEADER, *(f.row() for f in figures)])
    text = (f"# Benchmark results\n\n"
            f"Written by `make bench` (benchmarks/bench.py). Each ratio is to a baseline measured in the same run; "
            f"see docs/performance.md for what each figure means and how to rerun it.\n\n"
            f"- when: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC\n"
            f"- machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}\n"
            f"- commit: {commit()}\n"
            f"- run time: {elapsed:.0f} s ({', '.join(timings)})\n"
            f"- goals met: {met} of {judged}\n\n{table}\n")
    args.output.write_text(text, encoding="utf-8")
    print(f"\n{table}\n\ngoals met: {met} of {judged}; run time {elapsed:.0f} s; written to {args.output}")


if __name__ == "__main__":
    main()
