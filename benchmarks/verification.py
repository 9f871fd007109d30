"""What Alexa request verification costs per request once the signing chain is cached.

Run from the project root:  .venv/bin/python benchmarks/verification.py [--requests 2000]

Uses the test CA from tests/pki.py and an in-memory fetcher, so it needs no network. Prints the median and
99th percentile of RequestVerifier.verify over distinct signed LaunchRequest bodies with a warm cache, and
the ratio to one raw RSA-2048 PKCS#1 v1.5 / SHA-256 signature verification measured in the same run.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15  # noqa: E402
from cryptography.hazmat.primitives.hashes import SHA256  # noqa: E402

from skill.alexa import envelopes  # noqa: E402
from skill.web.verification import RequestVerifier  # noqa: E402
from tests.pki import CHAIN_URL, FakeFetch, TestPKI  # noqa: E402


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    count = parser.parse_args().requests

    pki = TestPKI()
    device = envelopes.Device()
    fetch = FakeFetch({CHAIN_URL: pki.chain()})
    verifier = RequestVerifier([device.skill_id], trust_roots=[pki.root.cert], fetch=fetch)
    requests = []
    for n in range(count):
        body = json.dumps(envelopes.envelope(envelopes.launch_request(device, pki.now), device,
                                             session_id=f"session-{n}", new=True)).encode()
        requests.append((pki.headers(body), body))

    started = time.perf_counter()
    verifier.verify(*requests[0], pki.now)  # cold: fetch (in memory) and chain validation
    cold = time.perf_counter() - started

    timings = []
    for headers, body in requests:
        started = time.perf_counter()
        verifier.verify(headers, body, pki.now)
        timings.append(time.perf_counter() - started)
    assert len(fetch.calls) == 1, "the cache should have served every request after the first"

    key = pki.leaf_key.public_key()
    raw = []
    for headers, body in requests:
        signature = base64.b64decode(headers["Signature-256"])
        started = time.perf_counter()
        key.verify(signature, body, PKCS1v15(), SHA256())
        raw.append(time.perf_counter() - started)

    median, p99 = statistics.median(timings), percentile(timings, 0.99)
    raw_median = statistics.median(raw)
    body_bytes = statistics.median(len(body) for _, body in requests)
    print(f"requests: {count}, median body {body_bytes:.0f} bytes, chain fetches: {len(fetch.calls)}")
    print(f"cold first request (chain validation, in-memory fetch): {cold * 1e3:.2f} ms")
    print(f"verify, warm cache: median {median * 1e6:.1f} us, p99 {p99 * 1e6:.1f} us")
    print(f"raw RSA-2048 PKCS1v15/SHA-256 verify: median {raw_median * 1e6:.1f} us, "
          f"p99 {percentile(raw, 0.99) * 1e6:.1f} us")
    print(f"ratio (verify median / raw RSA median): {median / raw_median:.2f}x")


if __name__ == "__main__":
    main()
