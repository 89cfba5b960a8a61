"""Admin roles as real Okta lists them (standard, IAM-based, custom, inherited from a group) and
what the preflight may conclude from them: refuse only what the list proves, send anything it
cannot judge to Okta at create time."""

from __future__ import annotations

import pytest

from okta_wizard.okta import parse
from okta_wizard.okta.gateway import Gateway
from okta_wizard.okta.models import Actor, Permissions, Role, may_create_oidc_apps
from okta_wizard.sandbox.org import RoleGrant
from okta_wizard.sandbox.server import RunningSandbox
from okta_wizard.setup.connect import role_check

USER = Actor(id="00u1", kind="user", login="it@example.com")

# Okta's spec, example StandardAndCustomRolesListResponse (trimmed to what is read).
MIXED = [
    {"id": "IFIFAX2BIRGUSTQ", "label": "Application administrator", "type": "APP_ADMIN",
     "status": "ACTIVE", "assignmentType": "USER"},
    {"id": "gra25fapn1prGTBKV0g4", "label": "API Access Management administrator",
     "type": "API_ACCESS_MANAGEMENT_ADMIN", "status": "ACTIVE", "assignmentType": "GROUP"},
    {"id": "irb1q92TFAHzySt3x0g4", "role": "cr0Yq6IJxGIr0ouum0g3", "label": "UserCreatorRole",
     "type": "CUSTOM", "status": "ACTIVE", "assignmentType": "USER",
     "resource-set": "iamoJDFKaJxGIr0oamd9g"},
    {"id": "irb5e92YgBazyyQ3x1q5", "role": "ACCESS_CERTIFICATIONS_ADMIN",
     "label": "Access Certifications administrator", "type": "ACCESS_CERTIFICATIONS_ADMIN",
     "status": "ACTIVE", "assignmentType": "USER"},
]  # fmt: skip


def _roles(*specs: str | tuple[str, str, str]) -> tuple[Role, ...]:
    out = []
    for spec in specs:
        kind, assignment, status = (spec, "USER", "ACTIVE") if isinstance(spec, str) else spec
        out.append(Role(kind, assignment_type=assignment, status=status))
    return tuple(out)


def test_role_lists_parse_with_custom_and_group_roles() -> None:
    roles = parse.roles_from_json(MIXED)
    assert roles is not None
    assert [r.type for r in roles] == [
        "APP_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN", "CUSTOM", "ACCESS_CERTIFICATIONS_ADMIN"
    ]  # fmt: skip
    assert roles[1].assignment_type == "GROUP" and roles[2].label == "UserCreatorRole"
    assert roles[2].describe() == 'custom role "UserCreatorRole"'
    assert roles[1].describe() == "API_ACCESS_MANAGEMENT_ADMIN (through a group)"
    assert parse.roles_from_json({"errorCode": "E0000006"}) is None  # not a list: unknown
    assert parse.roles_from_json([{"label": "no type"}, 7]) == ()


def test_a_custom_label_is_text_from_outside() -> None:
    hostile = [{"type": "CUSTOM", "label": "Ops\x1b]52;c;ZXZpbA==\x07", "status": "ACTIVE"}]
    (role,) = parse.roles_from_json(hostile) or ()
    assert "\x1b" not in role.describe() and "\\x1b" in role.describe()


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (_roles("SUPER_ADMIN"), True),
        (_roles("APP_ADMIN"), True),
        (_roles(("APP_ADMIN", "GROUP", "ACTIVE")), True),  # inherited from a group: the same
        (_roles("ORG_ADMIN", "CUSTOM"), None),  # a custom role may allow it
        (_roles("ORG_ADMIN"), False),
        (_roles("ORG_ADMIN", "READ_ONLY_ADMIN", "HELP_DESK_ADMIN"), False),
        ((), False),  # no admin role at all
        (_roles("CUSTOM"), None),
        (_roles("WORKFLOWS_ADMIN"), None),  # IAM-based, beyond the standard ten
        (_roles("ACCESS_REQUESTS_ADMIN", "ORG_ADMIN"), None),
        (_roles("SOME_ROLE_OF_2027"), None),  # newer than this product
        (_roles(("APP_ADMIN", "USER", "INACTIVE")), None),
        (_roles("CUSTOM", "SUPER_ADMIN"), True),
        (None, None),  # not readable
    ],
)
def test_what_the_preflight_may_conclude(roles: tuple[Role, ...] | None, expected: object) -> None:
    assert may_create_oidc_apps(roles) is expected


@pytest.mark.parametrize(
    "roles",
    [None, _roles("CUSTOM"), _roles("ORG_ADMIN", "CUSTOM"), _roles("WORKFLOWS_ADMIN"),
     _roles(("SUPER_ADMIN", "USER", "INACTIVE")), _roles("SOME_ROLE_OF_2027")],
)  # fmt: skip
def test_the_role_check_never_refuses_what_it_cannot_judge(roles: tuple[Role, ...] | None) -> None:
    check = role_check(Permissions(True, True, roles), USER)
    assert check.ok and "Okta decides on create" in check.detail and not check.remedy


def test_the_role_check_refuses_standard_roles_that_may_not_create() -> None:
    check = role_check(Permissions(True, True, _roles("ORG_ADMIN")), USER)
    assert not check.ok and "ORG_ADMIN; needs SUPER_ADMIN" in check.detail
    assert "App Admin" in check.remedy
    passed = role_check(Permissions(True, True, _roles("SUPER_ADMIN")), USER)
    assert passed.ok and passed.detail == "SUPER_ADMIN"


async def test_a_super_admin_still_gets_the_role_check(sb: RunningSandbox, gw: Gateway) -> None:
    perms = await gw.probe_permissions(await gw.whoami())
    assert perms.role_types == ("SUPER_ADMIN",) and perms.can_create_oidc_apps is True


@pytest.mark.parametrize(
    "roles",
    [["ORG_ADMIN"], ["APP_ADMIN"], [RoleGrant("CUSTOM", "Upflow", permissions=frozenset())]],
    ids=["org-admin", "app-admin", "custom"],
)
async def test_other_admins_cannot_read_roles_so_okta_decides(
    sb: RunningSandbox, gw: Gateway, roles: list[str | RoleGrant]
) -> None:
    sb.org.set_admin_roles(roles)
    perms = await gw.probe_permissions(await gw.whoami())
    assert perms.roles is None and perms.can_create_oidc_apps is None
    assert any("okta.roles.read" in m for m in perms.missing)
    assert [c.status for c in sb.calls_to("GET /api/v1/users/{id}/roles")] == [403]


async def test_a_readable_custom_role_goes_to_okta(sb: RunningSandbox, gw: Gateway) -> None:
    custom = RoleGrant("CUSTOM", "Upflow integrator", permissions=frozenset({"okta.apps.manage"}))
    sb.org.set_admin_roles(["ORG_ADMIN", custom], own_roles_readable=True)
    perms = await gw.probe_permissions(await gw.whoami())
    assert perms.role_types == ("ORG_ADMIN", "CUSTOM")
    assert perms.can_create_oidc_apps is None and perms.missing == ()
    assert perms.describe_roles() == 'ORG_ADMIN, custom role "Upflow integrator"'
