"""Drive the wizard the way an admin does: press buttons, wait for the engine, read the screen.

Waits are on events, never on the clock: `settle` awaits the app's workers (the engine's
calls, the group search, the key check) until none is left, with the screen repainted between.
`wait_until` is for what a timer does (a revealed secret hiding itself): it lets the app run
until the condition holds, within a bound.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Button, Input, RadioSet, Static
from textual.worker import WorkerState

from okta_wizard.tui.app import WizardApp
from okta_wizard.tui.screens.wizard import WizardScreen

ACTIVE = (WorkerState.PENDING, WorkerState.RUNNING)


def screen_of(app: WizardApp) -> WizardScreen:
    return app.wizard_screen()


def text_of(app: WizardApp, selector: str) -> str:
    return str(screen_of(app).query_one(selector, Static).render())


async def settle(pilot: Pilot[int], within: float = 30.0) -> None:
    """Until no worker is pending or running (a finished worker may start the next one, as a
    step shown starts its check), then until the screen has processed what they posted."""
    app = pilot.app

    async def drain() -> None:
        await pilot.pause()
        while busy := [w for w in app.workers if w.state in ACTIVE]:
            # Each worker's own completion (or failure), not a polling interval.
            await asyncio.gather(*(w.wait() for w in busy), return_exceptions=True)
            await pilot.pause()

    await asyncio.wait_for(drain(), within)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def press_button(pilot: Pilot[int], button_id: str) -> None:
    app = pilot.app
    assert isinstance(app, WizardApp)
    button = screen_of(app).query_one(f"#{button_id}", Button)
    assert not button.disabled, f"#{button_id} is disabled"
    button.press()
    await settle(pilot)


async def wait_until(
    pilot: Pilot[int], predicate: Callable[[], bool], within: float = 20.0
) -> None:
    """For what a timer changes: let the app run (timers fire, workers end) until it holds."""

    async def run() -> None:
        while not predicate():
            await pilot.pause(0.05)

    await settle(pilot)
    await asyncio.wait_for(run(), within)


wait_for = wait_until  # the name the security tests use


# The buttons that finish each step on the happy path.
FINISH_STEP: dict[int, tuple[str, ...]] = {
    1: ("connect-check", "connect-next"),
    2: ("integration-next",),
    3: ("settings-create", "settings-next"),
    4: ("assign-apply", "assign-next"),
    5: ("cred-next",),
}


async def walk_to(pilot: Pilot[int], step: int, *, start: int = 1) -> None:
    """Happy path from step `start` (showing) up to (and showing) `step`."""
    app = pilot.app
    assert isinstance(app, WizardApp)
    await settle(pilot)
    for current in range(start, step):
        for button in FINISH_STEP[current]:
            await press_button(pilot, button)
        await settle(pilot)


async def run_until(pilot: Pilot[int], holds: Callable[[], bool], within: float = 30.0) -> None:
    """Let the app run (timers tick, workers go on) until `holds()`, without awaiting the
    workers: for a state reached while one of them still waits (a countdown, a question, the
    test sign-in waiting for the browser)."""

    async def run() -> None:
        while not holds():
            await pilot.pause(0.05)

    await asyncio.wait_for(run(), within)


async def choose_groups(pilot: Pilot[int], *typed: str) -> None:
    """Step 4: "Selected groups", then for each text typed the first group that matches."""
    app = pilot.app
    assert isinstance(app, WizardApp)
    screen = screen_of(app)
    screen.query_one("#assign-mode", RadioSet).focus()
    await pilot.press("down", "enter")  # "Selected groups"
    await settle(pilot)
    search = screen.query_one("#group-search", Input)
    for text in typed:
        search.focus()
        search.value = ""
        await pilot.press(*text)
        await settle(pilot)
        await pilot.press("enter")  # adds the first result
        await settle(pilot)
