"""The real sandbox server with OAuth mounted: service apps sign in and are held to scopes and
roles on its Management API routes, next to the SSWS token that keeps working."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from okta_wizard.okta.service_app import ServiceAppAuth
from okta_wizard.orgurl import parse_org_url
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from tests.oauth.conftest import credential_for, write_key
from tests.sandbox.conftest import UPFLOW_APP


@pytest.fixture
def running() -> Iterator[RunningSandbox]:
    sandbox = start_sandbox(port=0)
    try:
        yield sandbox
    finally:
        sandbox.stop()


async def _call(
    sandbox: RunningSandbox, auth: ServiceAppAuth, method: str, path: str, **kw: object
) -> httpx.Response:
    url = sandbox.base_url + path
    async with httpx.AsyncClient() as client:
        for _ in range(5):
            headers = await auth.request_headers(method, url)
            answer = await client.request(method, url, headers=headers, **kw)  # type: ignore[arg-type]
            answer_headers = {k.lower(): [v] for k, v in answer.headers.items()}
            if not auth.should_resend(answer.status_code, answer_headers, answer.text):
                return answer
    raise AssertionError("resent too often")


@pytest.mark.parametrize("require_dpop", [False, True])
async def test_a_service_app_creates_an_app_on_the_sandbox(
    running: RunningSandbox, tmp_path: Path, require_dpop: bool
) -> None:
    gen = running.oauth.register_generated(alg="ES256", require_dpop=require_dpop)
    auth = ServiceAppAuth(
        credential_for(gen, write_key(tmp_path, gen.private_key_pem.reveal())),
        parse_org_url(running.base_url),
    )
    try:
        created = await _call(running, auth, "POST", "/api/v1/apps", json=UPFLOW_APP)
        assert created.status_code == 200, created.text
        listed = await _call(running, auth, "GET", "/api/v1/apps", params={"q": "Upflow SSO"})
        assert [a["label"] for a in listed.json()] == ["Upflow SSO"]
        assert auth.uses_dpop is require_dpop
    finally:
        await auth.aclose()
    token_calls = running.calls_to("POST /oauth2/v1/token")
    assert token_calls and token_calls[-1].status == 200
    assert len(running.org.apps_by_label("Upflow SSO")) == 1


async def test_scope_and_role_are_enforced_on_sandbox_routes(
    running: RunningSandbox, tmp_path: Path
) -> None:
    reader = running.oauth.register_generated(roles=("READ_ONLY_ADMIN",))
    auth = ServiceAppAuth(
        credential_for(reader, write_key(tmp_path, reader.private_key_pem.reveal())),
        parse_org_url(running.base_url),
    )
    try:
        assert (await _call(running, auth, "GET", "/api/v1/groups")).status_code == 200
        refused = await _call(running, auth, "POST", "/api/v1/apps", json=UPFLOW_APP)
        assert refused.status_code == 403 and refused.json()["errorCode"] == "E0000006"
        # okta.orgs.read was not asked for: 403 naming that scope.
        org = await _call(running, auth, "GET", "/api/v1/org")
        assert org.status_code == 403
        assert 'scope="okta.orgs.read"' in org.headers["www-authenticate"]
    finally:
        await auth.aclose()
    assert running.org.apps_by_label("Upflow SSO") == []  # nothing changed
    # The SSWS token still works beside OAuth.
    async with httpx.AsyncClient() as client:
        answer = await client.get(
            running.base_url + "/api/v1/apps", headers={"Authorization": f"SSWS {running.token}"}
        )
    assert answer.status_code == 200
