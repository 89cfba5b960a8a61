"""`apply --import-key`: the service app's private key kept in the OS keyring (the real Secret
Service), used by later runs given only `--client-id`, removed by `forget`. Never copied to a
file: a leak scan reads every file the runs could write, the keyring's own storage included."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.vault import Vault, service_app_key_entry
from tests.leakscan import find_leaks
from tests.oauth.test_apply_service_app import Cap, Signed, apply, assert_nothing_changed
from tests.oauth.test_apply_service_app import service_app as make_service_app
from tests.setup.conftest import Org, assert_converged


@pytest.fixture
def oauth_org(org: Org, monkeypatch: pytest.MonkeyPatch) -> Iterator[Org]:
    monkeypatch.delenv("OKTA_API_TOKEN", raising=False)
    yield org


def stored_key(org: Org, signed: Signed) -> str | None:
    value = Vault().load_service_app_key(org.url, signed.gen.client_id)
    return value.reveal() if value else None


def written_places(org: Org, tmp_path: Path) -> list[Path]:
    """Everything a run may write: the state folder, the test's folder (key files aside, which
    the tests delete first) and the keyring daemon's own storage (encrypted on disk)."""
    places = [org.state_dir, tmp_path]
    keyring_tmp = os.environ.get("OKTA_WIZARD_KEYRING_TMP")
    if keyring_tmp:
        places.append(Path(keyring_tmp) / "data")
    return places


def test_imported_key_is_used_by_later_runs_and_never_written_to_a_file(
    oauth_org: Org, capsys: Cap, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    signed = make_service_app(oauth_org, tmp_path, alg="ES256")
    code, _, err = apply(oauth_org, capsys, signed, "--import-key")
    assert code == ExitCode.OK, err
    assert "Imported the private key" in err and "--client-id" in err
    assert stored_key(oauth_org, signed) == signed.gen.private_key_pem.reveal().strip()
    entry = service_app_key_entry(oauth_org.url, signed.gen.client_id)
    assert keyring.get_password("okta-wizard", entry)  # the documented entry name
    assert_converged(oauth_org)

    # The file is gone; the keyring's copy signs the next run, which changes nothing.
    signed.key_path.unlink()
    before = len(oauth_org.sb.calls)
    code, out, err = oauth_org.run(
        capsys, "apply", "--client-id", signed.gen.client_id, "--group", "Finance", "--json"
    )
    assert code == ExitCode.OK, err
    assert '"client_id"' in out
    assert not [c for c in oauth_org.sb.calls[before:] if c.mutating]
    assert oauth_org.sb.calls_to("POST /oauth2/v1/token")[-1].status == 200

    leaks = find_leaks(
        signed.secrets(oauth_org),
        paths=written_places(oauth_org, tmp_path),
        texts=[*oauth_org.outputs, caplog.text],
    )
    assert leaks == []


def test_forget_removes_the_imported_key(oauth_org: Org, capsys: Cap, tmp_path: Path) -> None:
    signed = make_service_app(oauth_org, tmp_path)
    assert apply(oauth_org, capsys, signed, "--import-key")[0] == ExitCode.OK
    code, out, _ = oauth_org.run(capsys, "forget", "--yes")
    assert code == ExitCode.OK
    assert f"private key of service app {signed.gen.client_id}" in out
    assert stored_key(oauth_org, signed) is None
    # Without the key, --client-id alone is bad input: exit 2, nothing sent.
    before = len(oauth_org.sb.calls)
    code, _, err = oauth_org.run(
        capsys, "apply", "--client-id", signed.gen.client_id, "--group", "Finance"
    )
    assert code == ExitCode.USAGE
    assert "No private key of service app" in err and "--import-key" in err
    assert len(oauth_org.sb.calls) == before


def test_forget_with_client_id_removes_the_key_of_a_failed_run(
    oauth_org: Org, capsys: Cap, tmp_path: Path
) -> None:
    signed = make_service_app(oauth_org, tmp_path)
    oauth_org.sb.faults.add("GET /api/v1/apps", status=400)  # the run fails after the import
    assert apply(oauth_org, capsys, signed, "--import-key")[0] != ExitCode.OK
    assert stored_key(oauth_org, signed)
    code, out, _ = oauth_org.run(capsys, "forget", "--yes", "--client-id", signed.gen.client_id)
    assert code == ExitCode.OK and "private key of service app" in out
    assert stored_key(oauth_org, signed) is None


@pytest.mark.parametrize(
    ("problem", "exit_code", "says"),
    [
        ("wrong key", ExitCode.AUTH, "signature is invalid"),
        ("missing scope", ExitCode.PERMISSION, "okta.apps.manage"),
    ],
)
def test_a_key_okta_refuses_is_not_imported(
    oauth_org: Org, capsys: Cap, tmp_path: Path, problem: str, exit_code: ExitCode, says: str
) -> None:
    if problem == "wrong key":
        real = make_service_app(oauth_org, tmp_path)
        signed = Signed(real.gen, make_service_app(oauth_org, tmp_path / "other").key_path)
    else:
        signed = make_service_app(
            oauth_org, tmp_path, scopes=("okta.apps.read", "okta.groups.read")
        )
    code, _, err = apply(oauth_org, capsys, signed, "--import-key")
    assert code == exit_code and says in err
    assert "Imported" not in err and stored_key(oauth_org, signed) is None
    assert_nothing_changed(oauth_org)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--import-key"], "--import-key copies the key file"),  # no --private-key
        ([], "No private key of service app"),  # nothing imported for this client id
        (["--client-id", ""], "--client-id is empty"),
    ],
)
def test_bad_key_input_exits_2_before_anything_is_sent(
    oauth_org: Org, capsys: Cap, tmp_path: Path, argv: list[str], says: str
) -> None:
    signed = make_service_app(oauth_org, tmp_path)
    code, _, err = oauth_org.run(
        capsys, "apply", "--client-id", signed.gen.client_id, "--group", "Finance", *argv
    )
    assert code == ExitCode.USAGE and says in err, err
    assert oauth_org.sb.calls == []
    assert not oauth_org.state_dir.exists() or not list(oauth_org.state_dir.iterdir())


def test_an_insecure_keyring_never_gets_the_key_even_with_insecure_storage(
    oauth_org: Org, capsys: Cap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = make_service_app(oauth_org, tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    code, _, err = apply(oauth_org, capsys, signed, "--import-key", "--insecure-storage")
    assert code == ExitCode.NO_KEYRING
    assert "only in a secure keyring" in err and "--private-key" in err
    assert "plaintext file" in err and "keyring_pass.cfg" in err
    assert not (tmp_path / "data").exists()
    assert oauth_org.sb.calls == []  # refused before the token request
