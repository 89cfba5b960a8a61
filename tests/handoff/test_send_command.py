"""`okta-wizard send` end to end: sandbox org over loopback, real Secret Service, pbincli.

The link policy (DESIGN: --json never carries a secret unless --reveal), branch by branch:
`--json --reveal` puts it in the JSON; `--json` alone shows it once on a terminal's alternate
screen, or exits 2 without posting anything; plain `send` prints it on a terminal.
"""

from __future__ import annotations

import json

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.handoff.warnings import LINK_PREVIEW_WARNING
from okta_wizard.vault import Vault
from tests.commands.test_terminal import run_in_pty
from tests.handoff.links import (
    LINK_RE,
    fetch_paste,
    paste_calls,
    paste_posts,
    pbincli_decrypt,
    pbincli_read,
    split_link,
)
from tests.leakscan import find_leaks
from tests.setup.conftest import TEST_TOKEN, Org
from tests.setup.conftest import org as org

Cap = pytest.CaptureFixture[str]
REVEAL_HINT = "pass --reveal to include the link in the JSON output"
METADATA_KEYS = {
    "paste_id",
    "server",
    "expire",
    "expires_at",
    "burn_after_reading",
    "created_at",
    "delete_token_stored",
    "password_protected",
    "email_domains",
    "receipt",
}


def _send(org: Org, capsys: Cap, *extra: str) -> tuple[int, str, str]:
    return org.run(capsys, "send", "--secrets-url", org.sb.secrets_url, *extra)


def _send_json(org: Org, capsys: Cap, *extra: str) -> dict[str, object]:
    code, out, err = _send(org, capsys, "--json", "--reveal", *extra)
    assert code == ExitCode.OK, err
    link: dict[str, object] = json.loads(out)["link"]
    return link


