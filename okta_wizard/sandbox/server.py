"""The sandbox Okta org as an HTTP server on loopback (aiohttp), for the demo and the tests.

    sb = start_sandbox(port=0)          # own event loop in a daemon thread; returns once listening
    sb.base_url, sb.secrets_url, sb.token, sb.org, sb.faults, sb.calls
    sb = start_sandbox(control=True)    # and the control API: sb.control_headers()
    sb.faults.add("POST /api/v1/apps", status=503, nth=1)
    sb.stop()

Every Okta response carries Date, x-okta-request-id and x-rate-limit-* headers; errors use
Okta's JSON error body. The API token is accepted as `SSWS <token>` and `SSWS<token>` (the SDK
sends the latter). Both the API token and the control API's token are random for each run
unless the caller chooses them: another local user can reach a loopback port, so neither may
be guessable.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from email.utils import formatdate
from pathlib import Path
from typing import Any

from aiohttp import web

from okta_wizard.sandbox import ids
from okta_wizard.sandbox.control import PREFIX as CONTROL_PREFIX
from okta_wizard.sandbox.control import add_control_routes
from okta_wizard.sandbox.faults import Fault, FaultSet
from okta_wizard.sandbox.oauth import (
    OAuthRegistry,
    add_oauth_routes,
    authenticate_request,
    uses_oauth,
)
from okta_wizard.sandbox.oidc import add_oidc_routes, token_grant_dispatch
from okta_wizard.sandbox.org import SandboxOrg, load_seed
from okta_wizard.sandbox.privatebin import add_privatebin_routes
from okta_wizard.sandbox.processes import kill_if_unchanged
from okta_wizard.sandbox.ratelimits import WINDOW_S, RateInfo, calls_per_bucket
from okta_wizard.sandbox.routes import (
    MUTATED,
    ODD_FIELDS,
    PRINCIPAL,
    STATE_KEY,
    OktaHTTPError,
    add_okta_routes,
    app_cap_error,
    json_response,
    refuse_unknown_route,
)
from okta_wizard.sandbox.state import Call, SandboxState
from okta_wizard.sandbox.syslog import SystemLog

SECRETS_PREFIX = "/secrets/"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("E0000001", "Api validation failed"),
    401: ("E0000011", "Invalid token provided"),
    403: ("E0000006", "You do not have permission to perform the requested action"),
    404: ("E0000007", "Not found: Resource not found"),
    429: ("E0000047", "API call exceeded rate limit due to too many requests."),
}


class SandboxHostError(ValueError):
    """The sandbox only listens on loopback addresses."""


def new_api_token() -> str:
    """A random API token starting `00` like Okta's; 45 characters, as the sandbox's tokens
    always were (the masked field in the pictures keeps its width)."""
    return "00" + secrets.token_urlsafe(33)[:43]


def new_control_token() -> str:
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _route_template(request: web.Request) -> str:
    info = request.match_info
    resource = info.route.resource if info.route is not None else None
    return resource.canonical if resource is not None else request.path


def _is_okta_route(path: str) -> bool:
    return not path.startswith(SECRETS_PREFIX) and not path.startswith(CONTROL_PREFIX)


def _okta_headers(resp: web.StreamResponse, rate: RateInfo) -> None:
    limit, remaining, reset, _ = rate
    resp.headers["Date"] = formatdate(usegmt=True)
    resp.headers["x-okta-request-id"] = ids.request_id()
    resp.headers["x-rate-limit-limit"] = str(limit)
    resp.headers["x-rate-limit-remaining"] = str(remaining)
    resp.headers["x-rate-limit-reset"] = str(reset)


def _token_ok(header: str, token: str) -> bool:
    if not header.startswith("SSWS"):
        return False
    given = header[4:].strip()  # "SSWS <t>" and "SSWS<t>" both occur
    return hmac.compare_digest(given.encode(), token.encode())


def _refused_credential(
    request: web.Request, state: SandboxState, key: str
) -> web.StreamResponse | None:
    """None when the Management API call may proceed: an SSWS token, or a service app's
    access token with the route's scope and an admin role (sandbox/oauth.py)."""
    if not request.path.startswith(("/api/v1/", "/oauth2/v1/clients/")):
        return None
    if uses_oauth(request):
        result = authenticate_request(request, key, state.oauth)
        if isinstance(result, web.StreamResponse):
            return result
        request[PRINCIPAL] = result  # handlers that judge by role read who calls
        return None
    if not _token_ok(request.headers.get("Authorization", ""), state.token):
        raise OktaHTTPError(401, "E0000011", "Invalid token provided")
    return None


