"""`apply` with the admins real customers have: real Okta shows an admin's roles to Super
Admins only (403 E0000006 for anybody else), so for most admins the preflight cannot read the
roles and Okta decides when the app is created. Both outcomes, end to end."""

from __future__ import annotations

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.sandbox.org import RoleGrant
from tests.setup.conftest import Org, assert_converged

Cap = pytest.CaptureFixture[str]
ROLES_ROUTE = "GET /api/v1/users/{id}/roles"


def test_an_org_admin_whose_create_works_gets_the_app(org: Org, capsys: Cap) -> None:
    """Org Admin plus App Admin: the roles are not readable, the create is allowed."""
    org.sb.org.set_admin_roles(["ORG_ADMIN", "APP_ADMIN"])
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    assert [c.status for c in org.sb.calls_to(ROLES_ROUTE)] == [403]
    assert_converged(org)


def test_an_org_admin_whose_create_is_refused_is_exit_4_with_no_app(org: Org, capsys: Cap) -> None:
    org.sb.org.set_admin_roles(["ORG_ADMIN"])
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.PERMISSION, err
    assert [c.status for c in org.sb.calls_to(ROLES_ROUTE)] == [403]
    assert [c.status for c in org.sb.calls_to("POST /api/v1/apps")] == [403]
    # It names a role that may create OIDC apps, and changes nothing.
    assert "App Admin" in err and "Super Admin" in err
    assert org.apps() == [] and org.sb.mutating_calls() == []


def test_a_custom_role_that_may_create_is_not_refused(org: Org, capsys: Cap) -> None:
    """Even when the roles are readable (the variant), a custom role is Okta's to judge."""
    creator = RoleGrant("CUSTOM", "Upflow integrator", permissions=frozenset({"okta.apps.manage"}))
    org.sb.org.set_admin_roles(["ORG_ADMIN", creator], own_roles_readable=True)
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    assert [c.status for c in org.sb.calls_to(ROLES_ROUTE)] == [200]
    assert_converged(org)


def test_a_custom_role_that_may_not_create_is_refused_by_okta(org: Org, capsys: Cap) -> None:
    reader = RoleGrant("CUSTOM", "App readers", permissions=frozenset({"okta.apps.read"}))
    org.sb.org.set_admin_roles([reader], own_roles_readable=True)
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.PERMISSION, err
    assert [c.status for c in org.sb.calls_to("POST /api/v1/apps")] == [403]
    assert org.apps() == []


def test_a_super_admin_keeps_the_role_check(org: Org, capsys: Cap) -> None:
    code, _, err = org.run(capsys, "apply", "--group", "Finance", "--json")
    assert code == ExitCode.OK, err
    assert [c.status for c in org.sb.calls_to(ROLES_ROUTE)] == [200]
