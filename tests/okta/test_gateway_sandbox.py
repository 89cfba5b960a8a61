"""The gateway against the sandbox org over real loopback HTTP: the flow, and every fault."""

from __future__ import annotations

import json
import logging
import os
import time
import traceback
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.okta import Gateway, OktaError
from okta_wizard.okta import gateway as gateway_module
from okta_wizard.okta.errors import ErrorKind
from okta_wizard.sandbox.server import RunningSandbox
from okta_wizard.secret import Secret
from tests.leakscan import find_leaks
from tests.okta.conftest import UPFLOW, gateway_for

APPS = "POST /api/v1/apps"


def _posts(sb: RunningSandbox) -> int:
    return len(sb.calls_to(APPS))


# -- the flow --------------------------------------------------------------------------------
async def test_step1_org_user_and_permissions(sb: RunningSandbox, gw: Gateway) -> None:
    org = await gw.org_metadata()
    assert org.id == sb.org.id and org.url == sb.base_url
    me = await gw.whoami()
    assert me.kind == "user" and me.id == sb.org.admin.id and me.email == sb.org.admin.login
    perms = await gw.probe_permissions(me)
    assert perms.can_read_apps and perms.can_read_groups
    assert perms.role_types == tuple(sb.org.admin.roles)
    assert perms.can_create_oidc_apps is True and perms.missing == ()
    assert gw.calls["GET /api/v1/users/me"] == 1
    assert not sb.mutating_calls()


async def test_org_admin_may_not_create_apps(sb: RunningSandbox, gw: Gateway) -> None:
    # The Okta variant where an admin may read their own roles: the preflight can judge them.
    sb.org.set_admin_roles(["ORG_ADMIN"], own_roles_readable=True)
    perms = await gw.probe_permissions(await gw.whoami())
    assert perms.can_create_oidc_apps is False
    assert any("okta.apps.manage" in m for m in perms.missing)
    with pytest.raises(OktaError) as caught:
        await gw.create_oidc_app(UPFLOW)
    err = caught.value
    assert err.kind is ErrorKind.PERMISSION and err.exit_code is ExitCode.PERMISSION
    assert "App Admin" in err.message and err.remedy
    assert sb.org.apps_by_label("Upflow SSO") == []


async def test_create_then_everything_else(sb: RunningSandbox, gw: Gateway) -> None:
    assert await gw.find_apps_by_label("Upflow SSO") == []
    created = await gw.create_oidc_app(UPFLOW)
    app = created.app
    stored = sb.org.apps[app.id]
    # What Okta received: pkce_required false explicitly, the Upflow redirect URIs.
    assert stored.oauth_credentials["pkce_required"] is False
    assert stored.oauth_settings["redirect_uris"] == list(UPFLOW.redirect_uris)
    assert created.client_secret.reveal() == stored.secrets[0].value
    assert app.active and app.label == "Upflow SSO" and app.pkce_required is False
    assert [a.id for a in await gw.find_apps_by_label("Upflow SSO")] == [app.id]
    assert (await gw.get_app(app.id)).redirect_uris == UPFLOW.redirect_uris
    secrets = await gw.list_client_secrets(app.id)
    assert [s.value for s in secrets] == [created.client_secret]

    everyone = await gw.everyone_group()
    assert everyone.type == "BUILT_IN" and everyone.id == sb.org.everyone().id
    await gw.assign_group(app.id, everyone.id)
    await gw.assign_group(app.id, everyone.id)  # idempotent
    assert await gw.list_assigned_group_ids(app.id) == [everyone.id]

    disco = await gw.discovery(app.client_id)
    assert disco.issuer == sb.base_url
    assert await gw.introspect_accepts(
        disco, app.client_id, created.client_secret, "client_secret_basic"
    )
    wrong = Secret("w" * 64)
    assert not await gw.introspect_accepts(disco, app.client_id, wrong, "client_secret_basic")
    assert gw.calls["POST /api/v1/apps"] == 1
    assert gw.calls["PUT /api/v1/apps/{id}/groups/{groupId}"] == 2


async def test_repair_drift_and_reactivate(sb: RunningSandbox, gw: Gateway) -> None:
    old = sb.org.add_oidc_app("Upflow SSO", redirect_uris=("https://wrong.example/cb",))
    (found,) = await gw.find_apps_by_label("Upflow SSO")
    assert found.redirect_uris == ("https://wrong.example/cb",)
    fixed = await gw.update_oidc_app(found, UPFLOW)
    assert fixed.id == old.id and fixed.redirect_uris == UPFLOW.redirect_uris
    await gw.deactivate_app(old.id)
    assert not (await gw.get_app(old.id)).active
    await gw.activate_app(old.id)
    assert (await gw.get_app(old.id)).active


