"""Bench: group search in a 50,000-group sandbox org, over real HTTP (httpx) on loopback.

    .venv/bin/python bench/sandbox_groups.py [--groups 50000] [--requests 200]

Prints the org build time, mean and p95 per request for `q=<prefix>` (the group picker) and
`search=profile.name sw "<prefix>"`, the calls per route, and the process RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from okta_wizard.sandbox.server import start_sandbox

PREFIXES = ("F", "Fi", "Fin", "Sales", "Sales 0", "Eng", "Data 1", "Ops 000", "s", "Mark")


def _time(client: httpx.Client, params: dict[str, str | int]) -> float:
    started = time.perf_counter()
    resp = client.get("/api/v1/groups", params=params)
    elapsed = time.perf_counter() - started
    assert resp.status_code == 200, resp.text
    return elapsed


def _report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"{name:<50} n={len(samples):<4} mean {statistics.mean(samples) * 1000:6.2f} ms"
        f"   p95 {p95 * 1000:6.2f} ms   max {ordered[-1] * 1000:6.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    sb = start_sandbox(groups=args.groups, enforce_rate_limits=False)
    built = time.perf_counter() - started
    print(f"sandbox with {len(sb.org.groups):,} groups ready in {built:.2f} s")
    rng = random.Random(1)
    headers = {"Authorization": f"SSWS {sb.token}"}
    try:
        with httpx.Client(base_url=sb.base_url, headers=headers, timeout=10) as client:
            for _ in range(10):  # warm the connection
                _time(client, {"q": "Fin", "limit": 20})
            sb.calls.clear()
            q = [_time(client, {"q": rng.choice(PREFIXES), "limit": 20})
                 for _ in range(args.requests)]  # fmt: skip
            q300 = [_time(client, {"q": rng.choice(PREFIXES)}) for _ in range(args.requests)]
            sw = [
                _time(client, {"search": f'profile.name sw "{rng.choice(PREFIXES)}"', "limit": 200})
                for _ in range(args.requests)
            ]
        _report("GET /api/v1/groups?q=<prefix>&limit=20", q)
        _report("GET /api/v1/groups?q=<prefix> (cap 300)", q300)
        _report('GET /api/v1/groups?search=profile.name sw "<p>"', sw)
        per_route = Counter(c.key for c in sb.calls)
        print("calls per route:", dict(per_route))
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"max RSS (sandbox + client, one process): {rss_mb:.0f} MB")
    finally:
        sb.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
