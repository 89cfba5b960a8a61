"""The sandbox org's System Log: the events it records, and what `GET /api/v1/logs` answers.

As real Okta does (Management API spec `listLogEvents` and `LogEvent`; the System Log query
guide, see reference/okta-oidc-and-logs.md section B):
- `since` and `until` bound `published`: `since` (exclusive, like `after`) defaults to 7 days
  before `until`, which defaults to now. A `since` more than 180 days back is 400 E0000053.
- A bounded query (`until` given) is ordered by `published` and its last page has no `next`
  link; a polling query (no `until`) always has one, even on an empty page.
- `limit` 0-1000 (default 100); `sortOrder` ASCENDING (default) or DESCENDING; `after` is an
  opaque cursor (here `<published ms>_<sequence>`, like Okta's `1627500044869_1`).
- `filter`: the part of Okta's SCIM-like syntax the product sends, and a little more:
  `attribute op "value"` with `eq`, `sw`, `co`, `ew`, joined by `and` / `or`, grouped with
  parentheses. `target.*` matches when any target does. `published` is refused (Okta: use
  since/until), as is an attribute this log does not know: 400 E0000053.

Events are recorded where Okta would record them: app and client-secret lifecycle (the routes
call `record_admin_event`), sign-ins (`record_sign_in`, `record_token_grant`: the sandbox's
authorize and token endpoints write them), and tests seed any event with `seed`. A client
secret never appears in an event: only its id.
"""

from __future__ import annotations

import itertools
import re
import threading
import uuid as uuid_module
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from okta_wizard.sandbox import ids

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
DEFAULT_WINDOW = timedelta(days=7)
RETENTION = timedelta(days=180)  # the oldest `since` Okta answers
# What an SSWS caller or a service app looks like as an actor (Okta's `actor.type`).
USER_ACTOR, SERVICE_APP_ACTOR = "User", "PublicClientApp"
APP_TARGET = "AppInstance"

# The attributes a filter may name, each read from an event's JSON.
_SCALARS: dict[str, tuple[str, ...]] = {
    "eventType": ("eventType",),
    "legacyEventType": ("legacyEventType",),
    "uuid": ("uuid",),
    "severity": ("severity",),
    "displayMessage": ("displayMessage",),
    "actor.id": ("actor", "id"),
    "actor.type": ("actor", "type"),
    "actor.alternateId": ("actor", "alternateId"),
    "actor.displayName": ("actor", "displayName"),
    "outcome.result": ("outcome", "result"),
    "outcome.reason": ("outcome", "reason"),
    "client.ipAddress": ("client", "ipAddress"),
    "transaction.id": ("transaction", "id"),
}
_TARGET_FIELDS = ("id", "type", "alternateId", "displayName")
_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "eq": lambda have, want: have == want,
    "sw": lambda have, want: have.lower().startswith(want.lower()),
    "co": lambda have, want: want.lower() in have.lower(),
    "ew": lambda have, want: have.lower().endswith(want.lower()),
}


class LogQueryError(ValueError):
    """A query Okta refuses (400 E0000053); the message is the error cause."""


# ------------------------------------------------------------------------------ filters
_TOKEN = re.compile(r'\s*(\(|\)|"(?:[^"\\]|\\.)*"|[A-Za-z_.]+)')
Predicate = Callable[[Mapping[str, Any]], bool]


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise LogQueryError(f"the filter cannot be read at {text[pos : pos + 20]!r}")
        tokens.append(match.group(1))
        pos = match.end()
    return tokens


def _values(event: Mapping[str, Any], attribute: str) -> list[str]:
    if attribute.startswith("target."):
        name = attribute.partition(".")[2]
        targets = event.get("target") or []
        return [t[name] for t in targets if isinstance(t, dict) and isinstance(t.get(name), str)]
    node: Any = event
    for key in _SCALARS[attribute]:
        node = node.get(key) if isinstance(node, dict) else None
    return [node] if isinstance(node, str) else []


def _term(attribute: str, operator: str, quoted: str) -> Predicate:
    if attribute == "published":
        raise LogQueryError("published cannot be filtered: use since and until")
    known = attribute in _SCALARS or (
        attribute.startswith("target.") and attribute.partition(".")[2] in _TARGET_FIELDS
    )
    if not known:
        raise LogQueryError(f"{attribute} is not an attribute of a log event")
    compare = _OPERATORS.get(operator)
    if compare is None:
        raise LogQueryError(f"{operator} is not a supported operator")
    wanted = quoted[1:-1].replace('\\"', '"').replace("\\\\", "\\")

    def matches(event: Mapping[str, Any]) -> bool:
        return any(compare(value, wanted) for value in _values(event, attribute))

    return matches


