"""Resume after a failure at each step: the next run lists the saved setup, continues, and
finishes with exactly one app in Okta."""

from __future__ import annotations

import re
from typing import Any

import pytest
from textual.widgets import Button, Input, RadioSet

from okta_wizard.tui.app import WizardApp
from okta_wizard.tui.screens.resume import ResumeScreen
from okta_wizard.tui.widgets.group_picker import GroupPicker
from tests.tui.pilot_helpers import (
    choose_groups,
    press_button,
    screen_of,
    settle,
    text_of,
    walk_to,
)

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
            await walk_to(pilot, 3)
        else:
            assert isinstance(second.screen, ResumeScreen), second.screen
            listed = second.screen.saved
            assert [s.org_url for s in listed] == [sandbox.base_url]
            await pilot.press("enter")
            await settle(pilot)
            assert second.state.resumed_from is not None
            # Checked against Okta, it lands on the step that failed, the ones before done.
            assert screen_of(second).current == step, second.announcements
            assert second.state.done == set(range(1, step)), second.state.done
            second.action_goto(2)  # a step passed by is shown as Okta holds it
            await settle(pilot)
            assert "Found" in text_of(second, "#existing-app")
            second.action_goto(step)
            await settle(pilot)
        await walk_to(pilot, 6, start=step)
        await press_button(pilot, "handoff-create")
        assert second.state.link is not None
    assert len(sandbox.org.apps_by_label("Upflow SSO")) == 1
    assert len(sandbox.calls_to("POST /api/v1/apps")) == (2 if step == 3 else 1)


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
        await pilot.press("y")  # forget asks first: the keyring's client secret goes too
        await settle(pilot)
        assert not isinstance(second.screen, ResumeScreen)
        assert screen_of(second).current == 1
    assert list_saved_setups() == []


async def test_forget_asks_first_and_no_keeps_everything(wizard: Any, sandbox: Any) -> None:
    from okta_wizard.setup.engine import forget_saved_setup, list_saved_setups
    from okta_wizard.tui.widgets.confirm import ConfirmModal
    from okta_wizard.vault import Vault

    first = wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
    second = wizard(forget=lambda origin: forget_saved_setup(origin, Vault()))
    async with second.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(second.screen, ConfirmModal)
        assert "keyring entries" in second.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(second.screen, ResumeScreen)
    assert len(list_saved_setups()) == 1


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


async def resume(app: WizardApp, pilot: Any) -> None:
    """Continue the saved setup offered at start, and let the check against Okta run."""
    await settle(pilot)
    assert isinstance(app.screen, ResumeScreen), app.screen
    await pilot.press("enter")
    await settle(pilot)


def writes(sandbox: Any) -> list[str]:
    return [c.key for c in sandbox.mutating_calls()]


async def test_resume_lands_after_the_saved_groups_with_them_restored(
    memory_wizard: Any, sandbox: Any
) -> None:
    sandbox.org.add_group("Finance", "Accounts payable")
    sandbox.org.add_group("Sales")
    first = memory_wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        await choose_groups(pilot, "Fin", "Sal")
        await press_button(pilot, "assign-apply")
    before = writes(sandbox)
    second = memory_wizard()
    async with second.run_test(size=(120, 36)) as pilot:
        await resume(second, pilot)
        screen = screen_of(second)
        assert screen.current == 5, second.announcements
        assert second.state.done == {1, 2, 3, 4}
        notice = " ".join(text_of(second, "#step-5 .step-notice").split())
        assert "steps 1-4 checked against Okta; continuing at step 5" in notice
        assert writes(sandbox) == before, "checking the saved steps changed nothing in Okta"
        second.action_goto(4)
        await settle(pilot)
        assert screen.query_one("#assign-mode", RadioSet).pressed_button is not None
        assert screen.query_one("#assign-mode", RadioSet).pressed_button.id == "mode-groups"
        picked = screen.query_one(GroupPicker).selected.values()
        assert sorted(g.name for g in picked) == ["Finance", "Sales"]
        assert "Assigned to: Finance, Sales (as saved" in text_of(second, "#assign-result")
        assert second.focused is screen.query_one("#assign-next", Button)
        second.action_goto(3)
        await settle(pilot)
        reused = text_of(second, "#settings-result")
    assert "Reusing “Upflow SSO”" in reused
    # The store is the wizard's vault, named as it names itself (memory here, a keyring else).
    assert re.search(r"Client secret is stored in \S.* \(it was there already\)", reused), reused
    assert len(sandbox.org.apps_by_label("Upflow SSO")) == 1


async def test_an_assignment_removed_in_okta_waits_on_step_4(
    memory_wizard: Any, sandbox: Any
) -> None:
    sandbox.org.add_group("Finance", "Accounts payable")
    first = memory_wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        await choose_groups(pilot, "Fin")
        await press_button(pilot, "assign-apply")
    (okta_app,) = sandbox.org.apps_by_label("Upflow SSO")
    okta_app.assignments.clear()  # an admin unassigned it in the console meanwhile
    before = writes(sandbox)
    second = memory_wizard()
    async with second.run_test(size=(120, 36)) as pilot:
        await resume(second, pilot)
        screen = screen_of(second)
        assert screen.current == 4 and second.state.done == {1, 2, 3}
        assert "Okta no longer assigns the app to: Finance" in text_of(second, "#assign-result")
        assert second.focused is screen.query_one("#assign-apply", Button)
        assert writes(sandbox) == before  # put back only when the admin presses Assign
        await press_button(pilot, "assign-apply")
    assert len(writes(sandbox)) == len(before) + 1
    assert set(okta_app.assignments) == {sandbox.org.group_by_name("Finance").id}


