"""Real Okta traffic (the SDK's VCR cassettes) through the gateway's JSON -> model functions."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
import yaml

from okta_wizard.errors import ExitCode
from okta_wizard.okta import parse
from okta_wizard.okta.errors import ErrorKind, error_for_response
from okta_wizard.okta.retry import RawResponse, rate_limit_delay
from tests.okta.conftest import CASSETTES, UPFLOW

SSO_LIFECYCLE = "TestApplicationSSOPublicKeysResource.test_sso_public_keys_lifecycle.yaml"
CREATE_OIDC = "TestApplicationsResource.test_create_open_id_connect_app.yaml"
PAGINATION = "TestApplicationsResource.test_list_applications_pagination_with_after.yaml"
QUERY_PARAMS = "TestApplicationsResource.test_list_applications_with_query_parameters.yaml"
DELETE_ACTIVE = "TestApplicationsResource.test_activate_deactivate_delete_app.yaml"
ASSIGN_GROUP = "TestApplicationsResource.test_list_assign_group_app.yaml"
LIST_GROUPS = "TestGroupsResource.test_list_groups.yaml"
SEARCH_GROUP = "TestGroupsResource.test_search_group.yaml"


@cache
def _interactions(name: str) -> list[dict[str, Any]]:
    path = CASSETTES / name
    if not path.exists():
        pytest.fail(f"cassette missing: {path} (tests/fixtures/okta-reference/)")
    data = yaml.safe_load(path.read_text())
    return list(data["interactions"])


def _find(name: str, method: str, uri_part: str, status: int | None = None) -> list[RawResponse]:
    found = []
    for item in _interactions(name):
        req, resp = item["request"], item["response"]
        # "…$" anchors the match at the end of the URI.
        anchored = uri_part.endswith("$")
        part = uri_part.rstrip("$")
        hit = req["uri"].endswith(part) if anchored else part in req["uri"]
        if req["method"] != method or not hit:
            continue
        if status is not None and resp["status"]["code"] != status:
            continue
        headers = {k.lower(): [str(v) for v in vs] for k, vs in resp["headers"].items()}
        found.append(RawResponse(resp["status"]["code"], headers, resp["body"]["string"]))
    assert found, f"{name}: no {method} {uri_part} ({status})"
    return found


def test_create_answer_gives_app_and_secret() -> None:
    (resp,) = _find(SSO_LIFECYCLE, "POST", "/api/v1/apps$", 200)
    app = parse.app_from_json(resp.json())
    secret = parse.client_secret_in_app_json(resp.json())
    assert app is not None and secret is not None
    assert app.id == "0oas92c5r8A1EQacI5d7" == app.client_id
    assert app.status == "ACTIVE" and app.active
    assert app.name == "oidc_client" and app.sign_on_mode == "OPENID_CONNECT"
    assert app.redirect_uris == ("https://example.com/oauth2/callback",)
    assert app.grant_types == ("authorization_code", "client_credentials")
    assert app.token_endpoint_auth_method == "client_secret_basic"
    assert app.pkce_required is True
    assert len(secret) == 64
    assert secret.reveal() not in repr(app) + repr(secret)


def test_get_answer_has_no_secret() -> None:
    (create,) = _find(CREATE_OIDC, "POST", "/api/v1/apps$", 200)
    (get,) = _find(CREATE_OIDC, "GET", "/api/v1/apps/", 200)
    assert parse.client_secret_in_app_json(create.json()) is not None
    assert parse.client_secret_in_app_json(get.json()) is None
    created, fetched = parse.app_from_json(create.json()), parse.app_from_json(get.json())
    assert created is not None and fetched is not None
    assert created.id == fetched.id
    # This app was created with its own client_id: it is read, not assumed to be the id.
    assert fetched.client_id == created.client_id == "testclientid12345" != fetched.id


def test_secrets_list_carries_the_value_of_the_create_answer() -> None:
    (create,) = _find(SSO_LIFECYCLE, "POST", "/api/v1/apps$", 200)
    listed = _find(SSO_LIFECYCLE, "GET", "/credentials/secrets", 200)[0]
    secrets = parse.secrets_from_json(listed.json())
    assert [s.status for s in secrets] == ["ACTIVE"]
    assert secrets[0].id.startswith("ocs")
    assert secrets[0].value == parse.client_secret_in_app_json(create.json())
    (new,) = _find(SSO_LIFECYCLE, "POST", "/credentials/secrets$", 201)
    made = parse.secret_from_json(new.json())
    assert made is not None and made.value is not None and made.id.startswith("ocs")


def test_real_app_list_parses_every_app_and_matches_exact_labels_only() -> None:
    resp = _find(QUERY_PARAMS, "GET", "q=QueryParamsTestApp", 200)[0]
    raw = resp.json()
    assert isinstance(raw, list) and raw
    apps = parse.apps_from_json(raw)
    assert len(apps) == len(raw)
    labels = {a.label for a in apps}
    for label in labels:
        assert all(a.label == label for a in parse.apps_labelled(apps, label))
    # A prefix of a real label is not the label.
    assert parse.apps_labelled(apps, "QueryParams") == []


def test_real_link_headers_give_the_next_page_path() -> None:
    first = _find(PAGINATION, "GET", "/api/v1/apps?limit=2", 200)[0]
    links = first.header_all("link")
    assert any('rel="next"' in link for link in links)
    next_link = parse.next_page_link(links)
    assert next_link is not None
    org = next_link.split("/api/")[0]  # the recorded org's own origin
    next_path = parse.path_on_origin(next_link, org)
    assert next_path is not None
    assert next_path.startswith("/api/v1/apps?") and "after=" in next_path
    assert "limit=2" in next_path
    assert parse.path_on_origin(next_link, "https://other.okta.com") is None
    last = _find(PAGINATION, "GET", "q=PaginationTestAppOnly&limit=1", 200)[0]
    only_self = [link for link in last.header_all("link") if 'rel="next"' not in link]
    assert parse.next_page_link(only_self) is None


def test_bad_cursor_maps_to_invalid_input() -> None:
    resp = _find(PAGINATION, "GET", "after=00u1testcursorvalue", 400)[0]
    err = error_for_response(400, resp.json(), action="list apps", request_id=resp.request_id)
    assert err.kind is ErrorKind.INVALID_INPUT
    assert err.error_code == "E0000029"
    assert "cursor" in err.message.lower()
    assert err.request_id and err.request_id in err.message


def test_app_instance_cap_maps_to_conflict_with_an_explanation() -> None:
    resp = _find(PAGINATION, "POST", "/api/v1/apps$", 400)[0]
    err = error_for_response(400, resp.json(), action="create the app")
    assert err.kind is ErrorKind.CONFLICT
    assert "maximum number of app instances" in err.message
    assert "Delete an app you no longer use" in err.remedy


def test_deleting_an_active_app_maps_to_conflict() -> None:
    resp = _find(DELETE_ACTIVE, "DELETE", "/api/v1/apps/", 403)[0]
    err = error_for_response(403, resp.json(), action="delete the app")
    assert err.kind is ErrorKind.CONFLICT and err.error_code == "E0000056"
    assert "Deactivate" in err.remedy


def test_group_assignments_parse_to_group_ids() -> None:
    resp = _find(ASSIGN_GROUP, "GET", "/groups", 200)[0]
    ids = parse.assigned_group_ids_from_json(resp.json())
    assert ids and all(gid.startswith("00g") for gid in ids)


def test_everyone_is_the_built_in_group() -> None:
    resp = _find(LIST_GROUPS, "GET", "/api/v1/groups", 200)[0]
    groups = parse.groups_from_json(resp.json())
    everyone = [g for g in groups if g.type == "BUILT_IN"]
    assert [g.name for g in everyone] == ["Everyone"]
    assert everyone[0].description == "All users in your organization"


def test_group_search_answer_parses() -> None:
    resp = _find(SEARCH_GROUP, "GET", "/api/v1/groups", 200)[0]
    groups = parse.groups_from_json(resp.json())
    raw = resp.json()
    assert isinstance(raw, list) and len(groups) == len(raw)
    assert all(g.id.startswith("00g") and g.name for g in groups)


def test_rate_limit_delay_uses_okta_date_and_reset_headers() -> None:
    resp = _find(SSO_LIFECYCLE, "POST", "/api/v1/apps$", 200)[0]
    delay = rate_limit_delay(resp.headers)
    assert delay is not None and 0 <= delay <= 61
    assert rate_limit_delay({"x-rate-limit-reset": ["100"]}) is None
    fixed = {"date": ["Tue, 06 Jan 2026 19:50:58 GMT"], "x-rate-limit-reset": ["1767729063"]}
    assert rate_limit_delay(fixed) == 6.0  # 5 s to the reset, +1 for the 1 s resolution


def test_create_body_sends_pkce_false_and_satisfies_the_sdk_model() -> None:
    from okta.models.open_id_connect_application import OpenIdConnectApplication

    body = parse.oidc_app_body(UPFLOW)
    assert body["credentials"]["oauthClient"]["pkce_required"] is False
    model = OpenIdConnectApplication.from_dict(json.loads(json.dumps(body)))
    assert model is not None
    round_trip = model.to_dict()
    assert round_trip["credentials"]["oauthClient"]["pkce_required"] is False
    assert round_trip["settings"]["oauthClient"]["redirect_uris"] == list(UPFLOW.redirect_uris)
    assert round_trip["label"] == "Upflow SSO" and round_trip["name"] == "oidc_client"


def test_error_exit_codes() -> None:
    auth = error_for_response(401, {"errorCode": "E0000011"}, action="read the user")
    assert auth.kind is ErrorKind.AUTH and auth.exit_code is ExitCode.AUTH
    assert "Security > API > Tokens" in auth.remedy
    perm = error_for_response(403, {"errorCode": "E0000006"}, action="x", needs="the Z role")
    assert perm.kind is ErrorKind.PERMISSION and perm.exit_code is ExitCode.PERMISSION
    assert "the Z role" in perm.message
    down = error_for_response(503, "<html>", action="x")
    assert down.kind is ErrorKind.UNAVAILABLE and down.exit_code is ExitCode.UNAVAILABLE
    assert "run the same command again" in down.remedy
