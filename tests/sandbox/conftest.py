"""Helpers for the sandbox tests: an httpx client that speaks to the sandbox like the wizard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from okta_wizard.sandbox.server import RunningSandbox

UPFLOW_APP: dict[str, Any] = {
    "name": "oidc_client",
    "label": "Upflow SSO",
    "signOnMode": "OPENID_CONNECT",
    "credentials": {
        "oauthClient": {
            "token_endpoint_auth_method": "client_secret_basic",
            "autoKeyRotation": True,
            "pkce_required": False,
        }
    },
    "settings": {
        "oauthClient": {
            "application_type": "web",
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "redirect_uris": ["https://auth.upflow.io/__/auth/handler"],
            "post_logout_redirect_uris": ["https://app.upflow.io/"],
            "consent_method": "TRUSTED",
        }
    },
}


@pytest.fixture
def okta(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """Authenticated like the SDK does it: `SSWS<token>`, no space."""
    headers = {"Authorization": f"SSWS{sandbox.token}", "Accept": "application/json"}
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=10) as client:
        yield client


def create_app(client: httpx.Client, label: str = "Upflow SSO", **query: str) -> dict[str, Any]:
    body = {**UPFLOW_APP, "label": label}
    resp = client.post("/api/v1/apps", json=body, params=query)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())
