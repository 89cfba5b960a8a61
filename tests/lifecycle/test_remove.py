"""`okta-wizard remove` and `plan --remove` against the sandbox org (real HTTP) and the real
Secret Service: what it lists, the typed label, the link rule, the exact app, the receipt."""

from __future__ import annotations

import json

from okta_wizard.errors import ExitCode
from okta_wizard.setup.journal import journal_path, receipt_path, removal_receipt_path
from okta_wizard.vault import Vault
from tests.leakscan import find_leaks
from tests.lifecycle.conftest import (
    TEST_TOKEN,
    Cap,
    Org,
    applied,
    keyring,
    live_pastes,
    okta_changes,
    send_args,
    written,
)

LABEL = "Upflow SSO"


def _sent(org: Org, capsys: Cap) -> str:
    code, out, err = org.run(capsys, "send", *send_args(org))
    assert code == ExitCode.OK, err
    paste_id: str = json.loads(out)["link"]["paste_id"]
    return paste_id


def _remove(org: Org, capsys: Cap, *extra: str) -> tuple[int, str, str]:
    return org.run(capsys, "remove", "--yes", "--confirm-label", LABEL, *extra)


def test_remove_lists_everything_then_removes_it_and_writes_a_final_receipt(
    org: Org, capsys: Cap
) -> None:
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    app = org.only_app()
    secret = app.secrets[0].value
    paste_id = _sent(org, capsys)
    other = org.sb.org.add_oidc_app("Upflow SSO staging")  # another app: never touched
    before = len(org.sb.calls)
    code, out, err = org.run(capsys, "plan", "--remove")
    assert code == ExitCode.OK, err
    for item in (app.id, "Finance", paste_id, f"{org.url}/{app.id}", "receipt.json"):
        assert item in out
    assert all(c.method == "GET" for c in org.sb.calls[before:]), "plan only reads"
    code, out, err = _remove(org, capsys)
    assert code == ExitCode.OK, err
    assert "This removes from" in out and app.id in out and "Finance" in out
    assert org.sb.org.apps.get(app.id) is None and org.sb.org.apps[other.id].status == "ACTIVE"
    deleted = [c.key for c in org.sb.calls[before:] if c.method in ("POST", "DELETE")]
    assert deleted[-2:] == [
        "POST /api/v1/apps/{id}/lifecycle/deactivate",
        "DELETE /api/v1/apps/{id}",
    ]
    assert live_pastes(org) == [], "the unread link was deleted"
    assert keyring(org, app) == (None, None)
    assert Vault().load_delete_token(org.url, paste_id) is None
    assert not journal_path(org.url).exists() and not receipt_path(org.url).exists()
    final = json.loads(removal_receipt_path(org.url).read_text())
    assert final["app_id"] == app.id and final["label"] == LABEL and final["removed_at"]
    assert any("deleted" in line and app.id in line for line in final["removed"])
    code, out, _ = org.run(capsys, "status")
    assert code == ExitCode.OK and "was removed at" in out
    code, out, _ = org.run(capsys, "status", "--receipt")
    assert code == ExitCode.OK and "removal receipt" in out and app.id in out
    events = [e["eventType"] for e in org.sb.system_log.events()]
    assert events[-2:] == ["application.lifecycle.deactivate", "application.lifecycle.delete"]
    paths = written(org)
    assert find_leaks([secret, TEST_TOKEN], texts=org.outputs, paths=paths) == []


def test_a_label_that_does_not_match_removes_nothing(org: Org, capsys: Cap) -> None:
    app = applied(org, capsys)
    changes = okta_changes(org)
    code, _, err = org.run(capsys, "remove", "--yes", "--confirm-label", "upflow sso")
    assert code == ExitCode.USAGE and "Nothing was removed" in err and LABEL in err
    assert okta_changes(org) == changes and app.status == "ACTIVE"
    assert keyring(org, app)[0] == app.secrets[0].value
    assert journal_path(org.url).exists() and org.journal()["removal"] is None