def test_send_json_reveal_carries_the_link_and_records_metadata_only(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--group", "Finance")[0] == ExitCode.OK
    code, out, err = _send(
        org, capsys, "--json", "--reveal", "--expire", "1day", "--email-domain", "Acme.com"
    )
    assert code == ExitCode.OK, err
    data = json.loads(out)
    link = data["link"]
    assert set(link) == METADATA_KEYS | {"url"}
    assert link["expire"] == "1day" and link["burn_after_reading"] is True
    assert link["delete_token_stored"] is True and link["password_protected"] is False
    assert link["email_domains"] == ["acme.com"] and link["server"] == org.sb.secrets_url
    assert LINK_PREVIEW_WARNING in err and data["warning"] == LINK_PREVIEW_WARNING
    app = org.only_app()
    secret = app.secrets[0].value
    text = pbincli_read(link["url"])
    assert f"Client secret:     {secret}" in text and "acme.com" in text and app.id in text
    journal = org.journal()
    assert journal["link"]["paste_id"] == link["paste_id"]  # type: ignore[index]
    assert journal["steps"]["6"]["state"] == "done"  # type: ignore[index]
    receipt = json.loads(next(org.state_dir.glob("*.receipt.json")).read_text())
    assert receipt["client_id"] == app.id and receipt["groups"] == ["Finance"]
    key = split_link(link["url"])[2]
    token = Vault().load_delete_token(org.url, link["paste_id"])
    assert token is not None
    # The key is what makes the link a secret (its server part is in the receipt by design).
    secrets = [secret, TEST_TOKEN, key, token.reveal()]
    assert find_leaks(secrets, paths=[org.state_dir], texts=[err]) == []
    code, out, _ = org.run(capsys, "status", "--receipt")
    assert code == ExitCode.OK and app.id in out and secret not in out and key not in out


def test_send_json_without_reveal_and_no_terminal_exits_2_and_posts_nothing(
    org: Org, capsys: Cap
) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    before = org.journal()
    code, out, err = _send(org, capsys, "--json")
    assert code == ExitCode.USAGE and REVEAL_HINT in err and out == ""
    assert paste_calls(org.sb) == [], "checked before any request to the link server"
    assert org.journal() == before
    assert not list(org.state_dir.glob("*.receipt.json"))
    # The same command with --reveal does post: the log above would have seen it.
    assert _send_json(org, capsys)["paste_id"]
    assert paste_posts(org.sb) == 1


@pytest.mark.slow
def test_send_json_on_a_terminal_shows_the_link_once_and_keeps_it_out_of_the_json(
    org: Org, capsys: Cap
) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    code, screen = run_in_pty(
        ["send", "--org-url", org.url, "--secrets-url", org.sb.secrets_url, "--json"],
        answer=b"\r",
    )
    assert code == ExitCode.OK, screen
    match = LINK_RE.search(screen)
    assert match, screen
    key = match.group(3)
    alt_on, alt_off = screen.index("\x1b[?1049h"), screen.index("\x1b[?1049l")
    assert alt_on < match.start() < alt_off and screen.count(key) == 1
    assert "Slack, Teams" in screen[alt_on:alt_off]
    normal, _, stderr = screen[alt_off:].partition("\n--stderr--\n")
    data = json.loads(normal[normal.index("{") :])
    assert set(data["link"]) == METADATA_KEYS, "metadata only: no url"
    assert data["link"]["paste_id"] == match.group(2)
    assert key not in normal and key not in stderr
    text = pbincli_read(match.group(0))
    assert org.only_app().secrets[0].value in text


@pytest.mark.slow
def test_plain_send_on_a_terminal_prints_the_link(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    code, screen = run_in_pty(
        ["send", "--org-url", org.url, "--secrets-url", org.sb.secrets_url, "--expire", "1hour"]
    )
    assert code == ExitCode.OK, screen
    match = LINK_RE.search(screen)
    assert match, screen
    assert "\x1b[?1049h" not in screen, "plain send prints in place, as it always has"
    assert "burns after the first read" in screen and "Receipt for your IT ticket" in screen
    assert org.only_app().secrets[0].value in pbincli_read(match.group(0))


def test_reveal_without_json_prints_the_link_to_a_pipe(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    code, out, err = _send(org, capsys, "--reveal")
    assert code == ExitCode.OK, err
    match = LINK_RE.search(out)
    assert match, out
    assert org.only_app().secrets[0].value in pbincli_read(match.group(0))


def test_password_from_env_protects_the_link(
    org: Org, capsys: Cap, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    monkeypatch.setenv("LINK_PW", "correct horse battery")
    link = _send_json(org, capsys, "--password-from-env", "LINK_PW")
    assert link["password_protected"] is True
    url = str(link["url"])
    assert "correct horse" not in " ".join(org.outputs)
    payload = fetch_paste(url)  # burns it: every attempt below decrypts this one payload
    key = split_link(url)[2]
    with pytest.raises(ValueError):  # pbincli: MAC check failed
        pbincli_decrypt(payload, key)
    with pytest.raises(ValueError):
        pbincli_decrypt(payload, key, "wrong password")
    assert org.only_app().secrets[0].value in pbincli_decrypt(payload, key, "correct horse battery")


def test_revoke_deletes_the_unread_link(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    link = _send_json(org, capsys)
    paste_id = str(link["paste_id"])
    assert Vault().load_delete_token(org.url, paste_id) is not None
    code, _, err = org.run(capsys, "send", "--revoke")
    assert code == ExitCode.OK, err
    assert Vault().load_delete_token(org.url, paste_id) is None
    assert fetch_paste(str(link["url"]))["status"] == 1, "the paste is gone"
    assert org.run(capsys, "send", "--revoke")[0] == ExitCode.USAGE  # nothing left


def test_a_new_send_deletes_the_previous_unread_link(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    first = _send_json(org, capsys)
    second = _send_json(org, capsys)
    assert first["paste_id"] != second["paste_id"]
    assert f"previous unread link ({first['paste_id']})" in org.outputs[-1]
    assert fetch_paste(str(first["url"]))["status"] == 1, "the first link no longer opens"
    assert Vault().load_delete_token(org.url, str(first["paste_id"])) is None
    assert pbincli_read(str(second["url"])).count("Client secret") == 1


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("--json", "--reveal", "--expire", "2days"), "Unknown link expiry"),
        (("--json", "--reveal", "--email-domain", "bob@acme.com"), "not an email domain"),
        (("--json", "--reveal", "--password-from-env", "NO_SUCH_VAR_XYZ"), "NO_SUCH_VAR_XYZ"),
        (("--json", "--reveal", "--secrets-url", "http://example.com/"), "plain http"),
        (("--json",), REVEAL_HINT),
        ((), "only on a terminal"),
    ],
)
def test_bad_input_changes_nothing(
    org: Org, capsys: Cap, argv: tuple[str, ...], needle: str
) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    before = org.journal()
    code, out, err = _send(org, capsys, *argv)
    assert code == ExitCode.USAGE and needle in err and out == ""
    assert org.journal() == before
    assert paste_calls(org.sb) == []
    assert not list(org.state_dir.glob("*.receipt.json"))


def test_send_without_a_setup_says_run_apply(org: Org, capsys: Cap) -> None:
    code, _, err = _send(org, capsys, "--json", "--reveal")
    assert code == ExitCode.USAGE and "okta-wizard apply" in err
    assert paste_calls(org.sb) == []
