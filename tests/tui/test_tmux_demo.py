"""`okta-wizard demo` in a real terminal (tmux 120x36): walk the six steps with send-keys and
read the screen with capture-pane, as a person would. Bounded waits; the session always dies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.demo_terminal import DemoTerminal, demo_terminal, walk_to_credentials
from tests.leakscan import find_leaks
from tests.terminals import needs_tmux

pytestmark = [pytest.mark.tmux, needs_tmux]


@pytest.fixture
def terminal(tmp_path: Path, secret_service: None) -> Iterator[DemoTerminal]:
    with demo_terminal(tmp_path) as term:
        term.start()
        yield term


def test_demo_walks_six_steps_in_a_real_terminal(terminal: DemoTerminal, tmp_path: Path) -> None:
    terminal.wait_for("Step 1 of 6")  # drawn while the sandbox starts, then filled in:
    first = terminal.wait_for("✔ http://127.0.0.1:")
    assert "SANDBOX" in first and "keyring:" in first
    # The demo's token (random for the run) is shown in the help screen alone.
    help_started = len(terminal.captured)
    terminal.keys("F1")
    terminal.wait_for("Sandbox (this demo run)")
    sandbox_token = terminal.wait_match(r"API token\s+(00\S+)").group(1)
    assert sandbox_token not in first
    terminal.keys("Escape")
    terminal.tmux.wait_until(lambda shown: sandbox_token not in shown, "the help screen closed")
    help_window = range(help_started, len(terminal.captured))
    walk_to_credentials(terminal)
    masked = terminal.screen()
    reveal_started = len(terminal.captured)
    terminal.keys("r")  # reveal, for a few seconds
    secret = terminal.wait_match(r"Client secret: ([^\s•]{32,})")
    assert secret.group(1) not in masked
    terminal.keys("h")  # hide it again at once
    terminal.wait_for("Client secret: ••")
    reveal_window = range(reveal_started, len(terminal.captured))
    terminal.keys("Tab", "Enter")  # Continue, first in the action bar
    terminal.wait_for("Step 6 of 6")
    terminal.keys("Enter")  # email domain prefilled from the admin's email -> create the link
    terminal.wait_for("One-time link created")
    shown = terminal.wait_for("⚠")  # the link-preview warning, scrolled into view
    assert secret.group(1) not in shown and "/secrets/?" not in shown
    terminal.keys("C-q")
    terminal.wait_for("Quit the demo?")
    terminal.keys("y")
    terminal.wait_for("sandbox stopped", history=True)
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