async def test_an_app_changed_in_okta_lands_on_step_2_with_the_difference(
    memory_wizard: Any, sandbox: Any
) -> None:
    first = memory_wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
    (okta_app,) = sandbox.org.apps_by_label("Upflow SSO")
    okta_app.oauth_settings["redirect_uris"] = ["https://elsewhere.example/cb"]
    before = writes(sandbox)
    second = memory_wizard()
    async with second.run_test(size=(120, 36)) as pilot:
        await resume(second, pilot)
        assert screen_of(second).current == 2 and second.state.done == {1}
        assert "redirect_uris" in text_of(second, "#existing-app")
        assert "step 2 shows how" in text_of(second, "#step-2 .step-notice")
        assert writes(sandbox) == before  # the repair is the admin's choice, on step 3


async def test_the_email_domains_of_the_last_link_come_back(memory_wizard: Any) -> None:
    first = memory_wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 6)
        screen_of(first).query_one("#handoff-domains", Input).value = "acme.com, acme.fr"
        await press_button(pilot, "handoff-create")
        assert first.state.link is not None
    second = memory_wizard()
    async with second.run_test(size=(120, 36)) as pilot:
        await resume(second, pilot)
        assert screen_of(second).current == 6
        domains = screen_of(second).query_one("#handoff-domains", Input).value
    assert domains == "acme.com, acme.fr"


async def test_a_damaged_receipt_is_named_with_its_fix(
    memory_wizard: Any, sandbox: Any, _isolated_state: Any
) -> None:
    first = memory_wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 6)
        await press_button(pilot, "handoff-create")
    (receipt,) = _isolated_state.glob("*.receipt.json")
    receipt.write_text("[1, 2")
    second = memory_wizard()
    async with second.run_test(size=(120, 36)) as pilot:
        await resume(second, pilot)
        assert screen_of(second).current == 6, second.announcements
        notice = " ".join(text_of(second, "#step-6 .step-notice").split())
    assert f"{receipt} cannot be used" in notice and "Move it aside" in notice


async def test_without_a_credential_the_resume_waits_for_sign_in(
    memory_wizard: Any, sandbox: Any
) -> None:
    first = memory_wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
    second = memory_wizard(token=None)
    async with second.run_test(size=(120, 36)) as pilot:
        await resume(second, pilot)
        screen = screen_of(second)
        assert screen.current == 1 and second.focused is screen.query_one("#token")
        assert "sign in, then check the connection" in second.announcements[-1]
        await pilot.press(*sandbox.token, "enter")
        await settle(pilot)
        assert screen.current == 4 and second.state.done == {1, 2, 3}


async def test_a_damaged_saved_file_is_named_beside_the_readable_ones(
    memory_wizard: Any, sandbox: Any, _isolated_state: Any
) -> None:
    first = memory_wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
    damaged = _isolated_state / "other.okta.com.json"
    damaged.write_text("[1, 2")
    damaged.chmod(0o600)
    second = memory_wizard()
    async with second.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(second.screen, ResumeScreen), second.screen
        assert [s.org_url for s in second.screen.saved] == [sandbox.base_url]
        told = " ".join(str(second.screen.query_one("#resume-damaged").render()).split())
        await pilot.press("enter")  # the readable one still continues
        await settle(pilot)
        assert screen_of(second).current == 4
    assert f"{damaged} cannot be used" in told
    assert "delete it with okta-wizard forget --org-url" in told and "`" not in told


async def test_only_a_damaged_saved_file_still_opens_with_its_fix(
    memory_wizard: Any, _isolated_state: Any
) -> None:
    _isolated_state.mkdir(mode=0o700, exist_ok=True)
    damaged = _isolated_state / "acme.okta.com.json"
    damaged.write_text('{"schema_version": 1, "org_url": "https://acme.okta.com", "steps": 3}')
    damaged.chmod(0o600)
    app = memory_wizard()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeScreen) and app.screen.saved == []
        told = " ".join(str(app.screen.query_one("#resume-damaged").render()).split())
        await pilot.press("n")  # a new setup
        await settle(pilot)
        assert screen_of(app).current == 1 and app.is_running
    assert "field steps is not an object" in told and "Move it aside" in told


async def test_a_secret_read_back_that_the_keyring_refuses_is_shown_once(
    wizard: Any, sandbox: Any
) -> None:
    from okta_wizard.setup.engine import ProgressCallback, Setup, SetupOptions
    from okta_wizard.tui.screens.secret_once import SecretNotStoredScreen
    from okta_wizard.vault import Vault
    from tests.setup.refusing_keyring import RefusingKeyring

    def refusing(options: SetupOptions, on_progress: ProgressCallback) -> Setup:
        return Setup(options, on_progress=on_progress, vault=Vault(backend=RefusingKeyring()))

    first = wizard()
    async with first.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        assert first.state.app is not None
        client_id = first.state.app.app.client_id
    Vault().delete_client_secret(sandbox.base_url, client_id)  # this machine lost it
    second = wizard(setup_factory=refusing)
    async with second.run_test(size=(120, 36)) as pilot:
        await resume(second, pilot)
        assert isinstance(second.screen, SecretNotStoredScreen), second.screen
        await pilot.press("escape")
        await settle(pilot)
        assert screen_of(second).current == 3
        assert "NOT in the keyring" in text_of(second, "#settings-result")
        assert "✘" in text_of(second, "#step-3 .error-box")
    assert len(sandbox.org.apps_by_label("Upflow SSO")) == 1
