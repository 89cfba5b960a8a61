"""The control API under `/__sandbox/`, for tests and demos in other processes.

Mounted only when the sandbox starts with control enabled (`start_sandbox(control=True)`,
`okta-wizard sandbox --control`). Loopback only, like the sandbox itself. It never returns a
secret value: state summaries list ids, labels and counts.

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

import json
from typing import Any

from aiohttp import web

from okta_wizard.sandbox.org import ROLE_LABELS
from okta_wizard.sandbox.routes import STATE_KEY, json_response
from okta_wizard.sandbox.state import SandboxState

PREFIX = "/__sandbox"


def _state(request: web.Request) -> SandboxState:
    return request.app[STATE_KEY]


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


def add_control_routes(app: web.Application) -> None:
    r = app.router
    r.add_get(f"{PREFIX}/calls", get_calls)
    r.add_delete(f"{PREFIX}/calls", clear_calls)
    r.add_get(f"{PREFIX}/faults", get_faults)
    r.add_post(f"{PREFIX}/faults", add_fault)
    r.add_delete(f"{PREFIX}/faults", clear_faults)
    r.add_post(f"{PREFIX}/latency", set_latency)
    r.add_post(f"{PREFIX}/reset", reset)
    r.add_post(f"{PREFIX}/admin-roles", set_admin_roles)
    r.add_post(f"{PREFIX}/max-apps", set_max_apps)
    r.add_get(f"{PREFIX}/state", get_state)
