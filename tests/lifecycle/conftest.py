"""After the hand-off: rotation, removal and activity, end to end against the sandbox org over
real HTTP and the real Secret Service (the `org` fixture of tests/setup/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.sandbox.org import SandboxApp, SandboxSecret, new_secret
from okta_wizard.sandbox.privatebin import pastes_of
from okta_wizard.vault import Vault
from tests.leakscan import keyring_files
from tests.setup.conftest import TEST_TOKEN, Org
from tests.setup.conftest import org as org  # the end-to-end fixture

Cap = pytest.CaptureFixture[str]
REPO = Path(__file__).resolve().parents[2]


def send_args(org: Org) -> list[str]:
    """The hand-off to the sandbox's own secrets server; the link in the JSON (no terminal)."""
    return ["--secrets-url", org.sb.secrets_url, "--json", "--reveal"]


def applied(org: Org, capsys: Cap, *extra: str) -> SandboxApp:
    code, _, err = org.run(capsys, "apply", "--everyone", *extra)
    assert code == ExitCode.OK, err
    app: SandboxApp = org.only_app()
    return app


def add_secret(app: SandboxApp, status: str) -> SandboxSecret:
    """A secret made behind the wizard's back (in the Admin Console, say)."""
    secret = new_secret()
    secret.status = status
    app.secrets.append(secret)
    return secret


def keyring(org: Org, app: SandboxApp) -> tuple[str | None, str | None]:
    """(main entry, previous entry) of the app's client secret, as values."""
    vault = Vault()
    main = vault.load_client_secret(org.url, app.id)
    previous = vault.load_previous_client_secret(org.url, app.id)
    return (main.reveal() if main else None, previous.reveal() if previous else None)


def live_pastes(org: Org) -> list[str]:
    return list(pastes_of(org.sb.state).pastes)


def wizard(org: Org, *argv: str, **env: str) -> subprocess.Popen[str]:
    """`okta-wizard <argv> --org-url <sandbox>` in a subprocess (no terminal)."""
    return subprocess.Popen(
        [sys.executable, "-m", "okta_wizard", argv[0], "--org-url", org.url, *argv[1:]],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "OKTA_API_TOKEN": TEST_TOKEN, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def written(org: Org) -> list[Path]:
    """Everything these commands may write to: the state folder, keyring's data folder (where
    keyrings.alt keeps its files) and the Secret Service's (gnome-keyring's, this session's)."""
    data_home = os.environ.get("XDG_DATA_HOME")
    keyrings = [Path(data_home) / "keyrings"] if data_home else []
    return [org.state_dir, *keyring_files(), *(p for p in keyrings if p.exists())]


def okta_changes(org: Org) -> list[str]:
    """The calls that changed the Okta org so far."""
    return [c.key for c in org.sb.mutating_calls()]
