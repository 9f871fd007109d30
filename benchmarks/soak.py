"""Soak: 50,000 mixed requests from 200 simulated people against the real server, then every person's stored
daily-principle rotation checked against the days they asked on.

Run from the project root:  .venv/bin/python benchmarks/soak.py [--requests 50000] [--people 200] [--workers 4]
(or `make soak`)

The server is `secure-base serve --dev --workers N` (the production server and gunicorn options; development mode
skips only signature and timestamp checks and binds loopback, so requests can carry any day's timestamp) with
a temporary SQLite store shared by its workers. Client processes (each with threads, one person per thread at
a time) play whole sessions: advice, one-shot situations, reflections, and today's principle (DailyPrincipleIntent)
after a launch or as a one-shot. Each person's sessions move forward through the days (request.timestamp), now
and then skipping days; some one-shot daily requests are sent twice at once, as a retry would be, so two
workers race on the same record.

Afterwards each person's stored profile (SqliteStore.load with the hashed key) must match their requests
exactly: the rotation's day is the last day asked, its position counts the days asked in the current cycle,
its order starts with the principles they heard this cycle; every day's answer repeats on that day, no
principle repeats within a cycle; the streak counts the consecutive days ending on the last; and visits count
the sessions opened. Pass criteria: no 5xx, no failed request, no lost update, no worker restarted, and worker
memory flat (growth of each worker's heap, RssAnon, under 2 MB between 10,000 requests and the end; the growth
from 30,000 to the end is shown too; RSS also counts shared-library pages a worker touches for the first time).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import BIN, Figure, Memory, Served, free_port, memory_mb, percentile, report  # noqa: E402
from benchmarks.traffic import SESSIONS as MIXED_SESSIONS  # noqa: E402
from benchmarks.traffic import SimulatedUser  # noqa: E402
from skill.alexa import load_checked_library  # noqa: E402
from skill.alexa.envelopes import Device  # noqa: E402
from skill.alexa.privacy import hash_user_id  # noqa: E402
from skill.dialogue import DialogueState  # noqa: E402
from skill.settings import Settings  # noqa: E402
from skill.store import SQLITE_FILE_NAME  # noqa: E402
from skill.store.sqlite import SqliteStore  # noqa: E402

DAILY = "DailyPrincipleIntent"
# The mixed sessions without their daily ones, then daily sessions, the one-shot twice as likely.
SESSIONS = (*(s for s in MIXED_SESSIONS if DAILY not in s), ("LaunchRequest", DAILY), (DAILY,), (DAILY,))
FIRST_DAY = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
CHECKPOINTS = (10_000, 30_000)
GROWTH_GOAL_MB = 2.0

sent = None  # the requests sent by every client process: a multiprocessing.Value, set by _share


@dataclass(frozen=True)
class Session:
    """One session of one person: its day (counted from FIRST_DAY), its turns, and whether it is sent twice."""

    day: int
    plan: tuple[str, ...]
    twice: bool = False


@dataclass
class Outcome:
    """What one person saw."""

    statuses: Counter = field(default_factory=Counter)
    transport_errors: int = 0
    sessions: int = 0
    daily: list[tuple[int, str | None]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


def sessions_for(person: int, budget: int) -> list[Session]:
    """About ``budget`` requests of sessions, moving forward through the days."""
    rng = random.Random(person)
    day, sessions, count = 0, [], 0
    while count < budget:
        roll = rng.random()
        day += 1 if roll < 0.3 else rng.randint(2, 4) if roll < 0.34 else 0
        plan = rng.choice(SESSIONS)
        session = Session(day, plan, twice=plan == (DAILY,) and rng.random() < 0.3)
        sessions.append(session)
        count += len(plan) + session.twice
    return sessions


def _device(person: int) -> Device:
    return Device(user_id=f"amzn1.ask.account.SOAK{person:06d}", device_id=f"amzn1.ask.device.SOAK{person:06d}")


def _post(port: int, body: bytes) -> tuple[int | None, dict[str, Any], float]:
    """POST one body; the status (None if the connection failed), the answer and the seconds it took."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/alexa", body, {"Content-Type": "application/json"})
        reply = connection.getresponse()
        status, data = reply.status, reply.read()
    except OSError:
        return None, {}, time.perf_counter() - started
    finally:
        connection.close()
        with sent.get_lock():  # type: ignore[union-attr]
            sent.value += 1  # type: ignore[union-attr]
    return status, json.loads(data) if status == 200 else {}, time.perf_counter() - started


