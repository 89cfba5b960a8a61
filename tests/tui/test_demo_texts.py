"""What the wizard says about saving, the sandbox and its token is true in the demo and in a
real run: the quit dialog follows what is on disk, the help screen shows the demo's sandbox
(URL, token, folder), and a wrong token in the demo is not sent to an Admin Console."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from okta_wizard.secret import Secret
from okta_wizard.tui.app import WizardApp
from okta_wizard.tui.demo import DemoInfo
from okta_wizard.tui.screens.help import HelpScreen, shown_text
from okta_wizard.tui.widgets.confirm import ConfirmModal
from okta_wizard.tui.widgets.secret_input import SecretInput
from tests.tui.pilot_helpers import press_button, settle, walk_to


@pytest.fixture
def demo_info(sandbox: Any, _isolated_state: Path) -> DemoInfo:
    return DemoInfo(sandbox.base_url, Secret(sandbox.token), str(_isolated_state))


async def _quit_question(app: WizardApp, pilot: Any) -> str:
    await pilot.press("ctrl+q")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmModal)
    question = str(app.screen.query_one("#confirm-question", Static).render())
    await pilot.press("n")
    await pilot.pause()
    return " ".join(question.split())


@pytest.mark.parametrize("in_demo", [False, True])
async def test_the_quit_dialog_promises_only_what_is_saved(
    wizard: Callable[..., WizardApp], demo_info: DemoInfo, in_demo: bool
) -> None:
    app = wizard(demo=demo_info if in_demo else None, load_saved=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 2)  # step 1 done, no app yet: nothing is on disk
        before = await _quit_question(app, pilot)
        await walk_to(pilot, 4, start=2)  # the app exists: the journal is written
        after = await _quit_question(app, pilot)
    assert "Nothing is saved yet" in before and "saved in" not in before
    if in_demo:
        assert "Quit the demo?" in before and "okta-wizard demo starts at step 1" in before
        assert f"Its progress and its sandbox org are saved in {demo_info.saved_in}" in after
        assert "run okta-wizard demo again to resume" in after and "--fresh" in after
    else:
        assert after == "Quit now? Your progress is saved: run okta-wizard again to resume."


async def test_help_shows_the_demo_sandbox_and_its_token(
    wizard: Callable[..., WizardApp], demo_info: DemoInfo
) -> None:
    app = wizard(demo=demo_info, load_saved=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        sandbox = str(app.screen.query_one("#help-sandbox", Static).render())
        keys = " ".join(shown_text(app.screen, "#help-keys").split())
    assert demo_info.org_url in sandbox and demo_info.token.reveal() in sandbox
    assert demo_info.saved_in in sandbox
    assert "the demo is saved: okta-wizard demo resumes, --fresh restarts" in keys


async def test_help_of_a_real_run_has_no_sandbox_section(
    wizard: Callable[..., WizardApp], sandbox: Any
) -> None:
    app = wizard(load_saved=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert not app.screen.query("#help-sandbox")
        keys = " ".join(shown_text(app.screen, "#help-keys").split())
    assert sandbox.token not in keys
    assert "once the app exists, progress is saved: run okta-wizard again to resume" in keys


@pytest.mark.parametrize("token", ["00not-the-demo-token", ""])
async def test_a_wrong_demo_token_points_to_the_help_screen(
    wizard: Callable[..., WizardApp], demo_info: DemoInfo, token: str
) -> None:
    app = wizard(demo=demo_info, load_saved=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.wizard_screen().query_one("#token", SecretInput).value = token
        await press_button(pilot, "connect-check")
        error = " ".join(str(app.wizard_screen().pane(1).query_one(".error-box").render()).split())
    assert "F1" in error and "Admin Console" not in error and "Security > API" not in error