async def test_client_secret_rotation(sb: RunningSandbox, gw: Gateway) -> None:
    app = sb.org.add_oidc_app("Upflow SSO")
    first = app.secrets[0]
    made = await gw.create_client_secret(app.id)
    assert made.value is not None and made.value.reveal() == app.secrets[1].value
    await gw.deactivate_client_secret(app.id, first.id)
    states = {s.id: s.status for s in await gw.list_client_secrets(app.id)}
    assert states == {first.id: "INACTIVE", made.id: "ACTIVE"}
    with pytest.raises(OktaError) as caught:  # a third secret: Okta's cap
        await gw.create_client_secret(app.id)
    assert caught.value.status == 400


async def test_group_search_is_server_side(sb: RunningSandbox, gw: Gateway) -> None:
    group = sb.org.add_group("Finance Team", "money")
    sb.org.add_group("Finance", "the other one")
    assert await gw.find_group_by_name("Finance Team") == gateway_module.Group(
        group.id, "Finance Team", "OKTA_GROUP", "money", users_count=0
    )
    assert await gw.find_group_by_name("Finance Tea") is None
    found = await gw.search_groups("Fin", 10)
    assert {g.name for g in found} == {"Finance", "Finance Team"}
    queries = [parse_qs(c.query) for c in sb.calls if c.route == "/api/v1/groups"]
    assert {"q": ["Fin"], "limit": ["10"], "expand": ["stats"]} in queries


async def test_discovery_of_unknown_client_is_not_found(gw: Gateway) -> None:
    with pytest.raises(OktaError) as caught:
        await gw.discovery("0oaNOSUCHCLIENT00000")
    assert caught.value.kind is ErrorKind.NOT_FOUND


async def test_get_unknown_app_is_not_found(gw: Gateway) -> None:
    with pytest.raises(OktaError) as caught:
        await gw.get_app("0oaNOSUCHAPP00000000")
    assert caught.value.kind is ErrorKind.NOT_FOUND and caught.value.status == 404


async def test_lists_follow_link_headers(
    sb: RunningSandbox, gw: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gateway_module, "PAGE_SIZE", 2)
    ids = {sb.org.add_oidc_app("Upflow SSO").id for _ in range(5)}
    sb.org.add_oidc_app("Upflow SSO (old)")  # same prefix: returned by q=, not a match
    found = await gw.find_apps_by_label("Upflow SSO")
    assert {a.id for a in found} == ids
    assert gw.calls["GET /api/v1/apps"] >= 3


async def test_duplicate_create_is_refused(sb: RunningSandbox, gw: Gateway) -> None:
    existing = sb.org.add_oidc_app("Upflow SSO")
    with pytest.raises(OktaError) as caught:
        await gw.create_oidc_app(UPFLOW)
    assert caught.value.kind is ErrorKind.CONFLICT and existing.id in caught.value.message
    assert _posts(sb) == 0


# -- faults ----------------------------------------------------------------------------------
async def test_app_with_unknown_fields_is_still_found(sb: RunningSandbox, gw: Gateway) -> None:
    sb.org.add_oidc_app("Upflow SSO", extra_fields={"features": ["AUTO_CONFIRM_IMPORTS"]})
    sb.faults.add("GET /api/v1/apps", odd_fields=True)
    (found,) = await gw.find_apps_by_label("Upflow SSO")
    assert found.label == "Upflow SSO"


async def test_429_waits_for_the_reset_then_succeeds(sb: RunningSandbox, gw: Gateway) -> None:
    sb.faults.add("GET /api/v1/users/{id}", status=429, nth=1, reset_in=1)
    start = time.monotonic()
    me = await gw.whoami()
    elapsed = time.monotonic() - start
    assert me.id == sb.org.admin.id
    assert gw.calls["GET /api/v1/users/me"] == 2
    assert elapsed >= 0.9  # waited until x-rate-limit-reset (Date-based, whole seconds)


async def test_429_beyond_the_wait_budget_is_rate_limited(sb: RunningSandbox) -> None:
    sb.faults.add("GET /api/v1/users/{id}", status=429, reset_in=30)
    async with gateway_for(sb, max_wait=2.0) as gw:
        with pytest.raises(OktaError) as caught:
            await gw.whoami()
    # Did not sleep a wait it could not afford: one call, no retry after a wait.
    assert [c.status for c in sb.calls_to("GET /api/v1/users/{id}")] == [429]
    assert caught.value.kind is ErrorKind.RATE_LIMITED
    assert caught.value.exit_code is ExitCode.UNAVAILABLE
    assert "run the same command again" in caught.value.remedy


