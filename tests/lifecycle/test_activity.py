"""`okta-wizard verify --activity`: the System Log read end to end (sandbox over real HTTP),
for an API token and a service app, with its page bound and the log's own rate limit."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.okta.credentials import ApiToken
from okta_wizard.orgurl import parse_org_url
from okta_wizard.sandbox.org import SandboxApp, SandboxUser
from okta_wizard.sandbox.server import start_sandbox
from okta_wizard.secret import Secret
from okta_wizard.setup.activity import read_activity
from okta_wizard.setup.engine import Setup, SetupOptions
from tests.lifecycle.conftest import TEST_TOKEN, Cap, Org, applied
from tests.oauth.conftest import write_key


def _users(org: Org, count: int) -> list[SandboxUser]:
    return [
        org.sb.org.add_user(f"user{i}@example.com", "User", str(i), ["READ_ONLY_ADMIN"])
        for i in range(count)
    ]


def _activity(org: Org, capsys: Cap, *extra: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = org.run(capsys, "verify", "--activity", "--json", *extra)
    data: dict[str, Any] = json.loads(out)["activity"]
    return code, data, err


def test_last_sign_in_distinct_users_and_last_failure(org: Org, capsys: Cap) -> None:
    app = applied(org, capsys)
    log = org.sb.system_log
    now = datetime.now(UTC)
    alice, bob, carol = _users(org, 3)
    log.record_sign_in(app, alice, published=now - timedelta(days=40))  # outside 30 days
    log.record_sign_in(app, bob, published=now - timedelta(days=3))
    log.record_sign_in(app, bob, published=now - timedelta(days=2))
    log.record_sign_in(
        app,
        carol,
        success=False,
        reason="User is not assigned to the client application.",
        published=now - timedelta(hours=5),
    )
    log.record_sign_in(app, alice, published=now - timedelta(hours=1))
    other = org.sb.org.add_oidc_app("Another app")
    log.record_sign_in(other, carol, published=now - timedelta(minutes=5))  # not our app
    code, data, err = _activity(org, capsys)
    assert code == ExitCode.OK, err
    assert data["last_sign_in"]["user"] == alice.login
    assert data["distinct_users"] == 2 and data["sign_ins"] == 3
    assert data["last_failure"]["reason"] == "User is not assigned to the client application."
    assert data["complete"] is True
    code, out, _ = org.run(capsys, "verify", "--activity")
    assert code == ExitCode.OK
    assert "2 distinct user(s) in the last 30 days" in out and alice.login in out
    assert "Last failure" in out and "not assigned" in out
    logs = [c for c in org.sb.calls if c.route == "/api/v1/logs"]
    assert len(logs) == 2 and all(f'target.id eq "{app.id}"' in c.query for c in logs)


def test_a_failed_token_request_is_the_last_failure(org: Org, capsys: Cap) -> None:
    app = applied(org, capsys)
    org.sb.system_log.record_token_grant(app, success=False, reason="invalid_client")
    code, data, _ = _activity(org, capsys)
    assert code == ExitCode.OK
    assert data["last_sign_in"] is None and data["in_use"] is False
    assert data["last_failure"]["event_type"] == "app.oauth2.token.grant"
    assert data["last_failure"]["reason"] == "invalid_client"


def test_log_text_is_made_safe_where_it_enters(org: Org, capsys: Cap) -> None:
    app = applied(org, capsys)
    (hostile,) = _users(org, 1)
    hostile.login = "evil\x1b]52;c;cGF3bmVk\x07@example.com"
    org.sb.system_log.record_sign_in(app, hostile, success=False, reason="bad\x1b[2Jreason")
    org.sb.system_log.record_sign_in(app, hostile)
    code, out, _ = org.run(capsys, "verify", "--activity")
    assert code == ExitCode.OK
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]52;" in out and "bad\\x1b[2Jreason" in out


def _setup_options(org: Org) -> SetupOptions:
    return SetupOptions(org_url=parse_org_url(org.url), credential=ApiToken(Secret(TEST_TOKEN)))


async def _read(org: Org, app: SandboxApp, **bounds: int) -> Any:
    async with Setup(_setup_options(org), read_only=True) as setup:
        found = await setup.find_existing()
        assert found is not None and found.app.id == app.id
        return await read_activity(setup, found.app, **bounds)


def test_never_more_than_the_page_bound_and_it_says_so(org: Org, capsys: Cap) -> None:
    app = applied(org, capsys)
    now = datetime.now(UTC)
    users = _users(org, 7)
    for i, user in enumerate(users):
        org.sb.system_log.record_sign_in(app, user, published=now - timedelta(hours=i + 1))
    before = len(org.sb.calls)
    activity = asyncio.run(_read(org, app, page_size=2, max_pages=3))
    pages = [c for c in org.sb.calls[before:] if c.route == "/api/v1/logs"]
    assert len(pages) == 3, "stopped at the bound, though the log had a next page"
    assert not activity.complete and activity.stopped_by == "page bound"
    assert activity.events_read == 6 and activity.distinct_users == 6
    assert activity.last_sign_in.actor_id == users[0].id, "newest first"
    assert "bound of 3 page(s)" in activity.bound_note()
    assert any("were not counted" in line for line in activity.lines())


def test_stops_when_the_system_logs_own_bucket_is_empty(
    secret_service: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Cap
) -> None:
    """The logs bucket, not the apps one: two calls a minute, and okta-wizard makes no third
    (it would be a 429); every other bucket is untouched by it."""
    sb = start_sandbox(token=TEST_TOKEN, rate_limits={"logs": 2})
    monkeypatch.setenv("OKTA_API_TOKEN", TEST_TOKEN)
    try:
        org = Org(sb, tmp_path / "state")
        app = applied(org, capsys)
        now = datetime.now(UTC)
        for i, user in enumerate(_users(org, 5)):
            sb.system_log.record_sign_in(app, user, published=now - timedelta(minutes=i + 1))
        activity = asyncio.run(_read(org, app, page_size=2, max_pages=5))
        logs = [c for c in sb.calls if c.route == "/api/v1/logs"]
        assert [c.status for c in logs] == [200, 200], "no 429: the empty bucket was honoured"
        assert activity.stopped_by == "rate limit" and not activity.complete
        assert "rate limit has no calls left" in activity.bound_note()
        assert sb.calls_per_bucket()["logs"] == 2
    finally:
        sb.stop()


def _service_app(org: Org, tmp_path: Path, scopes: tuple[str, ...]) -> list[str]:
    gen = org.sb.oauth.register_generated(scopes=scopes)
    folder = tmp_path / "keys"
    folder.mkdir(exist_ok=True)
    key = write_key(folder, gen.private_key_pem.reveal())
    return ["--client-id", gen.client_id, "--private-key", str(key)]


BASE_SCOPES = ("okta.apps.read", "okta.apps.manage", "okta.groups.read")


def test_a_service_app_without_okta_logs_read_is_told_to_grant_it(
    org: Org, capsys: Cap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = applied(org, capsys)
    org.sb.system_log.record_sign_in(app, org.sb.org.admin)
    monkeypatch.delenv("OKTA_API_TOKEN")
    argv = _service_app(org, tmp_path, BASE_SCOPES)
    code, out, err = org.run(capsys, "verify", "--activity", *argv)
    assert code == ExitCode.PERMISSION, out + err
    assert "okta.logs.read" in out and "Okta API Scopes" in out
    assert "✓ secret accepted by Okta" in out, "the other checks still ran and passed"
    code, out, _ = org.run(capsys, "verify", "--activity", "--json", *argv)
    activity = json.loads(out)["activity"]
    assert code == ExitCode.PERMISSION and activity["ok"] is False
    assert "okta.logs.read" in activity["error"] + activity["remedy"]


def test_a_service_app_with_okta_logs_read_reads_the_log(
    org: Org, capsys: Cap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = applied(org, capsys)
    org.sb.system_log.record_sign_in(app, org.sb.org.admin)
    monkeypatch.delenv("OKTA_API_TOKEN")
    argv = _service_app(org, tmp_path, (*BASE_SCOPES, "okta.logs.read"))
    code, out, err = org.run(capsys, "verify", "--activity", "--json", *argv)
    assert code == ExitCode.OK, out + err
    assert json.loads(out)["activity"]["distinct_users"] == 1


def test_verify_without_activity_never_reads_the_log(org: Org, capsys: Cap) -> None:
    applied(org, capsys)
    assert org.run(capsys, "verify")[0] == ExitCode.OK
    assert not [c for c in org.sb.calls if c.route == "/api/v1/logs"]
