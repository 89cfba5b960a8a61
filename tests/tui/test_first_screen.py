"""The first screen: drawn and taking keys before anything heavy is loaded, and in the demo
before the sandbox org answers.

The Okta SDK, the gateway (okta_wizard.okta), the engine, `cryptography` and `jwt` are loaded
by the first worker that needs them (checking the connection), never before step 1 takes keys.
A fresh interpreter starts the wizard as `okta-wizard` does (the CLI, the wizard command, the
saved-progress lookup included) and lists what is loaded when the org URL field has taken a key.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from textual.widgets import Button, Input

from okta_wizard.secret import Secret
from okta_wizard.tui.app import WizardConfig, make_app
from okta_wizard.tui.demo import DemoInfo
from okta_wizard.tui.session import SetupFactory
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("okta", "okta_wizard.okta", "okta_wizard.setup.engine", "cryptography", "jwt")

FIRST_SCREEN = r"""
import asyncio, json, sys
from okta_wizard import cli  # what `okta-wizard` imports first
from okta_wizard.commands import wizard as _command
from okta_wizard.tui.app import make_app
from textual.widgets import Input

async def main():
    app = make_app()  # as the wizard command builds it: the saved-progress lookup included
    async with app.run_test(size=(120, 36)) as pilot:
        while not (isinstance(app.focused, Input) and app.focused.id == "org-url"):
            await asyncio.sleep(0.001)
        await pilot.press("h")
        while app.focused.value != "h":
            await asyncio.sleep(0.001)
        print(json.dumps(sorted(sys.modules)))

asyncio.run(main())
"""


def loaded(name: str, modules: list[str]) -> list[str]:
    return [m for m in modules if m == name or m.startswith(name + ".")]


def test_nothing_heavy_is_loaded_before_step_1_takes_keys(_isolated_state: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert "okta_wizard.tui.screens.wizard" in modules  # the probe saw the wizard's screen
    found = {name: loaded(name, modules) for name in HEAVY}
    assert {name: hits for name, hits in found.items() if hits} == {}


async def test_the_demo_screen_is_up_while_its_sandbox_starts(
    memory_setup: SetupFactory, sandbox: Any, _isolated_state: Path
) -> None:
    starting: Future[WizardConfig] = Future()
    demo = DemoInfo("", Secret(""), str(_isolated_state))
    app = make_app(sandbox=True, demo=demo, starting=starting)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.current == 1
        assert "Starting the demo's sandbox org" in text_of(app, "#step-1 .progress-line")
        assert screen.query_one("#connect-check", Button).disabled  # nothing to check yet
        # The admin can already type; then the sandbox answers.
        assert isinstance(app.focused, Input) and app.focused.id == "org-url"
        token = Secret(sandbox.token)
        starting.set_result(
            WizardConfig(
                org_url=sandbox.base_url,
                token=token,
                sandbox=True,
                demo=DemoInfo(sandbox.base_url, token, str(_isolated_state)),
                secrets_url=sandbox.secrets_url,
                setup_factory=memory_setup,
                load_saved=None,
            )
        )
        await settle(pilot)
        assert screen.query_one("#org-url", Input).value == sandbox.base_url
        assert text_of(app, "#step-1 .progress-line") == ""
        assert app.config.demo is not None and app.config.demo.org_url == sandbox.base_url
        await press_button(pilot, "connect-check")
        assert "PASS" in text_of(app, "#connect-checks")


async def test_a_sandbox_that_does_not_start_is_said_on_step_1(_isolated_state: Path) -> None:
    from okta_wizard.errors import UsageError

    starting: Future[WizardConfig] = Future()
    app = make_app(sandbox=True, demo=DemoInfo("", Secret(""), str(_isolated_state)),
                   starting=starting)  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        starting.set_exception(UsageError("The demo folder is not usable.", remedy="Fix it."))
        await settle(pilot)
        assert "The demo folder is not usable." in text_of(app, "#step-1 .error-box")
        assert screen_of(app).query_one("#connect-check", Button).disabled
