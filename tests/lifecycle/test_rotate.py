"""`okta-wizard rotate`, `--finish`, `--abort`, `plan --rotate` and `status` against the
sandbox org (real HTTP), the real Secret Service and pbincli for the links."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from okta_wizard.errors import ExitCode
from okta_wizard.handoff.message import REPLACES_PREVIOUS
from okta_wizard.secret import Secret
from okta_wizard.setup.journal import receipt_path
from tests.handoff.links import pbincli_read
from tests.leakscan import find_leaks
from tests.lifecycle.conftest import (
    TEST_TOKEN,
    Cap,
    Org,
    add_secret,
    applied,
    keyring,
    live_pastes,
    okta_changes,
    send_args,
    written,
)


def _rotate(org: Org, capsys: Cap, *extra: str) -> tuple[int, dict[str, object], str]:
    code, out, err = org.run(capsys, "rotate", *send_args(org), *extra)
    return code, (json.loads(out) if out.strip() else {}), err


def _statuses(org: Org) -> dict[str, str]:
    return {s.id: s.status for s in org.only_app().secrets}


def test_rotate_hands_off_a_new_secret_and_finish_retires_the_old_one(
    org: Org, capsys: Cap
) -> None:
    app = applied(org, capsys)
    old = app.secrets[0]
    code, data, err = _rotate(org, capsys)
    assert code == ExitCode.OK, err
    new = app.secrets[1]
    assert _statuses(org) == {old.id: "ACTIVE", new.id: "ACTIVE"}, "the old one stays active"
    assert keyring(org, app) == (new.value, old.value), "new in the main entry, old aside"
    assert data["new_secret"] == {"id": new.id, "fingerprint": Secret(new.value).fingerprint()}
    assert data["previous_keyring_entry"] == f"{org.url}/{app.id}/previous"
    # The link says it replaces the previous secret, and holds the new one only.
    link = data["link"]
    assert isinstance(link, dict)
    message = pbincli_read(str(link["url"]))
    assert all(line in message for line in REPLACES_PREVIOUS)
    assert new.value in message and old.value not in message
    journal = org.journal()
    rotation = journal["rotation"]
    assert isinstance(rotation, dict) and rotation["stage"] == "handed_off"
    assert journal["secret_fingerprint"] == Secret(new.value).fingerprint()
    # status shows the pending rotation and for how long.
    code, out, _ = org.run(capsys, "status")
    assert code == ExitCode.OK and "rotation pending for" in out and "rotate --finish" in out
    code, out, _ = org.run(capsys, "status", "--json")
    pending = json.loads(out)["setups"][0]["rotation"]
    assert pending["stage"] == "handed_off" and pending["new_secret"]["id"] == new.id
    # finish: the old one deactivated, then deleted; gone from the keyring; in the receipt.
    code, out, err = org.run(capsys, "rotate", "--finish", "--yes")
    assert code == ExitCode.OK, err
    assert _statuses(org) == {new.id: "ACTIVE"}
    keys = [c.key for c in org.sb.calls if "credentials/secrets/{sid}" in c.route]
    assert keys == [
        "POST /api/v1/apps/{id}/credentials/secrets/{sid}/lifecycle/deactivate",
        "DELETE /api/v1/apps/{id}/credentials/secrets/{sid}",
    ]
    assert keyring(org, app) == (new.value, None)
    assert org.journal()["rotation"] is None
    receipt = json.loads(receipt_path(org.url).read_text())
    [record] = receipt["rotations"]
    assert record["old_fingerprint"] == Secret(old.value).fingerprint()
    assert record["new_fingerprint"] == Secret(new.value).fingerprint()
    assert record["old_secret_id"] == old.id and record["new_secret_id"] == new.id
    code, out, _ = org.run(capsys, "status", "--receipt")
    assert code == ExitCode.OK and "Secret rotated" in out and old.id in out
    assert org.run(capsys, "verify")[0] == ExitCode.OK
    values = [old.value, new.value, TEST_TOKEN]
    paths = written(org)
    assert find_leaks(values, texts=org.outputs, paths=paths) == []


def test_finish_says_so_when_okta_no_longer_has_the_old_secret(org: Org, capsys: Cap) -> None:
    """Deleted meanwhile (in the Admin Console, or by a finish killed after its delete): the
    finish completes, and says Okta no longer had it instead of claiming it deleted it."""
    app = applied(org, capsys)
    old = app.secrets[0]
    assert _rotate(org, capsys)[0] == ExitCode.OK
    app.secrets.remove(old)
    code, out, err = org.run(capsys, "rotate", "--finish", "--yes")
    assert code == ExitCode.OK, err
    assert f"Okta no longer has the old client secret {Secret(old.value).fingerprint()}" in out
    assert "Deactivated and deleted" not in out
    assert not [c for c in org.sb.calls if "credentials/secrets/{sid}" in c.route]
    assert keyring(org, app)[1] is None and org.journal()["rotation"] is None


def test_a_second_rotation_keeps_the_first_in_the_receipt(org: Org, capsys: Cap) -> None:
    applied(org, capsys)
    for _ in range(2):
        assert _rotate(org, capsys)[0] == ExitCode.OK
        assert org.run(capsys, "rotate", "--finish", "--yes")[0] == ExitCode.OK
    receipt = json.loads(receipt_path(org.url).read_text())
    first, second = receipt["rotations"]
    assert first["new_secret_id"] == second["old_secret_id"]
    assert len(org.only_app().secrets) == 1


def test_finish_is_refused_until_the_new_secret_is_handed_off(org: Org, capsys: Cap) -> None:
    """The old secret is never deactivated before the new one is stored and handed off."""
    app = applied(org, capsys)
    old = app.secrets[0]
    org.sb.faults.add("POST /secrets/", status=503)
    code, _, err = _rotate(org, capsys)
    assert code == ExitCode.HANDOFF, err
    journal = org.journal()
    assert isinstance(journal["rotation"], dict) and journal["rotation"]["stage"] == "stored"
    changes = okta_changes(org)
    code, _, err = org.run(capsys, "rotate", "--finish", "--yes")
    assert code == ExitCode.USAGE and "not been handed to Upflow" in err
    assert okta_changes(org) == changes and old.status == "ACTIVE"
    # The rerun picks the stored secret up: no third secret, then hands it off.
    org.sb.faults.clear()
    code, data, err = _rotate(org, capsys)
    assert code == ExitCode.OK, err
    assert data["resumed"] is True and len(app.secrets) == 2
    assert keyring(org, app) == (app.secrets[1].value, old.value)


def test_rotate_again_while_pending_changes_nothing(org: Org, capsys: Cap) -> None:
    applied(org, capsys)
    assert _rotate(org, capsys)[0] == ExitCode.OK
    changes, pastes = okta_changes(org), live_pastes(org)
    code, _, err = _rotate(org, capsys)
    assert code == ExitCode.USAGE and "already handed to Upflow" in err and "--finish" in err
    assert okta_changes(org) == changes and live_pastes(org) == pastes


def test_send_during_a_rotation_says_it_replaces_the_previous_secret(org: Org, capsys: Cap) -> None:
    app = applied(org, capsys)
    assert _rotate(org, capsys)[0] == ExitCode.OK
    code, out, err = org.run(capsys, "send", *send_args(org))
    assert code == ExitCode.OK, err
    assert len(live_pastes(org)) == 1, "the rotation's first link was deleted first"
    message = pbincli_read(json.loads(out)["link"]["url"])  # this burns it
    assert REPLACES_PREVIOUS[0] in message and app.secrets[1].value in message


def test_abort_keeps_the_old_secret_and_deletes_the_new_one_and_its_link(
    org: Org, capsys: Cap
) -> None:
    app = applied(org, capsys)
    old = app.secrets[0]
    assert _rotate(org, capsys)[0] == ExitCode.OK
    new_id = app.secrets[1].id
    assert len(live_pastes(org)) == 1
    code, out, err = org.run(capsys, "rotate", "--abort", "--yes", "--json")
    assert code == ExitCode.OK, err
    assert json.loads(out)["deleted_secret"] == new_id
    assert _statuses(org) == {old.id: "ACTIVE"}
    assert keyring(org, app) == (old.value, None)
    assert live_pastes(org) == [], "the link to the deleted secret is gone"
    assert org.journal()["rotation"] is None
    assert org.journal()["secret_fingerprint"] == Secret(old.value).fingerprint()
    assert org.run(capsys, "verify")[0] == ExitCode.OK


def test_finish_and_abort_ask_first(org: Org, capsys: Cap) -> None:
    applied(org, capsys)
    assert _rotate(org, capsys)[0] == ExitCode.OK
    changes = okta_changes(org)
    for stage in ("--finish", "--abort"):
        code, _, err = org.run(capsys, "rotate", stage)
        assert code == ExitCode.USAGE and "--yes" in err
    assert okta_changes(org) == changes


def test_an_inactive_secret_in_the_way_is_named_then_deleted_with_yes(
    org: Org, capsys: Cap
) -> None:
    """Okta refuses a third secret (400 E0000001 OAuth2ClientSecretMediated): the inactive
    one is named, nothing is left behind, and --yes deletes it to make room."""
    app = applied(org, capsys)
    old = app.secrets[0]
    inactive = add_secret(app, "INACTIVE")
    code, _, err = _rotate(org, capsys)
    assert code == ExitCode.USAGE, err
    assert inactive.id in err and "inactive" in err and "--yes" in err
    refused = [c for c in org.sb.calls if c.key == "POST /api/v1/apps/{id}/credentials/secrets"]
    assert [c.status for c in refused] == [400], "Okta itself refused the third secret"
    assert _statuses(org) == {old.id: "ACTIVE", inactive.id: "INACTIVE"}
    assert keyring(org, app) == (old.value, None) and org.journal()["rotation"] is None
    code, data, err = _rotate(org, capsys, "--yes")
    assert code == ExitCode.OK, err
    assert data["deleted_inactive_secret"] == inactive.id
    assert inactive.id not in _statuses(org) and len(app.secrets) == 2


def test_two_active_secrets_are_refused_without_a_change(org: Org, capsys: Cap) -> None:
    app = applied(org, capsys)
    other = add_secret(app, "ACTIVE")
    code, _, err = _rotate(org, capsys, "--yes")
    assert code == ExitCode.USAGE
    assert other.id in err and "verify --retire-old-secrets" in err
    assert len(app.secrets) == 2 and all(s.status == "ACTIVE" for s in app.secrets)
    assert keyring(org, app) == (app.secrets[0].value, None)
    assert org.journal()["rotation"] is None


def test_rotate_starts_only_from_the_keyrings_active_secret(org: Org, capsys: Cap) -> None:
    from okta_wizard.vault import Vault

    app = applied(org, capsys)
    Vault().delete_client_secret(org.url, app.id)
    changes = okta_changes(org)
    code, _, err = _rotate(org, capsys)
    assert code == ExitCode.USAGE and "holds no client secret" in err and "apply" in err
    Vault().store_client_secret(org.url, app.id, Secret("not-a-secret-of-this-app-000000"))
    code, _, err = _rotate(org, capsys)
    assert code == ExitCode.USAGE and "not an active secret" in err
    assert okta_changes(org) == changes and len(app.secrets) == 1


def test_retire_old_secrets_waits_for_rotate_finish(org: Org, capsys: Cap) -> None:
    app = applied(org, capsys)
    assert _rotate(org, capsys)[0] == ExitCode.OK
    code, _, err = org.run(capsys, "verify", "--retire-old-secrets", "--yes")
    assert code == ExitCode.USAGE and "rotate --finish" in err
    assert all(s.status == "ACTIVE" for s in app.secrets)


def test_plan_rotate_says_what_both_stages_would_do_and_changes_nothing(
    org: Org, capsys: Cap
) -> None:
    app = applied(org, capsys)
    before = len(org.sb.calls)
    code, out, err = org.run(capsys, "plan", "--rotate")
    assert code == ExitCode.OK, err
    assert "create a second client secret in Okta" in out
    assert "rotate --finish" in out and app.secrets[0].id in out
    code, out, _ = org.run(capsys, "plan", "--rotate", "--json")
    commands = {a["command"] for a in json.loads(out)["actions"]}
    assert commands == {"rotate", "rotate --finish"}
    assert all(c.method == "GET" for c in org.sb.calls[before:]), "plan only reads"
    assert len(app.secrets) == 1


def test_status_says_how_long_a_rotation_has_been_pending(org: Org, capsys: Cap) -> None:
    applied(org, capsys)
    assert _rotate(org, capsys)[0] == ExitCode.OK
    journal = org.journal()
    started = datetime.now(UTC) - timedelta(days=3, hours=4, minutes=1)
    rotation = journal["rotation"]
    assert isinstance(rotation, dict)
    rotation["started_at"] = started.replace(microsecond=0).isoformat()
    org.journal_path().write_text(json.dumps(journal), encoding="utf-8")
    code, out, _ = org.run(capsys, "status")
    assert code == ExitCode.OK and "rotation pending for 3 days 4 hours" in out
