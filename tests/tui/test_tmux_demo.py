"""`okta-wizard demo` in a real terminal (tmux 120x36): walk the six steps with send-keys and
read the screen with capture-pane, as a person would. Bounded waits; the session always dies."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.leakscan import find_leaks

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
REPO = Path(__file__).resolve().parents[2]
OKTA_WIZARD = f"{sys.executable} -m okta_wizard"  # what the okta-wizard script runs


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.captured: list[str] = []  # every pane capture, for the leak scan

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        return done.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "demo", key)
            time.sleep(0.15)

    def screen(self, history: bool = False) -> str:
        extra = ["-S", "-"] if history else []
        shown = self.tmux("capture-pane", "-p", "-t", "demo", *extra)
        self.captured.append(shown)
        return shown

    def wait_for(self, text: str, within: float = 20.0) -> str:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")


@pytest.fixture
def terminal(tmp_path: Path, secret_service: None) -> Iterator[Terminal]:
    socket = f"okta-wizard-test-{os.getpid()}"
    term = Terminal(socket)
    # Textual sizes itself from COLUMNS/LINES when set; pytest may have set them.
    env = f"-u COLUMNS -u LINES OKTA_WIZARD_STATE_DIR={tmp_path / 'state'} TERM=xterm-256color"
    term.tmux(
        "-f", "/dev/null", "new-session", "-d", "-s", "demo", "-x", "120", "-y", "36",
        "-c", str(REPO),
        f"env {env} {OKTA_WIZARD} demo",
    )  # fmt: skip
    term.tmux("set-option", "-t", "demo", "remain-on-exit", "on")
    term.tmux("set-option", "-t", "demo", "window-size", "manual")
    term.tmux("resize-window", "-t", "demo", "-x", "120", "-y", "36")
    try:
        yield term
    finally:
        term.tmux("kill-server")


def test_demo_walks_six_steps_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    first = terminal.wait_for("Step 1 of 6")
    assert "SANDBOX" in first and "keyring:" in first
    # The demo's token (random for the run) is shown in the help screen alone.
    help_started = len(terminal.captured)
    terminal.keys("F1")
    token = re.search(r"API token\s+(00\S+)", terminal.wait_for("Sandbox (this demo run)"))
    assert token is not None
    terminal.keys("Escape")
    help_window = range(help_started, len(terminal.captured))
    sandbox_token = token.group(1)
    assert sandbox_token not in first
    terminal.keys("Enter")  # org URL (prefilled) -> token field
    terminal.keys("Enter")  # token (prefilled, masked) -> check the connection
    terminal.wait_for("Connected: all checks passed")
    terminal.keys("Enter")  # Continue
    terminal.wait_for("No existing app found")
    terminal.keys("Enter")  # Continue
    terminal.wait_for("Step 3 of 6")
    terminal.keys("Enter")  # Create app
    terminal.wait_for("is stored in GNOME Keyring")
    terminal.keys("Enter")  # Continue
    terminal.wait_for("Step 4 of 6")
    terminal.keys("Tab", "Enter")  # Everyone -> Assign
    terminal.wait_for("Assigned to: Everyone")
    terminal.keys("Enter")  # Continue
    terminal.wait_for("All verification checks passed")
    masked = terminal.screen()
    reveal_started = len(terminal.captured)
    terminal.keys("r")  # reveal, for a few seconds
    revealed = terminal.wait_for("Client secret: ")
    secret = re.search(r"Client secret: (\S{32,})", revealed)
    assert secret is not None and "•" not in secret.group(1), revealed
    assert secret.group(1) not in masked
    terminal.keys("h")  # hide it again at once
    terminal.wait_for("Client secret: ••")
    reveal_window = range(reveal_started, len(terminal.captured))
    terminal.keys("Tab", "Enter")  # Continue, first in the action bar
    terminal.wait_for("Step 6 of 6")
    terminal.keys("Enter")  # email domain prefilled from the admin's email -> create the link
    terminal.wait_for("One-time link created", within=30)
    shown = terminal.wait_for("⚠", within=10)  # the link-preview warning, scrolled into view
    assert secret.group(1) not in shown and "/secrets/?" not in shown
    terminal.keys("C-q")
    terminal.wait_for("Quit the demo?")
    terminal.keys("y")
    terminal.wait_for("sandbox stopped", within=15)
    after = terminal.screen(history=True)
    # Textual ran on the alternate screen: nothing of the session stays in the scrollback.
    assert secret.group(1) not in after and sandbox_token not in after
    assert "Step 5 of 6" not in after
    # Leak scan: every capture except the few taken while the secret was revealed on purpose
    # (r ... h), and every file the run wrote (saved progress, the receipt).
    shown_on_purpose = [*reveal_window, *help_window]
    panes = [p for i, p in enumerate(terminal.captured) if i not in shown_on_purpose]
    assert any("Client secret: ••" in p for p in panes), "the scan covers the masked screens"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written, "the run saved progress and a receipt"
    assert find_leaks([secret.group(1), sandbox_token], texts=panes, paths=[tmp_path]) == []
