"""`okta-wizard demo` with a real Secret Service: the sandbox app's client secret goes to the
login keyring while the demo runs, and no okta-wizard entry is left there however the demo
ends (ctrl+q, Ctrl+C, SIGTERM, SIGHUP, the terminal closed). Its closing lines say exactly
what was kept on disk and what left the keyring; nothing goes to TMPDIR. Another local user
cannot use the demo's sandbox: it accepts no documented token and has no control API."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.demo_terminal import (
    DemoTerminal,
    demo_terminal,
    okta_wizard_keyring_items,
    walk_to_credentials,
)
from tests.leakscan import find_leaks
from tests.terminals import WAIT, needs_tmux, wait_gone

SYSTEM_PYTHON = "/usr/bin/python3"  # path-ok: for a process run as another user

pytestmark = [pytest.mark.tmux, needs_tmux]
# What main's demo accepted: once documented, it let any local user read the demo's secret.
OLD_DEMO_TOKEN = "00sandbox-okta-wizard-demo-token-NOT-A-SECRET"
KEPT = re.compile(r"Kept in (\S+): (.+?)\.\n")


@pytest.fixture
def term(tmp_path: Path, secret_service: None) -> Iterator[DemoTerminal]:
    with demo_terminal(tmp_path) as terminal:
        yield terminal


@pytest.fixture
def before(secret_service: None) -> list[str]:
    """The okta-wizard entries the keyring held before the demo (other tests' orgs)."""
    return _entries()


def _entries() -> list[str]:
    return sorted(i.get("username", "") for i in okta_wizard_keyring_items())


def _kept_names(closing: str) -> list[str]:
    """The file names the closing line lists (each in parentheses)."""
    found = KEPT.search(closing)
    if found is None:
        return []
    return sorted(re.findall(r"\(([^,()]+)(?:, no secret values)?\)", found.group(2)))


def _assert_clean(term: DemoTerminal, username: str, before: list[str]) -> None:
    assert username not in _entries()
    assert _entries() == before, "the demo left no okta-wizard entry of its own"
    assert list(term.tmp.iterdir()) == []  # no okta-wizard-demo-* temporary folder


def _step_5(term: DemoTerminal) -> tuple[str, str]:
    """Walk to step 5; returns (keyring username of the secret, the secret itself)."""
    term.start()
    walk_to_credentials(term)
    journal = term.journal()
    username = f"{journal['org_url']}/{journal['client_id']}"
    held = [i for i in okta_wizard_keyring_items() if i.get("username") == username]
    assert held, "while the demo runs, the secret is in the login keyring"
    import keyring

    secret = keyring.get_password("okta-wizard", username)
    assert secret
    return username, secret


@pytest.mark.parametrize("how", ["quit", "SIGTERM", "SIGHUP", "SIGINT"])
def test_no_keyring_entry_is_left_and_the_closing_line_is_true(
    term: DemoTerminal, before: list[str], how: str
) -> None:
    username, secret = _step_5(term)
    if how == "quit":
        term.keys("C-q")
        term.wait_for("Quit the demo?")
        term.keys("y")
    else:
        os.kill(term.demo_pid(), getattr(signal, how))
    code = term.exit_code()
    closing = term.screen(history=True)
    assert code == (0 if how == "quit" else 128 + getattr(signal, how))
    _assert_clean(term, username, before)
    assert f"Keyring: removed the entry this demo held: {username} (client secret)." in closing
    assert f"Kept in {term.folder}: " in closing
    assert _kept_names(closing) == term.files()
    assert "sandbox-org.json" in term.files() and "nothing was kept" not in closing.lower()
    assert find_leaks([secret], texts=[closing], paths=[term.state]) == []


def test_closing_the_terminal_cleans_up_too(term: DemoTerminal, before: list[str]) -> None:
    """A real hang-up: the pane (and its terminal) goes away under the running demo."""
    username, _secret = _step_5(term)
    pid = term.demo_pid()
    term.tmux.close_pane()
    wait_gone(pid, within=WAIT)  # else the demo outlived its terminal
    _assert_clean(term, username, before)
    assert ".demo.lock" not in term.files()  # it ended through its cleanup, not a crash
    assert "sandbox-org.json" in term.files()


def test_nothing_kept_when_nothing_was_made(term: DemoTerminal, before: list[str]) -> None:
    term.start()
    term.wait_for("Step 1 of 6")
    term.keys("C-q")
    assert term.exit_code() == 0
    closing = term.screen(history=True)
    assert "Nothing was kept on disk." in closing
    assert "Keyring: the demo left no entry in it." in closing
    assert not term.folder.exists()
    assert _entries() == before


def _as_nobody(url: str, token: str) -> int:
    """An HTTP GET as another local user (uid 65534); returns the status."""
    script = (
        "import sys, urllib.request, urllib.error\n"
        "req = urllib.request.Request(sys.argv[1], headers={'Authorization': sys.argv[2]})\n"
        "try:\n    print(urllib.request.urlopen(req, timeout=20).status)\n"
        "except urllib.error.HTTPError as e:\n    print(e.code)\n"
    )
    python = SYSTEM_PYTHON if os.path.exists(SYSTEM_PYTHON) else "python3"
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    done = subprocess.run(
        [*as_nobody, python, "-I", "-c", script, url, token],
        capture_output=True,
        text=True,
        timeout=WAIT,
        cwd="/",
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


def test_another_local_user_cannot_read_the_demo_secret(term: DemoTerminal) -> None:
    """The finding: with the documented demo token, uid 65534 read the demo app's secret."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to act as another local user (uid 65534)")
    term.start()
    first = term.wait_for("Step 1 of 6")
    journal_free = term.files()
    walk_to_credentials(term)
    journal = term.journal()
    base, app_id = journal["org_url"], journal["app_id"]
    secrets = f"{base}/api/v1/apps/{app_id}/credentials/secrets"
    assert _as_nobody(secrets, f"SSWS {OLD_DEMO_TOKEN}") == 401
    assert _as_nobody(f"{base}/__sandbox/state", "") == 404  # no control API in the demo
    assert httpx.get(f"{base}/__sandbox/faults").status_code == 404
    # The token is shown in the help screen only: not on the step screens, not in argv.
    term.keys("F1")
    term.wait_for("Sandbox (this demo run)")
    token = term.wait_match(r"API token\s+(00\S+)")
    term.keys("Escape")
    with open(f"/proc/{term.demo_pid()}/cmdline", "rb") as cmdline:
        assert token.group(1).encode() not in cmdline.read()
    assert token.group(1) not in first and token.group(1) != OLD_DEMO_TOKEN
    assert _as_nobody(secrets, f"SSWS {token.group(1)}") == 200  # the token is what guards it
    assert find_leaks([token.group(1)], paths=[term.state]) == []
    assert journal_free == [".demo.lock"]