def play(person: int, sessions: Sequence[Session], port: int, situations: Sequence[str]) -> Outcome:
    """Play one person's sessions in order, over HTTP."""
    outcome, user, rng = Outcome(), SimulatedUser(_device(person)), random.Random(-person)
    for session in sessions:
        moment = FIRST_DAY + timedelta(days=session.day, minutes=rng.randrange(720))
        user.start_session(session.plan)
        while user.plan:
            name, opens = user.plan[0], user.session_id is None
            body = json.dumps(user.next_request(rng, situations, moment)).encode()
            copies = 2 if session.twice else 1
            with ThreadPoolExecutor(copies) as pool:
                replies = list(pool.map(lambda _: _post(port, body), range(copies)))
            for status, answer, elapsed in replies:
                if status is None:
                    outcome.transport_errors += 1
                else:
                    outcome.statuses[status] += 1
                    outcome.latencies.append(elapsed)
                if name == DAILY:
                    outcome.daily.append((session.day, _principle(answer)))
            outcome.sessions += copies if opens else 0
            user.receive(replies[0][1])
    return outcome


def _principle(answer: dict[str, Any]) -> str | None:
    return DialogueState.from_json((answer.get("sessionAttributes") or {}).get("dialogue")).principle


def play_group(group: list[tuple[int, list[Session]]], port: int, situations: list[str],
               threads: int) -> dict[int, Outcome]:
    """One client process: its people, ``threads`` at a time."""
    with ThreadPoolExecutor(threads) as pool:
        outcomes = pool.map(lambda item: play(item[0], item[1], port, situations), group)
        return {person: outcome for (person, _), outcome in zip(group, outcomes)}


def _share(counter: Any) -> None:
    global sent
    sent = counter


