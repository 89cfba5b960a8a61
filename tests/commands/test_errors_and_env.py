"""What apply says after an error, verify --fix without a terminal, OKTA_WIZARD_ORG_URL in every
command, and a PYTHON_KEYRING_BACKEND that cannot be loaded (sandbox, real HTTP)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from okta_wizard.cli import main
from okta_wizard.errors import ExitCode
from okta_wizard.setup import journal as journal_store
from tests.setup.conftest import TEST_TOKEN, Org

Cap = pytest.CaptureFixture[str]
REPO = Path(__file__).resolve().parents[2]
RESUME = "Run the same command again"


def test_no_resume_hint_when_a_rerun_cannot_help(org: Org, capsys: Cap) -> None:
    code, _, err = org.run(capsys, "apply", "--group", "Finanse")
    assert code == ExitCode.USAGE and "Finance" in err
    assert RESUME not in err, "a typo is fixed by the remedy, not by rerunning"
    org.sb.org.add_oidc_app("Upflow SSO", redirect_uris=("https://evil.example/cb",))
    code, _, err = org.run(capsys, "apply", "--everyone")
    assert code == ExitCode.USAGE and "--yes" in err
    assert RESUME not in err, "refused drift repair is not fixed by rerunning"


def test_done_list_names_only_what_this_run_did(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--group", "Finance")[0] == ExitCode.OK
    org.sb.faults.add("GET /api/v1/apps/{id}/groups", status=503)  # step 4
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.UNAVAILABLE
    assert RESUME in err, "Okta being down is fixed by rerunning later"
    assert "this run did: 1 Sign in to Okta, 2 Create App Integration, 3 Web App settings." in err
    assert "Assignments" not in err and "Credentials" not in err, err


def test_verify_fix_without_a_terminal_needs_yes(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    app = org.only_app()
    app.oauth_settings["post_logout_redirect_uris"] = ["https://elsewhere.example/"]
    before = len(org.sb.calls)
    code, _, err = org.run(capsys, "verify", "--fix")
    assert code == ExitCode.USAGE
    assert "--yes" in err and "without a terminal" in err and "Nothing was changed" in err
    assert not org.sb.calls[before:], "nothing sent"
    assert app.oauth_settings["post_logout_redirect_uris"] == ["https://elsewhere.example/"]


def test_every_command_reads_the_org_url_from_the_environment(
    org: Org, capsys: Cap, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    other = journal_store.Journal(org_url="https://other.okta.com", app_id="0oaOTHER")
    journal_store.save(other)
    monkeypatch.setenv("OKTA_WIZARD_ORG_URL", org.url)
    app_id = org.only_app().id
    for argv in (["status"], ["credentials"], ["verify"], ["plan", "--everyone"]):
        code = main(argv)
        out = capsys.readouterr()
        assert code == ExitCode.OK, (argv, out.err)
        assert app_id in out.out or "nothing" in out.out, (argv, out.out)
        assert "other.okta.com" not in out.out, argv
    # --org-url (before or after the command) wins over the environment.
    for argv in (
        ["status", "--org-url", "https://other.okta.com"],
        ["--org-url", "https://other.okta.com", "status"],
    ):
        assert main(argv) == ExitCode.OK
        out = capsys.readouterr().out
        assert "0oaOTHER" in out and app_id not in out, argv
    # A bad value in the environment is bad input, for every command.
    monkeypatch.setenv("OKTA_WIZARD_ORG_URL", "not a url")
    for argv in (["status"], ["credentials"], ["forget", "--yes"], ["verify"]):
        assert main(argv) == ExitCode.USAGE, argv
        assert "org URL" in capsys.readouterr().err
    monkeypatch.setenv("OKTA_WIZARD_ORG_URL", org.url)
    assert main(["forget", "--yes"]) == ExitCode.OK
    assert journal_store.load(org.url) is None and journal_store.load("https://other.okta.com")


def test_gateway_call_keys_are_method_then_route(org: Org, capsys: Cap) -> None:
    import json

    code, out, _ = org.run(capsys, "plan", "--everyone", "--json")
    assert code == ExitCode.OK
    keys = json.loads(out)["okta_calls"]
    assert "GET /.well-known/okta-organization" in keys
    assert all(re.fullmatch(r"(GET|POST|PUT|DELETE) /[^ ]*", k) for k in keys), keys


@pytest.mark.parametrize(
    "backend", ["no_such_package.Keyring", "keyring.backends.NoSuchBackend", "nodots"]
)
def test_unloadable_keyring_backend_is_exit_6_naming_the_variable(
    org: Org, backend: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "OKTA_API_TOKEN": TEST_TOKEN,
        "PYTHON_KEYRING_BACKEND": backend,
    }
    proc = subprocess.run(
        [sys.executable, "-m", "okta_wizard", "apply", "--org-url", org.url, "--everyone"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == ExitCode.NO_KEYRING, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "PYTHON_KEYRING_BACKEND" in proc.stderr and "Unset" in proc.stderr
    assert RESUME not in proc.stderr
    assert not org.apps() and not org.sb.mutating_calls()
