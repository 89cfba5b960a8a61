"""JSON bodies in real Okta's shapes (field names and links as in the 2026 recordings)."""

from __future__ import annotations

import copy
from typing import Any

from okta_wizard.sandbox import ids
from okta_wizard.sandbox.org import (
    ENGINES,
    RoleGrant,
    SandboxApp,
    SandboxGroup,
    SandboxOrg,
    SandboxSecret,
    SandboxUser,
)

_LOGO = (
    "https://ok12static.oktacdn.com/assets/img/logos/default.6770228fb0dab49a1695ef440a5279bb.png"
)
_GROUP_LOGOS = [
    {"name": "medium", "type": "image/png",
     "href": "https://ok11static.oktacdn.com/assets/img/logos/groups/okta-medium.d7fb831bc4e7e1a5d8bd35dfaf405d9e.png"},
    {"name": "large", "type": "image/png",
     "href": "https://ok11static.oktacdn.com/assets/img/logos/groups/okta-large.511fcb0de9da185b52589cb14d581c2c.png"},
]  # fmt: skip


def error_body(code: str, summary: str, causes: list[str] | None = None) -> dict[str, Any]:
    return {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": ids.error_id(),
        "errorCauses": [{"errorSummary": c} for c in causes or []],
    }


def app_body(base: str, app: SandboxApp, *, with_secret: str | None = None) -> dict[str, Any]:
    """An app as GET returns it; `with_secret` only on create / update (Okta's rule)."""
    href = f"{base}/api/v1/apps/{app.id}"
    body: dict[str, Any] = {
        "id": app.id,
        "orn": f"orn:okta:idp:00o{app.id[3:]}:apps:{app.name}:{app.id}",
        "name": app.name,
        "label": app.label,
        "status": app.status,
        "lastUpdated": app.last_updated,
        "created": app.created,
        "accessibility": {"selfService": False, "errorRedirectUrl": None, "loginRedirectUrl": None},
        "visibility": {
            "autoLaunch": False,
            "autoSubmitToolbar": False,
            "hide": {"iOS": True, "web": True},
            "appLinks": {_app_link(app): True},
        },
        "features": [],
        "signOnMode": app.sign_on_mode,
        "credentials": {
            "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
            "signing": {"kid": app.kid},
        },
        "universalLogout": None,
        "settings": {
            "app": copy.deepcopy(app.app_settings),
            "notifications": {
                "vpn": {"network": {"connection": "DISABLED"}, "message": None, "helpUrl": None}
            },
            "manualProvisioning": False,
            "implicitAssignment": False,
            "emOptInStatus": "NONE",
            "notes": {"admin": None, "enduser": None},
        },
        "_links": _app_links(base, href, app),
    }
    if app.oauth_credentials:
        oauth = copy.deepcopy(app.oauth_credentials)
        if with_secret is not None:
            oauth["client_secret"] = with_secret
        body["credentials"]["oauthClient"] = oauth
    if app.oauth_settings:
        # Okta's defaults, then what the client sent (Okta echoes the settings it was given).
        body["settings"]["oauthClient"] = {
            "client_uri": None,
            "logo_uri": None,
            "issuer_mode": "DYNAMIC",
            "idp_initiated_login": {"mode": "DISABLED", "default_scope": []},
            "wildcard_redirect": "DISABLED",
            "dpop_bound_access_tokens": False,
            "participate_slo": False,
            **copy.deepcopy(app.oauth_settings),
        }
    body.update(copy.deepcopy(app.extra_fields))
    return body


def _app_link(app: SandboxApp) -> str:
    """The name of an app's link on the dashboard: `oidc_client_link`; a bookmark's `login`."""
    return "login" if app.name == "bookmark" else f"{app.name}_link"


def _app_links(base: str, href: str, app: SandboxApp) -> dict[str, Any]:
    links: dict[str, Any] = {
        "uploadLogo": {"href": f"{href}/logo", "hints": {"allow": ["POST"]}},
        "appLinks": [
            {"name": _app_link(app), "type": "text/html",
             "href": f"{base}/home/{app.name}/{app.id}/aln{app.id[3:]}"}
        ],
        "profileEnrollment": {"href": f"{base}/api/v1/policies/{app.policy_ids[0]}"},
        "policies": {"href": f"{href}/policies", "hints": {"allow": ["PUT"]}},
        "groups": {"href": f"{href}/groups"},
        "logo": [{"name": "medium", "href": _LOGO, "type": "image/png"}],
        "accessPolicy": {"href": f"{base}/api/v1/policies/{app.policy_ids[1]}"},
        "users": {"href": f"{href}/users"},
    }  # fmt: skip
    if app.is_oidc:
        links["clientCredentials"] = [{"name": "secrets", "href": f"{href}/credentials/secrets"}]
    verb = "deactivate" if app.status == "ACTIVE" else "activate"
    links[verb] = {"href": f"{href}/lifecycle/{verb}"}
    return links


