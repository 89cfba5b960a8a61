"""`okta-wizard demo` in a real terminal (tests/terminals.py's tmux): start it, type into it, read
its screen, signal it, and read what it left behind (its folder, the keyring). Used by the
demo's terminal, security, clipboard and resume tests; the tmux server is always killed."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.osc52 import plain_terminal_env
from tests.terminals import OKTA_WIZARD, WAIT, Tmux

DEMO_SIZE = (120, 36)  # columns, rows: a small laptop terminal


class DemoTerminal:
    """The demo in a private tmux server's pane, under `sh -c`, which then prints its exit code
    and waits, so the closing lines stay on screen. `start()` again runs it again in the same
    pane. `env`: more environment for the demo (OKTA_WIZARD_CLIPBOARD_SECONDS...)."""

    def __init__(
        self,
        tmp_path: Path,
        env: dict[str, str] | None = None,
        size: tuple[int, int] = DEMO_SIZE,
    ) -> None:
        # A plain terminal's environment: no desktop clipboard, no enclosing multiplexer.
        self.tmux = Tmux(tmp_path, plain_terminal_env(), size=size)
        self.state = tmp_path / "state"
        self.folder = self.state / "demo"  # the demo's own folder under OKTA_WIZARD_STATE_DIR
        self.tmp = tmp_path / "tmp"  # TMPDIR of the demo: must stay empty
        self.tmp.mkdir(exist_ok=True)
        self.env = env or {}
        self.runs = 0

    def command(self, *demo_args: str) -> str:
        self.runs += 1
        # Textual sizes itself from COLUMNS/LINES when set; pytest may have set them.
        extra = " ".join(f"{name}={value}" for name, value in self.env.items())
        env = (
            f"-u COLUMNS -u LINES OKTA_WIZARD_STATE_DIR={self.state} TMPDIR={self.tmp} "
            f"TERM=xterm-256color {extra}"
        )
        demo = " ".join([*OKTA_WIZARD, "demo", *demo_args])
        return f"env {env} {demo}; echo DEMO-EXIT-{self.runs}=$?; sleep 300"

    def start(self, *demo_args: str, tmux_options: dict[str, str] | None = None) -> None:
        """Run `okta-wizard demo ARGS` (the first time: a new tmux server, with `tmux_options`)."""
        if self.runs == 0:
            self.tmux.start(self.command(*demo_args), options=tmux_options)
        else:
            self.tmux.respawn(self.command(*demo_args))

    # -- the terminal
    @property
    def captured(self) -> list[str]:
        return self.tmux.captured

    def keys(self, *keys: str) -> None:
        self.tmux.keys(*keys)

    def screen(self, history: bool = False) -> str:
        return self.tmux.screen(history)

    def wait_for(self, *texts: str, within: float = WAIT, history: bool = False) -> str:
        return self.tmux.wait_for(*texts, within=within, history=history)

    def wait_match(self, pattern: str) -> re.Match[str]:
        return self.tmux.wait_match(pattern)

    def exit_code(self) -> int:
        marker = f"DEMO-EXIT-{self.runs}="
        shown = self.wait_for(marker, history=True)
        found = re.search(re.escape(marker) + r"(\d+)", shown)
        assert found is not None, shown
        return int(found.group(1))

    def demo_pid(self) -> int:
        """The okta-wizard process (the child of the pane's sh)."""
        shell = self.tmux.pane_pid()
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
            for child in children:
                if "okta_wizard" in Path(f"/proc/{child}/cmdline").read_text():
                    return int(child)
            time.sleep(0.1)
        raise AssertionError("the demo process never started")

    def close(self) -> None:
        self.tmux.kill()

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
def demo_terminal(
    tmp_path: Path, env: dict[str, str] | None = None, size: tuple[int, int] = DEMO_SIZE
) -> Iterator[DemoTerminal]:
    term = DemoTerminal(tmp_path, env, size)
    try:
        yield term
    finally:
        term.close()


def connect(term: DemoTerminal) -> None:
    """Step 1 with the prefilled org URL and token: Enter on each checks the connection."""
    term.wait_for("Step 1 of 6")
    term.wait_for("✔ http://127.0.0.1:")  # the sandbox answers (it starts behind the screen)
    term.keys("Enter", "Enter")  # org URL -> token field; token (masked) -> check
    for _attempt in range(3):
        try:
            term.wait_for("Connecting to", "Connected: all checks passed", within=10)
            break
        except AssertionError:
            # Under load the second Enter can reach the URL field before the first has moved
            # the focus (Textual moves it a message later): one more checks.
            term.keys("Enter")
    term.wait_for("Connected: all checks passed")


def walk_to_assignments(term: DemoTerminal) -> None:
    """Steps 1-3 of a new demo with the prefilled values: connect, create the app."""
    connect(term)
    term.keys("Enter")  # Continue
    term.wait_for("No existing app found")
    term.keys("Enter")  # Continue
    term.wait_for("Step 3 of 6")
    term.keys("Enter")  # Create app
    term.wait_for("is stored in")  # "Client secret (…) is stored in GNOME Keyring (…)"
    term.keys("Enter")  # Continue
    term.wait_for("Step 4 of 6")


def walk_to_credentials(term: DemoTerminal) -> None:
    """On to step 5, assigned to Everyone, with every verification check passed."""
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
