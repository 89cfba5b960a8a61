"""Okta calls per rate-limit bucket of each headless command, and what a developer org's apps
bucket (10 calls a minute, shared by every /api/v1/apps* route except exactly
/api/v1/apps/{id}) costs a person running the commands one after another.

Run under a real Secret Service:
    sh scripts/with-keyring.sh .venv/bin/python bench/rate_limit_buckets.py

1. Calls per bucket (sandbox/ratelimits.py) of a fresh `apply --group Finance`, a rerun with
   nothing to do, `verify` and `plan`, against a sandbox with generous limits (counts only).
2. The same for the wizard walked by Textual's Pilot through steps 1 to 5 (group Finance, as
   the apply above), then started again on the same state folder and resumed (nothing to do).
3. Wall time of apply + verify + credentials + rerun in a row against the developer-org preset,
   per command, with the 429 answers the sandbox gave (a command that waits for a reset shows
   it here); then `plan`, the fifth command of the same minute.
Prints figures; the goal the product aims at (at most 3 apps-bucket calls for a fresh apply, at
most 2 for a rerun) is reported, not enforced: exit 0 either way.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from okta_wizard.sandbox.ratelimits import BUCKET_NAMES, bucket_of  # noqa: E402
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox  # noqa: E402

GOALS = {"fresh apply": 3, "rerun": 2}  # apps-bucket calls the product aims at
TIMEOUT_S = 300


def _command(sb: RunningSandbox, name: str) -> list[str]:
    base = [sys.executable, "-m", "okta_wizard"]
    org = ["--org-url", sb.base_url]
    return {
        "fresh apply": [*base, "apply", *org, "--group", "Finance", "--json"],
        "rerun": [*base, "apply", *org, "--group", "Finance", "--json"],
        "verify": [*base, "verify", *org, "--json"],
        "plan": [*base, "plan", *org, "--group", "Finance", "--json"],
        "credentials": [*base, "credentials", *org, "--json"],
        "forget": [*base, "forget", *org, "--yes"],
    }[name]


def _run(sb: RunningSandbox, name: str, env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        _command(sb, name), env=env, cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0 and name != "forget":
        raise SystemExit(f"{name} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, done.returncode


def _env(sb: RunningSandbox, state: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "OKTA_API_TOKEN": sb.token,
        "OKTA_WIZARD_STATE_DIR": state,
    }


@contextmanager
def _org(rate_limits: str | None = None) -> Iterator[tuple[RunningSandbox, dict[str, str]]]:
    """A sandbox org and the environment of commands against it; forgotten afterwards (the
    keyring entry included)."""
    with tempfile.TemporaryDirectory(prefix="okta-wizard-bench-") as state:
        sb = start_sandbox(host="127.0.0.1", port=0, rate_limits=rate_limits)
        env = _env(sb, state)
        try:
            yield sb, env
            _run(sb, "forget", env)
        finally:
            sb.stop()


def calls_per_command() -> None:
    print("calls per rate-limit bucket (generous limits: counts only)")
    columns = [b for b in BUCKET_NAMES if b != "public"] + ["public"]
    print(f"  {'command':<13}" + "".join(f"{b:>8}" for b in columns) + f"{'total':>8}")
    with _org() as (sb, env):
        for name in ("fresh apply", "rerun", "verify", "plan"):
            sb.state.calls.clear()
            _run(sb, name, env)
            counts = sb.calls_per_bucket()
            cells = "".join(f"{counts.get(b, 0):>8}" for b in columns)
            goal = GOALS.get(name)
            note = ""
            if goal is not None:
                apps = counts.get("apps", 0)
                note = f"   apps {apps} (goal <= {goal}: {'met' if apps <= goal else 'not met'})"
            print(f"  {name:<13}{cells}{sum(counts.values()):>8}{note}")


async def _walk(sb: RunningSandbox, *, resume: bool) -> None:
    """The wizard from step 1 to step 5 (a resumed run: from where it stopped), in Pilot."""
    from okta_wizard.secret import Secret
    from okta_wizard.tui.app import make_app
    from tests.tui.pilot_helpers import choose_groups, settle, walk_to

    app = make_app(
        org_url=sb.base_url,
        token=Secret(sb.token),
        secrets_url=sb.secrets_url,
        accessible=False,
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        if resume:
            await pilot.press("enter")  # "Continue" on the saved setup; it checks each step
            await settle(pilot)
            return
        await walk_to(pilot, 4)
        await choose_groups(pilot, "Fin")
        await walk_to(pilot, 5, start=4)


def wizard_walk() -> None:
    print("\nthe wizard (Pilot): steps 1-5 with group Finance, then a resumed run")
    columns = [b for b in BUCKET_NAMES if b != "public"] + ["public"]
    print(f"  {'run':<13}" + "".join(f"{b:>8}" for b in columns) + f"{'total':>8}")
    with _org() as (sb, env):
        saved = {k: os.environ.get(k) for k in ("OKTA_WIZARD_STATE_DIR",)}
        os.environ["OKTA_WIZARD_STATE_DIR"] = env["OKTA_WIZARD_STATE_DIR"]
        try:
            for name, resume in (("wizard walk", False), ("resumed", True)):
                sb.state.calls.clear()
                asyncio.run(_walk(sb, resume=resume))
                counts = sb.calls_per_bucket()
                cells = "".join(f"{counts.get(b, 0):>8}" for b in columns)
                print(f"  {name:<13}{cells}{sum(counts.values()):>8}")
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def developer_org_sequence() -> None:
    """The four commands in a row within one minute, then `plan` (the row of the report that
    found a 58 s wait), each line with its own wall time and what it spent."""
    print("\napply + verify + credentials + rerun in a row, developer-org preset (apps 10/min)")
    with _org("developer") as (sb, env):
        total = 0.0
        for name in ("fresh apply", "verify", "credentials", "rerun", "plan"):
            if name == "plan":
                four = "(apply + verify + credentials + rerun)"
                print(f"  {'in a row':<13} {total:7.2f} s   {four}")
            before = len(sb.calls)
            seconds, _ = _run(sb, name, env)
            total += seconds
            calls = list(sb.calls)[before:]
            refused = sum(1 for c in calls if c.status == 429)
            apps = sum(1 for c in calls if bucket_of(c.key).name == "apps")
            print(
                f"  {name:<13} {seconds:7.2f} s   apps-bucket calls {apps:2d}, "
                f"429 answers {refused}"
            )
        print(f"  {'with plan':<13} {total:7.2f} s")


def main() -> None:
    calls_per_command()
    wizard_walk()
    developer_org_sequence()


if __name__ == "__main__":
    main()
