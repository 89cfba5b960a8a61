"""`okta-wizard test-sign-in` and `verify --sign-in` as commands: bad input changes nothing,
a change is asked for first, and the verdict's exit codes."""

from __future__ import annotations

import sys

import pytest

from okta_wizard.cli import main
from okta_wizard.commands import test_sign_in
from okta_wizard.errors import ExitCode
from okta_wizard.setup.spec import SIGN_IN_REDIRECT_URI
from tests.setup.conftest import Org
from tests.signin.conftest import Cap


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--timeout", "1", "--yes"], "--timeout 1 is out of range"),
        (["--timeout", "7200", "--yes"], "out of range"),
        (["--login-hint", "ana\x1b[2J@acme.com", "--yes"], "--login-hint"),
        (["--login-hint", " ", "--yes"], "--login-hint"),
        (["--email-domain", "not a domain", "--yes"], "is not an email domain"),
        ([], "no terminal to ask"),
    ],
)
def test_bad_input_exits_2_before_any_okta_call(
    applied: Org, capsys: Cap, argv: list[str], says: str
) -> None:
    calls = len(applied.sb.calls)
    code, out, err = applied.run(capsys, "test-sign-in", *argv)
    assert code == ExitCode.USAGE and says in err and out == ""
    assert len(applied.sb.calls) == calls
    assert "\x1b" not in err


def test_no_app_yet_says_to_run_apply(org: Org, capsys: Cap) -> None:
    code, _, err = org.run(capsys, "test-sign-in", "--yes")
    assert code == ExitCode.UNEXPECTED and "okta-wizard apply" in err
    assert org.sb.mutating_calls() == []


def test_an_inactive_app_exits_8_and_changes_nothing(applied: Org, capsys: Cap) -> None:
    applied.only_app().status = "INACTIVE"
    before = len(applied.sb.mutating_calls())
    code, _, err = applied.run(capsys, "test-sign-in", "--yes")
    assert code == ExitCode.SIGN_IN_FAILED and "INACTIVE" in err and "verify --fix" in err
    assert len(applied.sb.mutating_calls()) == before


def test_declined_on_the_terminal_changes_nothing(
    applied: Org, capsys: Cap, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(test_sign_in, "ask", lambda q: asked.append(q) or False)
    before = len(applied.sb.mutating_calls())
    code, _, err = applied.run(capsys, "test-sign-in")
    assert code == ExitCode.SIGN_IN_FAILED and "the redirect URI was not added" in err
    assert len(asked) == 1 and "http://localhost:" in asked[0] and "then removes it" in asked[0]
    assert SIGN_IN_REDIRECT_URI in asked[0]
    assert len(applied.sb.mutating_calls()) == before
    assert applied.journal().get("test_redirect_uri") is None


def test_verify_sign_in_is_skipped_when_a_check_fails(applied: Org, capsys: Cap) -> None:
    applied.only_app().oauth_settings["grant_types"].append("implicit")
    before = len(applied.sb.mutating_calls())
    code, out, _ = applied.run(capsys, "verify", "--sign-in", "--yes")
    assert code == ExitCode.UNEXPECTED and "test sign-in skipped" in out
    assert len(applied.sb.mutating_calls()) == before


def test_verify_sign_in_without_a_terminal_needs_yes(applied: Org, capsys: Cap) -> None:
    code, _, err = applied.run(capsys, "verify", "--sign-in")
    assert code == ExitCode.USAGE and "--sign-in" in err and "--yes" in err


def test_help_lists_the_command_and_exit_8(capsys: Cap) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "test-sign-in" in out and "8 the test sign-in did not pass" in out


def test_an_app_that_does_not_take_client_secret_basic_exits_8(applied: Org, capsys: Cap) -> None:
    applied.only_app().oauth_credentials["token_endpoint_auth_method"] = "client_secret_post"
    before = len(applied.sb.mutating_calls())
    code, _, err = applied.run(capsys, "test-sign-in", "--yes")
    assert code == ExitCode.SIGN_IN_FAILED and "client_secret_post" in err and "--fix" in err
    assert len(applied.sb.mutating_calls()) == before
