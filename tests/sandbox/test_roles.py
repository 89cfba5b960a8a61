"""Admin roles like real Okta: only a Super Admin may read an admin's roles (403 E0000006 for
anybody else, with a variant where admins may read their own), and role lists hold custom
roles, IAM-based roles and roles inherited from a group."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from okta_wizard.sandbox.org import RoleGrant, SeedError
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from tests.sandbox import okta_reference as ref
from tests.sandbox.conftest import UPFLOW_APP

UPFLOW_CREATOR = RoleGrant(
    "CUSTOM", "Upflow integrator", permissions=frozenset({"okta.apps.read", "okta.apps.manage"})
)


def test_a_super_admin_reads_any_admins_roles(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    me = okta.get("/api/v1/users/me").json()
    for path in ("/api/v1/users/me/roles", f"/api/v1/users/{me['id']}/roles"):
        resp = okta.get(path)
        assert resp.status_code == 200 and [r["type"] for r in resp.json()] == ["SUPER_ADMIN"]
    other = sandbox.org.add_user("helpdesk@example.com", "Hal", "Desk", ["HELP_DESK_ADMIN"])
    listed = okta.get(f"/api/v1/users/{other.id}/roles").json()
    assert [r["type"] for r in listed] == ["HELP_DESK_ADMIN"]


@pytest.mark.parametrize(
    "roles",
    [["ORG_ADMIN"], ["APP_ADMIN"], ["ORG_ADMIN", "APP_ADMIN"], [UPFLOW_CREATOR]],
    ids=["org-admin", "app-admin", "org-and-app-admin", "custom"],
)
def test_anybody_else_is_refused_like_okta(
    sandbox: RunningSandbox, okta: httpx.Client, roles: list[str | RoleGrant]
) -> None:
    sandbox.org.set_admin_roles(roles)
    for path in ("/api/v1/users/me/roles", f"/api/v1/users/{sandbox.org.admin_id}/roles"):
        resp = okta.get(path)
        assert resp.status_code == 403
        body = resp.json()
        assert body["errorCode"] == "E0000006" and body["errorLink"] == "E0000006"
        assert body["errorSummary"] == "You do not have permission to perform the requested action"
        assert ref.real_errors(body, ref.named_schema("Error")) == []


def test_the_variant_where_admins_read_their_own_roles(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    sandbox.org.set_admin_roles(["ORG_ADMIN"], own_roles_readable=True)
    own = okta.get("/api/v1/users/me/roles")
    assert own.status_code == 200 and [r["type"] for r in own.json()] == ["ORG_ADMIN"]
    other = sandbox.org.add_user("ops@example.com", "Op", "S", ["SUPER_ADMIN"])
    assert okta.get(f"/api/v1/users/{other.id}/roles").status_code == 403


def test_custom_group_and_iam_roles_in_okta_shapes(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    it_admins = sandbox.org.group_by_name("IT Admins")
    assert it_admins is not None
    from_group = RoleGrant("APP_ADMIN", assignment_type="GROUP", group_id=it_admins.id)
    sandbox.org.set_admin_roles(
        ["SUPER_ADMIN", UPFLOW_CREATOR, from_group, RoleGrant("WORKFLOWS_ADMIN")]
    )
    roles = okta.get("/api/v1/users/me/roles").json()
    super_admin, custom, group, workflows = roles
    assert custom["type"] == "CUSTOM" and custom["label"] == "Upflow integrator"
    assert custom["role"].startswith("cr0") and custom["resource-set"].startswith("iam")
    assert {"resource-set", "role", "permissions", "member"} <= set(custom["_links"])
    assert group["assignmentType"] == "GROUP"
    assert group["_links"]["assignee"]["href"].endswith(f"/api/v1/groups/{it_admins.id}")
    assert workflows["role"] == "WORKFLOWS_ADMIN" and workflows["label"]
    assert super_admin["_links"]["assignee"]["href"].endswith(f"/users/{sandbox.org.admin_id}")
    schema = ref.response_schema("GET", "/api/v1/users/{userId}/roles", 200)
    assert schema is not None and ref.real_errors(roles, schema) == []
    # The spec's own examples of custom and group roles have the same keys.
    assert ref.shape_differences(_spec_custom_role(), custom) == []


def _spec_custom_role() -> dict[str, object]:
    """Okta's spec, example StandardAndCustomRolesListResponse (its custom role)."""
    return {
        "id": "irb1q92TFAHzySt3x0g4", "role": "cr0Yq6IJxGIr0ouum0g3", "label": "UserCreatorRole",
        "type": "CUSTOM", "status": "ACTIVE", "created": "2019-02-06T16:20:57.000Z",
        "lastUpdated": "2019-02-06T16:20:57.000Z", "assignmentType": "USER",
        "resource-set": "iamoJDFKaJxGIr0oamd9g",
        "_links": {"assignee": {"href": "x"}, "resource-set": {"href": "x"},
                   "member": {"href": "x"}, "role": {"href": "x"}, "permissions": {"href": "x"}},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        ([UPFLOW_CREATOR], 200),  # a custom role with okta.apps.manage may create
        ([RoleGrant("APP_ADMIN", assignment_type="GROUP")], 200),  # inherited: the same right
        ([RoleGrant("WORKFLOWS_ADMIN")], 403),
        ([RoleGrant("CUSTOM", "Readers", permissions=frozenset({"okta.apps.read"}))], 403),
        ([RoleGrant("SUPER_ADMIN", status="INACTIVE")], 403),
    ],
    ids=["custom-manage", "group-app-admin", "workflows", "custom-read", "inactive"],
)
def test_what_a_role_allows_on_create(
    sandbox: RunningSandbox, okta: httpx.Client, roles: list[RoleGrant], status: int
) -> None:
    sandbox.org.set_admin_roles(roles)
    assert okta.post("/api/v1/apps", json=UPFLOW_APP).status_code == status


