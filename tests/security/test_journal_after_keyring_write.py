"""The journal says the secret is stored only after the keyring took it.

Step 3's record (done, the secret's fingerprint, the backend that holds it) is written after a
successful keyring write, never before it and never without it. End-to-end tests cannot see
the difference on their own: a later run reads the secret back from Okta and converges either
way. So these tests look at the journal itself, right after the keyring failed:
- refused (a real Secret Service that takes the preflight probe, then refuses the secret), on
  a fresh app and on the recovery path (the keyring lost the secret, Okta still has it);
- killed in the middle of the write (SIGKILL from inside the keyring call), out of process.
Each time the journal must show the secret as not stored: step 3 not done, no fingerprint, no
backend.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.okta.credentials import ApiToken
from okta_wizard.orgurl import parse_org_url
from okta_wizard.secret import Secret
from okta_wizard.setup.engine import AssignmentChoice, SecretNotStored, Setup, SetupOptions
from okta_wizard.vault import Vault
from tests.setup.conftest import TEST_TOKEN, Org, assert_converged
from tests.setup.refusing_keyring import RefusingKeyring

Cap = pytest.CaptureFixture[str]
REPO = Path(__file__).resolve().parents[2]
BACKENDS = "tests.setup.refusing_keyring_backend"


def _options(org: Org) -> SetupOptions:
    return SetupOptions(
        org_url=parse_org_url(org.url),
        credential=ApiToken(Secret(TEST_TOKEN)),
        assignment=AssignmentChoice("everyone"),
    )


def assert_secret_not_recorded(journal: dict[str, object]) -> None:
    steps = journal["steps"]
    assert isinstance(steps, dict)
    assert steps.get("3", {}).get("state") != "done", steps
    assert journal.get("secret_fingerprint") is None, "a fingerprint of a secret nobody holds"
    assert journal.get("secret_stored_in") is None, "names a keyring that does not hold it"


def _create_or_reuse(org: Org, vault: Vault) -> SecretNotStored | None:
    """Steps 1 to 3 in the engine with `vault`; the refusal, if any."""

    async def steps() -> None:
        async with Setup(_options(org), vault=vault) as setup:
            await setup.connect()
            await setup.create_or_reuse(repair=False)

    try:
        asyncio.run(steps())
    except SecretNotStored as refused:
        return refused
    return None


def test_refused_write_of_a_new_apps_secret_leaves_it_recorded_as_not_stored(org: Org) -> None:
    assert _create_or_reuse(org, Vault(backend=RefusingKeyring())) is not None
    app = org.only_app()
    journal = org.journal()
    assert journal["app_id"] == app.id, "the app id is kept, so the rerun makes no second app"
    assert journal["steps"]["3"]["state"] == "failed"  # type: ignore[index]
    assert_secret_not_recorded(journal)
    assert Vault().load_client_secret(org.url, app.id) is None


def test_refused_write_on_recovery_clears_the_earlier_runs_record(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    app = org.only_app()
    assert org.journal()["secret_stored_in"] == "GNOME Keyring (Secret Service)"
    assert Vault().delete_client_secret(org.url, app.id)  # lost (another machine, a reset)
    # The engine reads the secret back from Okta and cannot store it.
    assert _create_or_reuse(org, Vault(backend=RefusingKeyring())) is not None
    assert_secret_not_recorded(org.journal())
    assert len(org.apps()) == 1


def _apply(org: Org, backend: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHON_KEYRING_BACKEND": backend}
    argv = [sys.executable, "-m", "okta_wizard", "apply", "--org-url", org.url, "--everyone"]
    return subprocess.run(
        argv,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refusal_out_of_process_is_exit_6_and_the_journal_says_not_stored(org: Org) -> None:
    done = _apply(org, f"{BACKENDS}.RefusingKeyringBackend")
    assert done.returncode == ExitCode.NO_KEYRING, done.stderr
    assert "Traceback" not in done.stderr
    assert_secret_not_recorded(org.journal())


@pytest.mark.slow
def test_killed_during_the_keyring_write_leaves_no_record_of_a_stored_secret(
    org: Org, capsys: Cap
) -> None:
    done = _apply(org, f"{BACKENDS}.DyingKeyringBackend")
    assert done.returncode == -9, done.stderr
    assert len(org.apps()) == 1, "Okta created the app; the keyring write never finished"
    saved = list(org.state_dir.glob("*.json"))
    if saved:  # a journal written before the write must not claim the secret
        assert_secret_not_recorded(json.loads(saved[0].read_text()))
    # The rerun (real keyring) reads the secret back from Okta: no second app.
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    assert_converged(org, groups=("Everyone",))
    assert org.journal()["secret_stored_in"] == "GNOME Keyring (Secret Service)"
