"""The gateway signed in as an OAuth 2.0 service app (private_key_jwt, DPoP), on the sandbox."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.okta import Gateway, OktaError, ServiceAppKey
from okta_wizard.okta.errors import ErrorKind
from okta_wizard.orgurl import parse_org_url
from okta_wizard.sandbox.oauth import GeneratedServiceApp
from okta_wizard.sandbox.server import RunningSandbox
from tests.leakscan import find_leaks
from tests.okta.conftest import UPFLOW


def _gateway(sb: RunningSandbox, generated: GeneratedServiceApp, tmp_path: Path) -> Gateway:
    key = tmp_path / "service-app.pem"
    key.write_text(generated.private_key_pem.reveal())
    os.chmod(key, 0o600)
    credential = ServiceAppKey(client_id=generated.client_id, private_key_path=key)
    return Gateway(parse_org_url(sb.base_url), credential, request_timeout=5.0, max_wait=2.0)


@pytest.mark.parametrize("dpop", [False, True])
async def test_service_app_finds_and_creates(
    sb: RunningSandbox, tmp_path: Path, dpop: bool
) -> None:
    generated = sb.oauth.register_generated(alg="ES256", require_dpop=dpop)
    async with _gateway(sb, generated, tmp_path) as gw:
        actor = await gw.whoami()
        assert actor.kind == "service_app" and actor.id == generated.client_id
        assert await gw.find_apps_by_label("Upflow SSO") == []
        created = await gw.create_oidc_app(UPFLOW)
        assert sb.org.apps[created.app.id].oauth_credentials["pkce_required"] is False
        everyone = await gw.everyone_group()
        await gw.assign_group(created.app.id, everyone.id)
        assert await gw.list_assigned_group_ids(created.app.id) == [everyone.id]
    sent = [c for c in sb.calls if c.key.startswith(("GET /api/", "POST /api/", "PUT /api/"))]
    assert sent and all(c.status < 400 for c in sent)


async def test_service_app_without_manage_scope_is_told_what_to_grant(
    sb: RunningSandbox, tmp_path: Path
) -> None:
    generated = sb.oauth.register_generated(scopes=("okta.apps.read", "okta.groups.read"))
    async with _gateway(sb, generated, tmp_path) as gw:
        with pytest.raises(OktaError) as caught:
            await gw.create_oidc_app(UPFLOW)
    err = caught.value
    assert err.kind is ErrorKind.PERMISSION and err.exit_code is ExitCode.PERMISSION
    assert "okta.apps.manage" in err.message and generated.client_id in err.remedy
    assert sb.org.apps_by_label("Upflow SSO") == []


async def test_service_app_with_unregistered_key_is_auth(
    sb: RunningSandbox, tmp_path: Path
) -> None:
    generated = sb.oauth.register_generated()
    other = sb.oauth.register_generated()  # a valid key, of another app
    key = tmp_path / "wrong.pem"
    key.write_text(other.private_key_pem.reveal())
    os.chmod(key, 0o600)
    credential = ServiceAppKey(client_id=generated.client_id, private_key_path=key)
    async with Gateway(parse_org_url(sb.base_url), credential, max_wait=1.0) as gw:
        try:
            await gw.whoami()
        except OktaError as exc:
            err, formatted = exc, traceback.format_exc()
        else:
            pytest.fail("a wrong key was accepted")
    assert err.kind is ErrorKind.AUTH and err.exit_code is ExitCode.AUTH
    pems = [generated.private_key_pem.reveal(), other.private_key_pem.reveal()]
    assert find_leaks(pems, texts=[str(err), repr(err), formatted]) == []