def test_seeded_admins_with_custom_and_group_roles(tmp_path: Path) -> None:
    seed = tmp_path / "org.json"
    seed.write_text(
        '{"admin": {"roles": ["ORG_ADMIN",'
        ' {"type": "CUSTOM", "label": "Upflow integrator", "permissions": ["okta.apps.manage"]},'
        ' {"type": "APP_ADMIN", "assignmentType": "GROUP", "group": "IT Admins"},'
        ' "WORKFLOWS_ADMIN"]}, "ownRolesReadable": true}'
    )
    with start_sandbox(seed=seed) as sb:
        headers = {"Authorization": f"SSWS {sb.token}"}
        roles = httpx.get(f"{sb.base_url}/api/v1/users/me/roles", headers=headers).json()
        assert [(r["type"], r["assignmentType"]) for r in roles] == [
            ("ORG_ADMIN", "USER"), ("CUSTOM", "USER"), ("APP_ADMIN", "GROUP"),
            ("WORKFLOWS_ADMIN", "USER"),
        ]  # fmt: skip
        assert sb.org.own_roles_readable and sb.org.admin_may_create_oidc()


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ('[{"type": "CUSTOM"}]', "a CUSTOM role needs a 'label'"),
        ('[{"type": "APP_ADMIN", "assignmentType": "GROUP", "group": "Nope"}]', "'group'"),
        ('[{"type": "APP_ADMIN", "assignmentType": "CLIENT"}]', "USER or GROUP"),
        ('[{"type": "CUSTOM", "label": "x", "permissions": "okta.apps.manage"}]', "permissions"),
        ("[7]", "a role type or an object"),
    ],
)
def test_bad_seeded_roles_say_what_is_wrong(tmp_path: Path, roles: str, message: str) -> None:
    seed = tmp_path / "org.json"
    seed.write_text(f'{{"admin": {{"roles": {roles}}}}}')
    with pytest.raises(SeedError, match=message):
        start_sandbox(seed=seed)
