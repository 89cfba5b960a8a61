"""Rate limits shaped like Okta's: per bucket, one remaining count and one reset for every route
of a bucket (the apps bucket above all), a developer-org preset, a generous default."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from okta_wizard.sandbox.ratelimits import PRESETS, bucket_of, limits_from
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from tests.sandbox.conftest import UPFLOW_APP

RATE_HEADERS = ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset")


@pytest.fixture
def developer() -> Iterator[httpx.Client]:
    with start_sandbox(rate_limits="developer") as sb:
        headers = {"Authorization": f"SSWS {sb.token}"}
        with httpx.Client(base_url=sb.base_url, headers=headers, timeout=10) as client:
            yield client


def _rate(resp: httpx.Response) -> tuple[int, int, int]:
    limit, remaining, reset = (int(resp.headers[h]) for h in RATE_HEADERS)
    return limit, remaining, reset


@pytest.mark.parametrize(
    ("route_key", "bucket"),
    [
        ("POST /api/v1/apps", "apps"),
        ("GET /api/v1/apps", "apps"),
        ("GET /api/v1/apps/{id}/credentials/secrets", "apps"),
        ("POST /api/v1/apps/{id}/credentials/secrets/{sid}/lifecycle/deactivate", "apps"),
        ("POST /api/v1/apps/{id}/lifecycle/activate", "apps"),
        ("PUT /api/v1/apps/{id}/groups/{gid}", "apps"),
        ("GET /api/v1/apps/{id}/groups", "apps"),
        ("POST /api/v1/apps/0oa1/credentials/jwks", "apps"),  # a raw path, a route not served
        ("GET /api/v1/apps/{id}", "app"),  # exactly /api/v1/apps/{id}: its own bucket
        ("PUT /api/v1/apps/{id}", "app"),
        ("DELETE /api/v1/apps/0oa1", "app"),
        ("GET /api/v1/groups", "groups"),
        ("GET /api/v1/groups/{gid}", "group"),
        ("GET /api/v1/users/me", "user"),
        ("GET /api/v1/users/{id}/roles", "api"),
        ("GET /api/v1/org", "api"),
        ("POST /oauth2/v1/token", "token"),
        ("GET /oauth2/v1/clients/{id}/roles", "clients"),
        ("POST /oauth2/v1/introspect", "oauth2"),
        ("GET /.well-known/okta-organization", "public"),
    ],
)
def test_routes_fall_into_okta_buckets(route_key: str, bucket: str) -> None:
    assert bucket_of(route_key).name == bucket


def test_the_apps_bucket_is_shared_like_the_2026_recording(developer: httpx.Client) -> None:
    """POST apps, GET and POST secrets, the secret lifecycle and the app lifecycle spend one
    budget of 10 with one reset; DELETE of the app by id has a bucket of its own (limit 50)."""
    app = developer.post("/api/v1/apps", json=UPFLOW_APP).json()
    secrets = f"/api/v1/apps/{app['id']}/credentials/secrets"
    answers = [developer.get(secrets)]
    new = developer.post(secrets, json={})
    answers.append(new)
    sid = new.json()["id"]
    answers.append(developer.get(f"{secrets}/{sid}"))
    for verb in ("deactivate", "activate", "deactivate"):
        answers.append(developer.post(f"{secrets}/{sid}/lifecycle/{verb}"))
    answers.append(developer.delete(f"{secrets}/{sid}"))
    answers.append(developer.post(f"/api/v1/apps/{app['id']}/lifecycle/deactivate"))
    rates = [_rate(a) for a in answers]
    assert [limit for limit, _, _ in rates] == [10] * 8
    assert [remaining for _, remaining, _ in rates] == [8, 7, 6, 5, 4, 3, 2, 1]
    assert len({reset for _, _, reset in rates}) == 1
    deleted = developer.delete(f"/api/v1/apps/{app['id']}")
    assert deleted.status_code == 204 and _rate(deleted)[:2] == (50, 49)


def test_a_route_that_spent_nothing_is_refused_once_its_bucket_is_empty(
    developer: httpx.Client,
) -> None:
    for _ in range(10):
        assert developer.get("/api/v1/apps", params={"q": "Upflow"}).status_code == 200
    refused = developer.post("/api/v1/apps", json=UPFLOW_APP)
    assert refused.status_code == 429 and refused.json()["errorCode"] == "E0000047"
    limit, remaining, reset = _rate(refused)
    assert (limit, remaining) == (10, 0)
    other = developer.get("/api/v1/groups", params={"q": "Fin"})  # another bucket: unaffected
    assert other.status_code == 200 and _rate(other)[:2] == (100, 99)
    assert _rate(developer.get("/api/v1/apps"))[2] == reset  # the same window


def test_the_token_endpoint_has_a_bucket_of_its_own(developer: httpx.Client) -> None:
    token = developer.post("/oauth2/v1/token", data={"grant_type": "client_credentials"})
    assert token.status_code in (400, 401) and _rate(token)[:2] == (300, 299)
    assert _rate(developer.get("/api/v1/apps"))[:2] == (10, 9)


def test_default_limits_are_generous(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    remaining = [_rate(okta.post("/api/v1/apps", json=UPFLOW_APP))[1] for _ in range(3)]
    assert remaining == [999, 998, 997]
    assert sandbox.calls_per_bucket() == {"apps": 3}


def test_limits_are_configurable() -> None:
    assert limits_from("developer")["apps"] == 10
    assert limits_from({"apps": 3})["apps"] == 3
    assert limits_from({"POST /api/v1/apps": 2})["apps"] == 2  # that route's bucket
    assert limits_from(None) == PRESETS["default"]
    for bad in ("enterprise", {"nope": 1}, {"apps": 0}):
        with pytest.raises(ValueError, match=r"rate.limit"):
            limits_from(bad)


def test_a_configured_bucket_is_enforced() -> None:
    with start_sandbox(rate_limits={"POST /api/v1/apps": 2}) as sb:
        headers = {"Authorization": f"SSWS {sb.token}"}
        url = f"{sb.base_url}/api/v1/apps"
        codes = [httpx.post(url, json=UPFLOW_APP, headers=headers) for _ in range(2)]
        codes.append(httpx.get(url, headers=headers))  # a list spends the same budget
        assert [r.status_code for r in codes] == [200, 200, 429]
        assert codes[2].json()["errorCode"] == "E0000047"
        assert sb.org.app_count() == 4  # two system apps + two created
        sb.reset()  # a reset closes the windows, and keeps the limits
        again = httpx.get(url, headers=headers)
        assert again.status_code == 200 and _rate(again)[:2] == (2, 1)


def test_a_short_window_resets_within_its_seconds() -> None:
    """`rate_limit_window`: the bucket's reset is that many seconds after its first call (the
    countdown tests wait one out in about two seconds instead of a minute)."""
    from email.utils import parsedate_to_datetime

    with start_sandbox(rate_limits={"apps": 1}, rate_limit_window=2) as sb:
        headers = {"Authorization": f"SSWS {sb.token}"}
        with httpx.Client(base_url=sb.base_url, headers=headers, timeout=10) as client:
            first = client.get("/api/v1/apps", params={"q": "Upflow"})
            refused = client.get("/api/v1/apps", params={"q": "Upflow"})
        kept = sb.state.rate.fresh().window
    assert first.status_code == 200 and refused.status_code == 429
    sent_at = parsedate_to_datetime(first.headers["date"]).timestamp()
    reset = _rate(refused)[2]
    assert _rate(refused)[1] == 0 and reset == _rate(first)[2]
    assert 0 < reset - sent_at <= 2
    assert kept == 2  # a sandbox reset keeps the window
