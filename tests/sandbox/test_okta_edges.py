"""Smaller edges of real Okta the sandbox keeps: what group `filter` accepts, `q=` answers
without a Link header, app-group priorities and their order, and the org metadata of Classic
and Identity Engine orgs (the terraform recordings of both)."""

from __future__ import annotations

import httpx
import pytest

from okta_wizard.sandbox.org import SeedError
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from tests.sandbox import okta_reference as ref
from tests.sandbox.conftest import create_app

ORG_METADATA = "terraform-vcr/TestAccDataSourceOktaOrgMetadata_read/{}.yaml"


@pytest.mark.parametrize(
    "expression",
    ['profile.name eq "Finance"', 'profile.name sw "Fin"', 'type sw "BUILT"', 'id sw "00g"'],
)
def test_group_filter_refuses_what_okta_refuses(okta: httpx.Client, expression: str) -> None:
    answer = okta.get("/api/v1/groups", params={"filter": expression})
    assert answer.status_code == 400 and answer.json()["errorCode"] == "E0000031"


def test_group_filter_accepts_okta_filterable_fields(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    finance = sandbox.org.group_by_name("Finance")
    assert finance is not None
    built_in = okta.get("/api/v1/groups", params={"filter": 'type eq "BUILT_IN"'}).json()
    assert [g["profile"]["name"] for g in built_in] == ["Everyone"]
    by_id = okta.get("/api/v1/groups", params={"filter": f'id eq "{finance.id}"'}).json()
    assert [g["id"] for g in by_id] == [finance.id]
    since = okta.get(
        "/api/v1/groups", params={"filter": 'lastUpdated gt "2000-01-01T00:00:00.000Z"'}
    )
    assert since.status_code == 200 and len(since.json()) == len(sandbox.org.groups)
    later = 'lastMembershipUpdated ge "2999-01-01T00:00:00.000Z"'
    assert okta.get("/api/v1/groups", params={"filter": later}).json() == []
    # `search` is where names are matched.
    named = okta.get("/api/v1/groups", params={"search": 'profile.name eq "Finance"'}).json()
    assert [g["id"] for g in named] == [finance.id]


def test_q_answers_carry_no_link_header(okta: httpx.Client) -> None:
    assert (
        okta.get("/api/v1/groups", params={"q": "Fin", "limit": 200}).headers.get_list("link") == []
    )
    filtered = okta.get("/api/v1/groups", params={"filter": 'type eq "BUILT_IN"', "limit": 200})
    assert [link.rsplit(";", 1)[1].strip() for link in filtered.headers.get_list("link")] == [
        'rel="self"'
    ]
    # Apps are another API: their `q` answers do carry `self` (the 2026 recordings).
    assert okta.get("/api/v1/apps", params={"q": "Upflow"}).headers.get_list("link")


def test_a_new_assignment_gets_priority_0_and_lists_come_newest_first(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    app = create_app(okta)
    ids = [sandbox.org.group_by_name(n).id for n in ("Finance", "Sales", "Engineering")]  # type: ignore[union-attr]
    base = f"/api/v1/apps/{app['id']}/groups"
    first = okta.put(f"{base}/{ids[0]}", json={}).json()
    second = okta.put(f"{base}/{ids[1]}").json()
    assert first["priority"] == second["priority"] == 0
    listed = okta.get(base).json()
    assert [(a["id"], a["priority"]) for a in listed] == [(ids[1], 0), (ids[0], 1)]
    # A given priority is kept as given (terraform's recording: 1, then 3 with two others).
    assert okta.put(f"{base}/{ids[2]}", json={"priority": 3}).json()["priority"] == 3
    assert okta.put(f"{base}/{ids[2]}", json={"priority": 4}).json()["priority"] == 4
    assert okta.put(f"{base}/{ids[2]}", json={}).json()["priority"] == 4  # no priority: as is
    keys = [c.mutating for c in sandbox.calls_to("PUT /api/v1/apps/{id}/groups/{gid}")]
    assert keys == [True, True, True, True, False]
    assert [a["id"] for a in okta.get(base).json()] == [ids[1], ids[0], ids[2]]


@pytest.mark.parametrize(("engine", "pipeline"), [("identity", "idx"), ("classic", "v1")])
def test_org_metadata_of_both_engines_like_the_recordings(engine: str, pipeline: str) -> None:
    recorded = ref.recordings(
        ORG_METADATA.format("oie-00" if engine == "identity" else "classic-00")
    )[0]
    with start_sandbox(engine=engine) as sb:
        ours = httpx.get(f"{sb.base_url}/.well-known/okta-organization").json()
    real = recorded.json()
    assert real["pipeline"] == ours["pipeline"] == pipeline
    assert ref.shape_differences(real, ours) == [] and ref.shape_differences(ours, real) == []
    assert ours["settings"] == real["settings"]
    assert ours["_links"] == {"organization": {"href": sb.base_url}}


def test_the_engine_comes_from_the_seed_too(tmp_path: object) -> None:
    from pathlib import Path

    seed = Path(str(tmp_path)) / "org.json"
    seed.write_text('{"org": {"engine": "classic"}}')
    with start_sandbox(seed=seed) as sb:
        assert sb.org.engine == "classic"
        sb.reset()
        assert sb.org.engine == "classic"
    seed.write_text('{"org": {"engine": "v2"}}')
    with pytest.raises(SeedError, match=r"org\.engine"):
        start_sandbox(seed=seed)
