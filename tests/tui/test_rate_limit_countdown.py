"""A 429 from Okta in the wizard: a countdown that ticks and goes, and Escape / Ctrl+C stop it.

The sandbox counts calls like Okta (one bucket for the apps API) with a window of a few seconds
instead of a minute, so a test waits a 429 out in about four seconds. The bucket is filled by
a call of the test's own, right before the wizard's app creation, which then meets the 429.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from okta_wizard.tui.app import WizardApp
from okta_wizard.tui.widgets.rate_limit import RateLimitCountdown
from tests.tui.pilot_helpers import run_until, screen_of, settle, text_of, walk_to

WINDOW_S = 3  # the sandbox's rate-limit window: a 429 resets within about four seconds
COUNTDOWN = re.compile(
    r"^⏸ Okta's rate limit for apps: waiting (\d+) s, until \d\d:\d\d:\d\d"
    r" · Esc or Ctrl\+C stops waiting$"
)


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    """The apps bucket allows one call per short window; counted, enforced only once the
    test fills the bucket (the walk to step 3 must not wait)."""
    sb = start_sandbox(
        control=True, rate_limits={"apps": 1}, rate_limit_window=WINDOW_S, enforce_rate_limits=False
    )
    try:
        yield sb
    finally:
        sb.stop()


async def fill_the_apps_bucket(sandbox: RunningSandbox) -> None:
    """Spend the apps bucket's one call in a window that has just begun: the wizard's next
    apps call is refused with a reset a full window away."""
    sandbox.state.rate.enforced = True
    headers = {"Authorization": f"SSWS {sandbox.token}"}
    async with httpx.AsyncClient(base_url=sandbox.base_url, headers=headers, timeout=10) as client:
        while True:
            answer = await client.get("/api/v1/apps", params={"q": "fill the bucket"})
            if answer.status_code == 200:
                return
            # A window is still open from the walk: wait for its reset, then open a new one.
            assert answer.status_code == 429
            reset = float(answer.headers["x-rate-limit-reset"])
            sent = parsedate_to_datetime(answer.headers["date"]).timestamp()
            await asyncio.sleep(max(0.1, reset - sent))


def countdown(app: WizardApp, step: int) -> RateLimitCountdown:
    return screen_of(app).query_one(f"#step-{step} RateLimitCountdown", RateLimitCountdown)


async def create_into_a_429(
    pilot: Pilot[int], app: WizardApp, sandbox: RunningSandbox
) -> RateLimitCountdown:
    """Step 3's create, sent into a full apps bucket: its countdown, once it shows."""
    await walk_to(pilot, 3)
    await fill_the_apps_bucket(sandbox)
    screen_of(app).query_one("#settings-create").press()  # type: ignore[attr-defined]
    line = countdown(app, 3)
    await run_until(pilot, lambda: line.waiting)
    return line


def seconds_shown(line: RateLimitCountdown) -> int:
    found = COUNTDOWN.match(str(line.render()))
    assert found, str(line.render())
    return int(found.group(1))


async def test_a_429_counts_down_then_the_create_goes_on(
    memory_wizard: Any, sandbox: RunningSandbox
) -> None:
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        line = await create_into_a_429(pilot, app, sandbox)
        first = seconds_shown(line)
        assert 1 <= first <= WINDOW_S + 1
        assert "stop_waiting" in {b.binding.action for b in app.active_bindings.values()}
        if first > 1:  # it ticks down, a second at a time
            await run_until(pilot, lambda: not line.waiting or seconds_shown(line) < first)
        await run_until(pilot, lambda: not line.waiting)  # gone when the call goes again
        assert not line.display
        await settle(pilot)
        assert "stop_waiting" not in {b.binding.action for b in app.active_bindings.values()}
        assert "Created" in text_of(app, "#settings-result"), app.announcements
    assert any(text.startswith("Okta's rate limit for apps: waiting") for text in app.announcements)
    assert len(sandbox.org.apps_by_label("Upflow SSO")) == 1
    # The create was refused once, waited out, then sent again: one app.
    assert [c.status for c in sandbox.calls_to("POST /api/v1/apps")] == [429, 200]


@pytest.mark.parametrize("key", ["escape", "ctrl+c"])
async def test_escape_or_ctrl_c_stops_the_wait_and_nothing_is_half_done(
    memory_wizard: Any, sandbox: RunningSandbox, key: str
) -> None:
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        line = await create_into_a_429(pilot, app, sandbox)
        await pilot.press(key)
        await settle(pilot)
        assert not line.waiting and not line.display
        assert screen_of(app).current == 3  # Escape stopped the wait; it did not go back
        assert app.announcements[-1].startswith("Stopped waiting for Okta's rate limit for apps")
        assert "nothing is half-done" in app.announcements[-1]
        assert text_of(app, "#step-3 .progress-line") == ""
        assert sandbox.org.apps_by_label("Upflow SSO") == []  # the refused create never went
        assert app.state.app is None
        # The same button goes on: the next try waits out the window if need be, then creates.
        screen_of(app).query_one("#settings-create").press()  # type: ignore[attr-defined]
        await settle(pilot)
        assert "Created" in text_of(app, "#settings-result"), app.announcements
    assert len(sandbox.org.apps_by_label("Upflow SSO")) == 1
