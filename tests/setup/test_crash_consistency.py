"""Kill the run right after each Okta call of apply; the rerun converges, never a second app.

In-process: the sandbox applies the call, then drops the connection (the client never sees
the answer). Out of process: the sandbox SIGKILLs the `okta-wizard apply` subprocess right
after applying the call.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from tests.leakscan import find_leaks
from tests.setup.conftest import TEST_TOKEN, Org, assert_converged

Cap = pytest.CaptureFixture[str]
REPO = Path(__file__).resolve().parents[2]

# The calls of a fresh `apply --group Finance`, in order (pinned by the first test).
FRESH_APPLY_CALLS = [
    "GET /.well-known/okta-organization",
    "GET /api/v1/users/{id}",
    "GET /api/v1/apps",  # the label search: proves apps are readable, and finds none
    "GET /api/v1/groups",
    "GET /api/v1/users/{id}/roles",
    "GET /api/v1/groups",
    "POST /api/v1/apps",
    "PUT /api/v1/apps/{id}/groups/{gid}",
    "GET /.well-known/openid-configuration",
    "POST /oauth2/v1/introspect",
]


def _kill_points() -> list[tuple[str, int]]:
    seen: Counter[str] = Counter()
    points = []
    for key in FRESH_APPLY_CALLS:
        seen[key] += 1
        points.append((key, seen[key]))
    return points


def test_the_pinned_call_sequence_is_the_real_one(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--group", "Finance")[0] == ExitCode.OK
    assert [c.key for c in org.sb.calls] == FRESH_APPLY_CALLS


@pytest.mark.parametrize(("route", "nth"), _kill_points(), ids=lambda v: str(v))
def test_connection_lost_after_each_call_then_rerun_converges(
    org: Org, capsys: Cap, route: str, nth: int
) -> None:
    org.sb.faults.add(route, drop="after", nth=nth)
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code in (ExitCode.OK, ExitCode.UNAVAILABLE), err
    assert len(org.apps()) <= 1
    org.sb.faults.clear()
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    assert_converged(org)
    assert find_leaks([*org.secret_values(), TEST_TOKEN], texts=org.outputs) == []


def _apply_subprocess(org: Org, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "okta_wizard", "apply", "--org-url", org.url, "--group", "Finance"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("route", "nth"),
    [
        ("POST /api/v1/apps", 1),
        ("PUT /api/v1/apps/{id}/groups/{gid}", 1),
        ("GET /.well-known/openid-configuration", 1),
    ],
)
def test_sigkill_after_a_call_then_rerun_converges(org: Org, route: str, nth: int) -> None:
    proc = _apply_subprocess(org)
    org.sb.faults.add(route, kill_pid=proc.pid, nth=nth)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == -9, (out, err)
    org.sb.faults.clear()
    rerun = _apply_subprocess(org)
    out2, err2 = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err2
    assert_converged(org)
    texts = [out, err, out2, err2]
    assert find_leaks([*org.secret_values(), TEST_TOKEN], texts=texts, paths=[org.state_dir]) == []


@pytest.mark.slow
def test_keyring_refuses_the_secret_after_create(org: Org) -> None:
    """Exit 6, the secret not printed (non-interactive), the app id kept; the rerun recovers."""
    proc = _apply_subprocess(
        org, PYTHON_KEYRING_BACKEND="tests.setup.refusing_keyring_backend.RefusingKeyringBackend"
    )
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.NO_KEYRING, err
    app = org.only_app()
    assert "keyring refused" in err and app.id in err and "not interactive" in err
    journal = org.journal()
    assert journal["app_id"] == app.id and journal["steps"]["3"]["state"] == "failed"  # type: ignore[index]
    assert find_leaks([*org.secret_values(), TEST_TOKEN], texts=[out, err]) == []
    rerun = _apply_subprocess(org)
    _out2, err2 = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err2
    assert_converged(org)
    assert len(app.secrets) == 1, "read back from Okta, not re-created"
