"""`okta-wizard send` end to end: sandbox org over loopback, real Secret Service, pbincli."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from pbincli.format import Paste

from okta_wizard.errors import ExitCode
from okta_wizard.handoff.warnings import LINK_PREVIEW_WARNING
from okta_wizard.vault import Vault
from tests.leakscan import find_leaks
from tests.setup.conftest import TEST_TOKEN, Org
from tests.setup.conftest import org as org

Cap = pytest.CaptureFixture[str]


def _send(org: Org, capsys: Cap, *extra: str) -> tuple[int, str, str]:
    return org.run(capsys, "send", "--secrets-url", org.sb.secrets_url, *extra)


def _pbincli_read(link: str) -> str:
    server, rest = link.split("?", 1)
    paste_id, key = rest.split("#", 1)
    payload = httpx.get(
        f"{server}?pasteid={paste_id}", headers={"X-Requested-With": "JSONHttpRequest"}
    ).json()
    paste = Paste()
    paste.setVersion(2)
    paste.loadJSON(payload)
    paste.setHash(key)
    paste.decrypt()
    return str(paste.getText().decode())


def test_send_json_link_decrypts_and_records_metadata_only(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--group", "Finance")[0] == ExitCode.OK
    code, out, err = _send(org, capsys, "--json", "--expire", "1day", "--email-domain", "Acme.com")
    assert code == ExitCode.OK, err
    data = json.loads(out)
    app = org.only_app()
    secret = app.secrets[0].value
    assert data["expire"] == "1day" and data["burn_after_reading"] is True
    assert LINK_PREVIEW_WARNING in err
    text = _pbincli_read(data["link"])
    assert f"Client secret:     {secret}" in text and "acme.com" in text and app.id in text
    journal = org.journal()
    assert journal["link"]["paste_id"] == data["paste_id"]  # type: ignore[index]
    assert journal["steps"]["6"]["state"] == "done"  # type: ignore[index]
    receipt = json.loads(next(org.state_dir.glob("*.receipt.json")).read_text())
    assert receipt["client_id"] == app.id and receipt["groups"] == ["Finance"]
    key = data["link"].split("#")[1]
    # The key is what makes the link a secret (its server part is in the receipt by design).
    assert find_leaks([secret, TEST_TOKEN, key], paths=[org.state_dir]) == []
    code, out, _ = org.run(capsys, "status", "--receipt")
    assert code == ExitCode.OK and app.id in out and secret not in out and key not in out


def test_revoke_deletes_the_unread_link(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    data = json.loads(_send(org, capsys, "--json")[1])
    paste_id = data["paste_id"]
    assert Vault().load_delete_token(org.url, paste_id) is not None
    code, _, err = org.run(capsys, "send", "--revoke")
    assert code == ExitCode.OK, err
    assert Vault().load_delete_token(org.url, paste_id) is None
    with pytest.raises(AssertionError):
        _pbincli_read_expect_missing(data["link"])
    assert org.run(capsys, "send", "--revoke")[0] == ExitCode.USAGE  # nothing left


def _pbincli_read_expect_missing(link: str) -> None:
    server, rest = link.split("?", 1)
    answer = httpx.get(
        f"{server}?pasteid={rest.split('#')[0]}", headers={"X-Requested-With": "JSONHttpRequest"}
    ).json()
    assert answer["status"] == 0, answer  # fails: the paste is gone


def test_a_new_send_deletes_the_previous_unread_link(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    first = json.loads(_send(org, capsys, "--json")[1])
    second = json.loads(_send(org, capsys, "--json")[1])
    from okta_wizard.sandbox.privatebin import PRIVATEBIN_STORE  # noqa: F401

    assert first["paste_id"] != second["paste_id"]
    assert "previous unread link" in org.outputs[-1]
    assert _pbincli_read(second["link"]).count("Client secret") == 1


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("--json", "--expire", "2days"), "Unknown link expiry"),
        (("--json", "--email-domain", "bob@acme.com"), "not an email domain"),
        (("--json", "--password-from-env", "NO_SUCH_VAR_XYZ"), "NO_SUCH_VAR_XYZ"),
        ((), "only on a terminal"),
    ],
)
def test_bad_input_changes_nothing(
    org: Org,
    capsys: Cap,
    argv: tuple[str, ...],
    needle: str,
    tmp_path: Path,
) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    before = org.journal()
    code, out, err = _send(org, capsys, *argv)
    assert code == ExitCode.USAGE and needle in err and out == ""
    assert org.journal() == before
    assert not list(org.state_dir.glob("*.receipt.json"))


def test_send_without_a_setup_says_run_apply(org: Org, capsys: Cap) -> None:
    code, _, err = _send(org, capsys, "--json")
    assert code == ExitCode.USAGE and "okta-wizard apply" in err
