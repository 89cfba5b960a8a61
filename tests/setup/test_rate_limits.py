"""Okta's rate limits as a developer org counts them: what each command spends from the apps
family (every /api/v1/apps* route except exactly /api/v1/apps/{id}, 10 a minute), and what a
person sees and can do when Okta answers 429 anyway.

Budgets: a fresh `apply --group Finance` at most 3 apps-family calls, a rerun with nothing to
do at most 2, `verify` none (the journal's app is read by id, its own family), `plan` at most 1;
apply, verify, credentials, a rerun and plan in a row never meet a 429.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.orgurl import parse_org_url
from okta_wizard.sandbox.server import start_sandbox
from okta_wizard.secret import Secret
from okta_wizard.setup.engine import AssignmentChoice, RateLimitWait, Setup, SetupOptions
from okta_wizard.setup.models import ApiToken
from okta_wizard.vault import Vault
from tests.oauth.conftest import write_key
from tests.setup.conftest import TEST_TOKEN, Org, assert_converged

Cap = pytest.CaptureFixture[str]
REPO = Path(__file__).resolve().parents[2]
GROUP_PUT = "PUT /api/v1/apps/{id}/groups/{gid}"
WAIT_LINE = re.compile(
    r"Okta's rate limit for apps: waiting (\d+) s, until \d\d:\d\d:\d\d "
    r"\(Ctrl\+C stops here; the same command resumes\)"
)


@pytest.fixture
def developer_org(
    secret_service: None, _isolated_state: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Org]:
    """The end-to-end org with a developer org's limits, enforced (apps: 10 a minute)."""
    sb = start_sandbox(host="127.0.0.1", port=0, token=TEST_TOKEN, rate_limits="developer")
    monkeypatch.setenv("OKTA_API_TOKEN", TEST_TOKEN)
    try:
        yield Org(sb, _isolated_state)
    finally:
        sb.stop()


def _apps_calls(org: Org, capsys: Cap, *argv: str) -> tuple[int, dict[str, int]]:
    org.sb.state.calls.clear()
    code, _, err = org.run(capsys, *argv)
    assert code == ExitCode.OK, err
    return org.sb.calls_per_bucket().get("apps", 0), org.sb.calls_per_bucket()


def test_each_command_stays_within_its_apps_budget(developer_org: Org, capsys: Cap) -> None:
    org = developer_org
    fresh, _ = _apps_calls(org, capsys, "apply", "--group", "Finance")
    assert fresh <= 3, "search, create, assign"
    verify, buckets = _apps_calls(org, capsys, "verify")
    assert verify == 0 and buckets.get("app") == 1, "the journal's app, read by id"
    credentials, buckets = _apps_calls(org, capsys, "credentials")
    assert credentials == 0 and not buckets, "the journal and the keyring only"
    rerun, _ = _apps_calls(org, capsys, "apply", "--group", "Finance")
    assert rerun <= 2
    plan, _ = _apps_calls(org, capsys, "plan", "--group", "Finance")
    assert plan <= 1
    assert all(c.status != 429 for c in org.sb.calls)
    assert_converged(org)


def test_a_service_app_spends_no_more(org: Org, capsys: Cap, tmp_path: Path) -> None:
    """Its first Management API call is the label search, which also proves the credential."""
    gen = org.sb.oauth.register_generated()
    key = write_key(tmp_path, gen.private_key_pem.reveal(), "key.pem")
    argv = ("--client-id", gen.client_id, "--private-key", str(key), "--group", "Finance")
    fresh, _ = _apps_calls(org, capsys, "apply", *argv)
    rerun, _ = _apps_calls(org, capsys, "apply", *argv)
    assert fresh <= 3 and rerun <= 2


def test_a_search_moments_ago_is_not_repeated_before_the_create(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--no-assignment")[0] == ExitCode.OK
    searches = org.sb.calls_to("GET /api/v1/apps")
    assert len(searches) == 1 and "q=" in searches[0].query


async def test_a_wait_is_an_engine_event_then_the_run_goes_on(org: Org) -> None:
    org.sb.faults.add(GROUP_PUT, status=429, reset_in=1, nth=1)
    said: list[str] = []
    options = SetupOptions(
        org_url=parse_org_url(org.url),
        credential=ApiToken(Secret(TEST_TOKEN)),
        assignment=AssignmentChoice("groups", ("Finance",)),
    )
    async with Setup(options, on_progress=said.append) as setup:
        await setup.create_or_reuse(repair=False)
        await setup.assign(AssignmentChoice("groups", ("Finance",)))
    (wait,) = [s for s in said if isinstance(s, RateLimitWait)]
    assert wait.family == "apps" and 0 < wait.seconds <= 3
    assert wait.startswith("Okta's rate limit for apps: waiting ")
    assert f"until {wait.until:%H:%M:%S}" in wait
    assert set(org.only_app().assignments) == {org.group_id("Finance")}


def test_headless_runs_print_the_wait_on_stderr(org: Org, capsys: Cap) -> None:
    org.sb.faults.add(GROUP_PUT, status=429, reset_in=1, nth=1)
    code, out, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    assert WAIT_LINE.search(err), err
    assert "rate limit" not in out
    assert_converged(org)


def _apply_process(org: Org) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "okta_wizard", "apply", "--org-url", org.url, "--group", "Finance"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("route", ["POST /api/v1/apps", GROUP_PUT])
def test_ctrl_c_during_the_wait_leaves_nothing_half_done(org: Org, capsys: Cap, route: str) -> None:
    """SIGINT while waiting for a 429 reset: exit 130, the journal says what exists, the lock
    is free, and the same command converges."""
    org.sb.faults.add(route, status=429, reset_in=60, nth=1)
    proc = _apply_process(org)
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if WAIT_LINE.search(line):
            proc.send_signal(signal.SIGINT)
            break
    rest = proc.communicate(timeout=30)[1]
    err = "".join(seen) + rest
    assert proc.returncode == 130, err
    assert "interrupted; run the same command again to resume" in err
    assert len(org.sb.calls_to(route)) == 1, "nothing was sent after the 429"
    if route == "POST /api/v1/apps":  # before any change: nothing in Okta, nothing saved
        assert org.apps() == [] and not list(org.state_dir.glob("*.json"))
    else:  # the app exists, its secret is in the keyring, the journal says so
        app = org.only_app()
        journal = org.journal()
        assert journal["app_id"] == app.id
        assert {n: s["state"] for n, s in journal["steps"].items()} == {  # type: ignore[attr-defined]
            "1": "done",
            "2": "done",
            "3": "done",
        }
        assert Vault().load_client_secret(org.url, app.id) is not None
        done = "this run did: 1 Sign in to Okta, 2 Create App Integration, 3 Web App settings."
        assert f"{done} App {app.id} exists." in err
        assert not app.assignments
    org.sb.faults.clear()
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    assert_converged(org)


async def test_a_look_older_than_a_minute_is_made_again(org: Org) -> None:
    """A person who paused on a screen gets a fresh look: step 2, and the create's own."""
    now = [1000.0]
    options = SetupOptions(org_url=parse_org_url(org.url), credential=ApiToken(Secret(TEST_TOKEN)))

    def searches() -> int:
        return len(org.sb.calls_to("GET /api/v1/apps"))

    async with Setup(options) as setup:
        setup.clock = lambda: now[0]
        await setup.connect()
        assert searches() == 1
        now[0] += 61
        assert await setup.find_existing() is None
        assert searches() == 2
        now[0] += 61
        await setup.create_or_reuse(repair=False)
        assert searches() == 3, "the create searched again before its POST"
    assert len(org.apps()) == 1
