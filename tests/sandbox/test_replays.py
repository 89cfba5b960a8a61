"""Every recorded real answer of a route the product calls (okta-sdk-python's and
terraform-provider-okta's recordings) goes through the product's own parsing, and the
sandbox's answer to the same request is compared with it: status, error code, Okta's headers
(rate limit: limit, the count spent and one reset per bucket; Link rels), JSON shape (keys and
types; ids and dates aside). A difference kept on purpose is listed below with its reason, and
docs/sandbox.md says the same."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from okta_wizard.sandbox import shapes
from okta_wizard.sandbox.server import start_sandbox
from tests.sandbox import okta_reference as ref
from tests.sandbox.replay import PRODUCT_ROUTES, Replayer, Result, replay, template

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sandbox.md"
# No recording of either set has these routes; the contract tests check them against the spec.
NOT_RECORDED = {
    "GET /api/v1/users/{id}", "GET /api/v1/users/{id}/roles", "GET /oauth2/v1/clients/{id}/roles",
    "PUT /api/v1/apps/{id}", "GET /.well-known/openid-configuration",
    "POST /oauth2/v1/introspect", "POST /oauth2/v1/token",
}  # fmt: skip


@dataclass(frozen=True)
class Kept:
    """A difference the sandbox keeps on purpose: which cassettes, which differences, why."""

    cassettes: re.Pattern[str]
    differences: re.Pattern[str]
    reason: str  # appears word for word in docs/sandbox.md

    def covers(self, difference: str) -> bool:
        cassette, _, what = difference.partition("#")
        return bool(self.cassettes.search(cassette) and self.differences.search(what))


def _no_request_body(cassette: str) -> bool:
    return any(
        r.method == "POST" and r.path == "/api/v1/apps" and not r.request_body.strip()
        for r in ref.recordings(cassette)
    )


BODYLESS = [c for c in ref.every_cassette() if _no_request_body(c)]
KEPT = [
    Kept(
        re.compile("|".join(re.escape(c) for c in BODYLESS)),
        re.compile(r" (POST|GET) /api/v1/apps(/\w+)?: shape "),
        "The 2020 recordings kept no request bodies: the replay creates the wizard's OIDC app "
        "where they created apps of their own, so those app shapes are not compared",
    ),
]


@functools.cache
def replayed(cassette: str) -> Result:
    return replay(cassette)


def _unexpected(result: Result) -> list[str]:
    return [d for d in result.differences if not any(k.covers(d) for k in KEPT)]


@pytest.mark.parametrize("cassette", ref.every_cassette())
def test_recorded_answers_parse_and_the_sandbox_answers_alike(cassette: str) -> None:
    result = replayed(cassette)
    assert result.parse_problems == []
    assert _unexpected(result) == []


def test_the_replays_cover_every_route_the_product_calls() -> None:
    compared: set[str] = set()
    for cassette in ref.every_cassette():
        compared |= {
            template(r.method, r.path)
            for r in ref.recordings(cassette)
            if template(r.method, r.path) in PRODUCT_ROUTES
        }
    assert set(PRODUCT_ROUTES) - compared == NOT_RECORDED
    results = [replayed(c) for c in ref.every_cassette()]
    assert sum(r.compared for r in results) >= 200  # 216 when written
    assert sum(r.replayed for r in results) == sum(r.compared for r in results)
    # Rate limits were compared where they were recorded: the 2025-2026 developer org.
    lifecycle = replayed(
        "cassettes/TestApplicationSSOPublicKeysResource.test_sso_public_keys_lifecycle.yaml"
    )
    assert lifecycle.rate_windows_compared >= 5


def test_kept_differences_still_happen_and_are_documented() -> None:
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    results = [replayed(c) for c in ref.every_cassette()]
    for kept in KEPT:
        assert any(kept.covers(d) for r in results for d in r.differences), kept.reason
        assert kept.reason in docs, f"docs/sandbox.md does not say: {kept.reason}"
    for route in NOT_RECORDED:
        assert route in docs, f"docs/sandbox.md does not list {route} as not recorded"


def test_the_replay_notices_a_sandbox_that_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    cassette = "terraform-vcr/TestAccDataSourceOktaGroups_read/oie-00.yaml"
    real_group_body = shapes.group_body

    def without_membership_date(*args: object, **kwargs: object) -> dict[str, object]:
        body = real_group_body(*args, **kwargs)  # type: ignore[arg-type]
        body.pop("lastMembershipUpdated")
        return body

    monkeypatch.setattr(shapes, "group_body", without_membership_date)
    with start_sandbox() as sb:
        sb.faults.add("GET /api/v1/groups", status=503, nth=1)
        result = Replayer(cassette, sb).run()
    assert any("status 503, Okta 200" in d for d in result.differences)
    assert any("lastMembershipUpdated: missing" in d for d in result.differences)
