"""The sandbox's `GET /api/v1/logs`, over real HTTP: Okta's parameters and paging, the filter
subset, its own rate-limit bucket, okta.logs.read for service apps, and the events the other
routes write (never a secret value)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from okta_wizard.okta import parse
from okta_wizard.sandbox.oauth import required_scope
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from okta_wizard.sandbox.syslog import format_time
from tests.sandbox.conftest import create_app


def _now() -> datetime:
    return datetime.now(UTC)


def _window(**extra: Any) -> dict[str, Any]:
    """The last 30 days, up to a minute from now (read at each call: a test may run late)."""
    now = _now()
    since = format_time(now - timedelta(days=30))
    return {"since": since, "until": format_time(now + timedelta(minutes=1)), **extra}


def _seed_sign_ins(sandbox: RunningSandbox, count: int) -> Any:
    app = sandbox.org.add_oidc_app("Upflow SSO")
    for i in range(count):
        sandbox.system_log.record_sign_in(
            app, sandbox.org.admin, published=_now() - timedelta(minutes=count - i)
        )
    return app


def _follow(client: httpx.Client, params: dict[str, Any]) -> list[httpx.Response]:
    pages = [client.get("/api/v1/logs", params=params)]
    while (nxt := parse.next_page_link(pages[-1].headers.get_list("link"))) and len(pages) < 10:
        pages.append(client.get(nxt))
    return pages


def test_a_bounded_query_pages_by_link_and_its_last_page_has_no_next(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    _seed_sign_ins(sandbox, 5)
    pages = _follow(okta, _window(limit=2))
    assert [len(p.json()) for p in pages] == [2, 2, 1]
    links = pages[0].headers.get_list("link")
    assert links[0].endswith('rel="self"') and links[1].endswith('rel="next"')
    assert "after=" in links[1] and links[1].startswith(f"<{sandbox.base_url}/api/v1/logs?")
    published = [e["published"] for p in pages for e in p.json()]
    assert published == sorted(published), "ASCENDING by published, Okta's default"
    assert len(pages[-1].headers.get_list("link")) == 1


def test_descending_and_a_polling_query_always_has_a_next_link(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    _seed_sign_ins(sandbox, 3)
    page = okta.get("/api/v1/logs", params=_window(sortOrder="DESCENDING", limit=10)).json()
    assert [e["published"] for e in page] == sorted((e["published"] for e in page), reverse=True)
    later = format_time(_now() + timedelta(hours=1))
    polling = okta.get("/api/v1/logs", params={"since": later})
    assert polling.json() == [] and 'rel="next"' in polling.headers.get_list("link")[-1]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('eventType eq "user.authentication.sso"', 2),
        ('eventType sw "application."', 1),
        ('target.type eq "AppInstance" and outcome.result eq "FAILURE"', 1),
        ('(eventType eq "application.lifecycle.create" or outcome.result eq "FAILURE")', 2),
        ('actor.alternateId co "ADMIN@"', 3),
    ],
)
def test_the_filter_subset(
    sandbox: RunningSandbox, okta: httpx.Client, expression: str, expected: int
) -> None:
    create_app(okta)
    app = sandbox.org.apps_by_label("Upflow SSO")[0]
    sandbox.system_log.record_sign_in(app, sandbox.org.admin)
    sandbox.system_log.record_sign_in(app, sandbox.org.admin, success=False, reason="nope")
    answer = okta.get("/api/v1/logs", params=_window(filter=expression))
    assert answer.status_code == 200, answer.text
    assert len(answer.json()) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"filter": 'published gt "2026-01-01T00:00:00Z"'},
        {"filter": 'nosuch.field eq "x"'},
        {"filter": 'eventType eq "x" and ('},
        {"limit": "1001"},
        {"sortOrder": "SIDEWAYS"},
        {"since": "2020-01-01T00:00:00.000Z"},  # more than 180 days back
        {"until": "yesterday"},
    ],
)
def test_what_okta_refuses_is_400_e0000053(okta: httpx.Client, params: dict[str, str]) -> None:
    answer = okta.get("/api/v1/logs", params=params)
    assert answer.status_code == 400 and answer.json()["errorCode"] == "E0000053"


def test_events_match_the_logevent_shape_and_never_hold_a_secret(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    app = create_app(okta)
    secrets = f"/api/v1/apps/{app['id']}/credentials/secrets"
    new = okta.post(secrets, json={}).json()
    okta.post(f"{secrets}/{new['id']}/lifecycle/deactivate")
    okta.delete(f"{secrets}/{new['id']}")
    okta.post(f"/api/v1/apps/{app['id']}/lifecycle/deactivate")
    okta.delete(f"/api/v1/apps/{app['id']}")
    events = okta.get("/api/v1/logs", params=_window()).json()
    assert [e["eventType"] for e in events] == [
        "application.lifecycle.create",
        "app.oauth2.credentials.lifecycle.create",
        "app.oauth2.credentials.lifecycle.deactivate",
        "app.oauth2.credentials.lifecycle.delete",
        "application.lifecycle.deactivate",
        "application.lifecycle.delete",
    ]
    for event in events:
        assert event["actor"]["id"] == sandbox.org.admin.id
        assert any(t["type"] == "AppInstance" and t["id"] == app["id"] for t in event["target"])
        assert event["outcome"]["result"] == "SUCCESS" and event["uuid"]
    text = str(events)
    for value in (app["credentials"]["oauthClient"]["client_secret"], new["client_secret"]):
        assert value not in text
    parsed = parse.log_events_from_json(events)
    assert [e.uuid for e in parsed] == [e["uuid"] for e in events]


def test_the_system_log_has_its_own_rate_limit_bucket() -> None:
    sb = start_sandbox(rate_limits={"logs": 2})
    try:
        headers = {"Authorization": f"SSWS {sb.token}"}
        with httpx.Client(base_url=sb.base_url, headers=headers, timeout=10) as client:
            answers = [client.get("/api/v1/logs") for _ in range(3)]
            apps = client.get("/api/v1/apps", params={"limit": 1})
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[1].headers["x-rate-limit-remaining"] == "0"
        assert answers[2].json()["errorCode"] == "E0000047"
        assert apps.status_code == 200 and apps.headers["x-rate-limit-limit"] == "1000"
        assert sb.calls_per_bucket() == {"logs": 3, "apps": 1}
    finally:
        sb.stop()


def test_a_service_app_needs_okta_logs_read() -> None:
    assert required_scope("GET /api/v1/logs") == "okta.logs.read"


def test_seeded_events_are_returned_as_given(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    event = {
        "uuid": "dc9fd3c0-598c-11ef-8478-2b7584bf8d5a",
        "published": format_time(_now() - timedelta(hours=2)),
        "eventType": "user.session.start",
        "displayMessage": "User login to Okta",
        "severity": "INFO",
        "actor": {"id": "00uttidj01jqL21aM1d6", "type": "User"},
        "outcome": {"result": "SUCCESS"},
        "target": [],
    }
    sandbox.system_log.seed([event])
    assert okta.get("/api/v1/logs", params=_window()).json() == [event]
