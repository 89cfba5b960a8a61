"""`apply --send`: the same step 6 as `send` (options, link policy, previous link deleted).

Against the sandbox org over loopback HTTP and the real Secret Service; links decrypted by
pbincli. Input checks run before any Okta call, so bad input leaves Okta, the journal and the
link server untouched.
"""

from __future__ import annotations

import json

import pytest

from okta_wizard.errors import ExitCode
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

Cap = pytest.CaptureFixture[str]
PASSWORD = "link-pass-4-upflow"


def _apply_send(org: Org, capsys: Cap, *extra: str) -> tuple[int, str, str]:
    return org.run(
        capsys, "apply", "--everyone", "--send", "--secrets-url", org.sb.secrets_url, *extra
    )


def _apply_send_json(org: Org, capsys: Cap, *extra: str) -> dict[str, object]:
    code, out, err = _apply_send(org, capsys, "--json", "--reveal", *extra)
    assert code == ExitCode.OK, err
    link: dict[str, object] = json.loads(out)["link"]
    return link


def test_apply_send_honours_password_expire_and_email_domain(
    org: Org, capsys: Cap, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPFLOW_LINK_PW", PASSWORD)
    link = _apply_send_json(
        org,
        capsys,
        *("--password-from-env", "UPFLOW_LINK_PW", "--expire", "1day"),
        *("--email-domain", "Acme.com", "--email-domain", "acme.co.uk"),
    )
    assert link["expire"] == "1day" and link["password_protected"] is True
    assert link["email_domains"] == ["acme.com", "acme.co.uk"]
    assert link["delete_token_stored"] is True
    url = str(link["url"])
    payload = fetch_paste(url)
    key = split_link(url)[2]
    with pytest.raises(ValueError):  # pbincli: MAC check failed
        pbincli_decrypt(payload, key)
    with pytest.raises(ValueError):
        pbincli_decrypt(payload, key, PASSWORD + "x")
    text = pbincli_decrypt(payload, key, PASSWORD)
    secret = org.only_app().secrets[0].value
    assert secret in text and "acme.com, acme.co.uk" in text
    receipt = json.loads(next(org.state_dir.glob("*.receipt.json")).read_text())
    assert receipt["link_expire"] == "1day"
    assert receipt["email_domains"] == ["acme.com", "acme.co.uk"]
    assert find_leaks([secret, TEST_TOKEN, key, PASSWORD], paths=[org.state_dir]) == []
    assert find_leaks([PASSWORD, key], texts=org.outputs[1::2]) == []  # stderr


def test_a_second_apply_send_deletes_the_first_link(org: Org, capsys: Cap) -> None:
    first = _apply_send_json(org, capsys)
    second = _apply_send_json(org, capsys)
    assert first["paste_id"] != second["paste_id"]
    assert f"previous unread link ({first['paste_id']})" in org.outputs[-1]
    assert fetch_paste(str(first["url"]))["status"] == 1, "the first link no longer opens"
    with pytest.raises(AssertionError):
        pbincli_read(str(first["url"]))
    assert Vault().load_delete_token(org.url, str(first["paste_id"])) is None
    assert org.only_app().secrets[0].value in pbincli_read(str(second["url"]))


def test_apply_send_after_send_deletes_the_link_send_made(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    code, out, err = org.run(
        capsys, "send", "--secrets-url", org.sb.secrets_url, "--json", "--reveal"
    )
    assert code == ExitCode.OK, err
    from_send = json.loads(out)["link"]
    from_apply = _apply_send_json(org, capsys)
    assert fetch_paste(from_send["url"])["status"] == 1
    assert fetch_paste(str(from_apply["url"]))["status"] == 0


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("--json", "--reveal", "--password-from-env", "NO_SUCH_VAR_XYZ"), "NO_SUCH_VAR_XYZ"),
        (("--json", "--reveal", "--expire", "2days"), "Unknown link expiry"),
        (("--json", "--reveal", "--email-domain", "bob@acme.com"), "not an email domain"),
        (("--json", "--reveal", "--secrets-url", "ftp://x.example/"), "not an https URL"),
        (("--json",), "pass --reveal to include the link in the JSON output"),
        ((), "only on a terminal"),
    ],
)
def test_bad_send_input_stops_before_any_okta_call(
    org: Org, capsys: Cap, argv: tuple[str, ...], needle: str
) -> None:
    code, out, err = _apply_send(org, capsys, *argv)
    assert code == ExitCode.USAGE and needle in err and out == ""
    assert org.sb.calls == [], "nothing sent to Okta nor to the link server"
    assert org.apps() == []
    assert not list(org.state_dir.glob("*.json"))


def test_reveal_without_send_is_refused(org: Org, capsys: Cap) -> None:
    code, _, err = org.run(capsys, "apply", "--everyone", "--reveal")
    assert code == ExitCode.USAGE and "--send" in err
    assert org.sb.calls == []


def test_apply_send_json_metadata_only_is_refused_then_json_reveal_posts_once(
    org: Org, capsys: Cap
) -> None:
    assert _apply_send(org, capsys, "--json")[0] == ExitCode.USAGE
    assert paste_calls(org.sb) == []
    link = _apply_send_json(org, capsys)
    assert paste_posts(org.sb) == 1 and link["paste_id"]


@pytest.mark.slow
def test_apply_send_json_on_a_terminal_shows_the_link_only_on_the_alternate_screen(
    org: Org,
) -> None:
    code, screen = run_in_pty(
        [
            *("apply", "--org-url", org.url, "--everyone", "--send", "--json"),
            *("--secrets-url", org.sb.secrets_url),
        ],
        answer=b"\r",
        OKTA_API_TOKEN=TEST_TOKEN,
    )
    assert code == ExitCode.OK, screen
    match = LINK_RE.search(screen)
    assert match, screen
    alt_on, alt_off = screen.index("\x1b[?1049h"), screen.index("\x1b[?1049l")
    assert alt_on < match.start() < alt_off and screen.count(match.group(3)) == 1
    normal = screen[alt_off:].partition("\n--stderr--\n")[0]
    data = json.loads(normal[normal.index("{") :])
    assert "url" not in data["link"] and data["link"]["paste_id"] == match.group(2)
    assert org.only_app().secrets[0].value in pbincli_read(match.group(0))
