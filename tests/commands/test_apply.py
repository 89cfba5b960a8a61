"""apply, plan, verify, credentials, status and forget against the sandbox org (real HTTP)."""

from __future__ import annotations

import json

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.setup.journal import OrgLock
from okta_wizard.vault import Vault
from tests.leakscan import find_leaks
from tests.setup.conftest import TEST_TOKEN, Org, assert_converged

Cap = pytest.CaptureFixture[str]
MUTATING = {"POST", "PUT", "DELETE"}


def test_fresh_apply_then_a_rerun_that_only_reads(org: Org, capsys: Cap) -> None:
    code, out, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    assert_converged(org)
    assert "✓ 3" in out and "created" in out and "Finance" in out
    assert [c.key for c in org.sb.mutating_calls()] == [
        "POST /api/v1/apps",
        "PUT /api/v1/apps/{id}/groups/{gid}",
    ]
    before = len(org.sb.calls)
    code, out, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    rerun = org.sb.calls[before:]
    assert [c.key for c in rerun if c.mutating] == []
    # Only reads, plus the introspect that proves the secret (it changes nothing).
    assert {c.method for c in rerun if c.route != "/oauth2/v1/introspect"} == {"GET"}
    assert "reused" in out
    assert_converged(org)


def test_json_output_is_one_object_without_the_secret(org: Org, capsys: Cap) -> None:
    code, out, _ = org.run(capsys, "apply", "--everyone", "--json")
    assert code == ExitCode.OK
    data = json.loads(out)
    app = org.only_app()
    assert data["app_id"] == app.id and data["client_id"] == app.id
    assert data["issuer"] == org.url and data["label"] == "Upflow SSO"
    assert data["groups"] == [{"id": org.group_id("Everyone"), "name": "Everyone"}]
    assert data["secret"]["stored_in"] == "GNOME Keyring (Secret Service)"
    assert data["steps"]["3"]["state"] == "done"
    assert find_leaks([*org.secret_values(), TEST_TOKEN], texts=[out]) == []


def test_plan_sends_no_change_and_lists_what_apply_would_do(org: Org, capsys: Cap) -> None:
    code, out, _ = org.run(capsys, "plan", "--group", "Finance")
    assert code == ExitCode.OK
    assert "create app" in out and "assign group Finance" in out
    assert not [c for c in org.sb.calls if c.method in MUTATING]
    assert not org.apps()
    assert not list(org.state_dir.glob("*.json")), "plan writes no journal"
    assert org.run(capsys, "apply", "--group", "Finance")[0] == ExitCode.OK
    code, out, _ = org.run(capsys, "plan", "--group", "Finance", "--json")
    assert json.loads(out)["actions"] == [
        {"step": 0, "action": "nothing", "detail": "the setup is complete"}
    ]


def test_unknown_group_is_an_input_error_with_close_matches(org: Org, capsys: Cap) -> None:
    code, _out, err = org.run(capsys, "apply", "--group", "Finanse")
    assert code == ExitCode.USAGE
    assert "Finanse" in err and "Finance" in err and "exact" in err
    assert not org.apps(), "nothing created"
    assert not org.sb.mutating_calls()
    assert not list(org.state_dir.glob("*.json")), "nothing written"
    # Groups were looked up by name server-side, never by listing them all.
    group_queries = [c.query for c in org.sb.calls_to("GET /api/v1/groups")]
    assert all("q=" in q or "search=" in q or "limit=1" in q for q in group_queries)


