"""`okta-wizard demo` in a real terminal of the smallest usual size, 80x24 (tmux).

At each step the control that has the focus is on screen with its label (a focused button is
the one drawn in reverse video), and the step's primary action is visible without scrolling
before the key that presses it is typed. Quit at step 4, run the demo again, resume: it lands
on step 4 with steps 1-3 checked against the sandbox org (the same app, no second one), goes
on to the end, and each closing line names exactly what is left on disk and in the keyring.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.demo_terminal import DemoTerminal, demo_terminal, okta_wizard_keyring_items
from tests.terminals import needs_tmux

pytestmark = [pytest.mark.tmux, needs_tmux]
SMALL = (80, 24)
SGR = re.compile(r"\x1b\[([0-9;]*)m")


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


def reverse_video(ansi: str) -> list[str]:
    """The runs of text drawn in reverse video, from a capture with its escape sequences."""
    runs: list[str] = []
    current: list[str] = []
    reverse = False
    position = 0
    for found in SGR.finditer(ansi + "\x1b[0m"):
        if reverse:
            current.append(ansi[position : found.start()])
        codes = [int(c) if c else 0 for c in found.group(1).split(";")]
        for code in codes:
            if code == 7:
                reverse = True
            elif code in (0, 27):
                if reverse and "".join(current).strip():
                    runs.append("".join(current).strip())
                current, reverse = [], False
        position = found.end()
    return runs


def focused_button(term: DemoTerminal, label: str) -> None:
    """Wait until the button drawn as focused (bold reverse video) is `label`, on screen."""

    def shows_focus(_plain: str) -> bool:
        ansi = term.tmux("capture-pane", "-p", "-e", "-t", term.tmux.SESSION)
        return label in reverse_video(ansi)

    term.tmux.wait_until(shows_focus, f"the button {label!r} with the focus")


def upflow_apps(term: DemoTerminal) -> list[str]:
    org: dict[str, Any] = json.loads((term.folder / "sandbox-org.json").read_text())
    return [a["id"] for a in org["org"]["apps"] if a["label"] == "Upflow SSO"]


def closing_lines(term: DemoTerminal) -> str:
    """What the demo printed once its screen closed (wrapped lines joined)."""
    shown = term.screen(history=True)
    return shown[shown.rindex("okta-wizard demo: sandbox stopped.") :]


def check_closing_lines(term: DemoTerminal) -> str:
    """The closing lines name exactly the files left in the demo's folder, and the keyring
    entries this demo made are gone, as they say."""
    closing = closing_lines(term)
    kept = closing[closing.index("Kept in") : closing.index("Run okta-wizard demo")]
    assert f"Kept in {term.folder}:" in kept
    named = set(re.findall(r"\(([\w.-]+\.json)", kept))
    assert named == set(term.files()), (named, term.files())
    origin = term.journal()["org_url"]
    left = [i for i in okta_wizard_keyring_items() if i["username"].startswith(origin + "/")]
    assert "Keyring: removed" in closing and left == []
    return closing


def test_every_step_at_80x24_shows_its_focus_and_its_action(term: DemoTerminal) -> None:
    term.start()
    # Step 1: the org URL field has the focus; Check connection is in the action bar.
    shown = on_screen(term, "Step 1 of 6", "Org URL", "Check connection")
    # The title keeps its words at 80 columns; the keyring's name gives way first.
    assert shown.splitlines()[0].startswith(" okta-wizard · connect Okta to Upflow   SANDBOX ")
    term.tmux.wait_for("✔ http://127.0.0.1:")  # the sandbox answers: URL and token filled in
    term.keys("Enter")  # -> the token field
    on_screen(term, "API token (the demo's own", "Check connection")
    term.keys("Enter")  # check
    on_screen(term, "Connected: all checks passed", "PASS may create OIDC apps", "Continue ▶")
    focused_button(term, "Continue ▶")
    term.keys("Enter")
    # Step 2: the existing-app answer and Continue, focused.
    on_screen(term, "Step 2 of 6", "No app labelled", "Continue ▶")
    focused_button(term, "Continue ▶")
    term.keys("Enter")
    # Step 3: "Create app" has the focus and is on screen before Enter writes to Okta.
    on_screen(term, "Step 3 of 6", "Create app", "Continue ▶")
    focused_button(term, "Create app")
    term.keys("Enter")
    shown = on_screen(term, "Created “Upflow SSO”", "is stored in", "Continue ▶")
    assert "GNOME Keyring (Secret Service)" in shown  # the result, not scrolled away
    focused_button(term, "Continue ▶")
    term.keys("Enter")
    # Step 4: the assignment choice has the focus; its state is written, not coloured.
    shown = on_screen(term, "Step 4 of 6", "(•) Everyone in the org", "Assign")
    assert "( ) Selected groups" in shown and "( ) Skip" in shown
    term.keys("C-q")
    on_screen(term, "Quit the demo?", "Yes (y)")
    term.keys("y")
    assert term.exit_code() == 0
    closing = check_closing_lines(term)
    assert "the receipt" not in closing  # no link was made: there is none
    first = term.journal()

    # Again: the saved demo is offered; continuing lands on step 4, steps 1-3 reconciled.
    term.start()
    on_screen(term, "Saved progress found", "Continue (enter)")
    term.keys("Enter")
    shown = on_screen(term, "Step 4 of 6", "(•) Everyone in the org", "Assign", "checked against")
    assert "✔ 1" in shown and "✔ 2" in shown and "✔ 3" in shown, shown
    assert "continuing at step 4" in " ".join(shown.split())
    term.keys("Tab")
    focused_button(term, "Assign")
    term.keys("Enter")
    on_screen(term, "Assigned to: Everyone", "Continue ▶")
    focused_button(term, "Continue ▶")
    term.keys("Enter")
    on_screen(term, "Step 5 of 6", "All verification checks passed", "Continue ▶")
    assert "Client secret:" in on_screen(term, "fingerprint")  # the focused secret view
    again = term.journal()
    assert again["app_id"] == first["app_id"] and upflow_apps(term) == [first["app_id"]]
    term.keys("Tab")
    focused_button(term, "Continue ▶")
    term.keys("Enter")
    # Step 6: the email domains field, then the link made, shown where the admin looks.
    on_screen(term, "Step 6 of 6", "Your users' email domain(s)", "Create one-time link")
    term.keys("Enter")
    shown = on_screen(term, "One-time link created", "One-time link:", "Finish")
    term.keys("r")
    shown = on_screen(term, "One-time link revealed", "/secrets/?")
    assert "One-time link:" in shown  # the revealed link is on screen, not scrolled away
    term.keys("Tab")
    focused_button(term, "Finish")
    term.keys("Enter")
    assert term.exit_code() == 0
    closing = check_closing_lines(term)
    assert "the receipt (" in closing and "2 entries" in closing


def test_reverse_video_runs_are_read_from_the_escapes() -> None:
    ansi = "a \x1b[1;7m\x1b[38;5;195m Create app \x1b[0m b \x1b[7mx\x1b[27m y"
    assert reverse_video(ansi) == ["Create app", "x"]
