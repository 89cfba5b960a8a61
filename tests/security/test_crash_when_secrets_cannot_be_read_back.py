"""Killed right after Okta created the app, in an org where the secret cannot be read back.

The client secret must be in the keyring before the next Okta call: the rule that makes a
crash after the create harmless. The other crash tests cannot see a keyring write that comes
later, because their rerun reads the secret back from `credentials/secrets` and converges
anyway. Here the sandbox refuses that read-back (403, or a 5xx outage) on the rerun, so the
rerun completes only if the killed run had already stored the secret.

The kill is real: `okta-wizard apply` runs as its own process, and the sandbox SIGKILLs it
once it has applied the first call after the create (the create's answer has arrived).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.okta import retry
from okta_wizard.sandbox.faults import SECRETS_READ_BACK
from okta_wizard.vault import Vault
from tests.leakscan import find_leaks
from tests.setup import conftest as e2e
from tests.setup.conftest import TEST_TOKEN, Org

org = e2e.org  # the end-to-end fixture: the sandbox org over HTTP, the real Secret Service
Cap = pytest.CaptureFixture[str]
REPO = Path(__file__).resolve().parents[2]
CREATE = "POST /api/v1/apps"

# The first Okta call after the create, for each way of answering step 4.
FLOWS = {
    "group": (("--group", "Finance"), "PUT /api/v1/apps/{id}/groups/{gid}", ("Finance",)),
    "no-assignment": (("--no-assignment",), "GET /.well-known/openid-configuration", ()),
}


def apply_process(org: Org, *assignment: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "okta_wizard", "apply", "--org-url", org.url, *assignment],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def keyring_secret(org: Org, app_id: str) -> str | None:
    stored = Vault().load_client_secret(org.url, app_id)
    return stored.reveal() if stored is not None else None


def assert_resumed(org: Org, groups: tuple[str, ...]) -> None:
    """One active app with its one secret, that secret in the keyring, the steps done."""
    app = org.only_app()
    assert app.status == "ACTIVE"
    assert [s.value for s in app.secrets] == [keyring_secret(org, app.id)], "no second secret"
    assert set(app.assignments) == {org.group_id(g) for g in groups}
    steps = org.journal()["steps"]
    assert isinstance(steps, dict)
    states = {n: steps[n]["state"] for n in ("1", "2", "3", "4", "5")}
    assert states == {"1": "done", "2": "done", "3": "done", "5": "done"} | {
        "4": "done" if groups else "skipped"
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    ("flow", "status"), [("group", 403), ("group", 503), ("no-assignment", 403)]
)
def test_killed_after_the_create_the_rerun_needs_no_read_back(
    org: Org, flow: str, status: int
) -> None:
    assignment, next_call, groups = FLOWS[flow]
    killed = apply_process(org, *assignment)
    org.sb.faults.add(next_call, kill_pid=killed.pid, nth=1)
    out, err = killed.communicate(timeout=60)
    assert killed.returncode == -9, (out, err)
    keys = [c.key for c in org.sb.calls]
    assert keys[-2:] == [CREATE, next_call], "killed at the first call after the create"
    app = org.only_app()
    assert keyring_secret(org, app.id) == app.secrets[0].value, (
        "the secret was not in the keyring when the next Okta call was made"
    )

    org.sb.faults.clear()
    read_back = org.sb.faults.add(SECRETS_READ_BACK, status=status)
    rerun = apply_process(org, *assignment)
    out2, err2 = rerun.communicate(timeout=90)
    assert rerun.returncode == 0, err2
    assert read_back.seen == 0, "the rerun found the secret in the keyring"
    assert_resumed(org, groups)
    texts = [out, err, out2, err2]
    assert find_leaks([*org.secret_values(), TEST_TOKEN], texts=texts, paths=[org.state_dir]) == []


@pytest.fixture
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The retry policy unchanged, its waits shortened: a 5xx outage ends in milliseconds."""
    monkeypatch.setattr(retry, "_BACKOFF_S", (0.01,) * len(retry._BACKOFF_S))


@pytest.mark.parametrize(("status", "exit_code"), [(403, 4), (503, 5)])
def test_the_fault_bites_a_rerun_that_lost_the_secret(
    org: Org, capsys: Cap, quick_backoff: None, status: int, exit_code: int
) -> None:
    """Without the keyring's copy, the same rerun cannot finish: the test above would fail
    if the killed run had not stored the secret. Nothing is minted to paper over it."""
    assert org.run(capsys, "apply", "--group", "Finance")[0] == ExitCode.OK
    app = org.only_app()
    Vault().delete_client_secret(org.url, app.id)
    read_back = org.sb.faults.add(SECRETS_READ_BACK, status=status)
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == exit_code, err
    assert read_back.fired >= 1
    assert keyring_secret(org, app.id) is None
    assert len(app.secrets) == 1, "no new secret created behind the admin's back"
    # The read-back is the secret's list and a single secret by id.
    assert org.sb.faults.active()[0].matches("GET /api/v1/apps/{id}/credentials/secrets/{sid}")
