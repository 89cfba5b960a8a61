"""The whole test sign-in in a real browser: headless Chromium against the sandbox org.

Each test starts `okta-wizard test-sign-in --no-browser --yes --json` as a process, opens the
printed URL in Chromium, signs in on the sandbox's page and reads the verdict. Whatever the
outcome (passed, not assigned, a bad signature, a timeout, Ctrl+C, SIGTERM, SIGKILL then
`apply`), the app ends with exactly Upflow's redirect URIs, and no secret, code or token is
in any output or saved file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.sandbox.oidc import sign_in_of
from okta_wizard.setup.spec import SIGN_IN_REDIRECT_URI
from tests.leakscan import find_leaks
from tests.setup.conftest import TEST_TOKEN, Org
from tests.signin.conftest import (
    ASSIGNED,
    NOT_ASSIGNED,
    REPO,
    Cap,
    SignInRun,
    assert_redirect_uris_as_upflow_needs,
    issued_secrets,
    sign_in_in_browser,
    start_test_sign_in,
)

pytestmark = pytest.mark.slow


def _no_leaks(org: Org, *texts: str) -> None:
    """Outputs, the journal and the receipt, and the keyring's own files on disk."""
    paths = [org.state_dir]
    keyring_files = os.environ.get("XDG_DATA_HOME")
    if keyring_files:
        paths.append(Path(keyring_files))
    found = find_leaks(issued_secrets(org), texts=[*texts, *org.outputs], paths=paths)
    assert found == []


def test_assigned_user_signs_in_and_the_claims_are_what_upflow_sees(
    applied: Org, browser: Any
) -> None:
    run = start_test_sign_in(applied, "--no-browser", "--yes", "--json")
    url = run.url()
    while_waiting = applied.only_app().oauth_settings["redirect_uris"]
    assert len(while_waiting) == 2 and SIGN_IN_REDIRECT_URI in while_waiting
    assert sign_in_in_browser(browser, url, ASSIGNED) == "Signed in"
    assert "Signed in as Fiona Finance (fiona.finance@example.com)" in browser.page_source
    assert "You can close this tab" in browser.page_source
    result = run.result()
    assert result["_exit"] == ExitCode.OK, run.stderr
    assert result["passed"] is True and result["reason"] == "passed"
    fiona = sign_in_of(applied.sb.state).user_by_login(ASSIGNED)
    assert fiona is not None
    assert result["user"] == {
        "sub": fiona.id,
        "email": ASSIGNED,
        "email_verified": True,
        "name": "Fiona Finance",
        "preferred_username": ASSIGNED,
    }
    assert result["email_domain"] == "example.com" and result["email_domain_matches"] is True
    assert result["issuer"] == applied.url
    assert result["redirect_uri_removed"] is True
    assert result["redirect_uris_after"] == [SIGN_IN_REDIRECT_URI]
    assert_redirect_uris_as_upflow_needs(applied)
    journal = applied.journal()
    assert journal["sign_in_email_domain"] == "example.com" and journal["sign_in_passed_at"]
    assert "fiona" not in applied.journal_path().read_text()  # the domain, not the address
    _no_leaks(applied, run.stderr, browser.page_source)


def test_user_not_assigned_exits_8_with_the_assignment_remedy(applied: Org, browser: Any) -> None:
    run = start_test_sign_in(applied, "--no-browser", "--yes", "--json")
    assert sign_in_in_browser(browser, run.url(), NOT_ASSIGNED) == "The test sign-in did not pass"
    result = run.result()
    assert result["_exit"] == ExitCode.SIGN_IN_FAILED
    assert result["reason"] == "not_assigned"
    assert "User is not assigned to the client application" in result["message"]
    assert "assigned to Finance" in result["remedy"] and "--group" in result["remedy"]
    assert result["user"] is None
    assert_redirect_uris_as_upflow_needs(applied)
    assert applied.journal().get("sign_in_passed_at") is None
    _no_leaks(applied, run.stderr)


def test_id_token_signed_with_a_key_not_in_the_jwks_exits_8(applied: Org, browser: Any) -> None:
    sign_in_of(applied.sb.state).sign_with_unlisted_key = True
    run = start_test_sign_in(applied, "--no-browser", "--yes", "--json")
    assert sign_in_in_browser(browser, run.url(), ASSIGNED) == "The test sign-in did not pass"
    result = run.result()
    assert result["_exit"] == ExitCode.SIGN_IN_FAILED
    assert result["reason"] == "id_token_invalid"
    assert "not among the org's signing keys" in result["message"]
    assert result["user"] is None  # nothing from an unverified token is shown
    assert_redirect_uris_as_upflow_needs(applied)
    _no_leaks(applied, run.stderr)


