"""What the benchmarks share: percentiles, result figures, memory readings and a served process.

Standard library only, so a fresh process that imports it (cold_start.py's children) pays nothing for it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The sample at ``fraction`` (0..1) of the sorted samples (nearest rank, as verification.py does)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass(frozen=True)
class Figure:
    """One measured figure, its baseline from the same run, and the goal it is judged against.

    ``ratio`` is value / baseline, when both are positive (a growth can be negative). ``met`` is None for a
    figure that has no goal of its own.
    """

    benchmark: str
    name: str
    value: float
    baseline: float | None
    unit: str
    goal: str
    met: bool | None

    @property
    def ratio(self) -> float | None:
        return None if self.baseline is None or self.baseline <= 0 or self.value < 0 else self.value / self.baseline

    def row(self) -> str:
        """A Markdown table row: benchmark | figure | value | baseline | ratio | goal | verdict."""
        baseline = "-" if self.baseline is None else _number(self.baseline, self.unit)
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}x"
        verdict = {True: "met", False: "MISSED", None: "-"}[self.met]
        return (f"| {self.benchmark} | {self.name} | {_number(self.value, self.unit)} | {baseline} | {ratio} "
                f"| {self.goal or '-'} | {verdict} |")


def _number(value: float, unit: str) -> str:
    text = f"{value:.0f}" if value == int(value) or abs(value) >= 1000 else f"{value:.3g}"
    return f"{text} {unit}".strip()


TABLE_HEADER = ("| benchmark | figure | value | baseline (same run) | ratio | goal | verdict |\n"
                "|---|---|---|---|---|---|---|")


def report(figures: Sequence[Figure], json_path: Path | None) -> None:
    """Print the figures as a table, and write them as JSON to ``json_path`` when given (for bench.py)."""
    print(TABLE_HEADER)
    for figure in figures:
        print(figure.row())
    if json_path is not None:
        json_path.write_text(json.dumps([asdict(f) for f in figures], indent=1), encoding="utf-8")


@dataclass(frozen=True)
class Memory:
    """A process's memory in MB (Linux /proc): resident now, its peak, and the anonymous part of resident
    (the heap: what a leak grows; the rest is file pages such as shared libraries)."""

    rss: float
    peak: float
    anon: float


def memory_mb(pid: int | str = "self") -> Memory:
    """VmRSS, VmHWM and RssAnon of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = int(value.split()[0]) / 1024 if value.strip().endswith("kB") else 0.0
    return Memory(fields["VmRSS"], fields["VmHWM"], fields["RssAnon"])


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """A server started as a subprocess, ready once ``GET /healthz`` answers; stopped on exit, always."""

    def __init__(self, command: Sequence[str], port: int, *, env: dict[str, str] | None = None,
                 log: Path | None = None, ready_timeout: float = 60.0) -> None:
        self.command = list(command)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._env = {**os.environ, **(env or {})}
        self._log = log
        self._ready_timeout = ready_timeout
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Served:
        self._output = open(self._log, "ab") if self._log else subprocess.DEVNULL  # noqa: SIM115 - closed on exit
        self.process = subprocess.Popen(self.command, env=self._env, cwd=ROOT, stdout=self._output,
                                        stderr=self._output)
        deadline = time.monotonic() + self._ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.__exit__(None, None, None)
                raise RuntimeError(f"{self.command[0]} exited with {self.process.returncode} before answering")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as reply:
                    if reply.status == 200 and len(self.worker_pids()) == self.expected_workers():
                        return self
            except OSError:
                pass
            time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError(f"{self.command[0]} did not answer /healthz within {self._ready_timeout:.0f} s")

    def expected_workers(self) -> int:
        """The worker count given on the command line (``--workers N``), or `secure-base serve`'s default of 2."""
        return int(self.command[self.command.index("--workers") + 1]) if "--workers" in self.command else 2

    def worker_pids(self) -> list[int]:
        """The gunicorn master's children: its workers."""
        assert self.process is not None
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except FileNotFoundError:
            return []

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self._output is not subprocess.DEVNULL:
            self._output.close()