def _fault_error(fault: Fault, route_key: str) -> OktaHTTPError:
    status = fault.status or 500
    if status == 400 and route_key == "POST /api/v1/apps" and not fault.error_code:
        return app_cap_error()
    code, summary = _STATUS_ERRORS.get(status, ("E0000009", "Internal Server Error"))
    return OktaHTTPError(status, fault.error_code or code, fault.error_summary or summary)


def _drop_connection(request: web.Request) -> None:
    """Close the socket without an answer: the client sees a disconnect, not an HTTP error."""
    if request.transport is not None:
        request.transport.abort()


@web.middleware
async def okta_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = request.app[STATE_KEY]
    route = _route_template(request)
    if route.startswith(CONTROL_PREFIX):
        return await handler(request)
    key = f"{request.method} {route}"
    request[MUTATED] = False
    status = 0
    try:
        resp = await _answer(request, handler, state, key)
        status = resp.status
        return resp
    finally:
        # The one-time-link endpoint's query may carry a delete token: never logged.
        query = request.query_string if _is_okta_route(request.path) else ""
        state.calls.append(
            Call(request.method, route, request.path, query, request[MUTATED], status)
        )
        if request[MUTATED] and state.on_change is not None:
            state.on_change()  # before the answer leaves: a saved copy is never behind it


async def _answer(
    request: web.Request, handler: Handler, state: SandboxState, key: str
) -> web.StreamResponse:
    faults = state.faults.firing(key)
    delay = state.latency + sum(f.latency for f in faults)
    if delay:
        await asyncio.sleep(delay)
    if any(f.drop == "before" for f in faults):
        _drop_connection(request)
        raise asyncio.CancelledError  # aiohttp ends the request quietly
    okta = _is_okta_route(request.path)
    rate = state.rate.take(key) if okta else (0, 0, 0, True)
    request[ODD_FIELDS] = any(f.odd_fields for f in faults)
    errors = [f for f in faults if f.status]
    try:
        if errors:
            raise _fault_error(errors[0], key)
        refused = _refused_credential(request, state, key)
        if refused is not None:
            resp = refused
        elif not rate[3]:
            raise OktaHTTPError(429, "E0000047", _STATUS_ERRORS[429][1])
        else:
            if okta:
                refuse_unknown_route(request)
            resp = await handler(request)
    except OktaHTTPError as exc:
        resp = json_response(exc.body, exc.status)
        resp.headers.update(exc.headers)
        if exc.status == 429:
            reset_in = errors[0].reset_in if errors else None
            rate = _rate_for_429(rate, reset_in)
    if okta:
        _okta_headers(resp, rate)
    _after_effects(request, faults)
    return resp


def _rate_for_429(rate: RateInfo, reset_in: int | None) -> RateInfo:
    """A 429 says nothing is left, and when the window resets (the SDK waits until then)."""
    reset = int(time.time()) + reset_in if reset_in is not None else rate[2]
    return rate[0] or 1, 0, reset, False


def _after_effects(request: web.Request, faults: Iterable[Fault]) -> None:
    """Faults that act once the change is applied: drop the answer, or kill a process."""
    for fault in faults:
        if fault.kill_pid is not None:
            kill_if_unchanged(fault.kill_pid, fault.kill_uid, fault.kill_start)
    if any(f.drop == "after" for f in faults):
        _drop_connection(request)
        raise asyncio.CancelledError


def build_app(state: SandboxState) -> web.Application:
    app = web.Application(
        middlewares=[okta_middleware, token_grant_dispatch], client_max_size=2 * 1024 * 1024
    )
    app[STATE_KEY] = state
    if state.control_token is not None:
        add_control_routes(app, state.control_token)
    add_privatebin_routes(app, SECRETS_PREFIX)
    add_oauth_routes(app, state.oauth)
    add_oidc_routes(app)  # the Upflow app's sign-in: authorize, the code grant, keys, userinfo
    add_okta_routes(app)
    return app


