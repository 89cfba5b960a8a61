"""Step 1, sign in: the org is an Okta org, who the credential belongs to, and the read-only
preflight (can it read apps and groups, may its role create OIDC apps). Nothing changes in
Okta before every check here passes (`ConnectReport.raise_if_refused`).
"""

from __future__ import annotations

from okta_wizard.okta.credentials import ApiToken
from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.okta.models import ROLES_THAT_CREATE_OIDC_APPS, Actor, Permissions
from okta_wizard.okta.service_app import ROLES_TAB
from okta_wizard.setup.lookup import fetch_apps
from okta_wizard.setup.run import Run
from okta_wizard.setup.values import Check, ConnectReport

ROLES_NEEDED = "Super Admin, App Admin (for OpenID Connect apps) or API Access Management Admin"
ROLE_REMEDY = (
    f"Use an API token of an admin with one of these roles: {ROLES_NEEDED}; "
    "Org Admin cannot create apps."
)


def role_remedy(actor: Actor) -> str:
    """What to change when the signed-in principal lacks a role (admin or service app)."""
    if actor.kind == "service_app":
        where = ROLES_TAB.format(client_id=actor.id)
        return (
            f"Assign the service app one of these admin roles: {ROLES_NEEDED} ({where}); "
            "Org Admin cannot create apps."
        )
    return ROLE_REMEDY


async def connect(run: Run) -> ConnectReport:
    run.say("Checking the org and the token")
    org = await run.okta.org_metadata()
    # A service app's first Management API call is what proves its credential, so the look
    # for the app goes first and whoami needs no call of its own; an API token is checked on
    # /users/me first, which names the token in its error.
    token = isinstance(run.options.credential, ApiToken)
    can_read_apps = None if token else await _look_for_app(run)
    actor = await run.okta.whoami()
    run.actor = actor
    if can_read_apps is None:
        can_read_apps = await _look_for_app(run)
    permissions = await run.okta.probe_permissions(actor, can_read_apps=can_read_apps)
    who = actor.login or actor.email or actor.display_name or actor.id
    checks = (
        Check("org", True, org.url or run.origin),
        Check("signed in as", True, f"{who} ({actor.kind})"),
        _read_check("can read apps", permissions.can_read_apps, actor),
        _read_check("can read groups", permissions.can_read_groups, actor),
        role_check(permissions, actor),
    )
    report = ConnectReport(org=org, actor=actor, permissions=permissions, checks=checks)
    run.journal.actor_login = who
    run.journal.record(1, "done" if report.ok else "failed")
    run.save()
    return report


async def _look_for_app(run: Run) -> bool:
    """Step 2's look, made now (step 2 uses it): it also shows whether the credential may
    read apps, without a call of its own from the apps rate-limit family. False: refused."""
    try:
        run.prefetched = await fetch_apps(run)
    except OktaError as exc:
        if exc.kind is ErrorKind.PERMISSION and exc.status == 403:
            return False
        raise
    return True


def _read_check(name: str, allowed: bool, actor: Actor) -> Check:
    if allowed:
        return Check(name, True, "yes")
    return Check(name, False, "no (403)", role_remedy(actor))


def role_check(permissions: Permissions, actor: Actor) -> Check:
    """Refuse only what the role list proves: standard roles, none of which may create OIDC
    apps. Anything else goes to Okta at create time, where a 403 still stops before anything
    is half done: roles that cannot be read (real Okta shows them to Super Admins only), custom
    roles (their permissions sit in resource sets), role types this product does not know,
    inactive assignments."""
    name = "may create OIDC apps"
    may_create = permissions.can_create_oidc_apps
    roles = permissions.describe_roles()
    if may_create is None:
        why = "" if permissions.roles is None else " (a role it cannot judge may allow it)"
        return Check(name, True, f"{roles}; Okta decides on create{why}")
    if may_create:
        return Check(name, True, roles)
    needed = " or ".join(ROLES_THAT_CREATE_OIDC_APPS)
    return Check(name, False, f"{roles}; needs {needed}", role_remedy(actor))
