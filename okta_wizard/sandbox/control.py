"""The control API under `/__sandbox/`, for tests in other processes.

Off unless asked for (`start_sandbox(control=True)`, `okta-wizard sandbox --control`); the demo
never mounts it. It can change the org, add faults and kill processes, so every request must:

- carry the run's control token, `Authorization: Bearer <token>` (random per run unless the
  starter chose one; `RunningSandbox.control_token`);
- name a loopback `Host` (a web page on another name that resolves to 127.0.0.1 is refused);
- send `Content-Type: application/json` on POST and DELETE (a cross-site form post cannot).

`kill_pid` is granted only for a process owned by the calling user (sandbox/processes.py),
never for pid 0, 1, a negative one or the sandbox itself. It never returns a secret value:
state summaries list ids, labels and counts.

    GET    /__sandbox/calls            the call log (method, route, path, query, mutating, status)
    DELETE /__sandbox/calls            clear it
    GET    /__sandbox/faults           the active faults
    POST   /__sandbox/faults           add one, e.g. {"route": "POST /api/v1/apps", "status": 503}
    DELETE /__sandbox/faults           clear them
    POST   /__sandbox/latency          {"seconds": 0.2}: added to every call
    POST   /__sandbox/reset            a fresh org; faults, calls and latency cleared
    POST   /__sandbox/admin-roles      {"roles": ["ORG_ADMIN"]}
    POST   /__sandbox/max-apps         {"max": 3} (or null): the org's app-instance cap
    GET    /__sandbox/state            apps (id, label, status, secret count, groups), group count
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from okta_wizard.orgurl import is_loopback_host
from okta_wizard.sandbox import processes
from okta_wizard.sandbox.org import ROLE_LABELS
from okta_wizard.sandbox.routes import STATE_KEY, json_response
from okta_wizard.sandbox.state import SandboxState

PREFIX = "/__sandbox"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _state(request: web.Request) -> SandboxState:
    return request.app[STATE_KEY]


def _host_name(host_header: str) -> str:
    """`127.0.0.1:8443` -> `127.0.0.1`, `[::1]:8443` -> `::1`, `localhost` -> `localhost`."""
    if host_header.startswith("["):
        return host_header[1:].partition("]")[0]
    return host_header.rpartition(":")[0] if host_header.count(":") == 1 else host_header


def refusal(request: web.Request, token: str) -> web.Response | None:
    """Why this control request is refused, or None when it may proceed."""
    if not is_loopback_host(_host_name(request.headers.get("Host", ""))):
        return web.Response(status=403, text="the control API answers loopback Host names only")
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.encode(), token.encode()):
        return web.Response(
            status=401,
            text="the control API needs this run's control token: Authorization: Bearer <token>",
            headers={"WWW-Authenticate": 'Bearer realm="okta-wizard-sandbox-control"'},
        )
    if request.method in _BODY_METHODS and request.content_type != "application/json":
        return web.Response(status=415, text="send Content-Type: application/json")
    return None


def _guarded(handler: Handler, token: str) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        refused = refusal(request, token)
        return refused if refused is not None else await handler(request)

    return guarded


def _kill_target(request: web.Request, pid: object) -> processes.ProcessIdentity:
    """The process `kill_pid` names, if the calling user owns it; else an HTTP refusal."""
    if not isinstance(pid, int) or isinstance(pid, bool):
        raise web.HTTPBadRequest(text="'kill_pid' must be a process id (a whole number)")
    if pid <= 1 or pid == os.getpid():
        raise web.HTTPForbidden(
            text=f"kill_pid {pid} refused: only another process of yours (a pid above 1, not "
            "the sandbox itself)"
        )
    transport = request.transport
    peer = transport.get_extra_info("peername") if transport is not None else None
    own = transport.get_extra_info("sockname") if transport is not None else None
    caller = processes.caller_uid(peer, own)
    if caller is None:
        raise web.HTTPForbidden(
            text="kill_pid refused: the calling user cannot be established "
            "(it needs Linux's /proc/net/tcp, in the sandbox's network namespace)"
        )
    target = processes.identify(pid)
    if target is None or target.uid != caller:
        raise web.HTTPForbidden(text=f"kill_pid {pid} refused: it is not a process of yours")
    return target


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except json.JSONDecodeError:
        raise web.HTTPBadRequest(text="the body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="the body must be a JSON object")
    return body


async def get_calls(request: web.Request) -> web.Response:
    return json_response([c.to_json() for c in list(_state(request).calls)])


async def clear_calls(request: web.Request) -> web.Response:
    _state(request).calls.clear()
    return web.Response(status=204)


async def get_faults(request: web.Request) -> web.Response:
    return json_response([f.to_json() for f in _state(request).faults.active()])


async def add_fault(request: web.Request) -> web.Response:
    body = await _body(request)
    route = body.pop("route", None)
    if not isinstance(route, str):
        raise web.HTTPBadRequest(text="a fault needs a 'route', e.g. 'POST /api/v1/apps' or '*'")
    allowed = {"status", "nth", "times", "latency", "drop", "kill_pid", "odd_fields", "reset_in",
               "error_code", "error_summary"}  # fmt: skip
    unknown = set(body) - allowed
    if unknown:
        raise web.HTTPBadRequest(text=f"unknown fault fields: {', '.join(sorted(unknown))}")
    if body.get("kill_pid") is not None:
        target = _kill_target(request, body["kill_pid"])
        body["kill_uid"], body["kill_start"] = target.uid, target.start_time
    try:
        fault = _state(request).faults.add(route, **body)
    except (TypeError, ValueError) as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    return json_response(fault.to_json(), 201)


async def clear_faults(request: web.Request) -> web.Response:
    _state(request).faults.clear()
    return web.Response(status=204)


async def set_latency(request: web.Request) -> web.Response:
    seconds = (await _body(request)).get("seconds")
    if not isinstance(seconds, int | float) or seconds < 0:
        raise web.HTTPBadRequest(text="'seconds' must be a non-negative number")
    _state(request).latency = float(seconds)
    return json_response({"seconds": float(seconds)})


async def reset(request: web.Request) -> web.Response:
    _state(request).reset()
    return web.Response(status=204)


async def set_admin_roles(request: web.Request) -> web.Response:
    roles = (await _body(request)).get("roles")
    if not isinstance(roles, list) or not all(r in ROLE_LABELS for r in roles):
        raise web.HTTPBadRequest(text=f"'roles' must list role types: {', '.join(ROLE_LABELS)}")
    _state(request).org.set_admin_roles(roles)
    return json_response({"roles": roles})


async def set_max_apps(request: web.Request) -> web.Response:
    value = (await _body(request)).get("max")
    if value is not None and (not isinstance(value, int) or value < 0):
        raise web.HTTPBadRequest(text="'max' must be a non-negative integer or null")
    _state(request).org.max_apps = value
    return json_response({"max": value})


async def get_state(request: web.Request) -> web.Response:
    org = _state(request).org
    with org.lock:
        apps = [
            {"id": a.id, "label": a.label, "status": a.status, "name": a.name,
             "secrets": len(a.secrets), "activeSecrets": len(a.active_secrets()),
             "groups": [org.groups[g].name for g in a.assignments]}
            for a in org.apps.values()
        ]  # fmt: skip
        summary = {
            "apps": apps,
            "groupCount": len(org.groups),
            "adminRoles": list(org.admin.roles),
            "maxApps": org.max_apps,
        }
    return json_response(summary)


def add_control_routes(app: web.Application, token: str) -> None:
    """Mount the control API; every route refuses a request without `token` (see above)."""
    if not token:
        raise ValueError("the control API needs a non-empty token")
    routes: list[tuple[str, str, Handler]] = [
        ("GET", "calls", get_calls),
        ("DELETE", "calls", clear_calls),
        ("GET", "faults", get_faults),
        ("POST", "faults", add_fault),
        ("DELETE", "faults", clear_faults),
        ("POST", "latency", set_latency),
        ("POST", "reset", reset),
        ("POST", "admin-roles", set_admin_roles),
        ("POST", "max-apps", set_max_apps),
        ("GET", "state", get_state),
    ]
    for method, name, handler in routes:
        app.router.add_route(method, f"{PREFIX}/{name}", _guarded(handler, token))
