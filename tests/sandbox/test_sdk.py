"""The official okta SDK (the wizard's client) against the sandbox: what works on real Okta
works here, and the SDK's known traps show up here too."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from okta_wizard.sandbox.server import RunningSandbox


@pytest.fixture
async def sdk(sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    # The SDK refuses http:// org URLs unless this switch is on (okta-api.md, section 5).
    monkeypatch.setenv("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true")
    from okta.client import Client

    config = {"orgUrl": sandbox.base_url, "token": sandbox.token, "requestTimeout": 10}
    async with Client(config) as client:
        yield client


def _upflow_app() -> Any:
    from okta.models import (
        ApplicationCredentialsOAuthClient,
        ApplicationSignOnMode,
        GrantType,
        OAuthApplicationCredentials,
        OAuthEndpointAuthenticationMethod,
        OAuthResponseType,
        OpenIdConnectApplication,
        OpenIdConnectApplicationSettings,
        OpenIdConnectApplicationSettingsClient,
        OpenIdConnectApplicationType,
    )

    return OpenIdConnectApplication(
        label="Upflow SSO",
        name="oidc_client",
        sign_on_mode=ApplicationSignOnMode.OPENID_CONNECT,
        credentials=OAuthApplicationCredentials(
            oauth_client=ApplicationCredentialsOAuthClient(
                token_endpoint_auth_method=OAuthEndpointAuthenticationMethod.CLIENT_SECRET_BASIC,
                pkce_required=False,
            )
        ),
        settings=OpenIdConnectApplicationSettings(
            oauth_client=OpenIdConnectApplicationSettingsClient(
                application_type=OpenIdConnectApplicationType.WEB,
                grant_types=[GrantType.AUTHORIZATION_CODE],
                response_types=[OAuthResponseType.CODE],
                redirect_uris=["https://auth.upflow.io/__/auth/handler"],
                post_logout_redirect_uris=["https://app.upflow.io/"],
            )
        ),
    )


async def test_sdk_creates_the_app_and_reads_it_back(sdk: Any, sandbox: RunningSandbox) -> None:
    app, _, err = await sdk.create_application(_upflow_app())
    assert err is None
    oauth = app.credentials.oauth_client
    assert oauth.client_id == app.id and len(oauth.client_secret) == 64
    assert app.settings.oauth_client.issuer_mode == "DYNAMIC"
    fetched, _, err = await sdk.get_application(app.id)
    assert err is None and fetched.credentials.oauth_client.client_secret is None
    secrets, _, err = await sdk.list_o_auth2_client_secrets(app.id)
    assert err is None and [s.client_secret for s in secrets] == [oauth.client_secret]
    finance = sandbox.org.group_by_name("Finance")
    assert finance is not None
    assignment, _, err = await sdk.assign_group_to_application(app.id, finance.id, None)
    assert err is None and assignment.id == finance.id
    # The SDK sends `SSWS<token>` with no space; the sandbox took it.
    assert sandbox.calls_to("POST /api/v1/apps")[0].status == 200


async def test_sdk_pages_through_groups(sdk: Any, sandbox: RunningSandbox) -> None:
    from okta.pagination import paginate_all

    sandbox.org.add_generated_groups(25)
    groups = [g async for g in paginate_all(sdk.list_groups, limit=10)]
    assert len(groups) == len(sandbox.org.groups) == 31
    assert len(sandbox.calls_to("GET /api/v1/groups")) == 4
    names = {g.profile.actual_instance.name for g in groups}
    assert {"Everyone", "Finance"} <= names


async def test_sdk_search_like_the_group_picker(sdk: Any) -> None:
    groups, _, err = await sdk.list_groups(q="Fin", limit=20)
    assert err is None
    assert [g.profile.actual_instance.name for g in groups] == ["Finance"]


async def test_sdk_waits_out_a_429_and_retries(sdk: Any, sandbox: RunningSandbox) -> None:
    sandbox.faults.add("GET /api/v1/users/{id}", status=429, nth=1, reset_in=1)
    started = time.monotonic()
    user, _, err = await sdk.get_user("me")
    assert err is None and user.id == sandbox.org.admin_id
    assert time.monotonic() - started >= 1.0  # it honoured x-rate-limit-reset
    assert [c.status for c in sandbox.calls_to("GET /api/v1/users/{id}")] == [429, 200]


async def test_sdk_sees_okta_errors(sdk: Any, sandbox: RunningSandbox) -> None:
    sandbox.org.set_admin_roles(["ORG_ADMIN"])
    _, _, err = await sdk.create_application(_upflow_app())
    assert err is not None and err.status == 403 and err.error_code == "E0000006"
    sandbox.faults.add("*", status=401)
    _, _, err = await sdk.get_user("me")
    assert err is not None and err.error_code == "E0000011"


async def test_sdk_chokes_on_an_odd_app_like_issue_574(sdk: Any, sandbox: RunningSandbox) -> None:
    """The trap the gateway must survive: one unknown feature value poisons the whole page."""
    import pydantic

    sandbox.org.add_oidc_app("Upflow SSO")
    sandbox.faults.add("GET /api/v1/apps", odd_fields=True)
    with pytest.raises(pydantic.ValidationError):
        await sdk.list_applications(q="Upflow SSO")