def test_headless_remove_needs_yes_and_the_label(org: Org, capsys: Cap) -> None:
    applied(org, capsys)
    before = len(org.sb.calls)
    code, _, err = org.run(capsys, "remove")
    assert code == ExitCode.USAGE and "--confirm-label" in err
    code, _, err = org.run(capsys, "remove", "--yes")
    assert code == ExitCode.USAGE and "--confirm-label" in err
    assert org.sb.calls[before:] == [], "refused before anything was sent"


def test_two_apps_with_the_label_are_refused(org: Org, capsys: Cap) -> None:
    """No saved progress to name one: remove does not guess which app to delete."""
    first = org.sb.org.add_oidc_app(LABEL)
    second = org.sb.org.add_oidc_app(LABEL)
    code, _, err = _remove(org, capsys)
    assert code == ExitCode.USAGE and first.id in err and second.id in err
    assert okta_changes(org) == [] and len(org.apps()) == 2


def test_with_saved_progress_only_the_journals_app_is_removed(org: Org, capsys: Cap) -> None:
    app = applied(org, capsys)
    twin = org.sb.org.add_oidc_app(LABEL)  # made elsewhere with the same label
    code, _, err = _remove(org, capsys)
    assert code == ExitCode.OK, err
    assert org.sb.org.apps.get(app.id) is None and org.sb.org.apps[twin.id].status == "ACTIVE"


def test_an_app_deleted_by_hand_leaves_the_rest_to_remove(org: Org, capsys: Cap) -> None:
    app = applied(org, capsys)
    del org.sb.org.apps[app.id]
    twin = org.sb.org.add_oidc_app(LABEL)  # never taken for the journal's app
    code, out, err = _remove(org, capsys)
    assert code == ExitCode.OK, err
    assert twin.id not in out and org.sb.org.apps[twin.id].status == "ACTIVE"
    assert keyring(org, app) == (None, None) and not journal_path(org.url).exists()


def test_found_by_label_on_another_machine(org: Org, capsys: Cap) -> None:
    app = org.sb.org.add_oidc_app(LABEL)
    code, out, err = _remove(org, capsys, "--json")
    assert code == ExitCode.OK, err
    data = json.loads(out)
    assert data["app_id"] == app.id and org.sb.org.apps.get(app.id) is None


def test_nothing_to_remove(org: Org, capsys: Cap) -> None:
    code, out, _ = _remove(org, capsys)
    assert code == ExitCode.OK and "Nothing to remove" in out
    assert okta_changes(org) == []


def test_a_link_delete_the_server_does_not_confirm_stops_everything(org: Org, capsys: Cap) -> None:
    """The rule of setup.steps.retire_recorded_link: exit 7, the token kept, nothing else."""
    app = applied(org, capsys)
    paste_id = _sent(org, capsys)
    org.sb.faults.add("POST /secrets/", status=503)
    code, _, err = _remove(org, capsys)
    assert code == ExitCode.HANDOFF, err
    assert app.status == "ACTIVE" and org.sb.org.apps.get(app.id) is not None
    assert Vault().load_delete_token(org.url, paste_id) is not None, "token kept"
    assert keyring(org, app)[0] is not None and journal_path(org.url).exists()
    removal = org.journal()["removal"]
    assert isinstance(removal, dict) and removal["app_id"] == app.id
    # Resumed once the server answers: the same list, then everything goes.
    org.sb.faults.clear()
    code, out, err = _remove(org, capsys)
    assert code == ExitCode.OK, err
    assert "did not complete" in out and org.sb.org.apps.get(app.id) is None
    assert live_pastes(org) == [] and not journal_path(org.url).exists()


def test_remove_during_a_rotation_takes_both_secrets(org: Org, capsys: Cap) -> None:
    app = applied(org, capsys)
    assert org.run(capsys, "rotate", *send_args(org))[0] == ExitCode.OK
    code, out, err = _remove(org, capsys)
    assert code == ExitCode.OK, err
    assert f"{org.url}/{app.id}/previous" in out and "rotation is pending" in out
    assert keyring(org, app) == (None, None) and org.sb.org.apps.get(app.id) is None