def problems_for(outcome: Outcome, stored: Any, cycle: int) -> list[str]:
    """Everything in the stored profile that does not follow from the person's requests."""
    problems = []
    if any(principle is None for _, principle in outcome.daily):
        problems.append("a daily principle request got no principle")
    by_day: dict[int, str | None] = {}
    for day, principle in outcome.daily:
        if by_day.setdefault(day, principle) != principle:
            problems.append(f"day {day} gave {by_day[day]} and then {principle}")
    days = sorted(by_day)
    heard = [by_day[day] for day in days]
    for start in range(0, len(heard), cycle):
        if len(set(heard[start:start + cycle])) != len(heard[start:start + cycle]):
            problems.append(f"a principle repeated within the cycle starting on day {days[start]}")
    if stored.visits != outcome.sessions:
        problems.append(f"visits {stored.visits}, sessions opened {outcome.sessions}")
    if not days:
        return problems
    last = (FIRST_DAY + timedelta(days=days[-1])).date().isoformat()
    position = (len(days) - 1) % cycle + 1
    rotation = stored.rotation
    if (rotation.day, rotation.position) != (last, position):
        problems.append(f"rotation at {rotation.day} #{rotation.position}, expected {last} #{position}")
    elif list(rotation.order[:position]) != heard[len(heard) - position:]:
        problems.append("the stored cycle does not start with the principles heard in it")
    run = 1
    while run < len(days) and days[-run - 1] == days[-run] - 1:
        run += 1
    if (stored.streak.count, stored.streak.day) != (run, last):
        problems.append(f"streak {stored.streak.count} on {stored.streak.day}, expected {run} on {last}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50_000, help="about this many requests (default 50000)")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--clients", type=int, default=4, help="client processes (default 4)")
    parser.add_argument("--threads", type=int, default=6, help="threads per client process (default 6)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()

    settings = Settings.from_env(os.environ)
    content = load_checked_library(settings).locales["en-US"]
    situations = [s.intent_name for s in content.situations]
    plans = {person: sessions_for(person, args.requests // args.people) for person in range(args.people)}
    groups = [[(p, plans[p]) for p in range(c, args.people, args.clients)] for c in range(args.clients)]
    counter = multiprocessing.get_context("fork").Value("i", 0)

    with tempfile.TemporaryDirectory(prefix="soak-") as name:
        folder = Path(name)
        port = free_port()
        command = [str(BIN / "secure-base"), "serve", "--dev", "--port", str(port), "--workers", str(args.workers)]
        log = folder / "server.log"
        with Served(command, port, env={"SECURE_BASE_DATA_DIR": str(folder / "data")}, log=log) as server:
            workers = server.worker_pids()
            started = time.monotonic()
            with ProcessPoolExecutor(args.clients, mp_context=multiprocessing.get_context("fork"),
                                     initializer=_share, initargs=(counter,)) as pool:
                futures = [pool.submit(play_group, group, port, situations, args.threads) for group in groups]
                at = {checkpoint: _wait_for(counter, checkpoint, futures, workers) for checkpoint in CHECKPOINTS}
                outcomes: dict[int, Outcome] = {}
                for future in futures:
                    outcomes.update(future.result(timeout=1800))
            elapsed = time.monotonic() - started
            alive = [pid for pid in workers if pid in server.worker_pids()]
            at_end = {pid: memory_mb(pid) for pid in alive}
        server_log = log.read_text(encoding="utf-8", errors="replace")

        store = SqliteStore(folder / "data" / SQLITE_FILE_NAME)
        lost = {}
        for person, outcome in outcomes.items():
            stored = store.load(hash_user_id(_device(person).user_id, settings.id_salt))
            if found := problems_for(outcome, stored, len(content.principles)):
                lost[person] = found
        store.close()

    statuses = sum((o.statuses for o in outcomes.values()), Counter())
    total = sum(statuses.values())
    transport = sum(o.transport_errors for o in outcomes.values())
    latencies = [t for o in outcomes.values() for t in o.latencies]
    days = [len({day for day, _ in o.daily}) for o in outcomes.values()]
    first, second = CHECKPOINTS
    growth = {pid: at_end[pid].anon - at[first][pid].anon for pid in alive}
    late_growth = {pid: at_end[pid].anon - at[second][pid].anon for pid in alive}
    print(f"{total} requests ({dict(statuses)}), {transport} transport errors, in {elapsed:.0f} s "
          f"({total / elapsed:.0f} req/s; p50 {percentile(latencies, 0.5) * 1e3:.1f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1e3:.1f} ms) with {args.workers} workers, {args.clients} client "
          f"processes x {args.threads} threads")
    print(f"daily principle: {sum(len(o.daily) for o in outcomes.values())} requests, days asked per person "
          f"{min(days)}..{max(days)}; visits checked for {sum(o.sessions for o in outcomes.values())} sessions")
    for label, readings in [*((f"{c} requests", at[c]) for c in CHECKPOINTS), ("the end", at_end)]:
        print(f"worker memory at {label} (RSS, of which anonymous), MB: "
              + ", ".join(f"{m.rss:.1f} ({m.anon:.1f})" for m in readings.values()))
    print(f"server log: {server_log.count('store unavailable')} 'store unavailable', "
          f"{server_log.count('locked')} 'locked', {server_log.count('Traceback')} tracebacks")
    for person, found in list(lost.items())[:5]:
        print(f"person {person}: " + "; ".join(found))
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    failed = sum(n for status, n in statuses.items() if status != 200) + transport
    figures = [
        Figure("soak", "requests", total, None, "", f"~{args.requests}", None),
        Figure("soak", "run time", elapsed, None, "s", "", None),
        Figure("soak", "5xx responses", server_errors, None, "", "0", server_errors == 0),
        Figure("soak", "failed requests (non-200 or transport)", failed, None, "", "0", failed == 0),
        Figure("soak", "people with lost or wrong updates", len(lost), None, "", "0", not lost),
        Figure("soak", "workers lost", len(workers) - len(alive), None, "", "0", len(alive) == len(workers)),
        Figure("soak", f"worst worker heap (RssAnon) growth, {first} requests to end",
               max(growth.values(), default=0), None, "MB", f"< {GROWTH_GOAL_MB:g} MB",
               max(growth.values(), default=0) < GROWTH_GOAL_MB),
        Figure("soak", f"worst worker heap (RssAnon) growth, {second} requests to end",
               max(late_growth.values(), default=0), None, "MB", "", None),
    ]
    report(figures, args.json)
    if not all(f.met is not False for f in figures):
        sys.exit(1)


def _wait_for(counter: Any, target: int, futures: list, workers: list[int]) -> dict[int, Memory]:
    """Wait until ``target`` requests were sent (or the clients finished); then each worker's memory."""
    while counter.value < target and not all(f.done() for f in futures):
        time.sleep(0.05)
    return {pid: memory_mb(pid) for pid in workers}


if __name__ == "__main__":
    main()
