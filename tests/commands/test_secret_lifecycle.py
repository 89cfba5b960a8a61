"""The secret's life after the first apply: fingerprint in the journal and status, a new
secret and retiring the old one, plan --new-secret, and an INACTIVE app (sandbox, real HTTP,
real Secret Service)."""

from __future__ import annotations

import json

import pytest

from okta_wizard.cli import main
from okta_wizard.errors import ExitCode
from okta_wizard.secret import Secret
from okta_wizard.vault import Vault
from tests.leakscan import find_leaks
from tests.setup.conftest import Org

Cap = pytest.CaptureFixture[str]


def _active(org: Org) -> list[str]:
    return [s.value for s in org.only_app().secrets if s.status == "ACTIVE"]


def test_fingerprint_is_recorded_when_stored_or_recovered_and_shown_by_status(
    org: Org, capsys: Cap
) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    app = org.only_app()
    first = Secret(app.secrets[0].value).fingerprint()
    assert org.journal()["secret_fingerprint"] == first
    code, out, _ = org.run(capsys, "status")
    assert code == ExitCode.OK and first in out
    code, out, _ = org.run(capsys, "status", "--json")
    assert json.loads(out)["setups"][0]["secret_fingerprint"] == first
    # Recovered on another machine (keyring empty): read back, fingerprint recorded again.
    Vault().delete_client_secret(org.url, app.id)
    org.journal_path().write_text(
        json.dumps({**org.journal(), "secret_fingerprint": None}), encoding="utf-8"
    )
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    assert org.journal()["secret_fingerprint"] == first
    # A new secret: the journal names the new one.
    Vault().delete_client_secret(org.url, app.id)
    assert org.run(capsys, "apply", "--everyone", "--new-secret")[0] == ExitCode.OK
    newest = Secret(app.secrets[-1].value).fingerprint()
    assert newest != first and org.journal()["secret_fingerprint"] == newest
    assert find_leaks(org.secret_values(), paths=[org.state_dir]) == []


def test_new_secret_then_retire_the_old_one_never_the_keyrings(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    app = org.only_app()
    old = app.secrets[0]
    Vault().delete_client_secret(org.url, app.id)
    code, out, err = org.run(capsys, "apply", "--everyone", "--new-secret")
    assert code == ExitCode.OK, err
    assert "--retire-old-secrets" in out and "Once Upflow has the new one" in out
    assert len(_active(org)) == 2
    kept = Vault().load_client_secret(org.url, app.id)
    assert kept is not None and kept.reveal() != old.value
    # Without a terminal and without --yes: refused, nothing deactivated.
    before = len(org.sb.calls)
    code, _, err = org.run(capsys, "verify", "--retire-old-secrets")
    assert code == ExitCode.USAGE and "--yes" in err
    assert not org.sb.calls[before:], "refused before anything was sent"
    code, out, err = org.run(capsys, "verify", "--retire-old-secrets", "--yes")
    assert code == ExitCode.OK, err
    assert old.id in out and old.status == "INACTIVE"
    assert _active(org) == [kept.reveal()], "the keyring's secret stays active"
    # Only the keyring's secret is left: refused, no change.
    before = len(org.sb.mutating_calls())
    code, _, err = org.run(capsys, "verify", "--retire-old-secrets", "--yes")
    assert code == ExitCode.USAGE and "Nothing to retire" in err
    assert len(org.sb.mutating_calls()) == before and _active(org) == [kept.reveal()]


def test_retire_refuses_when_the_keyring_holds_a_stale_secret(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    app = org.only_app()
    Vault().store_client_secret(org.url, app.id, Secret("not-an-active-secret-of-this-app-0000"))
    code, _, err = org.run(capsys, "verify", "--retire-old-secrets", "--yes")
    assert code == ExitCode.USAGE and "Nothing was deactivated" in err
    assert _active(org) == [app.secrets[0].value]
    assert not [c for c in org.sb.mutating_calls() if "secrets" in c.route]


def test_apply_new_secret_replaces_a_stale_keyring_secret(org: Org, capsys: Cap) -> None:
    """verify's remedy for a rejected secret is `apply --new-secret`: it must then work."""
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    app = org.only_app()
    Vault().store_client_secret(org.url, app.id, Secret("not-an-active-secret-of-this-app-0000"))
    code, out, _ = org.run(capsys, "verify")
    assert code == ExitCode.UNEXPECTED and "apply --new-secret" in out
    code, out, err = org.run(capsys, "apply", "--everyone", "--new-secret", "--json")
    assert code == ExitCode.OK, err
    assert json.loads(out)["secret"]["source"] == "new"
    stored = Vault().load_client_secret(org.url, app.id)
    assert stored is not None and stored.reveal() in _active(org)


def test_plan_has_new_secret_and_no_yes(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    Vault().delete_client_secret(org.url, org.only_app().id)
    changes = len(org.sb.mutating_calls())
    code, out, _ = org.run(capsys, "plan", "--everyone")
    assert code == ExitCode.OK and "read the active client secret from Okta" in out
    code, out, _ = org.run(capsys, "plan", "--everyone", "--new-secret")
    assert code == ExitCode.OK and "create a new client secret" in out
    assert len(org.sb.mutating_calls()) == changes and len(org.only_app().secrets) == 1
    with pytest.raises(SystemExit) as exc:
        main(["plan", "--org-url", org.url, "--everyone", "--yes"])
    assert exc.value.code == ExitCode.USAGE
    assert "--yes" in capsys.readouterr().err


def test_inactive_app_secret_check_says_reactivate_not_new_secret(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    app = org.only_app()
    app.status = "INACTIVE"
    before = len(org.sb.calls)
    code, out, _ = org.run(capsys, "verify", "--json")
    assert code == ExitCode.UNEXPECTED
    checks = {c["name"]: c for c in json.loads(out)["checks"]}
    secret_check = checks["secret accepted by Okta"]
    assert not secret_check["ok"]
    assert "cannot be checked until the app is active" in secret_check["detail"]
    assert "verify --fix" in secret_check["remedy"] and "--new-secret" not in secret_check["remedy"]
    assert not [c for c in org.sb.calls[before:] if c.route == "/oauth2/v1/introspect"]
    code, out, err = org.run(capsys, "verify", "--fix", "--yes")
    assert code == ExitCode.OK, out + err
    assert app.status == "ACTIVE" and len(app.secrets) == 1, "reactivated; no second secret"
