"""What one running sandbox holds besides the org: token, faults, call log, rate-limit windows."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from okta_wizard.sandbox.faults import FaultSet
from okta_wizard.sandbox.oauth import OAuthRegistry
from okta_wizard.sandbox.org import SandboxOrg, build_org

# Per-minute limits per route, from the recordings (2026 dev org: app creation 10/min; 2020
# org: 100 for most app routes, 500 for app reads and groups). Unlisted routes get 600.
DEFAULT_RATE_LIMITS: dict[str, int] = {
    "POST /api/v1/apps": 10,
    "GET /api/v1/apps": 100,
    "GET /api/v1/apps/{id}": 500,
    "PUT /api/v1/apps/{id}": 100,
    "DELETE /api/v1/apps/{id}": 500,
    "GET /api/v1/groups": 500,
    "GET /api/v1/users/{id}": 600,
    "GET /api/v1/org": 100,
}
OTHER_ROUTE_LIMIT = 600


@dataclass(frozen=True)
class Call:
    """One request the sandbox received. `mutating`: it changed the org's state."""

    method: str
    route: str  # template, e.g. "/api/v1/apps/{id}"
    path: str
    query: str
    mutating: bool
    status: int

    @property
    def key(self) -> str:
        return f"{self.method} {self.route}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RateWindow:
    start: int  # epoch second the minute window began
    used: int = 0


@dataclass
class RateLimits:
    """Real per-minute counting: `remaining` drops with use and resets on the minute."""

    limits: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    enforced: bool = True
    _windows: dict[str, RateWindow] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, route_key: str) -> tuple[int, int, int, bool]:
        """Count one call; returns (limit, remaining, reset epoch, allowed)."""
        limit = self.limits.get(route_key, OTHER_ROUTE_LIMIT)
        now = int(time.time())
        with self._lock:
            window = self._windows.get(route_key)
            if window is None or now >= window.start + 60:
                window = self._windows[route_key] = RateWindow(now)
            window.used += 1
            allowed = not self.enforced or window.used <= limit
            return limit, max(limit - window.used, 0), window.start + 60, allowed


class SandboxState:
    """Everything the request handlers read and change, shared with the test thread."""

    def __init__(
        self,
        *,
        token: str,
        groups: int,
        seed: dict[str, Any] | None,
        control_token: str | None,
        rate_limits: dict[str, int] | None = None,
        enforce_rate_limits: bool = True,
    ) -> None:
        self.token = token
        self.control_token = control_token  # None: no control API
        # Called after each request that changed the org, before its answer is sent (the
        # demo saves its org there, so a saved copy is never behind what a client was told).
        self.on_change: Callable[[], None] | None = None
        self._groups = groups
        self._seed = seed
        self.org: SandboxOrg = build_org(groups, seed)
        self.faults = FaultSet()
        self.oauth = OAuthRegistry()  # service apps that may sign in with OAuth 2.0
        self.calls: list[Call] = []
        self.latency = 0.0  # seconds added to every call (control API)
        self.base_url = ""  # set once the server listens
        limits = dict(DEFAULT_RATE_LIMITS)
        limits.update(rate_limits or {})
        self.rate = RateLimits(limits, enforce_rate_limits)

    def reset(self) -> None:
        """A fresh org from the same options; faults, calls and rate windows cleared."""
        self.org = build_org(self._groups, self._seed)
        self.faults.clear()
        self.calls.clear()
        self.latency = 0.0
        self.rate = RateLimits(self.rate.limits, self.rate.enforced)
