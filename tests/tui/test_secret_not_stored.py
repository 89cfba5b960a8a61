"""The keyring refuses the secret after Okta made the app (SecretNotStored; exit 6 headless):
the TUI shows the secret once, masked until r, copyable, says it was NOT stored and what to do,
keeps the app id, and never makes a second app on retry. The keyring is the real Vault class
over a backend that refuses every write (a locked collection)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.widgets import Static

from okta_wizard.setup.engine import ProgressCallback, Setup, SetupOptions
from okta_wizard.tui.screens.secret_once import SecretNotStoredScreen
from okta_wizard.vault import Vault
from tests.leakscan import find_leaks
from tests.osc52 import record_terminal
from tests.setup.refusing_keyring import RefusingKeyring
from tests.tui.pilot_helpers import press_button, settle, text_of, wait_for, walk_to


def refusing_setup(options: SetupOptions, on_progress: ProgressCallback) -> Setup:
    return Setup(options, on_progress=on_progress, vault=Vault(backend=RefusingKeyring()))


def saved_journal(state: Path) -> dict[str, Any]:
    (path,) = state.glob("*.json")
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def view_text(screen: SecretNotStoredScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_unstored_secret_is_shown_once_masked_and_copyable(
    wizard: Any, sandbox: Any, _isolated_state: Path
) -> None:
    app = wizard(setup_factory=refusing_setup, reveal_seconds=30, clear_after=30)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 3)
        await press_button(pilot, "settings-create")
        await wait_for(pilot, lambda: isinstance(app.screen, SecretNotStoredScreen))
        view = app.screen
        assert isinstance(view, SecretNotStoredScreen)
        (okta_app,) = sandbox.org.apps_by_label("Upflow SSO")
        secret = okta_app.secrets[0].value
        masked = app.export_screenshot()
        value = lambda: view_text(view, "#unstored-secret .secret-value")  # noqa: E731
        assert secret not in value() and "•" in value()
        assert okta_app.id in view_text(view, "#unstored-app")
        todo = view_text(view, "#unstored-todo")
        assert "run okta-wizard again" in todo and "no second app" in todo
        assert "NOT&#160;stored" in masked  # the SVG spaces are non-breaking
        await pilot.press("r")  # the explicit key press
        await settle(pilot)
        assert secret in value()
        await pilot.press("h")
        await settle(pilot)
        assert secret not in value()
        terminal = record_terminal(app)
        await pilot.press("c")
        await settle(pilot)
        assert terminal.clipboard == secret
        await pilot.press("escape")  # closing drops the secret and clears the clipboard
        await settle(pilot)
        assert not isinstance(app.screen, SecretNotStoredScreen)
        assert terminal.clipboard == ""
        # Back on step 3: the error in place, the app id kept, Continue still refused.
        shown = text_of(app, "#step-3 .error-box")
        assert "keyring refused" in shown and "no second app" in shown, shown
        assert okta_app.id in text_of(app, "#settings-result")
        assert app.wizard_screen().current == 3
        # Trying again (keyring still refusing) reads the secret back; still one app.
        await press_button(pilot, "settings-create")
        await wait_for(pilot, lambda: isinstance(app.screen, SecretNotStoredScreen))
        await pilot.press("escape")
        await settle(pilot)
        after = app.export_screenshot()
        announced = " ".join(app.announcements)
    assert len(sandbox.org.apps_by_label("Upflow SSO")) == 1
    assert saved_journal(_isolated_state)["app_id"] == okta_app.id
    secrets = [s.value for s in okta_app.secrets] + [sandbox.token]
    assert find_leaks(secrets, texts=[masked, after, announced], paths=[_isolated_state]) == []
