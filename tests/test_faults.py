"""Faults the skill must ride out: the store unreachable, slow, locked or failing mid-write; Alexa's certificate
fetch timing out; broken content at start-up; a worker killed in the middle of a request.

Each test says what the person hears (an answer, never an error) and what is left behind (stored data intact).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.alexa import envelopes
from skill.alexa.envelopes import Device
from skill.alexa.privacy import hash_user_id
from skill.content.ssml import speech_problems
from skill.settings import PROJECT_ROOT, Settings
from skill.store import Profile, StoreError
from skill.store.base import Record, Store
from skill.store.sqlite import SqliteStore
from skill.web import create_app
from skill.web.certificates import https_fetcher
from tests.alexa_client import AlexaClient, Reply
from tests.pki import CHAIN_URL, TestPKI

DAY = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
DAILY = "DailyPrincipleIntent"


class FaultyStore(Store):
    """A real SQLite store whose primitives fail on demand. ``faults`` maps a primitive ("read", "write",
    "delete", "ping") to how it fails: "before" (nothing happens, as when the connection drops), "after" (it
    happens but the reply is lost) or "slow" (it waits ``delay`` seconds, then fails, as a timeout does)."""

    def __init__(self, path: Path, delay: float = 0.0) -> None:
        super().__init__()
        self.real = SqliteStore(path)
        self.delay = delay
        self.faults: dict[str, str] = {}
        self.failed_calls = 0

    def _call(self, primitive: str, operation: Callable[[], Any]) -> Any:
        mode = self.faults.get(primitive)
        if mode is None:
            return operation()
        self.failed_calls += 1
        if mode == "slow":
            time.sleep(self.delay)
        elif mode == "after":
            operation()
        raise StoreError(f"{primitive} failed ({mode})")

    def ping(self) -> None:
        self._call("ping", self.real.ping)

    def close(self) -> None:
        self.real.close()

    def _read(self, key: str) -> Record | None:
        return self._call("read", lambda: self.real._read(key))

    def _write(self, key: str, expected_version: int | None, data: str) -> bool:
        return self._call("write", lambda: self.real._write(key, expected_version, data))

    def _delete(self, key: str) -> None:
        self._call("delete", lambda: self.real._delete(key))


def assert_spoken(reply: Reply) -> None:
    """A 200 with valid, non-empty speech."""
    assert reply.status == 200, reply.body
    assert reply.text, reply.body
    assert speech_problems(reply.ssml) == []


def key_of(alexa: AlexaClient, settings: Settings) -> str:
    return hash_user_id(alexa.device.user_id, settings.id_salt)


@pytest.fixture
def faulty(tmp_path) -> FaultyStore:
    return FaultyStore(tmp_path / "store" / "profiles.sqlite3", delay=0.2)


@pytest.fixture
def faulty_alexa(settings, library, faulty) -> AlexaClient:
    return AlexaClient(create_app(settings, library=library, store=faulty).test_client(), moment=DAY)


def daily_on(alexa: AlexaClient, day: int) -> Reply:
    """A one-shot "what's today's principle" on ``day`` days after DAY."""
    alexa.moment = DAY + timedelta(days=day)
    alexa.session_id, alexa.attributes = None, {}
    return alexa.intent(DAILY)


def test_a_store_failing_every_call_still_answers_everything_and_changes_nothing(faulty_alexa, faulty,
                                                                                  settings) -> None:
    assert_spoken(daily_on(faulty_alexa, 0))
    key = key_of(faulty_alexa, settings)
    before = faulty.real.load(key)
    assert before.visits == 1 and before.rotation.position == 1

    faulty.faults = dict.fromkeys(("read", "write", "delete", "ping"), "before")
    assert_spoken(daily_on(faulty_alexa, 1))
    assert_spoken(faulty_alexa.launch())
    for intent in ("StartReflectionIntent", "AMAZON.NextIntent", "AMAZON.StopIntent"):
        assert_spoken(faulty_alexa.intent(intent))
    assert_spoken(faulty_alexa.launch())
    assert_spoken(faulty_alexa.intent("DeleteDataIntent"))
    assert_spoken(faulty_alexa.intent("AMAZON.YesIntent"))
    assert faulty_alexa.client.get("/readyz").status_code == 503

    faulty.faults = {}
    assert faulty.real.load(key) == before


def test_a_write_that_fails_before_it_lands_leaves_the_record_as_it_was(faulty_alexa, faulty, settings) -> None:
    assert_spoken(daily_on(faulty_alexa, 0))
    key = key_of(faulty_alexa, settings)
    before = faulty.real.load(key)
    faulty.faults = {"write": "before"}
    assert_spoken(daily_on(faulty_alexa, 1))
    assert faulty.real.load(key) == before


def test_a_write_whose_reply_is_lost_leaves_a_whole_record_that_advanced_once(faulty_alexa, faulty,
                                                                              settings) -> None:
    assert_spoken(daily_on(faulty_alexa, 0))
    key = key_of(faulty_alexa, settings)
    assert_spoken(faulty_alexa.launch())  # the visit is counted while the store is healthy
    faulty_alexa.moment = DAY + timedelta(days=1)
    faulty.faults = {"write": "after"}
    assert_spoken(faulty_alexa.intent(DAILY))  # the rotation write lands, but the skill hears it failed
    faulty.faults = {}
    stored = faulty.real.load(key)  # whole and readable: not a CorruptRecord, not reset to defaults
    assert (stored.rotation.position, stored.rotation.day) == (2, "2026-03-03")
    assert (stored.streak.count, stored.visits) == (2, 2)

    again = daily_on(faulty_alexa, 1)  # the same day again: the stored principle, no second advance
    assert again.state.principle == stored.rotation.order[1]
    assert faulty.real.load(key).rotation.position == 2
    assert_spoken(daily_on(faulty_alexa, 2))
    assert faulty.real.load(key).rotation.position == 3


def test_a_slow_store_is_waited_for_once_per_request(faulty_alexa, faulty) -> None:
    """A store that times out costs one timeout per request, not one per store call the request makes."""
    faulty.faults = dict.fromkeys(("read", "write"), "slow")
    assert_spoken(daily_on(faulty_alexa, 0))  # a visit and today's principle: two updates if the store answered
    assert faulty.failed_calls == 1
    assert_spoken(faulty_alexa.launch())
    assert faulty.failed_calls == 2


def test_a_locked_sqlite_file_is_waited_out_then_answered_around(settings, library, tmp_path) -> None:
    """A writer holding the SQLite lock past busy_timeout: the person hears an answer, the record is untouched."""
    path = tmp_path / "locked.sqlite3"
    store = SqliteStore(path, busy_timeout_ms=100, lock_attempts=2)
    alexa = AlexaClient(create_app(settings, library=library, store=store).test_client(), moment=DAY)
    assert_spoken(daily_on(alexa, 0))
    before = store.load(key_of(alexa, settings))
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        assert_spoken(daily_on(alexa, 1))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.load(key_of(alexa, settings)) == before


def test_an_unreachable_store_path_still_answers_and_reports_not_ready(settings, library, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    store = SqliteStore(blocker / "profiles.sqlite3")
    client = create_app(settings, library=library, store=store).test_client()
    alexa = AlexaClient(client, moment=DAY)
    assert_spoken(daily_on(alexa, 0))
    assert_spoken(alexa.launch())
    assert_spoken(alexa.intent("SituationPushedAwayIntent"))
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word (a TLS handshake there times out)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_a_certificate_fetch_that_times_out_is_a_400_and_the_next_request_is_served(library, tmp_path,
                                                                                     silent_port) -> None:
    pki = TestPKI()
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(pki.roots_pem)
    settings = Settings(dev=False, skill_ids=(envelopes.DEFAULT_SKILL_ID,), ca_bundle=bundle,
                        data_dir=tmp_path / "data", cert_fetch_timeout=0.2)
    real_fetch = https_fetcher(timeout=settings.cert_fetch_timeout)
    calls: list[str] = []

    def fetch(url: str) -> bytes:
        """The real HTTPS fetcher, pointed the first time at a server that never answers."""
        calls.append(url)
        if len(calls) == 1:
            return real_fetch(f"https://127.0.0.1:{silent_port}/echo.api/echo-api-cert-12.pem")
        return pki.chain()

    client = create_app(settings, library=library, fetch=fetch).test_client()

    def signed_launch() -> Any:
        device = Device()
        body = json.dumps(envelopes.envelope(envelopes.launch_request(device), device, session_id="s",
                                             new=True)).encode()
        return client.post("/alexa", data=body, headers=pki.headers(body), content_type="application/json")

    first = signed_launch()
    assert first.status_code == 400
    assert first.get_json() == {"error": "certificate chain could not be fetched"}
    assert signed_launch().status_code == 200  # the failure was not cached
    assert calls == [CHAIN_URL, CHAIN_URL]


def _wrong_type(folder: Path) -> tuple[str, str]:
    path = folder / "principles.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["principles"][1]["number"] = "two"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return "principles.yaml", "principles[1].number"


def _broken_yaml(folder: Path) -> tuple[str, str]:
    with (folder / "situations.yaml").open("a", encoding="utf-8") as file:
        file.write("\n  - id: [never closed\n")
    return "situations.yaml", "line "


def _not_text(folder: Path) -> tuple[str, str]:
    (folder / "dialog.yaml").write_bytes(b"\xff\xfe\x00garbage")
    return "dialog.yaml", "cannot be read"


@pytest.mark.parametrize("corrupt", [_wrong_type, _broken_yaml, _not_text])
@pytest.mark.parametrize("command", [["validate"], ["serve", "--dev", "--port", "0"]])
def test_corrupt_content_is_a_clear_refusal_to_start(tmp_path, corrupt, command) -> None:
    content = tmp_path / "content"
    subprocess.run(["cp", "-r", str(PROJECT_ROOT / "content"), str(content)], check=True)
    file, where = corrupt(content)
    env = {**os.environ, "SECURE_BASE_CONTENT_DIR": str(content), "SECURE_BASE_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-m", "skill.cli", *command], env=env, cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    problem = next((line for line in result.stderr.splitlines() if line.strip().startswith(file)), "")
    assert where in problem, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "listening" not in result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _sockets(pid: int) -> int:
    return sum(os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:") for fd in os.listdir(f"/proc/{pid}/fd"))


def _wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting until {what}")
        time.sleep(0.02)


@contextmanager
def served(tmp_path: Path, workers: int) -> Iterator[tuple[subprocess.Popen, int]]:
    """`secure-base serve --dev` on a free loopback port, with ``workers`` workers, always stopped afterwards."""
    port = _free_port()
    env = {**os.environ, "SECURE_BASE_DATA_DIR": str(tmp_path / "data"), "SECURE_BASE_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "-m", "skill.cli", "serve", "--dev", "--port", str(port),
                               "--workers", str(workers)], env=env, cwd=PROJECT_ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until(lambda: server.poll() is not None or len(_children(server.pid)) == workers and _healthy(port),
                    30, "the server answers /healthz")
        assert server.poll() is None, "the server exited during start-up"
        yield server, port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
            return reply.status == 200
    except OSError:
        return False


def _closed_without_answer(connection: socket.socket) -> bool:
    try:
        return connection.recv(1024) == b""
    except ConnectionResetError:
        return True


def _launch(port: int) -> int:
    device = Device()
    body = json.dumps(envelopes.envelope(envelopes.launch_request(device), device, session_id="s", new=True))
    request = urllib.request.Request(f"http://127.0.0.1:{port}/alexa", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return reply.status


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds gunicorn's workers through /proc (Linux)")
def test_a_worker_killed_mid_request_leaves_the_others_serving(tmp_path) -> None:
    with served(tmp_path, workers=2) as (server, port):
        workers = _children(server.pid)
        _wait_until(lambda: len({_sockets(pid) for pid in workers}) == 1, 10, "both workers are idle")
        idle = _sockets(workers[0])  # the listening socket(s) every worker inherits
        with socket.create_connection(("127.0.0.1", port), timeout=10) as stalled:
            # Headers and half a body: the worker that takes it is inside the request, reading the rest.
            stalled.sendall(b"POST /alexa HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 1000\r\n\r\n{\"version\": \"1.0\"")

            def busy() -> int | None:
                return next((pid for pid in workers if _sockets(pid) > idle), None)

            _wait_until(lambda: busy() is not None, 10, "a worker holds the half-sent request")
            victim = busy()
            assert victim is not None
            os.kill(victim, signal.SIGKILL)
            assert _closed_without_answer(stalled)  # that request died with its worker

            assert [_launch(port) for _ in range(20)] == [200] * 20
        _wait_until(lambda: victim not in _children(server.pid) and len(_children(server.pid)) == 2, 15,
                    "gunicorn replaces the killed worker")
        assert [_launch(port) for _ in range(10)] == [200] * 10
        assert server.poll() is None