async def test_429_on_create_is_retried_once_reset(sb: RunningSandbox, gw: Gateway) -> None:
    sb.faults.add(APPS, status=429, nth=1, reset_in=1)
    created = await gw.create_oidc_app(UPFLOW)
    assert _posts(sb) == 2 and len(sb.org.apps_by_label("Upflow SSO")) == 1
    assert created.app.id in sb.org.apps


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_on_get_are_retried(
    sb: RunningSandbox, gw: Gateway, status: int
) -> None:
    sb.faults.add("GET /api/v1/apps/{id}", status=status, nth=1, times=2)
    app = sb.org.add_oidc_app("Upflow SSO")
    assert (await gw.get_app(app.id)).id == app.id
    assert gw.calls["GET /api/v1/apps/{id}"] == 3


async def test_persistent_503_on_get_is_unavailable_within_the_budget(sb: RunningSandbox) -> None:
    sb.faults.add("GET /api/v1/users/{id}", status=503)
    async with gateway_for(sb, max_wait=1.0) as gw:
        with pytest.raises(OktaError) as caught:
            await gw.whoami()
        # Backoff 0.25 + 0.5 fits the 1 s budget, the next 1 s does not: three attempts.
        assert gw.calls["GET /api/v1/users/me"] == 3
    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert caught.value.exit_code is ExitCode.UNAVAILABLE


@pytest.mark.parametrize("status", [500, 503])
async def test_server_error_on_create_searches_before_retrying(
    sb: RunningSandbox, gw: Gateway, status: int
) -> None:
    sb.faults.add(APPS, status=status, nth=1)
    created = await gw.create_oidc_app(UPFLOW)
    assert [a.id for a in sb.org.apps_by_label("Upflow SSO")] == [created.app.id]
    assert _posts(sb) == 2
    keys = [c.key for c in sb.calls if c.key in (APPS, "GET /api/v1/apps")]
    first_post = keys.index(APPS)
    assert "GET /api/v1/apps" in keys[first_post : keys.index(APPS, first_post + 1)]


async def test_create_whose_answer_is_lost_is_recovered_not_repeated(
    sb: RunningSandbox, gw: Gateway
) -> None:
    sb.faults.add(APPS, drop="after", nth=1)  # Okta made the app; we never saw the answer
    created = await gw.create_oidc_app(UPFLOW)
    (only,) = sb.org.apps_by_label("Upflow SSO")
    assert created.app.id == only.id and _posts(sb) == 1
    assert created.client_secret.reveal() == only.secrets[0].value


async def test_create_always_failing_makes_no_app_and_stops(sb: RunningSandbox) -> None:
    sb.faults.add(APPS, status=503)
    async with gateway_for(sb, max_wait=1.0) as gw:
        with pytest.raises(OktaError) as caught:
            await gw.create_oidc_app(UPFLOW)
    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert _posts(sb) == 2 and sb.org.apps_by_label("Upflow SSO") == []


async def test_app_instance_cap(sb: RunningSandbox, gw: Gateway) -> None:
    sb.org.max_apps = sb.org.app_count()
    with pytest.raises(OktaError) as caught:
        await gw.create_oidc_app(UPFLOW)
    err = caught.value
    assert err.kind is ErrorKind.CONFLICT and err.error_code == "E0000001"
    assert "maximum number of app instances" in err.message
    assert "Delete an app you no longer use" in err.remedy
    assert _posts(sb) == 1  # a definite refusal is not retried


async def test_latency_beyond_the_request_timeout(sb: RunningSandbox) -> None:
    # A minute of latency: only a request cut at the timeout can end this test.
    sb.faults.add("GET /api/v1/users/{id}", latency=60.0)
    async with gateway_for(sb, request_timeout=0.3, max_wait=0.5) as gw:
        with pytest.raises(OktaError) as caught:
            await gw.whoami()
        assert gw.calls["GET /api/v1/users/me"] == 2  # timed out, 0.25 s backoff, timed out
    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert "timed out" in caught.value.message


async def test_latency_once_then_success(sb: RunningSandbox) -> None:
    # The first call hangs for a minute; the retry has a generous 3 s to answer.
    sb.faults.add("GET /api/v1/users/{id}", latency=60.0, nth=1)
    async with gateway_for(sb, request_timeout=3.0) as gw:
        assert (await gw.whoami()).id == sb.org.admin.id
        assert gw.calls["GET /api/v1/users/me"] == 2


async def test_dropped_connection_on_get_is_retried(sb: RunningSandbox, gw: Gateway) -> None:
    # aiohttp itself silently resends an idempotent request once after a reset connection,
    # so two drops are needed before our own retry loop has to act.
    fault = sb.faults.add("GET /api/v1/groups", drop="before", nth=1, times=2)
    assert [g.name for g in await gw.search_groups("Everyone")] == ["Everyone"]
    assert fault.fired == 2
    assert gw.calls["GET /api/v1/groups"] == 2


