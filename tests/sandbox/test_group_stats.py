"""The sandbox answers `expand=stats` on groups as Okta does: `_embedded.stats.usersCount`,
only when asked; the body still validates against Okta's OpenAPI Group schema."""

from __future__ import annotations

import httpx
import pytest

from okta_wizard.sandbox.org import SeedError, build_org
from okta_wizard.sandbox.server import RunningSandbox


def test_stats_only_when_expanded(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    sandbox.org.add_group("Empty Team", users_count=0)
    sandbox.org.add_group("Busy Team", users_count=9)
    plain = okta.get("/api/v1/groups", params={"q": "Busy"}).json()
    assert "_embedded" not in plain[0]
    found = okta.get("/api/v1/groups", params={"q": "", "expand": "stats", "limit": 300}).json()
    counts = {g["profile"]["name"]: g["_embedded"]["stats"]["usersCount"] for g in found}
    assert counts["Empty Team"] == 0 and counts["Busy Team"] == 9
    assert counts["Everyone"] == len(sandbox.org.users) >= 1
    one = okta.get(f"/api/v1/groups/{found[0]['id']}", params={"expand": "stats"}).json()
    assert isinstance(one["_embedded"]["stats"]["usersCount"], int)


def test_expanded_group_matches_the_openapi_schema(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    from tests.sandbox.okta_reference import real_errors, response_schema

    body = okta.get("/api/v1/groups", params={"q": "Fin", "expand": "stats"}).json()
    assert body and "_embedded" in body[0]
    schema = response_schema("GET", "/api/v1/groups", 200)
    assert schema is not None
    assert real_errors(body, schema) == []
    broken = [{**body[0], "_embedded": {"stats": {"usersCount": "many"}}}]
    assert real_errors(broken, schema) != []  # the check can fail


def test_generated_groups_include_empty_ones() -> None:
    org = build_org(groups=200)
    counts = [g.users_count for g in org.groups.values() if g.name[-4:] in ("EMEA", "AMER")]
    assert 0 in counts and any(c > 0 for c in counts)


def test_seed_file_member_counts() -> None:
    org = build_org(seed={"groups": [{"name": "Solo", "usersCount": 1}, "Nobody"]})
    assert {g.name: g.users_count for g in org.groups.values()} == {
        "Everyone": 1,
        "Solo": 1,
        "Nobody": 0,
    }
    with pytest.raises(SeedError, match="usersCount"):
        build_org(seed={"groups": [{"name": "Bad", "usersCount": -1}]})
