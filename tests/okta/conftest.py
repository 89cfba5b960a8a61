"""Fixtures of the gateway tests: a real sandbox org over loopback HTTP, and a gateway on it.

These tests need no Secret Service: the gateway never touches the keyring.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from okta_wizard.okta import ApiToken, Gateway
from okta_wizard.okta.models import OidcAppSettings
from okta_wizard.orgurl import parse_org_url
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from okta_wizard.secret import Secret

REPO = Path(__file__).resolve().parents[2]
CASSETTES = REPO / "tests" / "fixtures" / "okta-reference" / "cassettes"  # see its README

UPFLOW = OidcAppSettings(
    label="Upflow SSO",
    redirect_uris=("https://auth.upflow.io/__/auth/handler",),
    post_logout_redirect_uris=("https://app.upflow.io/",),
)


@pytest.fixture
def sb() -> Iterator[RunningSandbox]:
    # Generous rate limits: the tests that want a 429 inject it.
    sandbox = start_sandbox(groups=3, rate_limits={"POST /api/v1/apps": 1000})
    try:
        yield sandbox
    finally:
        sandbox.stop()


def gateway_for(
    sandbox: RunningSandbox,
    token: str | None = None,
    *,
    request_timeout: float = 5.0,
    max_wait: float = 10.0,
) -> Gateway:
    return Gateway(
        parse_org_url(sandbox.base_url),
        ApiToken(Secret(token if token is not None else sandbox.token)),
        request_timeout=request_timeout,
        max_wait=max_wait,
    )


@pytest.fixture
async def gw(sb: RunningSandbox) -> AsyncIterator[Gateway]:
    async with gateway_for(sb) as gateway:
        yield gateway
