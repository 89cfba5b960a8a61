"""Okta JSON -> the wizard's dataclasses, and the request bodies the wizard sends.

Our own tolerant parsing instead of the SDK's pydantic models: an app with fields the SDK does
not know (issue okta/okta-sdk-python#574) must not poison a whole list. Anything we cannot read
becomes an empty value or is skipped, never an exception from deep inside a list.

This is also where Okta's text enters the program, so it is made safe to show here, once:
every string that can reach a screen (names, labels, descriptions, profile fields, redirect
URIs, statuses) passes `textsafe.visible()`, so a group named with `ESC]52;...` reaches the
terminal, the TUI and `--json` as the visible characters `\\x1b]52;...`. Ids, which the wizard
puts in request paths, must match Okta's id pattern or the object is not read at all. Secret
values are the one exception: they are data, kept byte for byte.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from okta_wizard.okta.models import (
    Actor,
    ClientSecret,
    Discovery,
    Group,
    LogEvent,
    OidcApp,
    OidcAppSettings,
    OrgInfo,
    Role,
)
from okta_wizard.okta.oidc_urls import origin_of
from okta_wizard.secret import Secret
from okta_wizard.textsafe import visible

OIDC_APP_NAME = "oidc_client"
# Okta's ids ("0oa1b2c3...", "00g...", "ocs...") are letters and digits; '-' and '_' are
# allowed for ids of other shapes. Never '/', '.', '%' or '?': an id goes into a request path.
_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
# A client id may be chosen at creation: URL-unreserved characters (RFC 3986), nothing else.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._~-]{1,128}")


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str:
    """Raw: only for values that are never shown (secret values)."""
    return value if isinstance(value, str) else ""


def _text(value: object) -> str:
    """A string from Okta, made safe to show (the display boundary)."""
    return visible(value) if isinstance(value, str) else ""


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(visible(v) for v in value if isinstance(v, str))


def _id(value: object, pattern: re.Pattern[str] = _ID) -> str:
    """An id that matches `pattern`, else "" (the object is then treated as unreadable)."""
    return value if isinstance(value, str) and pattern.fullmatch(value) else ""


def _bool_or_none(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def app_from_json(data: object) -> OidcApp | None:
    """One app of `GET /api/v1/apps[/{id}]` or `POST /api/v1/apps`; None if it has no id."""
    app = _dict(data)
    app_id = _id(app.get("id"))
    if not app_id:
        return None
    cred = _dict(_dict(app.get("credentials")).get("oauthClient"))
    oauth = _dict(_dict(app.get("settings")).get("oauthClient"))
    given_client_id = cred.get("client_id")
    client_id = _id(given_client_id, _CLIENT_ID) if given_client_id else app_id
    if not client_id:
        return None  # a client id we could not put in a keyring entry or a query
    return OidcApp(
        id=app_id,
        client_id=client_id,
        label=_text(app.get("label")),
        name=_text(app.get("name")),
        status=_text(app.get("status")),
        sign_on_mode=_text(app.get("signOnMode")),
        application_type=_text(oauth.get("application_type")),
        redirect_uris=_texts(oauth.get("redirect_uris")),
        post_logout_redirect_uris=_texts(oauth.get("post_logout_redirect_uris")),
        grant_types=_texts(oauth.get("grant_types")),
        response_types=_texts(oauth.get("response_types")),
        token_endpoint_auth_method=_text(cred.get("token_endpoint_auth_method")),
        pkce_required=_bool_or_none(cred.get("pkce_required")),
        created=_text(app.get("created")),
        last_updated=_text(app.get("lastUpdated")),
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
    """`q=` is a prefix search on name or label: keep exact-label OIDC apps only. Parsed
    labels are in their visible form, so the wanted label is compared in that form too (for a
    printable label, the only kind the wizard accepts, both forms are the same text)."""
    wanted = visible(label)
    return [a for a in apps if a.label == wanted and a.name == OIDC_APP_NAME]


def secret_from_json(data: object) -> ClientSecret | None:
    item = _dict(data)
    secret_id = _id(item.get("id"))
    if not secret_id:
        return None
    value = _str(item.get("client_secret"))
    return ClientSecret(
        id=secret_id,
        status=_text(item.get("status")),
        value=Secret(value) if value else None,
        created=_text(item.get("created")),
    )


def secrets_from_json(data: object) -> list[ClientSecret]:
    if not isinstance(data, list):
        return []
    return [s for s in map(secret_from_json, data) if s is not None]


def group_from_json(data: object) -> Group | None:
    item = _dict(data)
    group_id = _id(item.get("id"))
    if not group_id:
        return None
    profile = _dict(item.get("profile"))
    count = _dict(_dict(item.get("_embedded")).get("stats")).get("usersCount")
    return Group(
        id=group_id,
        name=_text(profile.get("name")),
        type=_text(item.get("type")),
        description=_text(profile.get("description")),
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
    return [gid for gid in (_id(_dict(item).get("id")) for item in data) if gid]


def user_actor_from_json(data: object) -> Actor:
    user = _dict(data)
    profile = _dict(user.get("profile"))
    first, last = _text(profile.get("firstName")), _text(profile.get("lastName"))
    return Actor(
        id=_id(user.get("id")),
        kind="user",
        login=_text(profile.get("login")),
        email=_text(profile.get("email")),
        display_name=" ".join(x for x in (first, last) if x),
    )


def roles_from_json(data: object) -> tuple[Role, ...] | None:
    """`GET /api/v1/users/{id}/roles` (or a client's): standard roles, IAM-based and custom
    ones (`type: CUSTOM` with its own label), assigned to the user or inherited from a group.
    None when the answer is not a list of roles (nothing can be judged from it)."""
    if not isinstance(data, list):
        return None
    roles = []
    for item in data:
        entry = _dict(item)
        role_type = _str(entry.get("type"))
        if not role_type:
            continue
        roles.append(
            Role(
                type=visible(role_type),
                label=_text(entry.get("label")),
                assignment_type=_text(entry.get("assignmentType")) or "USER",
                status=_text(entry.get("status")) or "ACTIVE",
            )
        )
    return tuple(roles)


def org_info_from_json(data: object, url: str) -> OrgInfo:
    item = _dict(data)
    return OrgInfo(id=_text(item.get("id")), pipeline=_text(item.get("pipeline")), url=url)


# The org authorization server's endpoints, by their discovery names: where the wizard sends
# a client secret or an assertion. Used when discovery names another origin (below).
def discovery_from_json(data: object) -> Discovery | None:
    """The discovery document as Okta gave it (text in its visible form), or None without an
    issuer. Endpoints are not judged here: `Gateway.discovery` refuses a document whose
    endpoints leave the org, and an absent endpoint stays empty (never built by hand)."""
    doc = _dict(data)
    issuer = _text(doc.get("issuer"))
    if not issuer:
        return None
    return Discovery(
        issuer=issuer,
        authorization_endpoint=_text(doc.get("authorization_endpoint")),
        token_endpoint=_text(doc.get("token_endpoint")),
        introspection_endpoint=_text(doc.get("introspection_endpoint")),
        jwks_uri=_text(doc.get("jwks_uri")),
        end_session_endpoint=_text(doc.get("end_session_endpoint")),
        userinfo_endpoint=_text(doc.get("userinfo_endpoint")),
        token_endpoint_auth_methods_supported=_texts(
            doc.get("token_endpoint_auth_methods_supported")
        ),
    )


def same_origin(url: str, origin: str) -> bool:
    """Does the absolute `url` point at `origin` (scheme, host and port all equal; no
    credentials)? The one origin rule, `oidc_urls.origin_of`, for links and endpoints alike."""
    found = origin_of(url)
    return found is not None and found == origin_of(origin)


def path_on_origin(url: str, origin: str) -> str | None:
    """The path and query of `url` (a URL reference, resolved against the root of `origin`)
    when it stays on `origin`; None when it leads anywhere else. Userinfo is refused too."""
    absolute = urljoin(origin + "/", url.strip())
    if not same_origin(absolute, origin) or urlsplit(absolute).username is not None:
        return None
    parts = urlsplit(absolute)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


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


def next_page_link(link_headers: list[str]) -> str | None:
    """The target of the `rel="next"` link as Okta wrote it, or None on the last page.

    Okta sends one `Link` header per relation; some proxies join them with commas. The caller
    checks that the target is on the org (`path_on_origin`) before following it.
    """
    for header in link_headers:
        for url, rel in _LINK.findall(header):
            if rel.strip() == "next":
                return str(url)
    return None


def log_event_from_json(data: object) -> LogEvent | None:
    """One System Log event; None without a uuid. Every text passes `visible()` here: a log
    event carries what users and apps typed (names, user agents, failure reasons)."""
    item = _dict(data)
    event_uuid = _text(item.get("uuid"))
    if not event_uuid:
        return None
    actor = _dict(item.get("actor"))
    outcome = _dict(item.get("outcome"))
    targets = item.get("target")
    target_ids = tuple(
        _text(_dict(t).get("id")) for t in (targets if isinstance(targets, list) else [])
    )
    return LogEvent(
        uuid=event_uuid,
        published=_text(item.get("published")),
        event_type=_text(item.get("eventType")),
        result=_text(outcome.get("result")),
        reason=_text(outcome.get("reason")),
        actor_id=_text(actor.get("id")),
        actor_type=_text(actor.get("type")),
        actor_name=_text(actor.get("alternateId")) or _text(actor.get("displayName")),
        display_message=_text(item.get("displayMessage")),
        target_ids=tuple(t for t in target_ids if t),
    )


def log_events_from_json(data: object) -> list[LogEvent]:
    if not isinstance(data, list):
        return []
    return [e for e in map(log_event_from_json, data) if e is not None]
