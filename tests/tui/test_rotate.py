"""Rotate secret from the saved-setup screen, against the sandbox org and the real keyring.

A complete setup is made first with the CLI (`apply --everyone --send`, as an admin would have
done it); then the wizard opens on its saved progress, offers "Rotate secret", asks with what
will change, runs the engine's rotation and shows the new one-time link copy-safe. Reopened
(the same run, or a new one), the saved setup shows the rotation pending, and the screen offers
to finish or abort it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input

from okta_wizard.cli import main
from okta_wizard.sandbox.privatebin import pastes_of
from okta_wizard.tui.app import WizardApp
from okta_wizard.tui.screens.resume import ResumeScreen
from okta_wizard.tui.screens.rotate import RotateScreen
from okta_wizard.tui.widgets.confirm import ConfirmModal
from okta_wizard.tui.widgets.rate_limit import RateLimitCountdown
from okta_wizard.tui.widgets.secret_view import SecretView
from okta_wizard.vault import Vault
from tests.leakscan import find_leaks
from tests.tui.pilot_helpers import run_until, settle

Cap = pytest.CaptureFixture[str]


def cli(sandbox: Any, capsys: Cap, monkeypatch: pytest.MonkeyPatch, *argv: str) -> dict[str, Any]:
    """A command against the sandbox, as an admin runs it (the API token from the env)."""
    monkeypatch.setenv("OKTA_API_TOKEN", sandbox.token)
    send = ("--secrets-url", sandbox.secrets_url, "--json", "--reveal")
    code = main([argv[0], "--org-url", sandbox.base_url, *argv[1:], *send])
    out = capsys.readouterr()
    monkeypatch.delenv("OKTA_API_TOKEN")
    assert code == 0, out.err
    data: dict[str, Any] = json.loads(out.out)
    return data


@pytest.fixture
def handed_off(sandbox: Any, capsys: Cap, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A complete setup: the app, its secret in the keyring, the link sent (step 6 done)."""
    cli(sandbox, capsys, monkeypatch, "apply", "--everyone", "--send")
    (app,) = sandbox.org.apps_by_label("Upflow SSO")
    return app


def text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def open_rotation(pilot: Pilot[int]) -> RotateScreen:
    """From the saved-setup screen, `r`: the rotation screen of the setup selected."""
    app = pilot.app
    await settle(pilot)
    assert isinstance(app.screen, ResumeScreen), app.screen
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(app.screen, RotateScreen), app.screen
    return app.screen


async def answer(pilot: Pilot[int], button: str, *, key: str = "y") -> str:
    """Press the rotation's `button`, read the question, answer it; the question."""
    app = pilot.app
    screen = app.screen
    screen.query_one(f"#{button}", Button).press()
    await run_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
    question = text(app.screen, "#confirm-question")
    await pilot.press(key)
    await settle(pilot)
    assert app.screen is screen
    return question


def keyring(sandbox: Any, client_id: str) -> tuple[str | None, str | None]:
    vault = Vault()
    main_entry = vault.load_client_secret(sandbox.base_url, client_id)
    previous = vault.load_previous_client_secret(sandbox.base_url, client_id)
    return (main_entry.reveal() if main_entry else None, previous.reveal() if previous else None)


def no_secret_on_screen(sandbox: Any, app: WizardApp, links: list[str]) -> None:
    values = [sandbox.token, *(s.value for a in sandbox.org.apps.values() for s in a.secrets)]
    assert find_leaks([*values, *links], texts=[app.export_screenshot(), *app.announcements]) == []


async def test_rotate_then_finish_after_the_screen_is_reopened(
    wizard: Any, sandbox: Any, handed_off: Any
) -> None:
    old = handed_off.secrets[0].value
    first = wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        resume = first.screen
        assert isinstance(resume, ResumeScreen)
        button = resume.query_one("#resume-rotate", Button)
        assert button.display and str(button.label) == "Rotate secret (r)"
        screen = await open_rotation(pilot)
        assert "No rotation pending" in text(screen, "#rotate-state")
        assert screen.query_one("#rotate-domains", Input).value == "example.com"
        assert not screen.query_one("#rotate-finish").display
        question = await answer(pilot, "rotate-start")
        client_id = handed_off.id
        assert "Okta gets a second client secret" in question
        assert f"{sandbox.base_url}/{client_id}/previous until you finish" in question
        assert f"one-time link on {sandbox.secrets_url}" in question
        assert "Nothing is deactivated or deleted in Okta now." in question
        result = text(screen, "#rotate-result")
        assert result.startswith("✔ New client secret"), result
        assert "Creating a new client secret in Okta" in text(screen, "#rotate-progress")
        view = screen.query_one("#rotate-link", SecretView)
        assert view.display and "•" in text(screen, "#rotate-link .secret-value")
        new = next(s.value for s in handed_off.secrets if s.value != old)
        assert [s.status for s in handed_off.secrets] == ["ACTIVE", "ACTIVE"]
        assert keyring(sandbox, client_id) == (new, old)
        # What is pending now: finish or abort, no second rotation.
        assert screen.query_one("#rotate-finish").display
        assert screen.query_one("#rotate-abort").display
        assert not screen.query_one("#rotate-start").display
        link_key = view._secret.reveal().partition("#")[2]  # the link's secret part
        assert link_key
        no_secret_on_screen(sandbox, first, [link_key])
        await pilot.press("escape")  # back: the saved setups, as they stand now
        await settle(pilot)
        resume = first.screen
        assert isinstance(resume, ResumeScreen)
        assert "secret rotation pending since" in str(
            resume.query_one("#resume-list").get_option_at_index(0).prompt  # type: ignore[attr-defined]
        )
        assert str(resume.query_one("#resume-rotate", Button).label) == (
            "Finish or abort rotation (r)"
        )

    second = wizard()  # a new run: the pending rotation is read from the saved progress
    async with second.run_test(size=(120, 36)) as pilot:
        screen = await open_rotation(pilot)
        state = text(screen, "#rotate-state")
        assert state.startswith("Rotation pending since"), state
        assert not screen.query_one("#rotate-start").display
        question = await answer(pilot, "rotate-finish")
        assert question.startswith("Has Upflow confirmed that it signs in with the new secret")
        assert "deactivated and deleted in Okta and removed from the keyring" in question
        result = text(screen, "#rotate-result")
        assert result.startswith("✔ Rotation finished."), result
        assert "Deleting the client secret" in text(screen, "#rotate-progress")
        assert [s.value for s in handed_off.secrets] == [new]
        assert keyring(sandbox, handed_off.id) == (new, None)
        assert "No rotation pending" in text(screen, "#rotate-state")
        no_secret_on_screen(sandbox, second, [link_key])


