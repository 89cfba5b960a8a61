"""Is SSO in use? What Okta's System Log says about sign-ins through the app (UI-free).

One bounded read of `GET /api/v1/logs` (Gateway.read_log_events): the app's id as target,
`user.authentication.sso` (a user's single sign-on to the app, success or failure) and the
token events (`app.oauth2.token.*`), newest first, over the last 30 days. From it: when a user
last signed in through the app, how many distinct users did in those days, and the last
failure with Okta's reason. When the read stopped at its page bound or at the System Log's
rate limit, the report says so, and the user count is then a lower bound.

A service app reads the log with a token of its own that asks for `okta.logs.read` alone, so
a missing grant names that scope (Okta refuses it at the token endpoint) and the other checks
are not affected. An API token reads it with its admin's role.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from okta_wizard.okta.credentials import ServiceAppKey
from okta_wizard.okta.gateway import LOG_PAGE_SIZE, MAX_LOG_PAGES

if TYPE_CHECKING:
    from okta_wizard.okta.models import LogEvent, LogEvents, OidcApp
    from okta_wizard.setup.engine import Setup

ACTIVITY_DAYS = 30
LOGS_SCOPE = "okta.logs.read"
SIGN_IN_EVENT = "user.authentication.sso"
TOKEN_EVENTS = "app.oauth2.token"
FAILED_RESULTS = frozenset({"FAILURE", "DENY"})


def activity_filter(app_id: str) -> str:
    """The System Log filter: the app as target, its sign-ins and token events."""
    return (
        f'target.id eq "{app_id}" and (eventType eq "{SIGN_IN_EVENT}" '
        f'or eventType sw "{TOKEN_EVENTS}")'
    )


def _published(event: LogEvent) -> datetime:
    """When Okta published it; an unreadable time sorts as the oldest."""
    try:
        moment = datetime.fromisoformat(event.published.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _okta_time(moment: datetime) -> str:
    """ISO 8601 in UTC to the millisecond: `until` must not cut off this second's events."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class Activity:
    """The app's sign-ins over `days`, from the events read. Every text is Okta's, made safe
    to show where it entered (okta/parse.py)."""

    app_id: str
    label: str
    days: int
    since: str
    until: str
    last_sign_in: LogEvent | None  # the newest successful user.authentication.sso
    distinct_users: int  # users with a successful sign-in among the events read
    sign_ins: int  # successful sign-ins among the events read
    last_failure: LogEvent | None  # the newest failed (or denied) sign-in or token event
    events_read: int
    pages: int
    complete: bool  # False: the read stopped early (`stopped_by`); counts are lower bounds
    stopped_by: str = ""
    rate_limit_reset_in: float | None = None

    @property
    def in_use(self) -> bool:
        return self.last_sign_in is not None

    def lines(self) -> list[str]:
        """The report, for the terminal (and the TUI's step-5 line: `lines()[0]`)."""
        at_least = "" if self.complete else "at least "
        if self.last_sign_in is None:
            first = f"No sign-in through {self.label!r} in the System Log's last {self.days} days"
        else:
            who = self.last_sign_in.actor_name or self.last_sign_in.actor_id
            first = (
                f"Last sign-in through {self.label!r}: {self.last_sign_in.published} ({who}); "
                f"{at_least}{self.distinct_users} distinct user(s) in the last {self.days} days"
            )
        out = [first]
        if self.last_failure is not None:
            failure = self.last_failure
            reason = failure.reason or failure.display_message or failure.result
            out.append(f"Last failure: {failure.published} ({failure.event_type}): {reason}")
        else:
            out.append(f"No failed sign-in in the events read ({self.days} days)")
        if not self.complete:
            out.append(self.bound_note())
        return out

    def bound_note(self) -> str:
        read = f"read the newest {self.events_read} events ({self.pages} page(s))"
        if self.stopped_by == "rate limit":
            wait = self.rate_limit_reset_in
            resets = f"; it resets in {wait:.0f} s" if wait is not None else ""
            return (
                f"Stopped early: the System Log's rate limit has no calls left{resets}. "
                f"okta-wizard {read}; older ones were not counted."
            )
        return (
            f"Stopped at okta-wizard's bound of {self.pages} page(s): it {read}; older ones in "
            f"the {self.days} days were not counted."
        )


def summarize(app: OidcApp, events: LogEvents, *, days: int, since: str, until: str) -> Activity:
    """The report from the events (pure: the tests feed it events directly)."""
    newest_first = sorted(events.events, key=_published, reverse=True)
    sign_ins = [
        e
        for e in newest_first
        if e.event_type == SIGN_IN_EVENT and e.result == "SUCCESS" and e.actor_type == "User"
    ]
    failures = [e for e in newest_first if e.result in FAILED_RESULTS]
    return Activity(
        app_id=app.id,
        label=app.label,
        days=days,
        since=since,
        until=until,
        last_sign_in=sign_ins[0] if sign_ins else None,
        distinct_users=len({e.actor_id for e in sign_ins if e.actor_id}),
        sign_ins=len(sign_ins),
        last_failure=failures[0] if failures else None,
        events_read=len(events.events),
        pages=events.pages,
        complete=events.complete,
        stopped_by=events.stopped_by,
        rate_limit_reset_in=events.rate_limit_reset_in,
    )


async def read_activity(
    setup: Setup,
    app: OidcApp,
    *,
    days: int = ACTIVITY_DAYS,
    page_size: int = LOG_PAGE_SIZE,
    max_pages: int = MAX_LOG_PAGES,
    now: datetime | None = None,
) -> Activity:
    """Read the System Log for `app` (found by `setup.find_existing()` or `verify`).

    Raises OktaError: PERMISSION names `okta.logs.read` (a service app without the grant) or
    the admin role an API token lacks; UNAVAILABLE after the transport's retries.
    """
    from okta_wizard.okta.gateway import Gateway

    until_at = now or datetime.now(UTC)
    since, until = _okta_time(until_at - timedelta(days=days)), _okta_time(until_at)

    async def read(gateway: Gateway) -> LogEvents:
        return await gateway.read_log_events(
            filter_expr=activity_filter(app.id),
            since=since,
            until=until,
            page_size=page_size,
            max_pages=max_pages,
        )

    credential = setup.options.credential
    if isinstance(credential, ServiceAppKey):
        # A token that asks for okta.logs.read alone: a missing grant is refused by name.
        logs_credential = replace(credential, scopes=(LOGS_SCOPE,))
        async with Gateway(setup.options.org_url, logs_credential) as logs:
            events = await read(logs)
    else:
        events = await read(setup.okta)
    return summarize(app, events, days=days, since=since, until=until)
