"""Token requests under fire: the sandbox's fault injection on `POST /oauth2/v1/token`.

429 waits for `x-rate-limit-reset`, 5xx and dropped connections back off, all within the
gateway's bounded budget (okta/retry.py); every attempt carries a new client assertion (the
sandbox refuses a jti it has seen, and it has seen one whose answer was lost).

No wall-clock asserts: what was waited is read from the client's own record of its waits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.okta import Gateway, OktaError
from okta_wizard.okta.errors import ErrorKind
from okta_wizard.okta.service_app import ServiceAppAuth
from okta_wizard.orgurl import parse_org_url
from okta_wizard.sandbox.oauth import GeneratedServiceApp
from okta_wizard.sandbox.server import RunningSandbox
from tests.oauth.conftest import credential_for, write_key

TOKEN = "POST /oauth2/v1/token"


@pytest.fixture
def sb(sandbox: RunningSandbox) -> RunningSandbox:
    return sandbox


@pytest.fixture
def app(sb: RunningSandbox) -> GeneratedServiceApp:
    return sb.oauth.register_generated(alg="ES256")


@pytest.fixture
async def auth(
    sb: RunningSandbox, app: GeneratedServiceApp, tmp_path: Path
) -> AsyncIterator[ServiceAppAuth]:
    key = write_key(tmp_path, app.private_key_pem.reveal())
    client = ServiceAppAuth(credential_for(app, key), parse_org_url(sb.base_url), max_wait=10.0)
    try:
        yield client
    finally:
        await client.aclose()


def statuses(sb: RunningSandbox) -> list[int]:
    return [c.status for c in sb.calls_to(TOKEN)]


async def refused(
    sb: RunningSandbox, app: GeneratedServiceApp, key: Path, max_wait: float
) -> tuple[OktaError, ServiceAppAuth]:
    """The error of a token request that does not succeed, and the client that made it."""
    auth = ServiceAppAuth(credential_for(app, key), parse_org_url(sb.base_url), max_wait=max_wait)
    try:
        with pytest.raises(OktaError) as caught:
            await auth.access_token()
    finally:
        await auth.aclose()
    return caught.value, auth


def waits(auth: ServiceAppAuth) -> list[float]:
    prefix = "token retry in "
    return [float(h[len(prefix) : -2]) for h in auth._state.history if h.startswith(prefix)]


async def test_a_429_waits_until_the_reset_then_gets_the_token(
    sb: RunningSandbox, auth: ServiceAppAuth
) -> None:
    sb.faults.add(TOKEN, status=429, nth=1, reset_in=2)
    token = await auth.access_token()
    assert token.token_type == "Bearer" and statuses(sb) == [429, 200]
    # reset - Date + 1 (Date and reset have one-second resolution): 2 or 3 s, not the backoff.
    (waited,) = waits(auth)
    assert 2.0 <= waited <= 3.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_back_off_then_succeed(
    sb: RunningSandbox, auth: ServiceAppAuth, status: int
) -> None:
    sb.faults.add(TOKEN, status=status, nth=1, times=2)
    await auth.access_token()
    assert statuses(sb) == [status, status, 200]
    assert waits(auth) == [0.25, 0.5]  # the gateway's backoff


@pytest.mark.parametrize("drop", ["before", "after"])
async def test_a_dropped_connection_is_retried_with_a_fresh_assertion(
    sb: RunningSandbox, auth: ServiceAppAuth, drop: str
) -> None:
    # "after": the sandbox verified (and consumed) the first assertion, then the answer was
    # lost. Resending the same assertion would be refused as a replay (401 invalid_client).
    sb.faults.add(TOKEN, drop=drop, nth=1)
    token = await auth.access_token()
    assert token.value.reveal()
    assert sb.oauth.tokens_issued == (2 if drop == "after" else 1)
    assert len(sb.calls_to(TOKEN)) == 2 and auth.token_requests == 1


async def test_a_retry_after_dpop_nonce_and_503_still_gets_a_dpop_token(
    sb: RunningSandbox, tmp_path: Path
) -> None:
    gen = sb.oauth.register_generated(require_dpop=True)
    key = write_key(tmp_path, gen.private_key_pem.reveal())
    # Without DPoP (refused), a proof without nonce (refused), a 503, then the token.
    sb.faults.add(TOKEN, status=503, nth=3)
    auth = ServiceAppAuth(credential_for(gen, key), parse_org_url(sb.base_url), max_wait=5.0)
    try:
        token = await auth.access_token()
    finally:
        await auth.aclose()
    assert token.token_type == "DPoP"
    assert statuses(sb) == [400, 400, 503, 200]


async def test_persistent_503_is_exit_5_within_the_budget(
    sb: RunningSandbox, app: GeneratedServiceApp, tmp_path: Path
) -> None:
    sb.faults.add(TOKEN, status=503)
    error, auth = await refused(sb, app, write_key(tmp_path, app.private_key_pem.reveal()), 1.0)
    assert error.exit_code == ExitCode.UNAVAILABLE
    assert sum(waits(auth)) <= 1.0 and len(statuses(sb)) == len(waits(auth)) + 1 == 3


async def test_a_429_beyond_the_budget_is_exit_5_without_waiting(
    sb: RunningSandbox, app: GeneratedServiceApp, tmp_path: Path
) -> None:
    sb.faults.add(TOKEN, status=429, reset_in=60)
    error, auth = await refused(sb, app, write_key(tmp_path, app.private_key_pem.reveal()), 5.0)
    assert error.kind is ErrorKind.RATE_LIMITED and error.exit_code == ExitCode.UNAVAILABLE
    assert "run the same command again" in error.remedy
    assert waits(auth) == [] and statuses(sb) == [429]


async def test_definite_refusals_are_not_retried(
    sb: RunningSandbox, app: GeneratedServiceApp, tmp_path: Path
) -> None:
    impostor = sb.oauth.register_generated()
    key = write_key(tmp_path, impostor.private_key_pem.reveal())  # not app's key
    error, auth = await refused(sb, app, key, 10.0)
    assert error.exit_code == ExitCode.AUTH
    assert statuses(sb) == [401] and waits(auth) == []


async def test_the_gateway_signs_in_through_token_faults(
    sb: RunningSandbox, app: GeneratedServiceApp, tmp_path: Path
) -> None:
    """The whole path: step 1's calls as a service app while the token endpoint misbehaves."""
    sb.faults.add(TOKEN, status=502, nth=1)
    sb.faults.add(TOKEN, drop="before", nth=2)
    key = write_key(tmp_path, app.private_key_pem.reveal())
    async with Gateway(
        parse_org_url(sb.base_url), credential_for(app, key), request_timeout=10.0, max_wait=10.0
    ) as gw:
        found = await gw.find_apps_by_label("Upflow SSO")
    assert found == []
    assert len(sb.calls_to(TOKEN)) == 3 and sb.oauth.tokens_issued == 1
