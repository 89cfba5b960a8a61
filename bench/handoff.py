"""Bench: the one-time link (step 6): encrypt on this machine and post to the sandbox's
PrivateBin endpoint over real HTTP on loopback, as `okta-wizard send` does.

    .venv/bin/python bench/handoff.py [--runs 30]     (env BENCH_RUNS also sets --runs)

Prints, over N runs: the median and p95 wall time of `create_link` (server check GET, PBKDF2,
AES-256-GCM, POST; a fresh HTTP client and event loop each time, like one command run), of
`encrypt_paste` alone (no network), and of the PBKDF2-SHA256 key derivation alone (100,000
iterations, PrivateBin's cost). The difference is what HTTP and the server check cost. Every
link is read back and decrypted once as a check. Exit 1 if a run fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _measure import machine_load

from okta_wizard.handoff.message import HandoffDetails, render_message
from okta_wizard.handoff.privatebin import (
    ITERATIONS,
    _derive_key,
    create_link,
    encrypt_paste,
    read_link,
)
from okta_wizard.sandbox.server import start_sandbox
from okta_wizard.secret import Secret


def _message() -> Secret:
    """A message of the real size: the layout Upflow gets, with a random 40-char secret."""
    return render_message(
        HandoffDetails(
            client_id="0oa1b2c3d4E5f6G7h8i9",
            client_secret=Secret(secrets.token_urlsafe(30)),
            issuer="https://acme.okta.com",
            email_domains=("acme.com",),
            label="Upflow SSO",
            org_url="https://acme.okta.com",
        )
    )


def _timed(fn: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def _report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]
    print(
        f"{name:<44} n={len(samples):<3} median {statistics.median(samples) * 1000:7.2f} ms"
        f"   p95 {p95 * 1000:7.2f} ms   max {ordered[-1] * 1000:7.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "30")))
    args = parser.parse_args()
    runs = max(1, args.runs)
    message = _message()
    sb = start_sandbox()
    try:
        server = sb.secrets_url
        asyncio.run(create_link(server, message, expire="5min"))  # warm imports and the server
        links = []

        def post() -> None:
            links.append(asyncio.run(create_link(server, message, expire="1day")))

        created = _timed(post, runs)
        # Checked outside the timing: every link opens (and burns) with its key.
        for link in links:
            assert asyncio.run(read_link(link.url)) == message
        salt, key = secrets.token_bytes(8), secrets.token_bytes(32)
        kdf = _timed(lambda: _derive_key(key, None, salt, ITERATIONS), runs)
        encrypt = _timed(lambda: encrypt_paste(message, expire="1day"), runs)
    finally:
        sb.stop()
    print(f"one-time link to the sandbox PrivateBin endpoint ({server}), {runs} runs")
    _report("create_link (check GET + encrypt + POST)", created)
    _report("encrypt_paste alone (no network)", encrypt)
    _report(f"PBKDF2-SHA256 alone ({ITERATIONS:,} iterations)", kdf)
    http = statistics.median(created) - statistics.median(encrypt)
    print(f"HTTP and server check (median difference): {http * 1000:.2f} ms")
    print(f"message {len(message.reveal())} bytes; {len(links)} links read back and decrypted")
    print(machine_load())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
