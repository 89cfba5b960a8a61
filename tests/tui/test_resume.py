"""Resume after a failure at each step: the next run lists the saved setup, continues, and
finishes with exactly one app in Okta."""

from __future__ import annotations

from typing import Any

import pytest

from okta_wizard.tui.screens.resume import ResumeScreen
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, walk_to

# (step that fails, the fault that makes it fail, the button that triggers it)
FAILURES = [
    (3, "POST /api/v1/apps", "settings-create"),
    (4, "PUT /api/v1/apps/{id}/groups/{gid}", "assign-apply"),
    (5, "POST /oauth2/v1/introspect", None),
    (6, "POST /secrets/", "handoff-create"),
]


async def finish_all(pilot: Any) -> None:
    await press_button(pilot, "handoff-create")
    await press_button(pilot, "handoff-finish")


@pytest.mark.parametrize(("step", "route", "button"), FAILURES)
async def test_resume_after_a_failure(
    wizard: Any, sandbox: Any, step: int, route: str, button: str | None
) -> None:
    fault = sandbox.faults.add(route, status=403 if step == 4 else 400)
    first = wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, step)
        if button is not None:
            await press_button(pilot, button)
        assert "✘" in text_of(first, f"#step-{step} .error-box") or (
            step == 5 and "FAIL" in text_of(first, "#cred-checks")
        )
    sandbox.faults.remove(fault)

    second = wizard()
    async with second.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        if step == 3:
            # Nothing was made in Okta, so nothing is saved: a plain fresh start.
            assert not isinstance(second.screen, ResumeScreen)
        else:
            assert isinstance(second.screen, ResumeScreen), second.screen
            listed = second.screen.saved
            assert [s.org_url for s in listed] == [sandbox.base_url]
            await pilot.press("enter")
            await settle(pilot)
            assert second.state.resumed_from is not None
        await walk_to(pilot, 2)
        if step != 3:
            assert "Found" in text_of(second, "#existing-app")
        await walk_to_rest(pilot)
        assert second.state.link is not None
    assert len(sandbox.org.apps_by_label("Upflow SSO")) == 1
    assert len(sandbox.calls_to("POST /api/v1/apps")) == (2 if step == 3 else 1)


async def walk_to_rest(pilot: Any) -> None:
    await walk_to(pilot, 6, start=2)
    await press_button(pilot, "handoff-create")


async def test_forget_from_the_resume_screen(wizard: Any, sandbox: Any) -> None:
    from okta_wizard.setup.engine import forget_saved_setup, list_saved_setups
    from okta_wizard.vault import Vault

    first = wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
    assert len(list_saved_setups()) == 1
    second = wizard(forget=lambda origin: forget_saved_setup(origin, Vault()))
    async with second.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(second.screen, ResumeScreen)
        await pilot.press("f")
        await settle(pilot)
        assert not isinstance(second.screen, ResumeScreen)
        assert screen_of(second).current == 1
    assert list_saved_setups() == []


async def test_start_over_leaves_saved_progress(wizard: Any, sandbox: Any) -> None:
    from okta_wizard.setup.engine import list_saved_setups

    first = wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
    second = wizard()
    async with second.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(second.screen, ResumeScreen)
        await pilot.press("n")
        await settle(pilot)
        assert second.state.resumed_from is None
        assert screen_of(second).current == 1
    assert len(list_saved_setups()) == 1