class RunningSandbox:
    """A sandbox serving on its own event loop in a daemon thread."""

    def __init__(self, state: SandboxState, host: str, port: int) -> None:
        self._state = state
        self._host = host
        self._requested_port = port
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="okta-sandbox", daemon=True)
        self.port = 0

    # -- what tests and the demo use
    @property
    def base_url(self) -> str:
        return self._state.base_url

    @property
    def secrets_url(self) -> str:
        return self.base_url + SECRETS_PREFIX

    @property
    def token(self) -> str:
        return self._state.token

    @property
    def control_token(self) -> str | None:
        """The control API's bearer token; None when the control API is off."""
        return self._state.control_token

    def control_headers(self) -> dict[str, str]:
        """What a control API request must carry (token, JSON content type)."""
        if self._state.control_token is None:
            raise RuntimeError("the control API is off: start_sandbox(control=True)")
        return {
            "Authorization": f"Bearer {self._state.control_token}",
            "Content-Type": "application/json",
        }

    @property
    def oauth(self) -> OAuthRegistry:
        """Service apps for OAuth 2.0 sign-in: `sb.oauth.register_generated(...)`."""
        return self._state.oauth

    @property
    def org(self) -> SandboxOrg:
        return self._state.org

    @property
    def faults(self) -> FaultSet:
        return self._state.faults

    @property
    def system_log(self) -> SystemLog:
        """The org's System Log: `sb.system_log.record_sign_in(app, user)`, `.seed([...])`."""
        return self._state.system_log

    @property
    def calls(self) -> list[Call]:
        return self._state.calls

    @property
    def state(self) -> SandboxState:
        return self._state

    def calls_to(self, route_key: str) -> list[Call]:
        """E.g. `calls_to("POST /api/v1/apps")`."""
        return [c for c in list(self.calls) if c.key == route_key]

    def mutating_calls(self) -> list[Call]:
        return [c for c in list(self.calls) if c.mutating]

    def calls_per_bucket(self) -> dict[str, int]:
        """Calls so far per rate-limit bucket (sandbox/ratelimits.py), e.g. {"apps": 5}."""
        return dict(calls_per_bucket(c.key for c in list(self.calls) if _is_okta_route(c.path)))

    def reset(self) -> None:
        self._state.reset()

    def set_latency(self, seconds: float) -> None:
        self._state.latency = seconds

    # -- lifecycle
    def start(self) -> None:
        self._thread.start()
        self._ready.wait(timeout=30)
        if self._error is not None:
            raise self._error
        if not self._ready.is_set():
            raise RuntimeError("the sandbox did not start within 30 s")

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _serve(self) -> None:
        runner = web.AppRunner(
            build_app(self._state), access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._requested_port)
        await site.start()
        self._runner = runner
        sockets = getattr(site._server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])
        host = f"[{self._host}]" if ":" in self._host else self._host
        self._state.base_url = f"http://{host}:{self.port}"

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        try:
            future.result(timeout=10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    groups: int = 0,
    token: str | None = None,
    seed: dict[str, Any] | str | Path | None = None,
    control: bool = False,
    *,
    control_token: str | None = None,
    rate_limits: str | Mapping[str, int] | None = None,
    enforce_rate_limits: bool = True,
    faults: Iterable[dict[str, Any]] = (),
    engine: str | None = None,
    rate_limit_window: int = WINDOW_S,
) -> RunningSandbox:
    """Start a sandbox org on loopback; returns once it is listening.

    `token`: the API token it accepts (default: a random one, `sb.token`). `control`: mount the
    control API, which accepts `control_token` (default: a random one, `sb.control_token`).
    `seed`: a dict or a JSON file (see docs/sandbox.md). `rate_limits`: per-minute limits per
    bucket (sandbox/ratelimits.py): a preset ("default", generous; "developer", a developer
    org: 10 a minute for the apps bucket) or a mapping over the default, e.g. {"apps": 3} or
    {"POST /api/v1/apps": 3} (that route's bucket); `rate_limit_window`: the seconds of a
    bucket's window (Okta's minute; a test that waits one out makes it a few). `faults`:
    keyword dicts for `FaultSet.add` (each with "route"), active from the first call.
    `engine`: "identity" (the default; `pipeline: idx`) or "classic" (a Classic Engine org:
    `pipeline: v1`).
    """
    if not is_loopback(host):
        raise SandboxHostError(f"the sandbox listens on loopback only, not on '{host}'")
    if token is None:
        token = new_api_token()
    if not token:
        raise ValueError("the sandbox needs a non-empty API token")
    if control_token is not None and not control_token:
        raise ValueError("the control API needs a non-empty token")
    seed_data = load_seed(Path(seed)) if isinstance(seed, str | Path) else seed
    state = SandboxState(
        token=token,
        groups=groups,
        seed=seed_data,
        control_token=(control_token or new_control_token()) if control else None,
        rate_limits=rate_limits,
        enforce_rate_limits=enforce_rate_limits,
        engine=engine,
        rate_limit_window=rate_limit_window,
    )
    for spec in faults:
        spec = dict(spec)
        state.faults.add(spec.pop("route"), **spec)
    sandbox = RunningSandbox(state, host, port)
    sandbox.start()
    return sandbox
