"""Fault injection: what goes wrong, on which route, on which call.

A fault matches a route key "METHOD /route/{template}" (fnmatch patterns allowed, "*" for all)
and fires on every matching call, or on the `nth` one (`times` calls from there), or on the
first `times` ones. Kinds:

- `status=503` (or 500, 429, 401, 403, 400…): an Okta error body instead of the real answer.
  401 is an invalid token (E0000011), 403 a missing permission (E0000006), 400 on
  `POST /api/v1/apps` the app-instance cap (E0000001), 429 a rate limit (E0000047) whose
  `x-rate-limit-reset` is `reset_in` seconds away.
- `latency=0.5`: wait before answering.
- `drop="before"`: close the connection, nothing applied. `drop="after"`: apply the change,
  then close the connection (the client never sees the answer: a crash right after the call).
- `kill_pid=1234`: SIGKILL that process once the call has been applied (never pid 0, 1, a
  negative one or the sandbox's own; through the control API only a process of the caller's).
- `odd_fields=True`: apps in the answer carry fields the SDK's models do not know.
- `foreign_origin="http://127.0.0.1:9"`: the answer points elsewhere (loopback only): a list
  carries a `Link: rel="next"` to that origin (even on its last page), the discovery document
  names endpoints there. `foreign_link` sets the next link's exact target instead, such as
  `@127.0.0.1:9/api/v1/apps` (a relative reference that a naive join turns into another host).

`SECRETS_READ_BACK` names the calls that read an app's client secrets back (the list and one
secret by id): a status fault there (403, 5xx) is an org where the secret cannot be read back,
so a run that resumes after a crash finds the secret in the keyring or not at all.
"""

from __future__ import annotations

import fnmatch
import itertools
import os
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from okta_wizard.orgurl import is_loopback_host

Drop = Literal["before", "after"]
SECRETS_READ_BACK = "GET /api/v1/apps/{id}/credentials/secrets*"
_ids = itertools.count(1)


