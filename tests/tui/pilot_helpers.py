"""Drive the wizard the way an admin does: press buttons, wait for the engine, read the screen."""

from __future__ import annotations

import asyncio
import time

from textual.pilot import Pilot
from textual.widgets import Button, Static

from okta_wizard.tui.app import WizardApp
from okta_wizard.tui.screens.wizard import WizardScreen


def screen_of(app: WizardApp) -> WizardScreen:
    return app.wizard_screen()


def text_of(app: WizardApp, selector: str) -> str:
    return str(screen_of(app).query_one(selector, Static).render())


async def settle(pilot: Pilot[int], within: float = 20.0) -> None:
    """Wait until no worker runs (the engine answered) and the screen has repainted."""
    deadline = time.monotonic() + within
    await pilot.pause()
    # Polling on purpose: the workers belong to the app, there is no event to await.
    while any(w.is_running for w in pilot.app.workers) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    await pilot.pause()
    await pilot.pause()


async def press_button(pilot: Pilot[int], button_id: str) -> None:
    app = pilot.app
    assert isinstance(app, WizardApp)
    button = screen_of(app).query_one(f"#{button_id}", Button)
    assert not button.disabled, f"#{button_id} is disabled"
    button.press()
    await settle(pilot)


async def wait_for(pilot: Pilot[int], predicate: object, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not predicate() and time.monotonic() < deadline:  # type: ignore[operator]
        await asyncio.sleep(0.02)
        await pilot.pause()
    assert predicate(), "condition not met in time"  # type: ignore[operator]


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
