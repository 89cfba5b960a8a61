"""What one running sandbox holds besides the org: token, faults, call log, rate-limit buckets,
System Log."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from okta_wizard.sandbox.faults import FaultSet
from okta_wizard.sandbox.oauth import OAuthRegistry
from okta_wizard.sandbox.org import SandboxOrg, build_org
from okta_wizard.sandbox.ratelimits import WINDOW_S, RateLimits, limits_from
from okta_wizard.sandbox.syslog import SystemLog


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


class SandboxState:
    """Everything the request handlers read and change, shared with the test thread."""

    def __init__(
        self,
        *,
        token: str,
        groups: int,
        seed: dict[str, Any] | None,
        control_token: str | None,
        rate_limits: str | Mapping[str, int] | None = None,
        enforce_rate_limits: bool = True,
        engine: str | None = None,
        rate_limit_window: int = WINDOW_S,
    ) -> None:
        self.token = token
        self.control_token = control_token  # None: no control API
        # Called after each request that changed the org, before its answer is sent (the
        # demo saves its org there, so a saved copy is never behind what a client was told).
        self.on_change: Callable[[], None] | None = None
        self._groups = groups
        self._seed = seed
        self._engine = engine
        self.org: SandboxOrg = build_org(groups, seed, engine)
        self.faults = FaultSet()
        self.oauth = OAuthRegistry()  # service apps that may sign in with OAuth 2.0
        self.calls: list[Call] = []
        self.latency = 0.0  # seconds added to every call (control API)
        self.base_url = ""  # set once the server listens
        self.rate = RateLimits(limits_from(rate_limits), enforce_rate_limits, rate_limit_window)
        self.system_log = SystemLog()  # GET /api/v1/logs; the routes and sign-ins write it

    def reset(self) -> None:
        """A fresh org from the same options; faults, calls and rate windows cleared."""
        self.org = build_org(self._groups, self._seed, self._engine)
        self.faults.clear()
        self.calls.clear()
        self.latency = 0.0
        self.rate = self.rate.fresh()
        self.system_log = SystemLog()
