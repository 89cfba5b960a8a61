"""Step 5's SSO activity line, from the sandbox's System Log: none yet, in use (last sign-in,
distinct users, last failure), and a service app without `okta.logs.read` (said plainly, the
other checks untouched)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from okta_wizard.tui.widgets.sso_activity import SsoActivity
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, walk_to
from tests.tui.test_service_app import choose_service_app, write_key


async def test_no_sign_in_yet_is_said_plainly(memory_wizard: Any, sandbox: Any) -> None:
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
        await settle(pilot)
        line = text_of(app, "#cred-activity")
    assert line.startswith("SSO activity (Okta's System Log)")
    assert "No sign-in through 'Upflow SSO' in the System Log's last 30 days" in line
    assert "No failed sign-in in the events read (30 days)" in line
    assert len(sandbox.calls_to("GET /api/v1/logs")) == 1


async def test_last_sign_in_users_and_last_failure(memory_wizard: Any, sandbox: Any) -> None:
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        (okta_app,) = sandbox.org.apps_by_label("Upflow SSO")
        log, now = sandbox.system_log, datetime.now(UTC)
        ana = sandbox.org.add_user("ana@example.com", "Ana", "Lytic", [])
        ben = sandbox.org.add_user("ben@example.com", "Ben", "Chmark", [])
        log.record_sign_in(okta_app, ana, published=now - timedelta(days=2))
        log.record_sign_in(
            okta_app,
            ben,
            success=False,
            reason="User is not assigned to the client application.",
            published=now - timedelta(hours=3),
        )
        log.record_sign_in(okta_app, ben, published=now - timedelta(hours=1))
        await walk_to(pilot, 5, start=4)
        await settle(pilot)
        line = text_of(app, "#cred-activity")
        widget = screen_of(app).query_one(SsoActivity)
        assert widget.activity is not None and widget.activity.in_use
    assert "✔ Last sign-in through 'Upflow SSO'" in line and "(ben@example.com)" in line
    assert "2 distinct user(s) in the last 30 days" in line
    assert "Last failure:" in line and "User is not assigned to the client application." in line


async def test_a_service_app_without_okta_logs_read_is_told_what_to_grant(
    wizard: Any, sandbox: Any, tmp_path: Path
) -> None:
    generated = sandbox.oauth.register_generated()  # okta.apps.*, okta.groups.read: no logs
    key = write_key(tmp_path / "keys", generated)
    app = wizard(token=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await choose_service_app(pilot, generated.client_id, key, generated.kid)
        await press_button(pilot, "connect-check")
        await press_button(pilot, "connect-next")
        await walk_to(pilot, 5, start=2)
        await settle(pilot)
        line = text_of(app, "#cred-activity")
        assert app.state.checks and all(c.ok for c in app.state.checks)  # untouched
        assert "FAIL" not in text_of(app, "#cred-checks")
        assert not screen_of(app).query_one("#cred-sign-in-test").disabled  # type: ignore[attr-defined]
    assert "⚠ Not read:" in line, line
    assert "okta.logs.read" in line


async def test_okta_text_in_the_log_is_shown_as_text(memory_wizard: Any, sandbox: Any) -> None:
    """A failure reason with markup and a terminal escape: drawn literally, never obeyed."""
    hostile = "Denied [@click=app.quit]by[/] policy [b]now[/b] \x1b[31mred"
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        (okta_app,) = sandbox.org.apps_by_label("Upflow SSO")
        user = sandbox.org.add_user("eve@example.com", "Eve", "[red]Mallory[/]", [])
        sandbox.system_log.record_sign_in(okta_app, user, success=False, reason=hostile)
        await walk_to(pilot, 5, start=4)
        await settle(pilot)
        line = text_of(app, "#cred-activity")
        assert app.is_running  # the [@click=app.quit] did nothing
    assert "Denied [@click=app.quit]by[/] policy [b]now[/b] \\x1b[31mred" in line
    assert "\x1b" not in line
