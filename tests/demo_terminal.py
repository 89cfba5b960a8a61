"""`okta-wizard demo` in a real terminal (tmux): start it, type into it, read its screen, signal
it, and read what it left behind (its folder, the keyring). Bounded waits; the tmux server is
always killed. Used by the demo's security and resume tests."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TMUX_DEFAULT_TMPDIR = "/tmp"  # path-ok: where tmux puts its sockets, not a file the suite reads

REPO = Path(__file__).resolve().parents[1]
OKTA_WIZARD = f"{sys.executable} -m okta_wizard"  # what the okta-wizard script runs
WAIT = 60.0  # only catches a hang: under load the first connect imports the okta SDK
needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class DemoTerminal:
    """One tmux server; the demo runs in window `demo` under `sh -c`, which then prints its
    exit code and waits, so the closing lines stay on screen."""

    def __init__(self, tmp_path: Path, size: tuple[int, int] = (120, 36)) -> None:
        self.socket = f"okta-wizard-demo-{os.getpid()}-{time.monotonic_ns()}"
        self.state = tmp_path / "state"
        self.folder = self.state / "demo"  # the demo's own folder under OKTA_WIZARD_STATE_DIR
        self.tmp = tmp_path / "tmp"  # TMPDIR of the demo: must stay empty
        self.tmp.mkdir(exist_ok=True)
        self.size = size
        self.captured: list[str] = []
        self.runs = 0

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        return done.stdout

    def command(self, *demo_args: str) -> str:
        self.runs += 1
        env = (
            f"-u COLUMNS -u LINES OKTA_WIZARD_STATE_DIR={self.state} TMPDIR={self.tmp} "
            "TERM=xterm-256color"
        )
        demo = " ".join([OKTA_WIZARD, "demo", *demo_args])
        return f"env {env} {demo}; echo DEMO-EXIT-{self.runs}=$?; sleep 300"

    def start(self, *demo_args: str) -> None:
        """Run `okta-wizard demo ARGS` (the first time: a new tmux server)."""
        width, height = self.size
        if self.runs == 0:
            self.tmux(
                "-f", "/dev/null", "new-session", "-d", "-s", "demo", "-x", str(width),
                "-y", str(height), "-c", str(REPO), self.command(*demo_args),
            )  # fmt: skip
            self.tmux("set-option", "-t", "demo", "remain-on-exit", "on")
            self.tmux("set-option", "-t", "demo", "window-size", "manual")
            self.tmux("resize-window", "-t", "demo", "-x", str(width), "-y", str(height))
        else:
            self.tmux("clear-history", "-t", "demo")
            self.tmux("respawn-pane", "-k", "-t", "demo", self.command(*demo_args))

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "demo", key)
            time.sleep(0.15)

    def screen(self, history: bool = False) -> str:
        extra = ["-S", "-"] if history else []
        shown = self.tmux("capture-pane", "-p", "-J", "-t", "demo", *extra)
        self.captured.append(shown)
        return shown

    def wait_for(self, text: str, within: float = WAIT, history: bool = False) -> str:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            shown = self.screen(history)
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen(True)}")

    def exit_code(self) -> int:
        marker = f"DEMO-EXIT-{self.runs}="
        shown = self.wait_for(marker, history=True)
        found = re.search(re.escape(marker) + r"(\d+)", shown)
        assert found is not None, shown
        return int(found.group(1))

    def demo_pid(self) -> int:
        """The okta-wizard process (the child of the pane's sh)."""
        shell = self.tmux("display-message", "-p", "-t", "demo", "#{pane_pid}").strip()
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
            for child in children:
                if "okta_wizard" in Path(f"/proc/{child}/cmdline").read_text():
                    return int(child)
            time.sleep(0.1)
        raise AssertionError("the demo process never started")

    def close(self) -> None:
        self.tmux("kill-server")
        # tmux may leave its socket file behind: remove it, the path is known from the name.
        socket_dir = (
            Path(os.environ.get("TMUX_TMPDIR", TMUX_DEFAULT_TMPDIR)) / f"tmux-{os.getuid()}"
        )
        (socket_dir / self.socket).unlink(missing_ok=True)

    # -- what the run left behind
    def journal(self) -> dict[str, Any]:
        journals = [
            p
            for p in self.folder.glob("*.json")
            if p.name != "sandbox-org.json" and not p.name.endswith(".receipt.json")
        ]
        assert len(journals) == 1, journals
        return dict(json.loads(journals[0].read_text()))

    def files(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir()) if self.folder.exists() else []


@contextlib.contextmanager
def demo_terminal(tmp_path: Path) -> Iterator[DemoTerminal]:
    term = DemoTerminal(tmp_path)
    try:
        yield term
    finally:
        term.close()


def walk_to_assignments(term: DemoTerminal, *, resumed: bool = False) -> None:
    """Steps 1-3 with the prefilled values: connect, the app (created or reused)."""
    term.wait_for("Step 1 of 6")
    term.keys("Enter")  # org URL (prefilled) -> token field
    term.keys("Enter")  # token (prefilled, masked) -> check the connection
    term.wait_for("Connected: all checks passed")
    term.keys("Enter")  # Continue
    term.wait_for("Existing app found" if resumed else "No existing app found")
    term.keys("Enter")  # Continue
    term.wait_for("Step 3 of 6")
    term.keys("Enter")  # Create app (or Reuse app)
    term.wait_for("stored in the keyring")
    term.keys("Enter")  # Continue
    term.wait_for("Step 4 of 6")


def walk_to_credentials(term: DemoTerminal) -> None:
    walk_to_assignments(term)
    term.keys("Tab", "Enter")  # Everyone -> Assign
    term.wait_for("Assigned to: Everyone")
    term.keys("Enter")  # Continue
    term.wait_for("All verification checks passed")


def okta_wizard_keyring_items() -> list[dict[str, str]]:
    """Every item of service okta-wizard in the Secret Service (attributes only)."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        found = collection.search_items({"service": "okta-wizard"})
        return [item.get_attributes() for item in found]
    finally:
        connection.close()
