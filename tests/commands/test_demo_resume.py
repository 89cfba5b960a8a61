"""The demo keeps its word: quit at step 4, run `okta-wizard demo` again, be offered the saved
demo setup, continue with the same app and no duplicate. Its sandbox org survives the restart
(on the same port, or moved with its saved progress when the port is taken);
`okta-wizard demo --fresh` starts over. Real processes in tmux, the real Secret Service."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.demo_terminal import DemoTerminal, demo_terminal, walk_to_assignments
from tests.terminals import needs_tmux

pytestmark = [pytest.mark.tmux, needs_tmux]


@pytest.fixture
def term(tmp_path: Path, secret_service: None) -> Iterator[DemoTerminal]:
    with demo_terminal(tmp_path) as terminal:
        yield terminal


def _saved_org(term: DemoTerminal) -> dict[str, Any]:
    return dict(json.loads((term.folder / "sandbox-org.json").read_text()))


def _upflow_apps(term: DemoTerminal) -> list[str]:
    return [a["id"] for a in _saved_org(term)["org"]["apps"] if a["label"] == "Upflow SSO"]


def _quit_at_step_4(term: DemoTerminal) -> dict[str, Any]:
    """The newcomer's first run: up to step 4, then ctrl+q; returns the saved journal."""
    term.start()
    walk_to_assignments(term)
    term.keys("C-q")
    question = term.wait_for("Quit the demo?")
    assert "Its progress and its sandbox org are saved in" in question
    assert "run okta-wizard demo again to resume" in question
    term.keys("y")
    assert term.exit_code() == 0
    closing = term.screen(history=True)
    assert f"Kept in {term.folder}: saved progress (" in closing
    assert "Run okta-wizard demo to resume" in closing
    return term.journal()


def _resume(term: DemoTerminal, *args: str) -> str:
    """Continue the saved demo: it checks steps 1-3 against the sandbox org by itself and
    lands on step 4, where it stopped."""
    term.start(*args)
    offer = term.wait_for("Saved progress found")
    term.keys("Enter")  # Continue
    shown = term.wait_for("steps 1-3 checked against Okta; continuing at step 4")
    assert "Step 4 of 6" in shown
    return offer


def test_quit_at_step_4_and_resume_with_the_same_app(term: DemoTerminal) -> None:
    first = _quit_at_step_4(term)
    apps = _upflow_apps(term)
    assert apps == [first["app_id"]]
    offer = _resume(term)
    assert f"{first['org_url']} · “Upflow SSO” · reached step 3" in offer
    shown = term.screen()
    assert "Step 4 of 6" in shown
    # Same org address, same app: the journal and the org agree, and Okta has no second app.
    again = term.journal()
    assert (again["org_url"], again["app_id"]) == (first["org_url"], first["app_id"])
    assert _upflow_apps(term) == apps
    term.keys("C-q")
    term.wait_for("Quit the demo?")
    term.keys("y")
    assert term.exit_code() == 0


def test_a_taken_port_moves_the_saved_demo_with_it(term: DemoTerminal) -> None:
    first = _quit_at_step_4(term)
    port = int(first["org_url"].rsplit(":", 1)[1])
    with socket.socket() as squatter:  # someone else now listens on the saved port
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        offer = _resume(term)
        again = term.journal()
        new_origin = again["org_url"]
        assert new_origin != first["org_url"] and new_origin.startswith("http://127.0.0.1:")
        assert f"{new_origin} · “Upflow SSO”" in offer
        # Everything saved moved together: journal name and fields, and the org file.
        assert again["app_id"] == first["app_id"]
        assert _saved_org(term)["origin"] == new_origin
        slug = new_origin.replace("://", "_").replace(":", "_")
        assert f"{slug}.json" in term.files()
        assert not any(first["org_url"] in p.read_text() for p in term.folder.glob("*.json"))
        assert _upflow_apps(term) == [first["app_id"]]
        term.keys("C-q")
        term.wait_for("Quit the demo?")
        term.keys("y")
        assert term.exit_code() == 0
    started = term.screen(history=True)  # the line before the wizard's screen opened
    assert f"port {port} was taken: the saved demo org now answers elsewhere" in started
    assert f"sandbox org at {new_origin} (the saved demo org, restored from" in started


def test_fresh_starts_over(term: DemoTerminal) -> None:
    first = _quit_at_step_4(term)
    term.start("--fresh")
    term.wait_for("Step 1 of 6")
    assert "Saved progress found" not in term.screen()
    walk_to_assignments(term)  # "No existing app found": a new org
    assert _upflow_apps(term) != [first["app_id"]] and len(_upflow_apps(term)) == 1
    term.keys("C-q")
    term.wait_for("Quit the demo?")
    term.keys("y")
    assert term.exit_code() == 0
    assert "saved demo progress removed: started over (--fresh)" in term.screen(history=True)