async def test_dropped_connection_every_time_is_unavailable(sb: RunningSandbox) -> None:
    sb.faults.add("GET /api/v1/groups", drop="before")
    async with gateway_for(sb, max_wait=0.5) as gw:
        with pytest.raises(OktaError) as caught:
            await gw.search_groups("Everyone")
    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert "dropped" in caught.value.message


async def test_nobody_listening_is_unavailable(sb: RunningSandbox) -> None:
    sb.stop()  # the port is closed now: connections are refused
    async with gateway_for(sb, request_timeout=1.0, max_wait=0.3) as gw:
        with pytest.raises(OktaError) as caught:
            await gw.whoami()
    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert "refused" in caught.value.message


# -- the credential --------------------------------------------------------------------------
BAD_TOKEN = "00badTokenThatMustNeverBePrinted-1234567890"


async def test_invalid_token_is_auth_and_never_shown(sb: RunningSandbox) -> None:
    async with gateway_for(sb, token=BAD_TOKEN) as gw:
        try:
            await gw.whoami()
        except OktaError as exc:
            err = exc
            formatted = traceback.format_exc()
        else:
            pytest.fail("an invalid token was accepted")
    assert err.kind is ErrorKind.AUTH and err.exit_code is ExitCode.AUTH
    assert err.error_code == "E0000011"
    assert "Admin Console > Security > API > Tokens" in err.remedy
    texts = [str(err), repr(err), formatted, repr(gw), repr(gw.credential)]
    assert err.__cause__ is None and err.__context__ is None
    assert find_leaks([BAD_TOKEN, sb.token], texts=texts) == []


async def test_failures_never_carry_the_token(sb: RunningSandbox) -> None:
    """Transport failures come from libraries whose exceptions hold the request."""
    sb.faults.add("GET /api/v1/users/{id}", drop="before")
    async with gateway_for(sb, max_wait=0.3) as gw:
        try:
            await gw.whoami()
        except OktaError as exc:
            formatted = traceback.format_exc()
            chain = [exc.__cause__, exc.__context__]
        else:
            pytest.fail("expected a failure")
    assert chain == [None, None]
    assert find_leaks([sb.token], texts=[formatted]) == []


async def test_sdk_never_logs_the_token(
    sb: RunningSandbox, gw: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("okta-sdk-python").setLevel(logging.DEBUG)
    sb.faults.add("GET /api/v1/users/{id}", status=503, nth=1)
    await gw.whoami()
    await gw.find_apps_by_label("Upflow SSO")
    assert logging.getLogger("okta-sdk-python").disabled
    assert find_leaks([sb.token], texts=[caplog.text]) == []


async def test_okta_config_files_and_env_cannot_redirect_the_gateway(
    sb: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK merges ./okta.yaml and OKTA_CLIENT_* into its config; ours ignores them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "okta.yaml").write_text(
        "okta:\n  client:\n    orgUrl: http://127.0.0.2:9\n    token: from-yaml-file\n"
    )
    monkeypatch.setenv("OKTA_CLIENT_ORGURL", "http://127.0.0.3:9")
    monkeypatch.setenv("OKTA_CLIENT_TOKEN", "from-environment")
    monkeypatch.setenv("OKTA_CLIENT_AUTHORIZATIONMODE", "Bearer")
    monkeypatch.setenv("OKTA_CLIENT_RATELIMIT_MAXRETRIES", "5")
    async with gateway_for(sb) as gw:
        assert (await gw.whoami()).id == sb.org.admin.id
    assert "OKTA_TESTING_TESTINGDISABLEHTTPSCHECK" not in os.environ


async def test_the_sdk_https_check_stays_on_for_real_orgs() -> None:
    from okta_wizard.okta import sdk
    from okta_wizard.okta.credentials import ApiToken
    from okta_wizard.orgurl import parse_org_url

    token = ApiToken(Secret("t" * 40))
    real = sdk.build_config(parse_org_url("https://acme.okta.com"), token, 5.0)
    local = sdk.build_config(parse_org_url("http://127.0.0.1:8443"), token, 5.0)
    assert real["testing"]["testingDisableHttpsCheck"] is False
    assert local["testing"]["testingDisableHttpsCheck"] is True
    assert real["client"]["rateLimit"]["maxRetries"] == 0
    assert real["client"]["requestTimeout"] == 5.0
    sdk.build_executor(parse_org_url("https://acme.okta.com"), token, 5.0)  # validates


def test_importing_the_gateway_does_not_import_the_sdk() -> None:
    import subprocess
    import sys

    code = (
        "import sys, json; import okta_wizard.okta.gateway; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('okta', 'aiohttp', 'httpx', 'textual', 'keyring'))))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []
