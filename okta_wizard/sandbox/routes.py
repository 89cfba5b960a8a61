"""The Okta endpoints the wizard calls, answering like a real org (see the cassettes).

Handlers run on the server's event loop and never await while they change the org, so each
change is atomic; they hold `org.lock` so a test thread reading `sb.org` sees whole changes.
A handler that changed state sets `request[MUTATED] = True` (the call log reports it).
"""

from __future__ import annotations

import base64
import binascii
import copy
import hmac
import json
import re
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from okta_wizard.sandbox import ids, shapes, syslog
from okta_wizard.sandbox.faults import Fault
from okta_wizard.sandbox.oauth import Principal
from okta_wizard.sandbox.org import (
    IAM_ROLE_LABELS,
    ROLE_LABELS,
    Assignment,
    RoleGrant,
    SandboxApp,
    SandboxGroup,
    SandboxOrg,
    new_secret,
)
from okta_wizard.sandbox.state import SandboxState
from okta_wizard.sandbox.syslog import (
    LogQuery,
    LogQueryError,
    app_target,
    parse_filter,
    parse_time,
    secret_target,
    service_app_actor,
    user_actor,
)

STATE_KEY = web.AppKey("sandbox_state", SandboxState)
MUTATED = web.RequestKey("mutated", bool)  # the handler changed the org (for the call log)
ODD_FIELDS = web.RequestKey("odd_fields", bool)  # fault: add fields the SDK does not know
PRINCIPAL = web.RequestKey("principal", Principal)  # set when a service app's token calls
ODD_APP_FIELDS: dict[str, Any] = {
    # A feature value newer than the SDK's enum (okta-sdk-python issue #574) and a new object.
    "features": ["AUTO_CONFIRM_IMPORTS"],
    "expressConfiguration": {"enabledFeatures": ["SSO"], "futureFlag": True},
    "sandboxNewField": {"introducedIn": "2026.11.0"},
}
GROUPS_DEFAULT_LIMIT = 10_000
GROUPS_Q_CAP = 300
APPS_DEFAULT_LIMIT = 20
APPS_MAX_LIMIT = 200
WEB_REDIRECT_GRANTS = {"authorization_code", "implicit"}


class OktaHTTPError(Exception):
    """Raised by a handler; the middleware turns it into an Okta error response."""

    def __init__(self, status: int, code: str, summary: str, *causes: str) -> None:
        super().__init__(summary)
        self.status = status
        self.body = shapes.error_body(code, summary, list(causes))
        self.headers: dict[str, str] = {}


def json_response(body: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": the SDK only builds OktaAPIError for that media type.
    return web.Response(
        body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def not_found(what: str, kind: str) -> OktaHTTPError:
    return OktaHTTPError(404, "E0000007", f"Not found: Resource not found: {what} ({kind})")


def forbidden() -> OktaHTTPError:
    return OktaHTTPError(
        403, "E0000006", "You do not have permission to perform the requested action"
    )


def _state(request: web.Request) -> SandboxState:
    return request.app[STATE_KEY]


def _base(request: web.Request) -> str:
    return _state(request).base_url


def _org(request: web.Request) -> SandboxOrg:
    return _state(request).org


def _require_read(org: SandboxOrg) -> None:
    if not org.admin_may_read():
        raise forbidden()


def _require_manage(org: SandboxOrg) -> None:
    if not org.admin_may_create_oidc():
        raise forbidden()


def _app(org: SandboxOrg, app_id: str) -> SandboxApp:
    app = org.apps.get(app_id)
    if app is None:
        raise not_found(app_id, "AppInstance")
    return app


def _log_admin_event(
    request: web.Request, event_type: str, message: str, app: SandboxApp, secret_id: str = ""
) -> None:
    """The System Log event Okta writes for an admin's change to an app or its secrets, with
    the caller (the API token's admin, or the service app) as the actor."""
    principal = request.get(PRINCIPAL)
    org = _org(request)
    actor = service_app_actor(principal.client_id) if principal else user_actor(org.admin)
    targets = [app_target(app)] + ([secret_target(secret_id)] if secret_id else [])
    _state(request).system_log.record(
        event_type, actor=actor, targets=targets, display_message=message
    )


async def _json_body(request: web.Request, *, optional: bool = False) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        if optional:
            return {}
        raise OktaHTTPError(400, "E0000003", "The request body was not well-formed.")
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise OktaHTTPError(400, "E0000003", "The request body was not well-formed.") from None
    if not isinstance(body, dict):
        raise OktaHTTPError(400, "E0000003", "The request body was not well-formed.")
    return body


def _limit(request: web.Request, default: int, maximum: int) -> int:
    raw = request.query.get("limit")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise OktaHTTPError(
            400, "E0000001", "Api validation failed: limit", "limit: must be a number"
        ) from None
    return max(1, min(value, maximum))


def _add_links(request: web.Request, resp: web.Response, next_after: str | None) -> None:
    """Okta's paging: one `Link` header for self, one for next, query params sorted."""
    base = f"{_base(request)}{request.path}"
    params = sorted((k, v) for k, v in request.query.items())
    resp.headers.add("Link", f'<{base}?{urlencode(params)}>; rel="self"'.replace("?>", ">"))
    foreign = _rewriting_fault(request)
    if foreign is not None:  # fault: a next page on another origin, even after the last page
        nxt = sorted([(k, v) for k, v in params if k != "after"] + [("after", "00foreign")])
        target = foreign.foreign_link or f"{foreign.foreign_origin}{request.path}"
        resp.headers.add("Link", f'<{target}?{urlencode(nxt)}>; rel="next"')
    elif next_after is not None:
        nxt = sorted([(k, v) for k, v in params if k != "after"] + [("after", next_after)])
        resp.headers.add("Link", f'<{base}?{urlencode(nxt)}>; rel="next"')


def _rewriting_fault(request: web.Request) -> Fault | None:
    """A `foreign_origin` / `foreign_link` fault that fired on this call (sandbox/faults.py)."""
    info = request.match_info
    resource = info.route.resource if info.route is not None else None
    route = resource.canonical if resource is not None else request.path
    return _state(request).faults.rewriting(f"{request.method} {route}")


def _odd(request: web.Request, body: dict[str, Any]) -> dict[str, Any]:
    if request.get(ODD_FIELDS):
        body.update(json.loads(json.dumps(ODD_APP_FIELDS)))
    return body


# ------------------------------------------------------------------ discovery and OAuth
async def well_known_org(request: web.Request) -> web.Response:
    return json_response(shapes.well_known_org(_base(request), _org(request)))


async def openid_configuration(request: web.Request) -> web.Response:
    client_id = request.query.get("client_id")
    if client_id is not None and client_id not in _org(request).apps:
        body = shapes.error_body("invalid_client", "Invalid value for 'client_id' parameter.")
        return json_response(body, 400)
    foreign = _rewriting_fault(request)
    # Fault: issuer and endpoints on another origin (a custom domain, or a hostile answer).
    base = foreign.foreign_origin if foreign and foreign.foreign_origin else _base(request)
    return json_response(shapes.openid_configuration(base))


def _oauth_error(status: int, error: str, description: str) -> web.Response:
    resp = json_response({"error": error, "error_description": description}, status)
    if status == 401:
        resp.headers["WWW-Authenticate"] = f'Basic realm="Okta", error="{error}"'
    return resp


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, sep, secret = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (client_id, secret) if sep else None


async def introspect(request: web.Request) -> web.Response:
    """Client authentication is what matters here: a dummy token answers {"active": false}."""
    form = await request.post()
    header = request.headers.get("Authorization", "")
    basic = _basic_credentials(header) if header else None
    posted = form.get("client_secret")
    if header and basic is None:
        return _oauth_error(401, "invalid_client", "Client authentication failed.")
    if basic and posted is not None:
        return _oauth_error(400, "invalid_request", "Cannot supply multiple client credentials.")
    if basic:
        client_id, secret, method = basic[0], basic[1], "client_secret_basic"
    elif posted is not None:
        client_id, secret = str(form.get("client_id", "")), str(posted)
        method = "client_secret_post"
    else:
        return _oauth_error(401, "invalid_client", "No client credentials found.")
    org = _org(request)
    app = org.apps.get(client_id)
    if app is None or not app.is_oidc:
        return _oauth_error(401, "invalid_client", "Invalid value for 'client_id' parameter.")
    if app.oauth_credentials.get("token_endpoint_auth_method") != method:
        return _oauth_error(401, "invalid_client", "Client authentication failed.")
    good = any(hmac.compare_digest(s.value, secret) for s in app.active_secrets())
    if app.status != "ACTIVE" or not good:
        reason = "The client secret supplied for a confidential client is invalid."
        return _oauth_error(401, "invalid_client", reason)
    if not form.get("token"):
        return _oauth_error(400, "invalid_request", "The token parameter is required.")
    return json_response({"active": False})


# ------------------------------------------------------------------ users, roles, org
def _user(request: web.Request) -> Any:
    org = _org(request)
    uid = request.match_info["id"]
    user = org.admin if uid == "me" else org.users.get(uid)
    if user is None:
        raise not_found(uid, "User")
    return user


async def get_user(request: web.Request) -> web.Response:
    return json_response(shapes.user_body(_base(request), _user(request)))


async def get_user_roles(request: web.Request) -> web.Response:
    """Only a Super Admin may list an admin's roles: anybody else gets 403 E0000006, as from
    real Okta (terraform-provider-okta #1372, #1541, #1900). In the `own_roles_readable`
    variant an admin may also list their own."""
    org = _org(request)
    with org.lock:
        own = request.get(PRINCIPAL) is None and request.match_info["id"] in ("me", org.admin_id)
        if not (_caller_is_super_admin(request) or (own and org.own_roles_readable)):
            raise forbidden()
        return json_response(shapes.roles_body(_base(request), _user(request)))


async def get_org(request: web.Request) -> web.Response:
    org = _org(request)
    if "SUPER_ADMIN" not in org.admin.roles and "ORG_ADMIN" not in org.admin.roles:
        raise forbidden()
    return json_response(shapes.org_body(_base(request), org))


# ------------------------------------------------------------------ apps
_FILTER_TERM = re.compile(r'^\s*([A-Za-z_.]+)\s+(eq|sw|gt|ge|lt|le)\s+"((?:[^"\\]|\\.)*)"\s*$')
EQ_SW = frozenset({"eq", "sw"})
EQ = frozenset({"eq"})
DATE_OPS = frozenset({"eq", "gt", "ge", "lt", "le"})


def _parse_expression(text: str, fields: dict[str, frozenset[str]]) -> list[tuple[str, str, str]]:
    """`a eq "x" and b sw "y"` -> [(a, eq, x), (b, sw, y)]; Okta's 400 E0000031 for a field or
    an operator the expression does not allow (`fields`: field -> operators)."""
    terms = []
    for part in re.split(r"\s+and\s+", text.strip()):
        m = _FILTER_TERM.match(part)
        if not m or m.group(2) not in fields.get(m.group(1), frozenset()):
            raise OktaHTTPError(400, "E0000031", "Invalid search criteria.")
        terms.append((m.group(1), m.group(2), m.group(3).replace('\\"', '"')))
    return terms


def _app_matches(app: SandboxApp, terms: list[tuple[str, str, str]]) -> bool:
    values = {"status": app.status, "name": app.name, "id": app.id}
    return all(
        values[f] == v if op == "eq" else values[f].lower().startswith(v.lower())
        for f, op, v in terms
    )


_USER_EXPAND = re.compile(r"^user/[^,/]+$")


async def list_apps(request: web.Request) -> web.Response:
    org = _org(request)
    _require_read(org)
    limit = _limit(request, APPS_DEFAULT_LIMIT, APPS_MAX_LIMIT)
    expand = request.query.get("expand")
    if expand is not None and not _USER_EXPAND.match(expand):  # Okta: only `user/{userId}`
        raise OktaHTTPError(
            400, "E0000001", "Api validation failed: RequestParams", "Expand query is malformed."
        )
    q = request.query.get("q", "").lower()
    raw_filter = request.query.get("filter")
    app_fields = {"status": EQ, "name": EQ, "id": EQ}
    terms = _parse_expression(raw_filter, app_fields) if raw_filter else []
    after = request.query.get("after")
    with org.lock:
        apps = [
            a
            for a in org.apps.values()
            if (not q or a.label.lower().startswith(q) or a.name.lower().startswith(q))
            and _app_matches(a, terms)
        ]
        if after is not None:
            pos = next((i for i, a in enumerate(org.apps) if a == after), None)
            if pos is None:
                raise OktaHTTPError(400, "E0000029", "Invalid paging request.", "Invalid cursor.")
            order = {a: i for i, a in enumerate(org.apps)}
            apps = [a for a in apps if order[a.id] > pos]
        page, more = apps[:limit], len(apps) > limit
        body = [_odd(request, shapes.app_body(_base(request), a)) for a in page]
    resp = json_response(body)
    _add_links(request, resp, page[-1].id if more and page else None)
    return resp


def _oauth_parts(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    creds = (body.get("credentials") or {}).get("oauthClient") or {}
    settings = (body.get("settings") or {}).get("oauthClient") or {}
    if not isinstance(creds, dict) or not isinstance(settings, dict):
        raise OktaHTTPError(400, "E0000003", "The request body was not well-formed.")
    return creds, settings


def _validate_oidc(settings: dict[str, Any], creds: dict[str, Any]) -> None:
    grants = settings.get("grant_types")
    if not isinstance(grants, list) or not grants:
        raise OktaHTTPError(
            400, "E0000001", "Api validation failed: grant_types",
            "grant_types: The grant types must be specified.",
        )  # fmt: skip
    redirects = settings.get("redirect_uris") or []
    if WEB_REDIRECT_GRANTS.intersection(grants) and not redirects:
        raise OktaHTTPError(
            400, "E0000001", "Api validation failed: redirect_uris",
            "redirect_uris: Must specify at least one redirect URI for this grant type.",
        )  # fmt: skip
    bad = [u for u in redirects if not isinstance(u, str) or "://" not in u]
    if bad:
        raise OktaHTTPError(
            400, "E0000001", "Api validation failed: redirect_uris",
            "redirect_uris: Each redirect URI must be an absolute URI.",
        )  # fmt: skip
    method = creds.get("token_endpoint_auth_method", "client_secret_basic")
    allowed = ("client_secret_basic", "client_secret_post", "client_secret_jwt",
               "private_key_jwt", "none")  # fmt: skip
    if method not in allowed:
        raise OktaHTTPError(
            400, "E0000001", "Api validation failed: token_endpoint_auth_method",
            f"token_endpoint_auth_method: must be one of {', '.join(allowed)}.",
        )  # fmt: skip


_NORMALIZED = frozenset({"redirect_uris", "post_logout_redirect_uris", "response_types",
                         "grant_types", "application_type", "consent_method", "client_uri",
                         "logo_uri"})  # fmt: skip


def _stored_oauth(
    app_id: str, creds: dict[str, Any], settings: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    app_type = settings.get("application_type", "web")
    stored_creds = {
        "autoKeyRotation": bool(creds.get("autoKeyRotation", True)),
        "client_id": app_id,
        "token_endpoint_auth_method": creds.get(
            "token_endpoint_auth_method", "client_secret_basic"
        ),
        # The spec: "default is true for browser and native app types".
        "pkce_required": bool(creds.get("pkce_required", app_type in ("browser", "native"))),
    }
    # What Okta does not normalize it stores as sent, and echoes (participate_slo,
    # frontchannel_logout_uri, network, jwks_uri, issuer_mode...).
    echoed = {k: copy.deepcopy(v) for k, v in settings.items() if k not in _NORMALIZED}
    if "frontchannel_logout_uri" in echoed:
        echoed.setdefault("frontchannel_logout_session_required", False)
    stored_settings = {
        **echoed,
        "redirect_uris": list(settings.get("redirect_uris") or []),
        "post_logout_redirect_uris": list(settings.get("post_logout_redirect_uris") or []),
        "response_types": list(settings.get("response_types") or ["code"]),
        "grant_types": list(settings["grant_types"]),
        "application_type": app_type,
        "consent_method": settings.get("consent_method", "TRUSTED"),
    }
    if not stored_settings["post_logout_redirect_uris"]:
        del stored_settings["post_logout_redirect_uris"]
    for optional in ("client_uri", "logo_uri"):
        if isinstance(settings.get(optional), str):
            stored_settings[optional] = settings[optional]
    return stored_creds, stored_settings


async def create_app(request: web.Request) -> web.Response:
    org = _org(request)
    _require_manage(org)
    body = await _json_body(request)
    label = body.get("label")
    if not isinstance(label, str) or not label.strip():
        raise OktaHTTPError(
            400, "E0000001", "Api validation failed: label", "label: The field cannot be left blank"
        )
    mode = body.get("signOnMode", "OPENID_CONNECT")
    creds, settings = _oauth_parts(body)
    if mode == "OPENID_CONNECT":
        _validate_oidc(settings, creds)
    with org.lock:
        if org.max_apps is not None and org.app_count() >= org.max_apps:
            raise app_cap_error()
        now = ids.now_iso()
        app_id = ids.okta_id("0oa")
        status = "INACTIVE" if request.query.get("activate", "true") == "false" else "ACTIVE"
        name = str(body.get("name") or ("oidc_client" if mode == "OPENID_CONNECT" else "bookmark"))
        app = SandboxApp(app_id, name, label, status, mode, now, now)
        app.app_settings = _app_settings(body)
        if mode == "OPENID_CONNECT":
            app.oauth_credentials, app.oauth_settings = _stored_oauth(app_id, creds, settings)
            secret = new_secret()
            given = creds.get("client_secret")
            if isinstance(given, str) and 14 <= len(given) <= 100:
                secret.value = given
            app.secrets.append(secret)
        org.add_app(app)
        request[MUTATED] = True
        _log_admin_event(request, "application.lifecycle.create", "Add application", app)
        first = app.secrets[0].value if app.secrets else None
        return json_response(_odd(request, shapes.app_body(_base(request), app, with_secret=first)))


def _app_settings(body: dict[str, Any]) -> dict[str, Any]:
    """`settings.app` as sent (a bookmark's url, requestIntegration): Okta echoes it."""
    value = (body.get("settings") or {}).get("app")
    return copy.deepcopy(value) if isinstance(value, dict) else {}


def app_cap_error() -> OktaHTTPError:
    return OktaHTTPError(
        400, "E0000001", "Api validation failed: generalSettings",
        "Cannot create application instance. Maximum number of instances has been reached.",
    )  # fmt: skip


async def get_app(request: web.Request) -> web.Response:
    org = _org(request)
    _require_read(org)
    with org.lock:
        app = _app(org, request.match_info["id"])
        return json_response(_odd(request, shapes.app_body(_base(request), app)))


async def replace_app(request: web.Request) -> web.Response:
    """PUT replaces the app. Okta shows the secret when an app is "created or updated", so the
    answer carries the current active secret, like the create answer."""
    org = _org(request)
    _require_manage(org)
    body = await _json_body(request)
    with org.lock:
        app = _app(org, request.match_info["id"])
        label = body.get("label")
        if not isinstance(label, str) or not label.strip():
            raise OktaHTTPError(
                400, "E0000001", "Api validation failed: label",
                "label: The field cannot be left blank",
            )  # fmt: skip
        if body.get("signOnMode", app.sign_on_mode) != app.sign_on_mode:
            raise OktaHTTPError(
                400, "E0000001", "Api validation failed: signOnMode",
                "signOnMode: The sign-on mode of an app cannot be changed.",
            )  # fmt: skip
        creds, settings = _oauth_parts(body)
        if app.is_oidc:
            _validate_oidc(settings, creds)
            app.oauth_credentials, app.oauth_settings = _stored_oauth(app.id, creds, settings)
        app.label = label
        app.app_settings = _app_settings(body)
        app.last_updated = ids.now_iso()
        request[MUTATED] = True
        active = app.active_secrets()
        shown = active[-1].value if active else None
        return json_response(_odd(request, shapes.app_body(_base(request), app, with_secret=shown)))


async def delete_app(request: web.Request) -> web.Response:
    org = _org(request)
    _require_manage(org)
    with org.lock:
        app = _app(org, request.match_info["id"])
        if app.status == "ACTIVE":
            raise OktaHTTPError(
                403, "E0000056", "Delete application forbidden.",
                "The application must be deactivated before deletion.",
            )  # fmt: skip
        del org.apps[app.id]
        request[MUTATED] = True
        _log_admin_event(request, "application.lifecycle.delete", "Delete application", app)
    return web.Response(status=204)


async def _set_app_status(request: web.Request, status: str) -> web.Response:
    org = _org(request)
    _require_manage(org)
    with org.lock:
        app = _app(org, request.match_info["id"])
        if app.status != status:
            app.status = status
            app.last_updated = ids.now_iso()
            request[MUTATED] = True
            verb = "activate" if status == "ACTIVE" else "deactivate"
            _log_admin_event(
                request, f"application.lifecycle.{verb}", f"{verb.capitalize()} application", app
            )
    return json_response({})


async def activate_app(request: web.Request) -> web.Response:
    return await _set_app_status(request, "ACTIVE")


async def deactivate_app(request: web.Request) -> web.Response:
    return await _set_app_status(request, "INACTIVE")


# ------------------------------------------------------------------ app group assignments
def _group(org: SandboxOrg, gid: str) -> SandboxGroup:
    group = org.groups.get(gid)
    if group is None:
        raise not_found(gid, "UserGroup")
    return group


async def list_app_groups(request: web.Request) -> web.Response:
    org = _org(request)
    _require_read(org)
    limit = _limit(request, 20, 200)
    after = request.query.get("after")
    with org.lock:
        app = _app(org, request.match_info["id"])
        gids = [a.group_id for a in sorted(app.assignments.values(), key=lambda a: a.priority)]
        if after is not None:
            if after not in gids:
                raise OktaHTTPError(400, "E0000029", "Invalid paging request.", "Invalid cursor.")
            gids = gids[gids.index(after) + 1 :]
        page = gids[:limit]
        body = [shapes.assignment_body(_base(request), app, g) for g in page]
    resp = json_response(body)
    _add_links(request, resp, page[-1] if len(gids) > limit else None)
    return resp


async def get_app_group(request: web.Request) -> web.Response:
    org = _org(request)
    _require_read(org)
    with org.lock:
        app = _app(org, request.match_info["id"])
        gid = request.match_info["gid"]
        if gid not in app.assignments:
            raise not_found(gid, "ApplicationGroupAssignment")
        return json_response(shapes.assignment_body(_base(request), app, gid))


async def assign_app_group(request: web.Request) -> web.Response:
    """Idempotent: a second PUT for the same group without a priority changes nothing. A new
    assignment without a priority gets 0 and moves the others down one (the newest comes
    first, as recorded); a given priority is kept as given, on a new or an existing one."""
    org = _org(request)
    _require_manage(org)
    body = await _json_body(request, optional=True)
    given = body.get("priority")
    priority = given if isinstance(given, int) and not isinstance(given, bool) else None
    with org.lock:
        app = _app(org, request.match_info["id"])
        group = _group(org, request.match_info["gid"])
        current = app.assignments.get(group.id)
        if current is None:
            if priority is None:
                for other in app.assignments.values():
                    other.priority += 1
            app.assignments[group.id] = Assignment(group.id, priority or 0, ids.now_iso())
            request[MUTATED] = True
        elif priority is not None and priority != current.priority:
            current.priority = priority
            current.last_updated = ids.now_iso()
            request[MUTATED] = True
        return json_response(shapes.assignment_body(_base(request), app, group.id))


async def unassign_app_group(request: web.Request) -> web.Response:
    org = _org(request)
    _require_manage(org)
    with org.lock:
        app = _app(org, request.match_info["id"])
        gid = request.match_info["gid"]
        if gid not in app.assignments:
            raise not_found(gid, "ApplicationGroupAssignment")
        del app.assignments[gid]
        request[MUTATED] = True
    return web.Response(status=204)


# ------------------------------------------------------------------ client secrets
MAX_SECRETS = 2


def _oidc_app(org: SandboxOrg, app_id: str) -> SandboxApp:
    app = _app(org, app_id)
    if not app.is_oidc:
        raise not_found(app_id, "OAuth2Client")
    return app


def _secret(app: SandboxApp, sid: str) -> Any:
    secret = next((s for s in app.secrets if s.id == sid), None)
    if secret is None:
        raise not_found(sid, "OAuth2ClientSecret")
    return secret


async def list_secrets(request: web.Request) -> web.Response:
    org = _org(request)
    _require_read(org)
    with org.lock:
        app = _oidc_app(org, request.match_info["id"])
        return json_response([shapes.secret_body(_base(request), app, s) for s in app.secrets])


async def create_secret(request: web.Request) -> web.Response:
    org = _org(request)
    _require_manage(org)
    body = await _json_body(request, optional=True)
    with org.lock:
        app = _oidc_app(org, request.match_info["id"])
        if len(app.secrets) >= MAX_SECRETS:  # active and inactive ones alike
            raise OktaHTTPError(
                400, "E0000001", "Api validation failed: OAuth2ClientSecretMediated",
                "You have reached the maximum number of client secrets per client.",
            )  # fmt: skip
        secret = new_secret()
        if body.get("status") == "INACTIVE":
            secret.status = "INACTIVE"
        app.secrets.append(secret)
        request[MUTATED] = True
        _log_admin_event(
            request,
            "app.oauth2.credentials.lifecycle.create",
            "Create OAuth 2.0 client secret",
            app,
            secret.id,
        )
        return json_response(shapes.secret_body(_base(request), app, secret), 201)


async def get_secret(request: web.Request) -> web.Response:
    org = _org(request)
    _require_read(org)
    with org.lock:
        app = _oidc_app(org, request.match_info["id"])
        secret = _secret(app, request.match_info["sid"])
        return json_response(shapes.secret_body(_base(request), app, secret))


async def _set_secret_status(request: web.Request, status: str) -> web.Response:
    org = _org(request)
    _require_manage(org)
    with org.lock:
        app = _oidc_app(org, request.match_info["id"])
        secret = _secret(app, request.match_info["sid"])
        if status == "INACTIVE" and secret.status == "ACTIVE" and len(app.active_secrets()) == 1:
            raise OktaHTTPError(
                400, "E0000001", "Api validation failed: client_secret",
                "You can't deactivate the only active client secret of an app.",
            )  # fmt: skip
        if secret.status != status:
            secret.status = status
            secret.last_updated = ids.now_iso()
            request[MUTATED] = True
            verb = "activate" if status == "ACTIVE" else "deactivate"
            _log_admin_event(
                request,
                f"app.oauth2.credentials.lifecycle.{verb}",
                f"{verb.capitalize()} OAuth 2.0 client secret",
                app,
                secret.id,
            )
        return json_response(shapes.secret_body(_base(request), app, secret))


async def activate_secret(request: web.Request) -> web.Response:
    return await _set_secret_status(request, "ACTIVE")


async def deactivate_secret(request: web.Request) -> web.Response:
    return await _set_secret_status(request, "INACTIVE")


async def delete_secret(request: web.Request) -> web.Response:
    org = _org(request)
    _require_manage(org)
    with org.lock:
        app = _oidc_app(org, request.match_info["id"])
        secret = _secret(app, request.match_info["sid"])
        if secret.status == "ACTIVE":
            raise OktaHTTPError(
                400, "E0000001", "Api validation failed: client_secret",
                "Cannot delete an active client secret. Deactivate it first.",
            )  # fmt: skip
        app.secrets.remove(secret)
        request[MUTATED] = True
        _log_admin_event(
            request,
            "app.oauth2.credentials.lifecycle.delete",
            "Delete OAuth 2.0 client secret",
            app,
            secret.id,
        )
    return web.Response(status=204)


# ------------------------------------------------------------------ groups
# `search` covers the profile; `filter` only id, type, lastUpdated and lastMembershipUpdated
# (Okta's groups API): a name in `filter` is 400 E0000031, as real Okta answers.
GROUP_SEARCH_FIELDS = {"profile.name": EQ_SW, "type": EQ, "id": EQ}
GROUP_FILTER_FIELDS = {"id": EQ, "type": EQ, "lastUpdated": DATE_OPS,
                       "lastMembershipUpdated": DATE_OPS}  # fmt: skip
# Okta's timestamps (ISO 8601, UTC, fixed width) compare as text.
_COMPARE = {
    "eq": str.__eq__,
    "gt": str.__gt__,
    "ge": str.__ge__,
    "lt": str.__lt__,
    "le": str.__le__,
}


def _search_groups(
    org: SandboxOrg, expression: str, fields: dict[str, frozenset[str]]
) -> list[SandboxGroup]:
    """`search=` / `filter=` on groups, terms joined by `and`. A name term is answered from the
    sorted name index; other terms filter its result."""
    terms = _parse_expression(expression, fields)
    name_terms = [t for t in terms if t[0] == "profile.name"]
    if name_terms:
        _, op, value = name_terms[0]
        found = org.groups_with_prefix(value, limit=len(org.groups))
        if op == "eq":
            found = [g for g in found if g.name.lower() == value.lower()]
    else:
        found = list(org.groups.values())
    for field_name, op, value in terms:
        if field_name == "type":
            found = [g for g in found if g.type == value]
        elif field_name == "id":
            found = [g for g in found if g.id == value]
        elif field_name in ("lastUpdated", "lastMembershipUpdated"):
            found = [g for g in found if _COMPARE[op](g.created, value)]
        elif op == "sw":
            found = [g for g in found if g.name.lower().startswith(value.lower())]
        else:
            found = [g for g in found if g.name.lower() == value.lower()]
    return found


async def list_groups(request: web.Request) -> web.Response:
    org = _org(request)
    _require_read(org)
    q = request.query.get("q")
    search, filter_ = request.query.get("search"), request.query.get("filter")
    expression, fields = (search, GROUP_SEARCH_FIELDS) if search else (filter_, GROUP_FILTER_FIELDS)
    after = request.query.get("after")
    base = _base(request)
    with org.lock:
        if q is not None:
            # `q` is a name prefix search capped at 300 results, with no next page.
            limit = _limit(request, GROUPS_Q_CAP, GROUPS_Q_CAP)
            found = org.groups_with_prefix(q, limit=limit)
            next_after = None
        elif expression:
            limit = _limit(request, GROUPS_DEFAULT_LIMIT, GROUPS_DEFAULT_LIMIT)
            found = _search_groups(org, expression, fields)
            if after is not None:
                pos = next((i for i, g in enumerate(found) if g.id == after), None)
                if pos is None:
                    raise OktaHTTPError(
                        400, "E0000029", "Invalid paging request.", "Invalid cursor."
                    )
                found = found[pos + 1 :]
            next_after = found[limit - 1].id if len(found) > limit else None
            found = found[:limit]
        else:
            limit = _limit(request, GROUPS_DEFAULT_LIMIT, GROUPS_DEFAULT_LIMIT)
            if after is not None and not org.knows_group(after):
                raise OktaHTTPError(400, "E0000029", "Invalid paging request.", "Invalid cursor.")
            page = org.groups_page(after, limit)
            found, next_after = page.groups, page.next_after
        stats = "stats" in request.query.get("expand", "").split(",")
        body = [shapes.group_body(base, g, stats=stats) for g in found]
    resp = json_response(body)
    if q is None:  # a `q` answer has no Link header at all (the recordings of both engines)
        _add_links(request, resp, next_after)
    return resp


async def get_group(request: web.Request) -> web.Response:
    org = _org(request)
    _require_read(org)
    with org.lock:
        group = _group(org, request.match_info["gid"])
        stats = "stats" in request.query.get("expand", "").split(",")
        return json_response(shapes.group_body(_base(request), group, stats=stats))


# ------------------------------------------------------------------ the System Log
def _log_error(cause: str) -> OktaHTTPError:
    return OktaHTTPError(400, "E0000053", "Invalid search criteria.", cause)


def _log_query(request: web.Request) -> LogQuery:
    """`GET /api/v1/logs`'s parameters, checked as Okta does (sandbox/syslog.py)."""
    params = request.query
    order = params.get("sortOrder", "ASCENDING")
    if order not in ("ASCENDING", "DESCENDING"):
        raise _log_error("sortOrder must be ASCENDING or DESCENDING")
    raw_limit = params.get("limit", str(syslog.DEFAULT_LIMIT))
    if not raw_limit.isdigit() or int(raw_limit) > syslog.MAX_LIMIT:
        raise _log_error(f"limit must be an integer between 0 and {syslog.MAX_LIMIT}")
    try:
        return LogQuery(
            since=parse_time(params["since"]) if "since" in params else None,
            until=parse_time(params["until"]) if "until" in params else None,
            predicate=parse_filter(params["filter"]) if params.get("filter") else None,
            limit=int(raw_limit),
            after=params.get("after"),
            descending=order == "DESCENDING",
        )
    except LogQueryError as exc:
        raise _log_error(str(exc)) from None


async def list_logs(request: web.Request) -> web.Response:
    """The System Log (an API token's admin, or a service app with okta.logs.read)."""
    org = _org(request)
    if request.get(PRINCIPAL) is None and not any(g.status == "ACTIVE" for g in org.admin.grants):
        raise forbidden()
    query = _log_query(request)
    try:
        page = _state(request).system_log.query(query)
    except LogQueryError as exc:
        raise _log_error(str(exc)) from None
    resp = json_response(page.events)
    _add_links(request, resp, page.next_after)
    return resp


def refuse_unknown_route(request: web.Request) -> None:
    """Okta answers a route it does not have in its own JSON, never aiohttp's plain text: 404
    E0000007 for an unknown path, 405 E0000022 (and `Allow`) for a method a path lacks."""
    exc = getattr(request.match_info, "http_exception", None)
    if isinstance(exc, web.HTTPMethodNotAllowed):
        error = OktaHTTPError(
            405, "E0000022", "The endpoint does not support the provided HTTP method"
        )
        error.headers["Allow"] = ", ".join(sorted(exc.allowed_methods))
        raise error
    if exc is not None:
        raise not_found(request.path, "Resource")


# ------------------------------------------------------------------ a client's admin roles
def _client_role_types(state: SandboxState, client_id: str) -> set[str] | list[str]:
    """Where a client's roles live: a registered service app's roles decide what its tokens
    may do; an OIDC app of the org keeps its own list. Unknown client: 404."""
    service_app = state.oauth.app(client_id)
    if service_app is not None:
        return service_app.roles
    app = state.org.apps.get(client_id)
    if app is None or not app.is_oidc:
        raise not_found(client_id, "OAuth2Client")
    return app.admin_roles


def _client_role(base: str, client_id: str, role_type: str, created: str) -> dict[str, Any]:
    # Okta names a standard role assignment of a client by base32(type): HELP_DESK_ADMIN is
    # JBCUYUC7IRCVGS27IFCE2SKO in the terraform recordings (RoleGrant.id).
    grant = RoleGrant(role_type, assignment_type="CLIENT")
    return shapes.role_body(base, grant, f"{base}/oauth2/v1/clients/{client_id}", created)


def _caller_is_super_admin(request: web.Request) -> bool:
    principal = request.get(PRINCIPAL)
    if principal is not None:
        return "SUPER_ADMIN" in principal.roles
    return _org(request).admin.is_super_admin


def _may_read_client_roles(request: web.Request, client_id: str) -> bool:
    """As for users: Super Admins; in the own-roles variant, a service app reading its own."""
    principal = request.get(PRINCIPAL)
    own = principal is not None and principal.client_id == client_id
    return _caller_is_super_admin(request) or (own and _org(request).own_roles_readable)


def _client_created(state: SandboxState, client_id: str) -> str:
    service_app = state.oauth.app(client_id)
    app = state.org.apps.get(client_id)
    return service_app.created if service_app else (app.created if app else ids.now_iso())


async def list_client_roles(request: web.Request) -> web.Response:
    state, client_id = _state(request), request.match_info["id"]
    if not _may_read_client_roles(request, client_id):
        raise forbidden()
    with state.org.lock:
        types = sorted(_client_role_types(state, client_id))
        created = _client_created(state, client_id)
        body = [_client_role(_base(request), client_id, t, created) for t in types]
    return json_response(body)


def _assigned(state: SandboxState, client_id: str, assignment_id: str) -> str:
    for role_type in _client_role_types(state, client_id):
        if RoleGrant(role_type, assignment_type="CLIENT").id == assignment_id:
            return role_type
    raise not_found(assignment_id, "RoleAssignment")


async def get_client_role(request: web.Request) -> web.Response:
    state, client_id = _state(request), request.match_info["id"]
    if not _may_read_client_roles(request, client_id):
        raise forbidden()
    with state.org.lock:
        role_type = _assigned(state, client_id, request.match_info["rid"])
        created = _client_created(state, client_id)
        return json_response(_client_role(_base(request), client_id, role_type, created))


async def assign_client_role(request: web.Request) -> web.Response:
    """`{"type": "HELP_DESK_ADMIN"}`: 201 and the assignment (the terraform recording)."""
    state, client_id = _state(request), request.match_info["id"]
    if not _caller_is_super_admin(request):
        raise forbidden()
    role_type = (await _json_body(request)).get("type")
    if role_type not in ROLE_LABELS and role_type not in IAM_ROLE_LABELS:
        raise OktaHTTPError(
            400, "E0000001", "Api validation failed: type",
            "type: a standard role type (a custom role is bound through a resource set)",
        )  # fmt: skip
    with state.org.lock:
        held = _client_role_types(state, client_id)
        if role_type in held:
            raise OktaHTTPError(409, "E0000090", "Duplicate role assignment exception")
        if isinstance(held, set):
            held.add(role_type)
        else:
            held.append(role_type)
        request[MUTATED] = True
        created = _client_created(state, client_id)
        return json_response(_client_role(_base(request), client_id, role_type, created), 201)


async def unassign_client_role(request: web.Request) -> web.Response:
    state, client_id = _state(request), request.match_info["id"]
    if not _caller_is_super_admin(request):
        raise forbidden()
    with state.org.lock:
        role_type = _assigned(state, client_id, request.match_info["rid"])
        held = _client_role_types(state, client_id)
        if isinstance(held, set):
            held.discard(role_type)
        else:
            held.remove(role_type)
        request[MUTATED] = True
    return web.Response(status=204)


APPS = "/api/v1/apps/{id}"
SECRETS = APPS + "/credentials/secrets"
CLIENT_ROLES = "/oauth2/v1/clients/{id}/roles"
# Every Okta route the sandbox serves: (method, route template, handler).
OKTA_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/.well-known/okta-organization", well_known_org),
    ("GET", "/.well-known/openid-configuration", openid_configuration),
    ("POST", "/oauth2/v1/introspect", introspect),
    ("GET", "/api/v1/org", get_org),
    ("GET", "/api/v1/users/{id}", get_user),
    ("GET", "/api/v1/users/{id}/roles", get_user_roles),
    ("GET", "/api/v1/apps", list_apps),
    ("POST", "/api/v1/apps", create_app),
    ("GET", APPS, get_app),
    ("PUT", APPS, replace_app),
    ("DELETE", APPS, delete_app),
    ("POST", APPS + "/lifecycle/activate", activate_app),
    ("POST", APPS + "/lifecycle/deactivate", deactivate_app),
    ("GET", APPS + "/groups", list_app_groups),
    ("GET", APPS + "/groups/{gid}", get_app_group),
    ("PUT", APPS + "/groups/{gid}", assign_app_group),
    ("DELETE", APPS + "/groups/{gid}", unassign_app_group),
    ("GET", SECRETS, list_secrets),
    ("POST", SECRETS, create_secret),
    ("GET", SECRETS + "/{sid}", get_secret),
    ("DELETE", SECRETS + "/{sid}", delete_secret),
    ("POST", SECRETS + "/{sid}/lifecycle/activate", activate_secret),
    ("POST", SECRETS + "/{sid}/lifecycle/deactivate", deactivate_secret),
    ("GET", "/api/v1/groups", list_groups),
    ("GET", "/api/v1/groups/{gid}", get_group),
    ("GET", "/api/v1/logs", list_logs),
    ("GET", CLIENT_ROLES, list_client_roles),
    ("POST", CLIENT_ROLES, assign_client_role),
    ("GET", CLIENT_ROLES + "/{rid}", get_client_role),
    ("DELETE", CLIENT_ROLES + "/{rid}", unassign_client_role),
]


def add_okta_routes(app: web.Application) -> None:
    """Every other path and method reaches the middleware's `refuse_unknown_route`."""
    for method, path, handler in OKTA_ROUTES:
        app.router.add_route(method, path, handler)
