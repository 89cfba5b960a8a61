"""`/oauth2/v1/clients/{id}/roles` with Okta's shape and rules (terraform's recording of
TestAccResourceOktaAppOAuthRoleAssignment_basic), and every route the sandbox does not have
answered in Okta's JSON with Okta's headers, never aiohttp's plain text."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from okta_wizard.okta.credentials import ServiceAppKey
from okta_wizard.okta.service_app import ServiceAppAuth
from okta_wizard.orgurl import parse_org_url
from okta_wizard.sandbox.server import RunningSandbox
from tests.sandbox import okta_reference as ref
from tests.sandbox.conftest import create_app

ROLE_RECORDING = "terraform-vcr/TestAccResourceOktaAppOAuthRoleAssignment_basic/classic-00.yaml"
OKTA_HEADERS = ("x-okta-request-id", "x-rate-limit-limit", "x-rate-limit-remaining",
                "x-rate-limit-reset", "date")  # fmt: skip


def _recorded(method: str, path_end: str) -> ref.Recorded:
    return next(
        r
        for r in ref.recordings(ROLE_RECORDING)
        if r.method == method and r.path.endswith(path_end)
    )


def test_assign_read_and_remove_a_role_of_an_app_like_the_recording(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    app = create_app(okta)
    roles = f"/oauth2/v1/clients/{app['id']}/roles"
    assigned = okta.post(roles, json={"type": "HELP_DESK_ADMIN"})
    real = _recorded("POST", "/roles")
    assert assigned.status_code == real.status == 201
    assert ref.shape_differences(real.json(), assigned.json()) == []
    # Okta's id of a standard role assignment is the base32 of its type, as recorded.
    assert assigned.json()["id"] == real.json()["id"] == "JBCUYUC7IRCVGS27IFCE2SKO"
    assert assigned.json()["assignmentType"] == "CLIENT"
    assert (
        assigned.json()["_links"]["assignee"]["href"]
        == f"{sandbox.base_url}/oauth2/v1/clients/{app['id']}"
    )
    one = okta.get(f"{roles}/{assigned.json()['id']}")
    assert one.status_code == 200 and one.json() == assigned.json()
    listed = okta.get(roles)
    assert listed.status_code == 200 and listed.json() == [assigned.json()]
    schema = ref.response_schema("GET", "/oauth2/v1/clients/{clientId}/roles", 200)
    assert schema is not None and ref.real_errors(listed.json(), schema) == []
    again = okta.post(roles, json={"type": "HELP_DESK_ADMIN"})
    assert again.status_code == 409 and again.json()["errorCode"] == "E0000090"
    gone = okta.delete(f"{roles}/{assigned.json()['id']}")
    assert gone.status_code == 204 and gone.content == b""
    assert okta.get(roles).json() == []
    assert okta.get(f"{roles}/JBCUYUC7IRCVGS27IFCE2SKO").status_code == 404


def test_a_service_apps_roles_are_the_ones_its_tokens_carry(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    gen = sandbox.oauth.register_generated(roles=("APP_ADMIN",))
    listed = okta.get(f"/oauth2/v1/clients/{gen.client_id}/roles").json()
    assert [(r["type"], r["id"]) for r in listed] == [("APP_ADMIN", "IFIFAX2BIRGUSTQ")]
    okta.post(f"/oauth2/v1/clients/{gen.client_id}/roles", json={"type": "READ_ONLY_ADMIN"})
    assert gen.app.roles == {"APP_ADMIN", "READ_ONLY_ADMIN"}


def test_only_a_super_admin_reads_or_changes_client_roles(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    gen = sandbox.oauth.register_generated()
    sandbox.org.set_admin_roles(["ORG_ADMIN", "APP_ADMIN"])
    roles = f"/oauth2/v1/clients/{gen.client_id}/roles"
    for answer in (okta.get(roles), okta.post(roles, json={"type": "SUPER_ADMIN"})):
        assert answer.status_code == 403 and answer.json()["errorCode"] == "E0000006"
    assert gen.app.roles == {"APP_ADMIN"}


def test_unknown_client_and_bad_role_type(okta: httpx.Client) -> None:
    missing = okta.get("/oauth2/v1/clients/0oa00000000000000000/roles")
    assert missing.status_code == 404 and missing.json()["errorCode"] == "E0000007"
    app = create_app(okta)
    bad = okta.post(f"/oauth2/v1/clients/{app['id']}/roles", json={"type": "KING"})
    assert bad.status_code == 400 and bad.json()["errorCode"] == "E0000001"


async def _service_app_get(
    sandbox: RunningSandbox, tmp_path: Path, path: str, **kw: object
) -> httpx.Response:
    """GET `path` with the token of a new service app (its key in `tmp_path`)."""
    gen = sandbox.oauth.register_generated(**kw)  # type: ignore[arg-type]
    key = tmp_path / f"{gen.client_id}.pem"
    key.write_text(gen.private_key_pem.reveal())
    key.chmod(0o600)
    scopes = (
        ("okta.apps.read", "okta.roles.read")
        if "okta.roles.read" in gen.app.scopes
        else ("okta.apps.read",)
    )
    auth = ServiceAppAuth(
        ServiceAppKey(gen.client_id, key, scopes=scopes), parse_org_url(sandbox.base_url)
    )
    url = sandbox.base_url + path.replace("{self}", gen.client_id)
    try:
        async with httpx.AsyncClient() as client:
            return await client.get(url, headers=await auth.request_headers("GET", url))
    finally:
        await auth.aclose()


@pytest.mark.parametrize(
    ("kw", "own_readable", "status"),
    [
        ({"roles": ("APP_ADMIN",)}, False, 403),  # without okta.roles.read: the scope
        ({"roles": ("APP_ADMIN",), "scopes": ("okta.apps.read", "okta.roles.read")}, False, 403),
        ({"roles": ("APP_ADMIN",), "scopes": ("okta.apps.read", "okta.roles.read")}, True, 200),
        ({"roles": ("SUPER_ADMIN",), "scopes": ("okta.apps.read", "okta.roles.read")}, False, 200),
    ],
    ids=["no-scope", "app-admin", "own-roles-variant", "super-admin"],
)
async def test_a_service_app_reading_its_own_roles(
    sandbox: RunningSandbox, tmp_path: Path, kw: dict[str, object], own_readable: bool, status: int
) -> None:
    sandbox.org.own_roles_readable = own_readable
    answer = await _service_app_get(sandbox, tmp_path, "/oauth2/v1/clients/{self}/roles", **kw)
    assert answer.status_code == status, answer.text
    if "scopes" not in kw:
        assert 'scope="okta.roles.read"' in answer.headers["www-authenticate"]
    if status == 200:
        assert [r["assignmentType"] for r in answer.json()] == ["CLIENT"]


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/nope", 404, "E0000007"),
        ("GET", "/oauth2/v1/nope", 404, "E0000007"),
        ("GET", "/nothing/here", 404, "E0000007"),
        ("GET", "/api/v1/apps/0oa1/credentials/jwks", 404, "E0000007"),
        ("DELETE", "/api/v1/groups", 405, "E0000022"),
        ("PATCH", "/api/v1/apps", 405, "E0000022"),
        ("GET", "/oauth2/v1/token", 405, "E0000022"),
    ],
)
def test_unknown_routes_answer_like_okta(
    okta: httpx.Client, method: str, path: str, status: int, code: str
) -> None:
    answer = okta.request(method, path)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert body["errorCode"] == code and body["errorId"].startswith("oae")
    assert ref.real_errors(body, ref.named_schema("Error")) == []
    assert all(h in answer.headers for h in OKTA_HEADERS)
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["x-okta-request-id"])
    if status == 405:
        assert body["errorSummary"] == "The endpoint does not support the provided HTTP method"
        assert answer.headers["allow"]
