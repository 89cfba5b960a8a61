"""Snapshots of the test sign-in and the rotation, at 80x24 and 120x36, against a seeded
sandbox (tests/tui/snapshot_app.py: fixed ids and secrets, the origin under a display name).

- `step5_sign_in_passed`: step 5 after a test sign-in that passed, the browser step done by
  headless Chromium; the System Log's clock and the activity report's "now" are fixed, so the
  last sign-in's time is the same on every run;
- `rotation_confirm`: the question "Rotate secret" asks, over the rotation screen of a complete
  setup (made with `apply --everyone --send` first).

Each picture is scanned for the API token, every client secret and everything the sandbox's
sign-in issued: a snapshot must never hold one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from okta_wizard.cli import main
from okta_wizard.sandbox.oidc import sign_in_of
from okta_wizard.setup.saved import list_saved_setups
from okta_wizard.tui.screens.rotate import RotateScreen
from okta_wizard.tui.widgets.confirm import ConfirmModal
from tests.leakscan import find_leaks
from tests.signin.conftest import ASSIGNED
from tests.signin.conftest import browser as browser  # the headless Chromium fixture
from tests.tui.pilot_helpers import run_until, settle, walk_to
from tests.tui.snapshot_app import build_app, secrets_of, seeded_sandbox
from tests.tui.test_sign_in import ChromiumOpener

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
FIXED_NOW = datetime(2026, 3, 2, 10, 20, tzinfo=UTC)  # the snapshots' saved progress's day

pytestmark = pytest.mark.slow


class FrozenNow(datetime):
    """`datetime` with a fixed `now()`: the activity report's window ends at FIXED_NOW."""

    @classmethod
    def now(cls, tz: Any = None) -> FrozenNow:
        moment = FIXED_NOW if tz is not None else FIXED_NOW.replace(tzinfo=None)
        return cls.fromtimestamp(moment.timestamp(), tz)


def picture(
    snap_compare: Any,
    app: Any,
    scenario: Callable[[Pilot[int]], Awaitable[None]],
    size: str,
    secrets: Callable[[], list[str]],
) -> None:
    scanned: list[str] = []

    async def run_before(pilot: Pilot[int]) -> None:
        await scenario(pilot)
        pilot.app.clear_notifications()  # toasts expire on a timer: keep them out
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        await pilot.pause()
        svg = pilot.app.export_screenshot()
        scanned.append(svg)
        assert find_leaks(secrets(), texts=[svg]) == []

    assert snap_compare(app, run_before=run_before, terminal_size=SIZES[size])
    assert scanned, "the scenario never reached the screenshot"


@pytest.mark.parametrize("size", list(SIZES))
def test_step5_sign_in_passed(
    snap_compare: Any,
    secret_service: None,
    browser: Any,
    size: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("okta_wizard.setup.activity.datetime", FrozenNow)
    with seeded_sandbox() as sandbox:
        sandbox.system_log.clock = lambda: FIXED_NOW - timedelta(seconds=30)
        opener = ChromiumOpener(browser, ASSIGNED)
        app = build_app(sandbox, open_browser=opener)

        async def scenario(pilot: Pilot[int]) -> None:
            await walk_to(pilot, 5)
            await settle(pilot)
            pilot.app.wizard_screen().query_one("#cred-sign-in-test").press()  # type: ignore[attr-defined]
            await run_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal))
            await pilot.press("y")
            await settle(pilot)
            opener.join()
            await settle(pilot)

        def issued() -> list[str]:
            return [*secrets_of(sandbox), *sign_in_of(sandbox.state).issued_secrets()]

        picture(snap_compare, app, scenario, size, issued)


@pytest.mark.parametrize("size", list(SIZES))
def test_rotation_confirm(
    snap_compare: Any,
    secret_service: None,
    size: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with seeded_sandbox() as sandbox:
        monkeypatch.setenv("OKTA_API_TOKEN", sandbox.token)
        send = ("--send", "--secrets-url", sandbox.secrets_url, "--json", "--reveal")
        code = main(["apply", "--org-url", sandbox.base_url, "--everyone", *send])
        assert code == 0, capsys.readouterr().err
        capsys.readouterr()
        monkeypatch.delenv("OKTA_API_TOKEN")
        app = build_app(sandbox, load_saved=list_saved_setups)

        async def scenario(pilot: Pilot[int]) -> None:
            await settle(pilot)
            await pilot.press("r")  # the saved setup's Rotate secret
            await settle(pilot)
            assert isinstance(pilot.app.screen, RotateScreen)
            pilot.app.screen.query_one("#rotate-start").press()  # type: ignore[attr-defined]
            await run_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal))
            await pilot.pause()  # not settle: the rotation's worker waits for the answer

        picture(snap_compare, app, scenario, size, lambda: secrets_of(sandbox))