def test_bad_token_is_exit_3(org: Org, capsys: Cap, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKTA_API_TOKEN", "00not-the-right-token-at-all-1234567890")
    code, _, err = org.run(capsys, "apply", "--everyone")
    assert code == ExitCode.AUTH
    assert "API > Tokens" in err and "00not-the-right" not in err
    assert not org.sb.mutating_calls()


def test_role_that_cannot_create_apps_is_refused_before_any_change(org: Org, capsys: Cap) -> None:
    org.sb.org.set_admin_roles(["ORG_ADMIN"], own_roles_readable=True)  # roles readable
    code, _, err = org.run(capsys, "apply", "--everyone")
    assert code == ExitCode.PERMISSION
    assert "App Admin" in err and "Super Admin" in err
    assert not org.sb.mutating_calls() and not org.apps()


def test_403_on_create_is_exit_4(org: Org, capsys: Cap) -> None:
    org.sb.faults.add("POST /api/v1/apps", status=403)
    code, _, err = org.run(capsys, "apply", "--everyone")
    assert code == ExitCode.PERMISSION and "Permission denied" in err


def test_rate_limit_waits_for_the_reset_then_continues(org: Org, capsys: Cap) -> None:
    org.sb.faults.add("POST /api/v1/apps", status=429, nth=1, reset_in=1)
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    assert_converged(org)
    assert [c.status for c in org.sb.calls_to("POST /api/v1/apps")] == [429, 200]


@pytest.mark.parametrize("fault", [{"status": 503}, {"drop": "before"}], ids=["503", "dropped"])
def test_okta_down_is_exit_5_with_a_resume_hint_then_resumes(
    org: Org, capsys: Cap, fault: dict[str, object]
) -> None:
    org.sb.faults.add("PUT /api/v1/apps/{id}/groups/{gid}", **fault)
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.UNAVAILABLE
    assert "3 Web App settings" in err and "Run the same command again" in err
    assert len(org.apps()) == 1
    org.sb.faults.clear()
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    assert_converged(org)


def test_app_instance_cap_is_explained(org: Org, capsys: Cap) -> None:
    org.sb.org.max_apps = org.sb.org.app_count()
    code, _, err = org.run(capsys, "apply", "--everyone")
    assert code != ExitCode.OK
    assert "maximum number of app" in err and "Delete an app" in err
    assert not org.apps()


def test_drift_is_repaired_only_after_confirmation(org: Org, capsys: Cap) -> None:
    app = org.sb.org.add_oidc_app(
        "Upflow SSO",
        redirect_uris=("https://auth.upflow.io/__/auth/handler", "https://evil.example/cb"),
        grant_types=("authorization_code", "implicit"),
        status="INACTIVE",
    )
    code, _, err = org.run(capsys, "apply", "--everyone")
    assert code == ExitCode.USAGE
    assert "redirect_uris" in err and "grant_types" in err and "--yes" in err
    assert not org.sb.mutating_calls()
    code, out, err = org.run(capsys, "verify")
    assert code == ExitCode.UNEXPECTED
    assert "✗ app active" in out and "verify --fix" in out
    code, out, err = org.run(capsys, "apply", "--everyone", "--yes")
    assert code == ExitCode.OK, err
    fixed = org.only_app()
    assert fixed.id == app.id and fixed.status == "ACTIVE"
    assert fixed.oauth_settings["redirect_uris"] == ["https://auth.upflow.io/__/auth/handler"]
    assert fixed.oauth_settings["grant_types"] == ["authorization_code"]
    assert "repaired" in out
    # The app was made elsewhere: its secret was read back from Okta, not re-created.
    assert len(fixed.secrets) == 1
    assert Vault().load_client_secret(org.url, app.id).reveal() == fixed.secrets[0].value  # type: ignore[union-attr]


def test_verify_fix_repairs_drift(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    app = org.only_app()
    app.oauth_settings["post_logout_redirect_uris"] = ["https://elsewhere.example/"]
    code, out, _ = org.run(capsys, "verify", "--json")
    data = json.loads(out)
    assert code == ExitCode.UNEXPECTED and data["ok"] is False
    failed = [c for c in data["checks"] if not c["ok"]]
    assert [c["name"] for c in failed] == ["sign-out redirect URIs exact"]
    assert failed[0]["remedy"]
    code, out, _ = org.run(capsys, "verify", "--fix", "--yes")
    assert code == ExitCode.OK, out
    assert app.oauth_settings["post_logout_redirect_uris"] == ["https://app.upflow.io/"]


def test_two_apps_with_the_label_are_not_guessed(org: Org, capsys: Cap) -> None:
    org.sb.org.add_oidc_app("Upflow SSO")
    org.sb.org.add_oidc_app("Upflow SSO")
    code, _, err = org.run(capsys, "apply", "--everyone")
    assert code == ExitCode.USAGE and "2 apps labelled" in err
    assert len(org.apps()) == 2 and not org.sb.mutating_calls()


def test_lost_secret_is_read_back_from_okta(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    app = org.only_app()
    Vault().delete_client_secret(org.url, app.id)
    code, out, err = org.run(capsys, "apply", "--everyone", "--json")
    assert code == ExitCode.OK, err
    assert json.loads(out)["secret"]["source"] == "okta"
    assert len(app.secrets) == 1 and len(org.apps()) == 1
    assert Vault().load_client_secret(org.url, app.id).reveal() == app.secrets[0].value  # type: ignore[union-attr]


def test_lost_secret_replaced_by_a_new_one_never_a_third(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    app = org.only_app()
    Vault().delete_client_secret(org.url, app.id)
    code, out, err = org.run(capsys, "apply", "--everyone", "--new-secret", "--json")
    assert code == ExitCode.OK, err
    assert json.loads(out)["secret"]["source"] == "new"
    assert len(app.secrets) == 2
    assert Vault().load_client_secret(org.url, app.id).reveal() == app.secrets[-1].value  # type: ignore[union-attr]
    Vault().delete_client_secret(org.url, app.id)  # lost again, after the new one was made
    code, out, err = org.run(capsys, "apply", "--everyone", "--new-secret", "--json")
    assert code == ExitCode.OK, err
    assert len(app.secrets) == 2, "Okta's two-secret cap is respected: the newest is reused"


def test_second_run_on_the_same_org_is_refused(org: Org, capsys: Cap) -> None:
    from okta_wizard.orgurl import parse_org_url

    with OrgLock(parse_org_url(org.url).origin):
        code, _, err = org.run(capsys, "apply", "--everyone")
    assert code == ExitCode.USAGE and "Another okta-wizard run" in err and "pid" in err
    assert not org.sb.calls, "nothing sent"


def test_credentials_status_and_forget(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--group", "Finance")[0] == ExitCode.OK
    app = org.only_app()
    value = app.secrets[0].value
    code, out, _ = org.run(capsys, "credentials")
    assert code == ExitCode.OK
    assert app.id in out and org.url in out and value[-4:] in out and "sha256:" in out
    assert find_leaks([value], texts=[out]) == []
    code, out, _ = org.run(capsys, "credentials", "--json")
    data = json.loads(out)
    assert data["client_id"] == app.id and "client_secret" not in data
    assert find_leaks([value], texts=[out]) == []
    code, out, _ = org.run(capsys, "credentials", "--json", "--reveal")
    assert json.loads(out)["client_secret"] == value
    code, out, _ = org.run(capsys, "status", "--json")
    (saved,) = json.loads(out)["setups"]
    assert saved["app_id"] == app.id and saved["steps"]["4"] == "done"
    code, out, _ = org.run(capsys, "forget", "--yes")
    assert code == ExitCode.OK and "untouched" in out
    assert Vault().load_client_secret(org.url, app.id) is None
    assert not list(org.state_dir.glob("*.json"))
    assert len(org.apps()) == 1, "forget never touches Okta"
