"""Okta JSON -> the wizard's dataclasses, and the request bodies the wizard sends.

Our own tolerant parsing instead of the SDK's pydantic models: an app with fields the SDK does
not know (issue okta/okta-sdk-python#574) must not poison a whole list. Anything we cannot read
becomes an empty value or is skipped, never an exception from deep inside a list.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from okta_wizard.okta.models import (
    Actor,
    ClientSecret,
    Discovery,
    Group,
    OidcApp,
    OidcAppSettings,
    OrgInfo,
)
from okta_wizard.secret import Secret

OIDC_APP_NAME = "oidc_client"


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strs(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def _bool_or_none(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def app_from_json(data: object) -> OidcApp | None:
    """One app of `GET /api/v1/apps[/{id}]` or `POST /api/v1/apps`; None if it has no id."""
    app = _dict(data)
    app_id = _str(app.get("id"))
    if not app_id:
        return None
    cred = _dict(_dict(app.get("credentials")).get("oauthClient"))
    oauth = _dict(_dict(app.get("settings")).get("oauthClient"))
    return OidcApp(
        id=app_id,
        client_id=_str(cred.get("client_id")) or app_id,
        label=_str(app.get("label")),
        name=_str(app.get("name")),
        status=_str(app.get("status")),
        sign_on_mode=_str(app.get("signOnMode")),
        application_type=_str(oauth.get("application_type")),
        redirect_uris=_strs(oauth.get("redirect_uris")),
        post_logout_redirect_uris=_strs(oauth.get("post_logout_redirect_uris")),
        grant_types=_strs(oauth.get("grant_types")),
        response_types=_strs(oauth.get("response_types")),
        token_endpoint_auth_method=_str(cred.get("token_endpoint_auth_method")),
        pkce_required=_bool_or_none(cred.get("pkce_required")),
        created=_str(app.get("created")),
        last_updated=_str(app.get("lastUpdated")),
    )


def client_secret_in_app_json(data: object) -> Secret | None:
    """The `client_secret` Okta returns only in the create (or update) answer."""
    credentials = _dict(_dict(data).get("credentials"))
    value = _str(_dict(credentials.get("oauthClient")).get("client_secret"))
    return Secret(value) if value else None


def apps_from_json(data: object) -> list[OidcApp]:
    """A list answer; items that are not readable apps are skipped, not fatal."""
    if not isinstance(data, list):
        return []
    return [app for app in map(app_from_json, data) if app is not None]


def apps_labelled(apps: list[OidcApp], label: str) -> list[OidcApp]:
    """`q=` is a prefix search on name or label: keep exact-label OIDC apps only."""
    return [a for a in apps if a.label == label and a.name == OIDC_APP_NAME]


def secret_from_json(data: object) -> ClientSecret | None:
    item = _dict(data)
    secret_id = _str(item.get("id"))
    if not secret_id:
        return None
    value = _str(item.get("client_secret"))
    return ClientSecret(
        id=secret_id,
        status=_str(item.get("status")),
        value=Secret(value) if value else None,
        created=_str(item.get("created")),
    )


def secrets_from_json(data: object) -> list[ClientSecret]:
    if not isinstance(data, list):
        return []
    return [s for s in map(secret_from_json, data) if s is not None]


def group_from_json(data: object) -> Group | None:
    item = _dict(data)
    group_id = _str(item.get("id"))
    if not group_id:
        return None
    profile = _dict(item.get("profile"))
    count = _dict(_dict(item.get("_embedded")).get("stats")).get("usersCount")
    return Group(
        id=group_id,
        name=_str(profile.get("name")),
        type=_str(item.get("type")),
        description=_str(profile.get("description")),
        # Only with `expand=stats`; a bool is not a count (JSON true would pass isinstance int).
        users_count=count if isinstance(count, int) and not isinstance(count, bool) else None,
    )


def groups_from_json(data: object) -> list[Group]:
    if not isinstance(data, list):
        return []
    return [g for g in map(group_from_json, data) if g is not None]


def assigned_group_ids_from_json(data: object) -> list[str]:
    """`GET /api/v1/apps/{id}/groups`: `[{id: "00g…", priority, profile, _links}]`."""
    if not isinstance(data, list):
        return []
    return [gid for gid in (_str(_dict(item).get("id")) for item in data) if gid]


def user_actor_from_json(data: object) -> Actor:
    user = _dict(data)
    profile = _dict(user.get("profile"))
    first, last = _str(profile.get("firstName")), _str(profile.get("lastName"))
    return Actor(
        id=_str(user.get("id")),
        kind="user",
        login=_str(profile.get("login")),
        email=_str(profile.get("email")),
        display_name=" ".join(x for x in (first, last) if x),
    )


def role_types_from_json(data: object) -> tuple[str, ...]:
    """`GET /api/v1/users/{id}/roles` (or a client's roles): `[{type: "SUPER_ADMIN", …}]`."""
    if not isinstance(data, list):
        return ()
    return tuple(t for t in (_str(_dict(r).get("type")) for r in data) if t)


def org_info_from_json(data: object, url: str) -> OrgInfo:
    item = _dict(data)
    return OrgInfo(id=_str(item.get("id")), pipeline=_str(item.get("pipeline")), url=url)


def discovery_from_json(data: object) -> Discovery | None:
    doc = _dict(data)
    issuer = _str(doc.get("issuer"))
    if not issuer:
        return None
    return Discovery(
        issuer=issuer,
        authorization_endpoint=_str(doc.get("authorization_endpoint")),
        token_endpoint=_str(doc.get("token_endpoint")),
        introspection_endpoint=_str(doc.get("introspection_endpoint")),
        jwks_uri=_str(doc.get("jwks_uri")),
        end_session_endpoint=_str(doc.get("end_session_endpoint")),
        userinfo_endpoint=_str(doc.get("userinfo_endpoint")),
        token_endpoint_auth_methods_supported=_strs(
            doc.get("token_endpoint_auth_methods_supported")
        ),
    )


def oidc_app_body(settings: OidcAppSettings, *, client_id: str | None = None) -> dict[str, Any]:
    """The body of `POST /api/v1/apps` (and of the full-replace `PUT /api/v1/apps/{id}`).

    `pkce_required` is always sent explicitly: the SDK's models would send `true` unless told.
    """
    oauth_credentials: dict[str, Any] = {
        "token_endpoint_auth_method": settings.token_endpoint_auth_method,
        "autoKeyRotation": True,
        "pkce_required": settings.pkce_required,
    }
    if client_id:
        oauth_credentials["client_id"] = client_id
    return {
        "name": OIDC_APP_NAME,
        "label": settings.label,
        "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": oauth_credentials},
        "settings": {
            "oauthClient": {
                "application_type": settings.application_type,
                "grant_types": list(settings.grant_types),
                "response_types": list(settings.response_types),
                "redirect_uris": list(settings.redirect_uris),
                "post_logout_redirect_uris": list(settings.post_logout_redirect_uris),
                "consent_method": "TRUSTED",
            }
        },
    }


_LINK = re.compile(r"<([^>]*)>\s*;\s*rel\s*=\s*\"?([^\";,]+)\"?")


def next_page_path(link_headers: list[str]) -> str | None:
    """The `rel="next"` link as a path+query on our own org, or None on the last page.

    Okta sends one `Link` header per relation; some proxies join them with commas. A link to
    another host is never followed with our token: only its path and query are kept.
    """
    for header in link_headers:
        for url, rel in _LINK.findall(header):
            if rel.strip() != "next":
                continue
            parts = urlsplit(str(url))
            return str(parts.path) + (f"?{parts.query}" if parts.query else "")
    return None
