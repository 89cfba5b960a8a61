"""The retry policy, as pure functions: what to wait after a 429 or a 5xx, and when to stop.

The SDK's own retries are off (`rateLimit.maxRetries = 0`): it would retry a POST create on
503/504 and could make a duplicate app. Here 429 waits until `x-rate-limit-reset` (measured
against Okta's own `Date` header, so a skewed local clock does not matter); server errors and
transport failures back off, for idempotent requests only; every wait comes out of one budget.
The same policy serves the Management API (transport.py) and the token endpoint
(service_app.py): `retry_delay` decides, `WaitBudget.take` bounds, `describe_failure` names a
failure without quoting the request. Both take them from here: the transport uses a service
app's auth object, and service_app.py needs this policy, never the transport.

A wait for a rate limit is announced before it starts (`RateLimitWait`, the line a person
reads, with the family of routes Okta counts it in and when it ends), so that a long wait is
never a silent one.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
MAX_ATTEMPTS = 6
_BACKOFF_S = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


@dataclass(frozen=True)
class RawResponse:
    """An HTTP answer, detached from the client library. Header names are lower-case."""

    status: int
    headers: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def header_all(self, name: str) -> list[str]:
        return list(self.headers.get(name.lower(), []))

    @property
    def request_id(self) -> str | None:
        return self.header("x-okta-request-id")

    def json(self) -> object:
        """The parsed body, or the raw text when it is not JSON."""
        try:
            return json.loads(self.text) if self.text else None
        except ValueError:
            return self.text


@dataclass(frozen=True)
class TransportFailure:
    """The request got no HTTP answer. `why` is a short safe description, never the request."""

    why: str


def describe_failure(error: object) -> str:
    """A short, safe name for a transport failure (the library's text may quote the request)."""
    name = type(error).__name__
    # The text is only inspected, never shown: it may quote the URL or the request.
    if "CERTIFICATE_VERIFY_FAILED" in str(error) or "SSL" in name or "Certificate" in name:
        return "the TLS certificate could not be verified"
    if isinstance(error, asyncio.TimeoutError | TimeoutError) or "Timeout" in name:
        return "the request timed out"
    if "Disconnected" in name or "Reset" in name or "Payload" in name:
        return "the connection was dropped"
    if "Connect" in name:
        return "the connection was refused or the host is unreachable"
    return f"transport error ({name})"


def rate_limit_delay(headers: dict[str, list[str]]) -> float | None:
    """Seconds to wait after a 429: `x-rate-limit-reset - Date + 1` (the SDK's formula; the
    +1 covers the one-second resolution of both). None when either header is missing."""
    resets = []
    for value in headers.get("x-rate-limit-reset", []):
        try:
            resets.append(float(value))
        except ValueError:
            continue
    dates = headers.get("date", [])
    if not resets or not dates:
        return None
    try:
        now = parsedate_to_datetime(dates[0]).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, min(resets) - now + 1.0)


def backoff_delay(attempt: int) -> float:
    """Wait before attempt `attempt + 1` after a server error (attempt counts from 1)."""
    return _BACKOFF_S[min(attempt, len(_BACKOFF_S)) - 1]


def retry_delay(
    outcome: RawResponse | TransportFailure, attempt: int, *, retry_server_errors: bool
) -> float | None:
    """The wait before sending the request again, or None when this outcome is final.

    429: until `x-rate-limit-reset` (Okta refused before doing anything, so even a POST may go
    again). 5xx and transport failures: the backoff, only when `retry_server_errors` (an
    idempotent request). Everything else is a definite answer.
    """
    if isinstance(outcome, TransportFailure):
        return backoff_delay(attempt) if retry_server_errors else None
    if outcome.status == 429:
        reset_in = rate_limit_delay(outcome.headers)
        return backoff_delay(attempt) if reset_in is None else reset_in
    if outcome.status in RETRYABLE_STATUSES and retry_server_errors:
        return backoff_delay(attempt)
    return None


@dataclass
class WaitBudget:
    """The bounded total of all waits of one request."""

    max_wait: float
    spent: float = 0.0

    def allows(self, delay: float) -> bool:
        return self.spent + delay <= self.max_wait

    def spend(self, delay: float) -> None:
        self.spent += delay

    def take(self, attempt: int, delay: float) -> bool:
        """Spend `delay` before attempt `attempt + 1`, if both the attempts and the budget
        allow it; False means: stop and report."""
        if attempt >= MAX_ATTEMPTS or not self.allows(delay):
            return False
        self.spend(delay)
        return True


# Okta counts calls per family of routes, and one family in particular is small: every
# /api/v1/apps* route except exactly /api/v1/apps/{id} shares one budget (10 a minute on a
# developer org). First match wins; the words name the family in the wait line.
_FAMILIES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"^/api/v1/apps/[^/]+$", "one app"),
        (r"^/api/v1/apps(/|$)", "apps"),
        (r"^/api/v1/groups/[^/]+$", "one group"),
        (r"^/api/v1/groups(/|$)", "groups"),
        (r"^/api/v1/users(/[^/]+)?$", "users"),
        (r"^/oauth2/v1/token$", "access tokens"),
        (r"^/oauth2/v1/clients(/|$)", "OAuth clients"),
        (r"^/oauth2/", "OAuth endpoints"),
        (r"^/api/", "the management API"),
        (r"", "Okta's public endpoints"),  # /.well-known/*
    )
)


def rate_limit_family(route: str) -> str:
    """The words for the rate-limit family of a route template ("/api/v1/apps/{id}/groups"
    -> "apps"), as Okta counts it."""
    path = route.split("?", 1)[0]
    return next(words for pattern, words in _FAMILIES if pattern.search(path))


class RateLimitWait(str):
    """Okta answered 429 and the run waits for the reset. It is the line to show ("Okta's rate
    limit for apps: waiting 41 s, until 14:05:12"), so every progress callback can print it as
    it is; `family`, `seconds` and `until` (local time) are there for a countdown."""

    family: str
    seconds: float
    until: datetime

    def __new__(cls, family: str, seconds: float, until: datetime) -> RateLimitWait:
        text = (
            f"Okta's rate limit for {family}: waiting {math.ceil(seconds)} s, "
            f"until {until:%H:%M:%S}"
        )
        wait = super().__new__(cls, text)
        wait.family, wait.seconds, wait.until = family, seconds, until
        return wait

    @classmethod
    def starting_now(cls, route: str, seconds: float) -> RateLimitWait:
        return cls(rate_limit_family(route), seconds, datetime.now() + timedelta(seconds=seconds))


WaitListener = Callable[[RateLimitWait], None]
