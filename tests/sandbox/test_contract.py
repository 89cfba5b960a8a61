"""Contract: every JSON body the sandbox sends validates against Okta's OpenAPI schemas, and a
few recorded answers match exactly (test_replays.py replays every recorded interaction)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from okta_wizard.sandbox.routes import OKTA_ROUTES
from okta_wizard.sandbox.server import RunningSandbox
from tests.sandbox import okta_reference as ref
from tests.sandbox.conftest import UPFLOW_APP

Exchange = tuple[str, str, int, Any]  # method, route template, status, JSON body


@pytest.fixture(scope="module")
def loaded_spec() -> dict[str, Any]:
    return ref.spec()  # parsed once for the module


def _scenario(client: httpx.Client, sandbox: RunningSandbox) -> None:
    """Every route and status the wizard meets, successes and errors alike."""
    me = client.get("/api/v1/users/me").json()
    client.get(f"/api/v1/users/{me['id']}")
    client.get(f"/api/v1/users/{me['id']}/roles")
    client.get("/api/v1/org")
    client.get("/api/v1/groups", params={"q": "Fin"})
    client.get("/api/v1/groups", params={"search": 'profile.name sw "E"'})
    client.get("/api/v1/groups", params={"filter": 'type eq "BUILT_IN"'})
    client.get("/api/v1/groups", params={"limit": 2})
    app = client.post("/api/v1/apps", json=UPFLOW_APP).json()
    app_id = app["id"]
    client.post("/api/v1/apps", json={**UPFLOW_APP, "label": ""})  # 400
    client.get("/api/v1/apps", params={"q": "Upflow SSO", "limit": 200})
    client.get("/api/v1/apps", params={"limit": 1})
    client.get(f"/api/v1/apps/{app_id}")
    client.get("/api/v1/apps/0oa00000000000000000")  # 404
    client.put(f"/api/v1/apps/{app_id}", json=UPFLOW_APP)
    roles = f"/oauth2/v1/clients/{app_id}/roles"
    role = client.post(roles, json={"type": "HELP_DESK_ADMIN"}).json()
    client.get(roles)
    client.get(f"{roles}/{role['id']}")
    client.delete(f"{roles}/{role['id']}")
    finance = sandbox.org.group_by_name("Finance")
    assert finance is not None
    client.get(f"/api/v1/groups/{finance.id}")
    client.put(f"/api/v1/apps/{app_id}/groups/{finance.id}", json={})
    client.get(f"/api/v1/apps/{app_id}/groups/{finance.id}")
    client.get(f"/api/v1/apps/{app_id}/groups")
    client.delete(f"/api/v1/apps/{app_id}/groups/{finance.id}")
    secrets = f"/api/v1/apps/{app_id}/credentials/secrets"
    client.get(secrets)
    new = client.post(secrets, json={}).json()
    client.post(secrets, json={})  # 400: at most two
    client.get(f"{secrets}/{new['id']}")
    client.post(f"{secrets}/{new['id']}/lifecycle/deactivate")
    client.post(f"{secrets}/{new['id']}/lifecycle/activate")
    client.post(f"{secrets}/{new['id']}/lifecycle/deactivate")
    client.delete(f"{secrets}/{new['id']}")
    client.delete(f"/api/v1/apps/{app_id}")  # 403 E0000056
    client.post(f"/api/v1/apps/{app_id}/lifecycle/deactivate")
    client.post(f"/api/v1/apps/{app_id}/lifecycle/activate")
    client.post(f"/api/v1/apps/{app_id}/lifecycle/deactivate")
    client.delete(f"/api/v1/apps/{app_id}")
    gone = SimpleNamespace(id=app_id, label=app["label"])  # record_sign_in reads id and label
    sandbox.system_log.record_sign_in(gone, sandbox.org.admin, success=False, reason="x")
    client.get("/api/v1/logs", params={"limit": 3, "sortOrder": "DESCENDING"})  # the events above
    client.get("/api/v1/logs", params={"filter": 'published gt "x"'})  # 400 E0000053
    sandbox.faults.add("GET /api/v1/groups", status=429, nth=1)
    client.get("/api/v1/groups", params={"q": "x"})
    sandbox.org.set_admin_roles(["ORG_ADMIN"])
    client.post("/api/v1/apps", json=UPFLOW_APP)  # 403 E0000006
    client.get("/api/v1/users/me", headers={"Authorization": "SSWS nope"})  # 401
    client.get("/.well-known/okta-organization")


def test_every_body_validates_against_the_spec(
    loaded_spec: dict[str, Any], sandbox: RunningSandbox
) -> None:
    bodies: list[tuple[int, Any]] = []

    def keep(response: httpx.Response) -> None:
        response.read()
        bodies.append((response.status_code, response.json() if response.content else None))

    headers = {"Authorization": f"SSWS {sandbox.token}"}
    with httpx.Client(
        base_url=sandbox.base_url, headers=headers, event_hooks={"response": [keep]}
    ) as client:
        _scenario(client, sandbox)
    calls = list(sandbox.calls)
    assert len(calls) == len(bodies)
    checked: set[tuple[str, str, int]] = set()
    problems: list[str] = []
    for call, (status, body) in zip(calls, bodies, strict=True):
        assert call.status == status
        schema = ref.response_schema(call.method, call.route, status)
        checked.add((call.method, call.route, status))
        if schema is None:
            assert body is None, f"{call.key} {status} should have no body"
            continue
        problems += [f"{call.key} {status}: {e}" for e in ref.real_errors(body, schema)]
        is_app = isinstance(body, dict) and "signOnMode" in body
        if call.route.startswith("/api/v1/apps") and status == 200 and is_app:
            # The discriminated subtype, not just the base Application schema.
            oidc = ref.named_schema("OpenIdConnectApplication")
            problems += [f"{call.key} (OIDC): {e}" for e in ref.real_errors(body, oidc)]
    assert problems == []
    statuses = {s for _, _, s in checked}
    assert {200, 201, 204, 400, 401, 403, 404, 429} <= statuses
    # Every Management API route the sandbox serves was exercised (the OAuth and discovery
    # endpoints are not in this spec; test_routes covers them).
    management = ("/api/", "/.well-known/okta", "/oauth2/v1/clients")
    served = {(m, r) for m, r, _ in OKTA_ROUTES if r.startswith(management)}
    assert served - {(m, r) for m, r, _ in checked} == set()


def test_the_checker_rejects_a_wrong_body(loaded_spec: dict[str, Any]) -> None:
    """The contract test can fail: a body of the wrong type is reported."""
    schema = ref.response_schema("GET", "/api/v1/apps/{appId}/credentials/secrets", 200)
    assert schema is not None
    good = [{"id": "ocs1", "status": "ACTIVE", "client_secret": "x" * 64, "created": "2026"}]
    assert ref.real_errors(good, schema) == []
    bad = [{"id": 5, "status": "SOMETIMES", "client_secret": None}]
    errors = ref.real_errors(bad, schema)
    assert len(errors) == 3, errors


# ------------------------------------------------------------------ against recorded traffic
# (every recorded interaction is replayed in test_replays.py; these check exact values)
def test_group_and_assignment_shapes_match_the_recordings(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    real_list = ref.body_of(ref.interactions("TestGroupsResource.test_list_groups.yaml")[1])
    ours = okta.get("/api/v1/groups").json()
    assert ref.shape_differences(real_list, ours) == []
    recorded = ref.interactions("TestApplicationsResource.test_assign_group_app.yaml")
    assignment = ref.body_of(recorded[2])
    app = okta.post("/api/v1/apps", json=UPFLOW_APP).json()
    finance = sandbox.org.group_by_name("Finance")
    assert finance is not None
    put = okta.put(f"/api/v1/apps/{app['id']}/groups/{finance.id}", json={}).json()
    assert ref.shape_differences(assignment, put) == []


PAGING = "TestApplicationsResource.test_list_applications_pagination_with_after.yaml"
ERROR_FIELDS = ("errorCode", "errorSummary", "errorLink", "errorCauses")


def test_paging_and_errors_match_the_recordings(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    recorded = ref.interactions(PAGING)
    okta.post("/api/v1/apps", json=UPFLOW_APP)  # three apps: a limit of 2 leaves a next page
    page = okta.get("/api/v1/apps", params={"limit": 2})
    real_links = recorded[4]["response"]["headers"]["Link"]
    ours = page.headers.get_list("link")
    assert [link.split(";")[1] for link in ours] == [link.split(";")[1] for link in real_links]
    assert "after=" in ours[1] and ours[1].startswith(f"<{okta.base_url}/api/v1/apps?")
    params = {"q": "PaginationTestAppOnly", "after": "00u1testcursorvalue", "limit": 1}
    bad = okta.get("/api/v1/apps", params=params)
    assert bad.status_code == recorded[6]["response"]["status"]["code"]
    real_bad = ref.body_of(recorded[6])
    assert {k: bad.json()[k] for k in ERROR_FIELDS} == {k: real_bad[k] for k in ERROR_FIELDS}
    sandbox.org.max_apps = sandbox.org.app_count()
    cap = okta.post("/api/v1/apps", json=UPFLOW_APP)
    real_cap = ref.body_of(recorded[1])
    assert cap.status_code == recorded[1]["response"]["status"]["code"]
    assert {k: cap.json()[k] for k in ERROR_FIELDS} == {k: real_cap[k] for k in ERROR_FIELDS}