@dataclass
class Fault:
    route: str
    status: int | None = None
    nth: int | None = None  # 1-based call number at which it starts firing; None: every call
    times: int | None = None  # calls it fires for (default: 1 with nth, else every call)
    latency: float = 0.0
    drop: Drop | None = None
    kill_pid: int | None = None
    # Who owned kill_pid, and since when, as the control API checked it: the kill fires only
    # if the pid still names that process (None: added in-process, by the sandbox's owner).
    kill_uid: int | None = None
    kill_start: int | None = None
    odd_fields: bool = False
    reset_in: int = 1  # 429 only: seconds until x-rate-limit-reset
    error_code: str | None = None  # override the Okta errorCode / errorSummary
    error_summary: str | None = None
    foreign_origin: str | None = None  # URLs in the answer point to this (loopback) origin
    foreign_link: str | None = None  # the exact `rel="next"` target of a list answer
    id: int = field(default_factory=lambda: next(_ids))
    seen: int = 0  # matching calls so far
    fired: int = 0
    fired_on: int = 0  # the call number (`seen`) it last fired on

    def __post_init__(self) -> None:
        if self.drop not in (None, "before", "after"):
            raise ValueError("drop must be 'before' or 'after'")
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        if self.kill_pid is not None and (self.kill_pid <= 1 or self.kill_pid == os.getpid()):
            raise ValueError("kill_pid must be another process: a pid above 1, not the sandbox")
        if self.nth is not None and self.nth < 1:
            raise ValueError("nth counts calls from 1")
        if self.foreign_origin is not None:
            _check_foreign_origin(self.foreign_origin)
        if self.foreign_link is not None:
            _check_foreign_link(self.foreign_link)
        rewrites = self.foreign_origin or self.foreign_link
        if not (
            self.status or self.latency or self.drop or self.kill_pid or self.odd_fields or rewrites
        ):
            raise ValueError(
                "a fault needs status, latency, drop, kill_pid, odd_fields, foreign_origin or "
                "foreign_link"
            )

    def matches(self, route_key: str) -> bool:
        return self.route == "*" or fnmatch.fnmatchcase(route_key, self.route)

    def count_call(self) -> bool:
        """Register one matching call; True if the fault fires on it."""
        self.seen += 1
        start = self.nth or 1
        # Without `times`: an `nth` fault fires once, a fault without `nth` on every call.
        span = self.times if self.times is not None else (1 if self.nth else None)
        fires = self.seen >= start and (span is None or self.seen < start + span)
        if fires:
            self.fired += 1
            self.fired_on = self.seen
        return fires

    def fired_last(self) -> bool:
        """Did it fire on its latest matching call (the one being answered)?"""
        return self.fired > 0 and self.fired_on == self.seen

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class FaultSet:
    """The faults of one sandbox; safe to change from a test thread while the server runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, route: str, **kwargs: Any) -> Fault:
        """E.g. `add("POST /api/v1/apps", status=503, nth=1)`; see the module doc for kinds."""
        fault = Fault(route=route, **kwargs)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def remove(self, fault: Fault) -> None:
        with self._lock:
            self._faults = [f for f in self._faults if f.id != fault.id]

    def __len__(self) -> int:
        return len(self._faults)

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def firing(self, route_key: str) -> list[Fault]:
        """Count this call against every matching fault; return those that fire on it."""
        with self._lock:
            return [f for f in self._faults if f.matches(route_key) and f.count_call()]

    def rewriting(self, route_key: str) -> Fault | None:
        """The foreign_origin / foreign_link fault that fired on the call being answered."""
        with self._lock:
            for fault in self._faults:
                if (
                    (fault.foreign_origin or fault.foreign_link)
                    and fault.matches(route_key)
                    and fault.fired_last()
                ):
                    return fault
        return None


def _check_foreign_origin(origin: str) -> None:
    """Only another loopback listener: the sandbox never points a client at a real host."""
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not is_loopback_host(parts.hostname or ""):
        raise ValueError("foreign_origin must be an http(s) origin on a loopback host")
    if parts.path not in ("", "/") or parts.query or parts.username:
        raise ValueError("foreign_origin is an origin only (scheme, host, port)")


def _check_foreign_link(link: str) -> None:
    """A next-link target whose host, read either as a URL or naively glued to an origin
    (`origin + link`, the mistake it tests for), is loopback or absent."""
    glued = urlsplit(link if "://" in link else "http://sandbox" + link)
    if glued.hostname not in ("sandbox", None) and not is_loopback_host(glued.hostname):
        raise ValueError("foreign_link may only lead to a loopback host")


# WHAT (a status, or a word with an optional ":argument"), then @N, then xTIMES.
_SPEC_TAIL = re.compile(
    r"^(?P<what>\d{3}|[a-z-]+(?::[^@x]+)?)(?:@(?P<nth>\d+))?(?:x(?P<times>\d+))?$"
)


def parse_fault_spec(spec: str) -> dict[str, Any]:
    """Command-line form: `ROUTE=WHAT[@N][xTIMES]`, WHAT = a status, `drop`, `drop-after`,
    `latency:0.5`, `odd` or `kill:PID`. E.g. 'POST /api/v1/apps=503', 'GET /api/v1/groups=429@2',
    '*=latency:0.2'. Returns keyword arguments for `FaultSet.add` (route included)."""
    route, sep, what = spec.rpartition("=")
    route = route.strip()
    if not sep or not route or not what:
        raise ValueError(f"fault '{spec}': expected ROUTE=WHAT, e.g. 'POST /api/v1/apps=503'")
    kwargs: dict[str, Any] = {"route": route}
    m = _SPEC_TAIL.match(what)
    if m is None:
        raise ValueError(f"fault '{spec}': unknown kind '{what}'")
    what = m.group("what")
    if m.group("nth"):
        kwargs["nth"] = int(m.group("nth"))
    if m.group("times"):
        kwargs["times"] = int(m.group("times"))
    if what.isdigit():
        kwargs["status"] = int(what)
    elif what in ("drop", "drop-before"):
        kwargs["drop"] = "before"
    elif what == "drop-after":
        kwargs["drop"] = "after"
    elif what == "odd":
        kwargs["odd_fields"] = True
    elif what.startswith("latency:"):
        kwargs["latency"] = _float(spec, what.partition(":")[2])
    elif what.startswith("kill:"):
        kwargs["kill_pid"] = _int(spec, what.partition(":")[2])
    else:
        raise ValueError(f"fault '{spec}': unknown kind '{what}'")
    try:
        Fault(**kwargs)  # validate now, so a bad spec fails before the server starts
    except ValueError as exc:
        raise ValueError(f"fault '{spec}': {exc}") from None
    return kwargs


def _int(spec: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"fault '{spec}': '{text}' is not a whole number") from None


def _float(spec: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"fault '{spec}': '{text}' is not a number of seconds") from None
