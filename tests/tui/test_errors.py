"""Each error kind appears in place, with what to do next; nothing crashes, nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Button, Input

from okta_wizard.secret import Secret
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, walk_to


def error_text(app: Any, step: int) -> str:
    return text_of(app, f"#step-{step} .error-box")


async def test_bad_org_url_is_refused_before_any_request(wizard: Any, sandbox: Any) -> None:
    app = wizard(org_url="")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        url = screen_of(app).query_one("#org-url", Input)
        url.value = "http://acme.okta.com/app/admin"
        await settle(pilot)
        assert "Invalid org URL" in text_of(app, "#org-url-hint")
        await press_button(pilot, "connect-check")
        assert "Invalid org URL" in error_text(app, 1)
        assert "looks like https://acme.okta.com" in error_text(app, 1)
        assert screen_of(app).current == 1
    assert sandbox.calls == []


async def test_rejected_token_says_what_to_do(wizard: Any, sandbox: Any) -> None:
    wrong = "00wrong-token-for-the-sandbox-0123456789"
    app = wizard(token=Secret(wrong))
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 1)
        await press_button(pilot, "connect-check")
        shown = error_text(app, 1)
        assert "✘" in shown and "→" in shown
        assert wrong not in shown and wrong not in " ".join(app.announcements)
        assert screen_of(app).query_one("#connect-next", Button).disabled
    assert sandbox.mutating_calls() == []


async def test_missing_role_fails_the_preflight_with_a_remedy(wizard: Any, sandbox: Any) -> None:
    sandbox.org.set_admin_roles(["ORG_ADMIN"], own_roles_readable=True)  # roles readable
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 1)
        await press_button(pilot, "connect-check")
        checks = text_of(app, "#connect-checks")
        assert "FAIL" in checks and "Super Admin" in checks
        assert screen_of(app).query_one("#connect-next", Button).disabled
    assert sandbox.mutating_calls() == []


async def test_okta_unavailable_on_create_is_shown_in_place(wizard: Any, sandbox: Any) -> None:
    sandbox.faults.add("POST /api/v1/apps", status=503)
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 2)
        await press_button(pilot, "integration-next")
        await press_button(pilot, "settings-create")
        shown = error_text(app, 3)
        assert "✘" in shown and "→" in shown, shown
        assert screen_of(app).current == 3
        assert screen_of(app).query_one("#settings-next", Button).disabled
    assert sandbox.org.apps_by_label("Upflow SSO") == []


async def test_permission_denied_on_assign_is_shown_in_place(wizard: Any, sandbox: Any) -> None:
    sandbox.faults.add("PUT /api/v1/apps/{id}/groups/{gid}", status=403)
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        await press_button(pilot, "assign-apply")
        assert "✘" in error_text(app, 4)
        assert screen_of(app).current == 4


@pytest.mark.parametrize("status", [500, 400])
async def test_handoff_failure_is_shown_in_place(wizard: Any, sandbox: Any, status: int) -> None:
    sandbox.faults.add("POST /secrets/", status=status)
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 6)
        await press_button(pilot, "handoff-create")
        assert "✘" in error_text(app, 6), error_text(app, 6)
        assert app.state.link is None


async def test_bad_email_domain_is_refused(wizard: Any, sandbox: Any) -> None:
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 6)
        screen_of(app).query_one("#handoff-domains", Input).value = "not a domain!"
        await press_button(pilot, "handoff-create")
        assert "not an email domain" in error_text(app, 6)
        assert app.state.link is None
