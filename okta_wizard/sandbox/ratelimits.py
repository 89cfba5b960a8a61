"""Okta's rate limits as the sandbox counts them: per bucket (a family of routes), per minute.

Real Okta counts the calls to all the routes of one bucket against one per-minute budget, and
every answer carries that bucket's `x-rate-limit-limit`, `-remaining` and `-reset`. The apps
bucket is the one that bites: every `/api/v1/apps*` route except exactly `/api/v1/apps/{id}`
(create, list and `q` search, `credentials/secrets*`, `lifecycle/*`, `groups*`) shares it. In a
2026 developer org's recording, `remaining` fell from 9 to 0 across POST apps, GET and POST
secrets and the lifecycle calls, with a single reset time; DELETE of the app by id had its own
limit of 50. The window starts with the bucket's first call and ends a minute later.

Limits are configurable: a preset name ("default": generous, so tests and the demo never wait;
"developer": a 2026 developer org) or a mapping of bucket names (or "METHOD /route" keys,
meaning that route's bucket) to per-minute limits on top of the default preset.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

RateInfo = tuple[int, int, int, bool]  # limit, remaining, reset (epoch s), allowed
WINDOW_S = 60


@dataclass(frozen=True)
class Bucket:
    name: str
    routes: str  # in the words of Okta's rate-limit page
    pattern: re.Pattern[str]


def _bucket(name: str, routes: str, pattern: str) -> Bucket:
    return Bucket(name, routes, re.compile(pattern))


# First match wins: the exact-id buckets come before their families.
BUCKETS: tuple[Bucket, ...] = (
    _bucket("token", "/oauth2/v1/token (the org authorization server's token endpoint)",
            r"^/oauth2/v1/token$"),
    _bucket("clients", "/oauth2/v1/clients and everything under it", r"^/oauth2/v1/clients(/|$)"),
    _bucket("oauth2", "every other /oauth2/v1 route (introspect, ...)", r"^/oauth2/"),
    _bucket("app", "exactly /api/v1/apps/{id}", r"^/api/v1/apps/[^/]+$"),
    _bucket("apps", "/api/v1/apps and every /api/v1/apps/* route except exactly "
            "/api/v1/apps/{id}", r"^/api/v1/apps(/|$)"),
    _bucket("group", "exactly /api/v1/groups/{id}", r"^/api/v1/groups/[^/]+$"),
    _bucket("groups", "/api/v1/groups and every /api/v1/groups/* route except exactly "
            "/api/v1/groups/{id}", r"^/api/v1/groups(/|$)"),
    _bucket("user", "exactly /api/v1/users/{id} (me included)", r"^/api/v1/users/[^/]+$"),
    _bucket("users", "exactly /api/v1/users", r"^/api/v1/users$"),
    _bucket("logs", "/api/v1/logs (the System Log)", r"^/api/v1/logs$"),
    _bucket("api", "every other /api/v1 route (admin roles, org, ...)", r"^/api/"),
    _bucket("public", "everything else (/.well-known/*)", r""),
)  # fmt: skip
BUCKET_NAMES = tuple(b.name for b in BUCKETS)

PRESETS: dict[str, dict[str, int]] = {
    # Far above what any run of the wizard spends in a minute: tests and the demo never wait.
    "default": dict.fromkeys(BUCKET_NAMES, 1000),
    # A 2026 developer org: apps 10 and app 50 as recorded (Okta's rate-limit page still says
    # 20 and 100); the others from that page's "Developer (free)" column.
    "developer": dict(
        token=300,
        clients=25,
        oauth2=300,
        app=50,
        apps=10,
        group=100,
        groups=100,
        user=100,
        users=100,
        logs=20,  # the System Log's own bucket: 20 a minute on an Integrator Free org
        api=100,
        public=1000,
    ),
}


def bucket_of(route_key: str) -> Bucket:
    """The bucket of "METHOD /route/{template}" (or of a raw path)."""
    path = route_key.partition(" ")[2] or route_key
    path = path.split("?", 1)[0]
    return next(b for b in BUCKETS if b.pattern.search(path))


def calls_per_bucket(route_keys: Iterable[str]) -> Counter[str]:
    return Counter(bucket_of(key).name for key in route_keys)


def limits_from(spec: str | Mapping[str, int] | None) -> dict[str, int]:
    """Per-minute limits of every bucket. ValueError names what is wrong."""
    if spec is None:
        return dict(PRESETS["default"])
    if isinstance(spec, str):
        if spec not in PRESETS:
            raise ValueError(f"unknown rate-limit preset {spec!r} (use {', '.join(PRESETS)})")
        return dict(PRESETS[spec])
    limits = dict(PRESETS["default"])
    for key, value in spec.items():
        name = bucket_of(key).name if key.startswith("/") or " " in key else key
        if name not in limits:
            raise ValueError(f"unknown rate-limit bucket {key!r} (use {', '.join(BUCKET_NAMES)})")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"the rate limit of {key!r} must be a positive integer")
        limits[name] = value
    return limits


@dataclass
class _Window:
    start: int  # epoch second of the bucket's first call in this window
    used: int = 0


@dataclass
class RateLimits:
    """Real per-minute counting: one `remaining` per bucket, reset a minute after its first call."""

    limits: dict[str, int] = field(default_factory=lambda: dict(PRESETS["default"]))
    enforced: bool = True
    # Okta's windows are a minute; a test that must wait one out shortens it (a few seconds).
    window: int = WINDOW_S
    _windows: dict[str, _Window] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, route_key: str) -> RateInfo:
        """Count one call; returns (limit, remaining, reset epoch, allowed)."""
        name = bucket_of(route_key).name
        limit = self.limits[name]
        now = int(time.time())
        with self._lock:
            window = self._windows.get(name)
            if window is None or now >= window.start + self.window:
                window = self._windows[name] = _Window(now)
            window.used += 1
            allowed = not self.enforced or window.used <= limit
            return limit, max(limit - window.used, 0), window.start + self.window, allowed

    def fresh(self) -> RateLimits:
        """The same limits with every window closed (a sandbox reset)."""
        return RateLimits(dict(self.limits), self.enforced, self.window)
