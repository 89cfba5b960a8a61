"""The whole wizard against the sandbox org: six steps, one app, the secret in the keyring."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, RadioSet

from okta_wizard.tui.screens.wizard import WizardScreen
from okta_wizard.tui.widgets.rows import rows_text
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, walk_to


async def test_six_steps_make_one_app_and_a_link(wizard: Any, sandbox: Any) -> None:
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 1)
        await press_button(pilot, "connect-check")
        assert "PASS" in text_of(app, "#connect-checks")
        await press_button(pilot, "connect-next")
        screen = screen_of(app)
        assert isinstance(screen, WizardScreen) and screen.current == 2
        await settle(pilot)
        assert "No app labelled" in text_of(app, "#existing-app")
        await press_button(pilot, "integration-next")
        assert screen.current == 3
        await press_button(pilot, "settings-create")
        assert "is stored in GNOME Keyring" in text_of(app, "#settings-result")
        await press_button(pilot, "settings-next")
        assert screen.current == 4
        await press_button(pilot, "assign-apply")
        assert "Everyone" in text_of(app, "#assign-result")
        await press_button(pilot, "assign-next")
        await settle(pilot)
        assert screen.current == 5
        assert app.state.credentials is not None
        assert "FAIL" not in text_of(app, "#cred-checks"), text_of(app, "#cred-checks")
        await press_button(pilot, "cred-next")
        assert screen.current == 6
        await settle(pilot)
        await press_button(pilot, "handoff-create")
        assert app.state.link is not None, app.announcements
        assert "Okta org" in rows_text(screen_of(app), "#handoff-receipt")
        assert len(sandbox.org.apps_by_label("Upflow SSO")) == 1
        await press_button(pilot, "handoff-finish")
    assert app.return_code == 0


async def test_selected_groups_are_assigned_in_okta(memory_wizard: Any, sandbox: Any) -> None:
    sandbox.org.add_group("Finance", "Accounts payable")
    sandbox.org.add_group("Sales")
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        screen = screen_of(app)
        screen.query_one("#assign-mode", RadioSet).focus()
        await pilot.press("down", "enter")  # "Selected groups"
        await settle(pilot)
        screen.query_one("#group-search", Input).focus()
        await pilot.press(*"Fin")
        await settle(pilot)
        await pilot.press("enter")  # adds the first result
        await settle(pilot)
        await press_button(pilot, "assign-apply")
        assert "Finance" in text_of(app, "#assign-result")
    (okta_app,) = sandbox.org.apps_by_label("Upflow SSO")
    finance = sandbox.org.group_by_name("Finance")
    assert finance is not None and finance.id in okta_app.assignments