class _Parser:
    """or-expression := and-expression ("or" and-expression)*;
    and-expression := primary ("and" primary)*; primary := "(" or-expression ")" | term."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            raise LogQueryError("the filter ends too early")
        self.pos += 1
        return token

    def parse(self) -> Predicate:
        predicate = self._or()
        if self._peek() is not None:
            raise LogQueryError(f"unexpected {self._peek()!r} in the filter")
        return predicate

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._peek() == "or":
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda e: any(p(e) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._primary()]
        while self._peek() == "and":
            self._take()
            parts.append(self._primary())
        return parts[0] if len(parts) == 1 else (lambda e: all(p(e) for p in parts))

    def _primary(self) -> Predicate:
        token = self._take()
        if token == "(":
            inner = self._or()
            if self._take() != ")":
                raise LogQueryError("a parenthesis is not closed in the filter")
            return inner
        operator, value = self._take(), self._take()
        if not value.startswith('"'):
            raise LogQueryError(f"the value for {token} must be in double quotes")
        return _term(token, operator, value)


def parse_filter(text: str) -> Predicate:
    """The predicate of a filter expression; `LogQueryError` when Okta would refuse it."""
    return _Parser(_tokens(text)).parse()


# ------------------------------------------------------------------------------ times
def parse_time(value: str) -> datetime:
    """An ISO 8601 timestamp as Okta takes them (`2026-05-03T16:22:18Z`, with millis too)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise LogQueryError(f"{value!r} is not an ISO 8601 timestamp") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_time(moment: datetime) -> str:
    """Okta's `published`: UTC, milliseconds, `Z`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


# ------------------------------------------------------------------------------ the store
@dataclass(frozen=True)
class _Stored:
    published_ms: int
    seq: int
    body: dict[str, Any]

    @property
    def cursor(self) -> str:
        return f"{self.published_ms}_{self.seq}"


@dataclass(frozen=True)
class LogPage:
    events: list[dict[str, Any]]
    next_after: str | None  # None: no `next` link


@dataclass(frozen=True)
class LogQuery:
    since: datetime | None = None
    until: datetime | None = None
    predicate: Predicate | None = None
    limit: int = DEFAULT_LIMIT
    after: str | None = None
    descending: bool = False


def _cursor_key(after: str) -> tuple[int, int]:
    published, sep, seq = after.partition("_")
    if not sep or not published.isdigit() or not seq.isdigit():
        raise LogQueryError("after is not a cursor this log gave")
    return int(published), int(seq)


class SystemLog:
    """The events of one sandbox org, safe to use from the server and a test thread."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._events: list[_Stored] = []
        self._seq = itertools.count(1)

    def __len__(self) -> int:
        with self._lock:
            return len(self._events)

    def events(self) -> list[dict[str, Any]]:
        """Every event, oldest first (copies of their JSON)."""
        with self._lock:
            return [dict(s.body) for s in sorted(self._events, key=_order)]

    def clear(self) -> None:
        with self._lock:
            self._events.clear()

    # -- writing
    def seed(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Add whole LogEvent objects (tests): `published` is required, the rest is kept."""
        for event in events:
            self._add(dict(event), parse_time(str(event["published"])))

    def _add(self, body: dict[str, Any], published: datetime) -> dict[str, Any]:
        body.setdefault("published", format_time(published))
        with self._lock:
            self._events.append(_Stored(_ms(published), next(self._seq), body))
        return body

    def record(
        self,
        event_type: str,
        *,
        actor: dict[str, Any],
        targets: list[dict[str, Any]],
        display_message: str,
        result: str = "SUCCESS",
        reason: str | None = None,
        severity: str = "INFO",
        legacy_event_type: str | None = None,
        published: datetime | None = None,
    ) -> dict[str, Any]:
        """One event in Okta's LogEvent shape; returns its JSON."""
        moment = published or self.clock()
        outcome: dict[str, Any] = {"result": result}
        if reason:
            outcome["reason"] = reason[:255]
        request_id = ids.request_id()
        body: dict[str, Any] = {
            "uuid": str(uuid_module.uuid4()),
            "published": format_time(moment),
            "eventType": event_type,
            "version": "0",
            "severity": severity,
            "displayMessage": display_message,
            "actor": actor,
            "client": {
                "userAgent": {"rawUserAgent": "okta-wizard sandbox", "os": "Unknown",
                              "browser": "UNKNOWN"},
                "device": "Unknown",
                "ipAddress": "127.0.0.1",
            },
            "outcome": outcome,
            "target": targets,
            "transaction": {"type": "WEB", "id": request_id, "detail": {}},
            "debugContext": {"debugData": {"requestId": request_id}},
            "authenticationContext": {"authenticationStep": 0, "externalSessionId": "unknown"},
            "request": {"ipChain": [{"ip": "127.0.0.1", "version": "V4"}]},
            "securityContext": {},
        }  # fmt: skip
        if legacy_event_type:
            body["legacyEventType"] = legacy_event_type
        return self._add(body, moment)

    def record_sign_in(
        self,
        app: Any,
        user: Any,
        *,
        success: bool = True,
        reason: str | None = None,
        published: datetime | None = None,
    ) -> dict[str, Any]:
        """`user.authentication.sso`: `user` signed in to `app` through Okta (or failed to,
        with `reason` such as "User is not assigned to the client application.")."""
        return self.record(
            "user.authentication.sso",
            actor=user_actor(user),
            targets=[app_target(app)],
            display_message="User single sign on to app",
            result="SUCCESS" if success else "FAILURE",
            reason=reason,
            severity="INFO" if success else "WARN",
            legacy_event_type="app.auth.sso",
            published=published,
        )

    def record_token_grant(
        self,
        app: Any,
        user: Any | None = None,
        *,
        kind: str = "id_token",
        success: bool = True,
        reason: str | None = None,
        published: datetime | None = None,
    ) -> dict[str, Any]:
        """`app.oauth2.token.grant.<kind>` (`id_token`, `access_token`) on success;
        `app.oauth2.token.grant` with the OAuth error as the reason (e.g. `invalid_client`)
        when the token request failed."""
        event_type = f"app.oauth2.token.grant.{kind}" if success else "app.oauth2.token.grant"
        actor = user_actor(user) if user is not None else client_actor(app)
        return self.record(
            event_type,
            actor=actor,
            targets=[app_target(app)],
            display_message=f"OIDC {kind.replace('_', ' ')} is granted"
            if success
            else "OAuth2 token request failed",
            result="SUCCESS" if success else "FAILURE",
            reason=reason,
            severity="INFO" if success else "WARN",
            published=published,
        )

    # -- reading
    def query(self, q: LogQuery) -> LogPage:
        until = q.until or self.clock()
        since = q.since or (until - DEFAULT_WINDOW)
        if since < self.clock() - RETENTION:
            raise LogQueryError("since must be within the last 180 days")
        low, high = _ms(since), _ms(until)
        with self._lock:
            chosen = [
                s
                for s in self._events
                if low < s.published_ms <= high and (q.predicate is None or q.predicate(s.body))
            ]
        chosen.sort(key=_order, reverse=q.descending)
        if q.after is not None:
            key = _cursor_key(q.after)
            chosen = [
                s for s in chosen if ((_order(s) < key) if q.descending else (_order(s) > key))
            ]
        page = chosen[: q.limit]
        more = len(chosen) > len(page)
        if q.until is None:  # polling: always a next link, from the last event or the cursor
            last = page[-1].cursor if page else (q.after or f"{high}_0")
            return LogPage([dict(s.body) for s in page], last)
        return LogPage([dict(s.body) for s in page], page[-1].cursor if more and page else None)


def _order(stored: _Stored) -> tuple[int, int]:
    return stored.published_ms, stored.seq


# ------------------------------------------------------------------------------ shapes
def user_actor(user: Any) -> dict[str, Any]:
    """A SandboxUser (or anything with id, login, first_name, last_name) as an actor."""
    names = (getattr(user, "first_name", ""), getattr(user, "last_name", ""))
    name = " ".join(x for x in names if x)
    return {
        "id": user.id,
        "type": USER_ACTOR,
        "alternateId": getattr(user, "login", user.id),
        "displayName": name or getattr(user, "login", user.id),
    }


def client_actor(app: Any) -> dict[str, Any]:
    return {"id": app.id, "type": "PublicClientApp", "alternateId": app.id,
            "displayName": app.label}  # fmt: skip


def service_app_actor(client_id: str) -> dict[str, Any]:
    return {"id": client_id, "type": SERVICE_APP_ACTOR, "alternateId": client_id,
            "displayName": "OAuth service app"}  # fmt: skip


def app_target(app: Any) -> dict[str, Any]:
    return {"id": app.id, "type": APP_TARGET, "alternateId": app.label, "displayName": app.label}


def secret_target(secret_id: str) -> dict[str, Any]:
    """A client secret by id only: Okta never logs a secret's value."""
    return {"id": secret_id, "type": "OAuth2ClientSecret", "alternateId": secret_id,
            "displayName": "Client secret"}  # fmt: skip