@pytest.fixture
def rotation_pending(
    sandbox: Any, handed_off: Any, capsys: Cap, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """`okta-wizard rotate` done: the new secret handed off, the rotation waits for Upflow."""
    return cli(sandbox, capsys, monkeypatch, "rotate")


async def test_abort_keeps_the_old_secret(
    wizard: Any, sandbox: Any, handed_off: Any, rotation_pending: dict[str, Any]
) -> None:
    started = rotation_pending
    old = started["old_secret"]["fingerprint"]
    (old_value,) = [s.value for s in handed_off.secrets if s.id == started["old_secret"]["id"]]
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_rotation(pilot)
        question = await answer(pilot, "rotate-abort")
        assert question.startswith(f"Keep the old secret {old}")
        assert "the rotation's one-time link, if still unread, is deleted" in question
        result = text(screen, "#rotate-result")
        assert result.startswith("✔ Rotation aborted."), result
        assert "one-time link" in result and "is deleted" in result
    assert [s.value for s in handed_off.secrets] == [old_value]
    assert keyring(sandbox, handed_off.id) == (old_value, None)
    assert started["link"]["paste_id"] not in pastes_of(sandbox.state).pastes


async def test_saying_no_changes_nothing(wizard: Any, sandbox: Any, handed_off: Any) -> None:
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_rotation(pilot)
        writes = len(sandbox.mutating_calls())
        await answer(pilot, "rotate-start", key="n")
        assert text(screen, "#rotate-result") == "Nothing was changed."
        assert len(sandbox.mutating_calls()) == writes
        assert len(handed_off.secrets) == 1


async def test_no_token_given_asks_for_one(wizard: Any, sandbox: Any, handed_off: Any) -> None:
    app = wizard(token=None)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_rotation(pilot)
        assert screen.query_one("#rotate-token").display
        screen.query_one("#rotate-start", Button).press()
        await settle(pilot)
        assert "The API token is empty." in text(screen, ".error-box")
        assert len(handed_off.secrets) == 1


async def test_an_unfinished_setup_offers_no_rotation(memory_wizard: Any, sandbox: Any) -> None:
    from tests.tui.pilot_helpers import walk_to

    first = memory_wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
    second = memory_wizard()
    async with second.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(second.screen, ResumeScreen)
        assert not second.screen.query_one("#resume-rotate").display
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(second.screen, ResumeScreen)  # r does nothing here


async def test_a_rate_limit_wait_counts_down_on_the_rotation_screen(
    wizard: Any, sandbox: Any, handed_off: Any
) -> None:
    """The rotation's progress path shows Okta's 429 like the steps do: a countdown that goes
    when the call goes again, and the rotation then ends as usual."""
    from tests.tui.test_rate_limit_countdown import COUNTDOWN

    sandbox.faults.add("POST /api/v1/apps/{id}/credentials/secrets", status=429, nth=1, reset_in=2)
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_rotation(pilot)
        screen.query_one("#rotate-start", Button).press()
        await run_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        line = screen.query_one(RateLimitCountdown)
        await run_until(pilot, lambda: line.waiting)
        assert COUNTDOWN.match(str(line.render())), str(line.render())
        await run_until(pilot, lambda: not line.waiting)
        await settle(pilot)
        assert text(screen, "#rotate-result").startswith("✔ New client secret")
    assert len(handed_off.secrets) == 2


async def test_stopping_a_rate_limit_wait_leaves_a_rotation_that_resumes(
    wizard: Any, sandbox: Any, handed_off: Any
) -> None:
    """Escape during the wait before Okta makes the new secret: nothing half-done (the rotation
    is recorded as started, Okta made nothing); Rotate secret then resumes and completes it."""
    sandbox.faults.add("POST /api/v1/apps/{id}/credentials/secrets", status=429, nth=1, reset_in=30)
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_rotation(pilot)
        screen.query_one("#rotate-start", Button).press()
        await run_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        line = screen.query_one(RateLimitCountdown)
        await run_until(pilot, lambda: line.waiting)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen  # Escape stopped the wait; the screen stays
        assert app.announcements[-1].startswith("Stopped waiting for Okta's rate limit for apps")
        assert len(handed_off.secrets) == 1  # Okta made no second secret
        state = text(screen, "#rotate-state")
        assert state.startswith("A rotation stopped half-way (stage started"), state
        question = await answer(pilot, "rotate-start")
        assert question.startswith("Resume the rotation begun")
        assert text(screen, "#rotate-result").startswith("✔ New client secret")
    assert len(handed_off.secrets) == 2