def secret_body(base: str, app: SandboxApp, secret: SandboxSecret) -> dict[str, Any]:
    href = f"{base}/api/v1/apps/{app.id}/credentials/secrets/{secret.id}"
    links: dict[str, Any]
    if secret.status == "ACTIVE":
        deactivate = {"href": f"{href}/lifecycle/deactivate", "hints": {"allow": ["POST"]}}
        links = {"deactivate": deactivate}
    else:
        links = {
            "activate": {"href": f"{href}/lifecycle/activate", "hints": {"allow": ["POST"]}},
            "delete": {"href": href, "hints": {"allow": ["DELETE"]}},
        }
    return {
        "id": secret.id,
        "created": secret.created,
        "lastUpdated": secret.last_updated,
        "status": secret.status,
        "client_secret": secret.value,
        "secret_hash": secret.hash,
        "_links": links,
    }


def group_body(base: str, group: SandboxGroup, *, stats: bool = False) -> dict[str, Any]:
    """A group as Okta returns it; `stats` (expand=stats) embeds its member count."""
    href = f"{base}/api/v1/groups/{group.id}"
    body: dict[str, Any] = {
        "id": group.id,
        "created": group.created,
        "lastUpdated": group.created,
        "lastMembershipUpdated": group.created,
        "objectClass": ["okta:user_group"],
        "type": group.type,
        "profile": {"name": group.name, "description": group.description},
        "_links": {
            "logo": _GROUP_LOGOS,
            "users": {"href": f"{href}/users"},
            "apps": {"href": f"{href}/apps"},
        },
    }
    if stats:
        # Okta also sends appsCount and groupPushMappingsCount; the wizard reads usersCount.
        body["_embedded"] = {"stats": {"usersCount": group.users_count}}
    return body


def assignment_body(base: str, app: SandboxApp, group_id: str) -> dict[str, Any]:
    a = app.assignments[group_id]
    app_href = f"{base}/api/v1/apps/{app.id}"
    return {
        "id": group_id,
        "lastUpdated": a.last_updated,
        "priority": a.priority,
        "profile": {},
        "_links": {
            "app": {"href": app_href},
            "self": {"href": f"{app_href}/groups/{group_id}"},
            "group": {"href": f"{base}/api/v1/groups/{group_id}"},
        },
    }


def user_body(base: str, user: SandboxUser) -> dict[str, Any]:
    return {
        "id": user.id,
        "status": "ACTIVE",
        "created": user.created,
        "activated": user.created,
        "statusChanged": user.created,
        "lastLogin": user.created,
        "lastUpdated": user.created,
        "passwordChanged": user.created,
        "type": {"id": "oty" + user.id[3:]},
        "profile": {
            "firstName": user.first_name,
            "lastName": user.last_name,
            "mobilePhone": None,
            "secondEmail": None,
            "login": user.login,
            "email": user.email,
        },
        "credentials": {
            "password": {},
            "emails": [{"value": user.email, "status": "VERIFIED", "type": "PRIMARY"}],
            "provider": {"type": "OKTA", "name": "OKTA"},
        },
        "_links": {"self": {"href": f"{base}/api/v1/users/{user.id}"}},
    }


def roles_body(base: str, user: SandboxUser) -> list[dict[str, Any]]:
    """`GET /api/v1/users/{id}/roles`: standard roles as `StandardRole`, IAM-based and custom
    ones as `CustomRole` (role, resource-set), each assigned to the user or to a group."""
    return [role_body(base, g, _assignee(base, user, g), user.created) for g in user.grants]


def _assignee(base: str, user: SandboxUser, grant: RoleGrant) -> str:
    if grant.assignment_type == "GROUP" and grant.group_id:
        return f"{base}/api/v1/groups/{grant.group_id}"
    return f"{base}/api/v1/users/{user.id}"


def role_body(base: str, grant: RoleGrant, assignee: str, created: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": grant.id,
        "label": grant.display_label,
        "type": grant.type,
        "status": grant.status,
        "created": created,
        "lastUpdated": created,
        "assignmentType": grant.assignment_type,
        "_links": {"assignee": {"href": assignee}},
    }
    if grant.is_standard:
        return body
    # IAM-based roles name themselves and a policy resource set; custom roles carry ids.
    role, resource_set = grant.role_id, grant.resource_set
    iam = f"{base}/api/v1/iam"
    body["role"] = role
    body["resource-set"] = resource_set
    body["_links"].update(
        {
            "resource-set": {"href": f"{iam}/resource-sets/{resource_set}"},
            "member": {
                "href": f"{iam}/resource-sets/{resource_set}/bindings/{role}/members/{grant.id}"
            },
            "role": {"href": f"{iam}/roles/{role}"},
            "permissions": {"href": f"{iam}/permission-sets/{role}/permissions"},
        }
    )
    return body


