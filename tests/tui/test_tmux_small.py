"""`okta-wizard demo` in a real terminal of the smallest usual size, 80x24 (tmux): at each step
the control that has the focus is on screen with its label, and the step's primary action is
visible without scrolling. Quit at step 4, run the demo again, resume: it lands on step 4
with steps 1-3 reconciled with the sandbox org (the same app, no second one)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.demo_terminal import DemoTerminal, demo_terminal
from tests.terminals import needs_tmux

pytestmark = [pytest.mark.tmux, needs_tmux]
SMALL = (80, 24)


@pytest.fixture
def term(tmp_path: Path, secret_service: None) -> Iterator[DemoTerminal]:
    with demo_terminal(tmp_path, size=SMALL) as terminal:
        yield terminal


def on_screen(term: DemoTerminal, *labels: str) -> str:
    """The visible 80x24 screen (no scrollback) once every label is on it."""
    shown = term.tmux.wait_until(
        lambda text: all(label in text for label in labels), " and ".join(map(repr, labels))
    )
    lines = shown.splitlines()
    assert len(lines) <= SMALL[1] and all(len(line) <= SMALL[0] for line in lines), shown
    return shown


def upflow_apps(term: DemoTerminal) -> list[str]:
    org: dict[str, Any] = json.loads((term.folder / "sandbox-org.json").read_text())
    return [a["id"] for a in org["org"]["apps"] if a["label"] == "Upflow SSO"]


def test_every_step_at_80x24_shows_its_focus_and_its_action(term: DemoTerminal) -> None:
    term.start()
    # Step 1: the org URL field has the focus; Check connection is in the action bar.
    on_screen(term, "Step 1 of 6", "Org URL", "Check connection")
    term.tmux.wait_for("✔ http://127.0.0.1:")  # the sandbox answers: URL and token filled in
    term.keys("Enter")  # -> the token field
    on_screen(term, "API token (the demo's own", "Check connection")
    term.keys("Enter")  # check
    shown = on_screen(term, "Connected: all checks passed", "Continue ▶")
    assert "PASS may create OIDC apps" in shown  # the results scrolled into view
    term.keys("Enter")  # Continue (it has the focus)
    # Step 2: the existing-app answer and Continue, focused.
    on_screen(term, "Step 2 of 6", "No app labelled", "Continue ▶")
    term.keys("Enter")
    # Step 3: "Create app" has the focus and is on screen before Enter writes to Okta.
    on_screen(term, "Step 3 of 6", "Create app", "Continue ▶")
    term.keys("Enter")
    shown = on_screen(term, "is stored in the keyring", "Continue ▶")
    assert "Created “Upflow SSO”" in shown  # the result, not scrolled away
    term.keys("Enter")
    # Step 4: the assignment choice has the focus; its state is written, not coloured.
    shown = on_screen(term, "Step 4 of 6", "(•) Everyone in the org", "Assign")
    assert "( ) Selected groups" in shown and "( ) Skip" in shown
    term.keys("C-q")
    on_screen(term, "Quit the demo?", "Yes (y)")
    term.keys("y")
    assert term.exit_code() == 0
    first = term.journal()

    # Again: the saved demo is offered; continuing lands on step 4, steps 1-3 reconciled.
    term.start()
    on_screen(term, "Saved progress found", "Continue (enter)")
    term.keys("Enter")
    shown = on_screen(term, "Step 4 of 6", "(•) Everyone in the org", "Assign")
    assert "✔ 1" in shown and "✔ 2" in shown and "✔ 3" in shown, shown
    term.keys("Tab", "Enter")  # -> Assign
    on_screen(term, "Assigned to: Everyone", "Continue ▶")
    term.keys("Enter")
    on_screen(term, "Step 5 of 6", "All verification checks passed", "Continue ▶")
    again = term.journal()
    assert again["app_id"] == first["app_id"] and upflow_apps(term) == [first["app_id"]]
    term.keys("C-q")
    on_screen(term, "Quit the demo?")
    term.keys("y")
    assert term.exit_code() == 0