def test_no_redirect_within_the_timeout_exits_8(applied: Org) -> None:
    run = start_test_sign_in(applied, "--no-browser", "--yes", "--json", "--timeout", "5")
    run.url()
    result = run.result()
    assert result["_exit"] == ExitCode.SIGN_IN_FAILED
    assert result["reason"] == "timeout"
    assert "ssh -L" in result["remedy"]
    assert_redirect_uris_as_upflow_needs(applied)


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"]
)
def test_interrupted_while_waiting_removes_the_redirect_uri(
    applied: Org, sig: signal.Signals, code: int
) -> None:
    run = start_test_sign_in(applied, "--no-browser", "--yes")
    run.url()
    run.waiting()
    assert len(applied.only_app().oauth_settings["redirect_uris"]) == 2
    run.send(sig)
    exit_code, out, err = run.finish()
    assert exit_code == code, err
    assert "the temporary redirect URI was removed" in err
    assert_redirect_uris_as_upflow_needs(applied)
    _no_leaks(applied, out, err)


def test_sigkill_while_waiting_then_apply_removes_the_leftover(
    applied: Org, capsys: Cap, browser: Any
) -> None:
    run = start_test_sign_in(applied, "--no-browser", "--yes", "--json")
    run.url()
    run.waiting()
    run.send(signal.SIGKILL)
    assert run.finish()[0] == -signal.SIGKILL
    leftover = applied.journal()["test_redirect_uri"]
    assert isinstance(leftover, str) and leftover.startswith("http://localhost:")
    assert leftover in applied.only_app().oauth_settings["redirect_uris"]
    code, out, _ = applied.run(capsys, "verify")  # reported as drift, not changed
    assert code == ExitCode.UNEXPECTED and leftover in out
    assert leftover in applied.only_app().oauth_settings["redirect_uris"]
    code, _, err = applied.run(capsys, "apply", "--group", "Finance")  # no --yes needed
    assert code == ExitCode.OK, err
    assert f"Removing the temporary redirect URI {leftover}" in err
    assert_redirect_uris_as_upflow_needs(applied)
    assert len(applied.apps()) == 1
    # and the next test sign-in works as ever
    run = start_test_sign_in(applied, "--no-browser", "--yes", "--json")
    assert sign_in_in_browser(browser, run.url(), ASSIGNED) == "Signed in"
    assert run.result()["_exit"] == ExitCode.OK
    assert_redirect_uris_as_upflow_needs(applied)
    _no_leaks(applied, run.stderr)


def test_hostile_claim_values_never_reach_the_terminal_raw(applied: Org, browser: Any) -> None:
    provider = sign_in_of(applied.sb.state)
    provider.add_user(
        "eve@example.com",
        "\x1b]52;c;ZXZpbA==\x07Eve",
        "\x1b[2J\u202eEvil\x9b31m",
        ("Finance",),
        email="eve\x1b[8m@example.com",
    )
    run = start_test_sign_in(applied, "--no-browser", "--yes")
    heading = sign_in_in_browser(browser, run.url(), "eve@example.com")
    code, out, err = run.finish()
    for text in (out, err):
        assert not any(c in text for c in ("\x1b", "\x07", "\x9b", "\u202e")), text
    assert "\\x1b]52;c;ZXZpbA==\\x07Eve" in out  # shown as visible escapes
    assert "\\u202e" in out
    assert code == ExitCode.OK, err
    assert heading == "Signed in"
    page = browser.page_source
    assert "\x1b" not in page and "\\x1b]52;c;ZXZpbA==\\x07Eve" in page
    assert_redirect_uris_as_upflow_needs(applied)


def test_verify_sign_in_runs_the_checks_then_the_test(applied: Org, browser: Any) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "okta_wizard", "verify", "--org-url", applied.url, "--sign-in",
         "--no-browser", "--yes", "--json"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "OKTA_API_TOKEN": TEST_TOKEN},
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    run = SignInRun(proc, applied.url)
    assert sign_in_in_browser(browser, run.url(), ASSIGNED) == "Signed in"
    code, out, err = run.finish()
    assert code == ExitCode.OK, err
    data = json.loads(out)
    assert data["ok"] is True and all(c["ok"] for c in data["checks"])
    assert data["sign_in"]["passed"] is True and data["sign_in"]["user"]["email"] == ASSIGNED
    assert_redirect_uris_as_upflow_needs(applied)
    _no_leaks(applied, out, err)


def test_sigkill_right_after_the_uri_is_added_then_apply(applied: Org, capsys: Cap) -> None:
    """The journal records the URI before the change: a kill just after it is still cleaned."""
    run = start_test_sign_in(applied, "--no-browser", "--yes")
    applied.sb.faults.add("PUT /api/v1/apps/{id}", kill_pid=run.proc.pid, nth=1)
    assert run.finish()[0] == -signal.SIGKILL
    applied.sb.faults.clear()
    leftover = applied.journal()["test_redirect_uri"]
    assert leftover in applied.only_app().oauth_settings["redirect_uris"]
    code, _, err = applied.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    assert_redirect_uris_as_upflow_needs(applied)