def org_body(base: str, org: SandboxOrg) -> dict[str, Any]:
    return {
        "id": org.id,
        "subdomain": org.subdomain,
        "companyName": org.company,
        "status": "ACTIVE",
        "expiresAt": None,
        "created": org.created,
        "lastUpdated": org.created,
        "website": "https://example.com",
        "phoneNumber": "",
        "endUserSupportHelpURL": "",
        "supportPhoneNumber": "",
        "address1": None,
        "address2": None,
        "city": None,
        "state": None,
        "country": None,
        "postalCode": None,
        "_links": {
            "preferences": {"href": f"{base}/api/v1/org/preferences"},
            "uploadLogo": {"href": f"{base}/api/v1/org/logo", "hints": {"allow": ["POST"]}},
            "oktaCommunication": {"href": f"{base}/api/v1/org/privacy/oktaCommunication"},
            "logo": {"href": f"{base}/logo/{org.id}"},
            "oktaSupport": {"href": f"{base}/api/v1/org/privacy/oktaSupport"},
            "contacts": {"href": f"{base}/api/v1/org/contacts"},
        },
    }


# `settings` as the terraform recordings of a Classic and an Identity Engine org show them.
_ORG_SETTINGS = {
    "classic": {"analyticsCollectionEnabled": False, "bugReportingEnabled": True,
                "omEnabled": True, "pssoEnabled": False, "desktopMFAEnabled": False,
                "itpEnabled": False},
    "identity": {"analyticsCollectionEnabled": False, "bugReportingEnabled": True,
                 "omEnabled": False, "pssoEnabled": False, "desktopMFAEnabled": False,
                 "itpEnabled": True, "op4wEnabled": True},
}  # fmt: skip


def well_known_org(base: str, org: SandboxOrg) -> dict[str, Any]:
    """`pipeline` is "v1" on a Classic Engine org and "idx" on Identity Engine."""
    return {
        "id": org.id,
        "cell": "op3",
        "_links": {"organization": {"href": base}},
        "pipeline": ENGINES[org.engine],
        "settings": copy.deepcopy(_ORG_SETTINGS[org.engine]),
    }


def openid_configuration(base: str) -> dict[str, Any]:
    """The org authorization server's discovery document: issuer is the org URL itself."""
    oauth = f"{base}/oauth2/v1"
    return {
        "issuer": base,
        "authorization_endpoint": f"{oauth}/authorize",
        "token_endpoint": f"{oauth}/token",
        "userinfo_endpoint": f"{oauth}/userinfo",
        "registration_endpoint": f"{oauth}/clients",
        "jwks_uri": f"{oauth}/keys",
        "response_types_supported": ["code", "id_token", "code id_token", "code token",
                                     "id_token token", "code id_token token"],
        "response_modes_supported": ["query", "fragment", "form_post", "okta_post_message"],
        "grant_types_supported": ["authorization_code", "implicit", "refresh_token", "password",
                                  "urn:ietf:params:oauth:grant-type:device_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile", "address", "phone", "offline_access",
                             "groups"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post",
                                                  "client_secret_jwt", "private_key_jwt", "none"],
        "claims_supported": ["iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr",
                             "idp", "nonce", "name", "nickname", "preferred_username",
                             "given_name", "family_name", "email", "email_verified", "groups"],
        "code_challenge_methods_supported": ["S256"],
        "introspection_endpoint": f"{oauth}/introspect",
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic",
                                                          "client_secret_post",
                                                          "client_secret_jwt",
                                                          "private_key_jwt", "none"],
        "revocation_endpoint": f"{oauth}/revoke",
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic",
                                                       "client_secret_post",
                                                       "client_secret_jwt", "private_key_jwt",
                                                       "none"],
        "end_session_endpoint": f"{oauth}/logout",
        "request_parameter_supported": True,
        "request_object_signing_alg_values_supported": ["HS256", "HS384", "HS512", "RS256",
                                                        "RS384", "RS512", "ES256", "ES384",
                                                        "ES512"],
        "device_authorization_endpoint": f"{oauth}/device/authorize",
        "dpop_signing_alg_values_supported": ["RS256", "RS384", "RS512", "ES256", "ES384",
                                              "ES512"],
    }  # fmt: skip
