"""What happens only on a terminal, driven through a real pseudo-terminal (pty).

The alternate-screen view when the keyring refuses the secret, `credentials --copy` (OSC 52,
then cleared), and `apply --send` (the one-time link shown only on the terminal).
"""

from __future__ import annotations

import base64
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.vault import Vault
from tests.handoff.links import LINK_RE, pbincli_read
from tests.leakscan import find_leaks
from tests.osc52 import plain_terminal_env
from tests.setup.conftest import TEST_TOKEN, Org

REPO = Path(__file__).resolve().parents[2]


def run_in_pty(argv: list[str], *, answer: bytes = b"", **env: str) -> tuple[int, str]:
    """Run okta-wizard with stdin and stdout on a pty; press Enter once output goes quiet."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "okta_wizard", *argv],
        cwd=REPO,
        env={**plain_terminal_env(), "PYTHONPATH": str(REPO), "TERM": "xterm", **env},
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 60
    answered = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.3)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
        elif answer and not answered and chunks:
            os.write(master, answer)
            answered = True
    proc.wait(timeout=30)
    os.close(master)
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    return proc.returncode, b"".join(chunks).decode(errors="replace") + "\n--stderr--\n" + err


@pytest.mark.slow
def test_keyring_refusal_shows_the_secret_once_on_the_alternate_screen(org: Org) -> None:
    code, screen = run_in_pty(
        ["apply", "--org-url", org.url, "--everyone"],
        answer=b"\r",
        PYTHON_KEYRING_BACKEND="tests.setup.refusing_keyring_backend.RefusingKeyringBackend",
    )
    assert code == ExitCode.NO_KEYRING, screen
    secret = org.only_app().secrets[0].value
    enter, leave = screen.index("\x1b[?1049h"), screen.index("\x1b[?1049l")
    assert enter < screen.index(secret) < leave, "shown only inside the alternate screen"
    assert screen.count(secret) == 1
    assert secret not in screen[leave:] and secret not in screen[:enter]


@pytest.mark.slow
def test_credentials_copy_uses_osc52_then_clears(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    app = org.only_app()
    code, screen = run_in_pty(
        ["credentials", "--org-url", org.url, "--copy"], OKTA_WIZARD_CLIPBOARD_SECONDS="0.3"
    )
    assert code == ExitCode.OK, screen
    encoded = base64.b64encode(app.secrets[0].value.encode()).decode()
    copy, clear = screen.index(f"\x1b]52;c;{encoded}\x07"), screen.index("\x1b]52;c;!\x07")
    assert copy < clear and "Asked the terminal to clear its clipboard (OSC 52)." in screen
    assert app.secrets[0].value not in screen, "masked on screen; only the terminal copies it"


@pytest.mark.slow
def test_apply_send_makes_a_one_time_link_that_decrypts(org: Org) -> None:
    code, screen = run_in_pty(
        [
            *("apply", "--org-url", org.url, "--group", "Finance", "--send"),
            *("--secrets-url", org.sb.secrets_url, "--expire", "1day"),
        ],
        answer=b"\r",
        OKTA_API_TOKEN=TEST_TOKEN,
    )
    assert code == ExitCode.OK, screen
    app = org.only_app()
    match = LINK_RE.search(screen)
    assert match, screen
    _, paste_id, key = match.groups()
    # The link only on the alternate screen (gone from the scrollback after Enter), with the
    # link-preview warning; the normal screen gets a summary without the key.
    alt_on, alt_off = screen.index("\x1b[?1049h"), screen.index("\x1b[?1049l")
    assert alt_on < match.start() < alt_off and screen.count(key) == 1
    assert "Slack, Teams" in screen[alt_on:alt_off] and "send --revoke" in screen[alt_on:alt_off]
    normal = screen[alt_off:]
    assert f"paste id {paste_id}" in normal and "burn after reading: yes" in normal
    assert "expires 20" in normal and "(1day)" in normal
    # Journal and receipt: link metadata only.
    journal = org.journal()
    assert journal["link"]["paste_id"] == paste_id  # type: ignore[index]
    assert journal["steps"]["6"]["state"] == "done"  # type: ignore[index]
    receipt = next(org.state_dir.glob("*.receipt.json"))
    assert json.loads(receipt.read_text())["client_id"] == app.id
    secrets = [app.secrets[0].value, TEST_TOKEN, key]
    assert find_leaks(secrets, paths=[org.state_dir]) == []
    assert Vault().load_delete_token(org.url, paste_id) is not None
    # An independent implementation (pbincli) decrypts what Upflow will read.
    text = pbincli_read(match.group(0))
    assert app.id in text and app.secrets[0].value in text and org.url in text
