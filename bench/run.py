"""Run every bench script (bench/*.py, except this driver and helpers starting with "_") in
turn, in a fresh interpreter each, and print their figures. `make bench` calls this under the
keyring session. Exit status: 1 if any bench failed or missed its goal.

Run: .venv/bin/python bench/run.py [NAME ...]   (names without .py select a subset)

Benches: apply_calls, gateway_first_call, handoff (one-time link: encrypt + post to the
sandbox PrivateBin endpoint, PBKDF2 cost), help_start, rate_limit_buckets (calls per Okta
rate-limit bucket per command; apply + verify + credentials + rerun against a developer org's
limits), sandbox_groups, service_app_signin (private key JWT RS256/ES256/DPoP: token + first
call), test_sign_in (redirect to verdict of a test sign-in, and its Okta calls), tui_start. A new
bench/<name>.py is picked up by the glob below.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT_S = 600


def bench_scripts(selected: list[str]) -> list[Path]:
    scripts = sorted(
        p for p in HERE.glob("*.py") if p.name != Path(__file__).name and not p.stem.startswith("_")
    )
    if selected:
        scripts = [p for p in scripts if p.stem in selected]
    return scripts


def main(argv: list[str]) -> int:
    scripts = bench_scripts(argv)
    if not scripts:
        print(f"no bench scripts matched {argv}", file=sys.stderr)
        return 2
    failures: list[str] = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        start = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, str(script)], cwd=HERE.parent, timeout=TIMEOUT_S, check=False
            )
            code = done.returncode
        except subprocess.TimeoutExpired:
            code = -1
            print(f"   timed out after {TIMEOUT_S} s")
        print(f"   ({script.name}: exit {code}, {time.perf_counter() - start:.1f} s)\n", flush=True)
        if code != 0:
            failures.append(script.name)
    print(f"{len(scripts) - len(failures)}/{len(scripts)} benches ok", end="")
    print(f"; failed or missed their goal: {', '.join(failures)}" if failures else "")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
