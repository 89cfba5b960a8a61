"""Every sentence about the clipboard is true, in the places where it used to be false.

Real parts: a private tmux server (set-clipboard on, or allow-passthrough on) with a client
attached on its own pty, standing for the admin's terminal; `credentials --copy` and the wizard
on real pseudo-terminals, killed with SIGTERM and SIGHUP; the X11 clipboard of an Xvfb server
through xclip. The secret is the sandbox app's, read from the real Secret Service.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from okta_wizard.errors import ExitCode
from tests.demo_terminal import demo_terminal, walk_to_credentials
from tests.leakscan import find_leaks
from tests.osc52 import clipboard_after, plain_terminal_env
from tests.setup.conftest import Org
from tests.setup.conftest import org as org
from tests.terminals import (
    OKTA_WIZARD,
    REPO,
    PtyProcess,
    Tmux,
    argv_of_every_process,
    needs_tmux,
    tmux_server,
    wait_gone,
)

X_SOCKETS = "/tmp/.X11-unix"  # path-ok: the X servers' sockets, to pick a free display
X_LOCKS = "/tmp/.X"  # path-ok: the X servers' lock files, likewise

pytestmark = pytest.mark.slow
LONG = "600"  # a clear delay no test waits for: each ends the wait itself (Ctrl-C, a signal)


def saved_secret(org: Org, capsys: pytest.CaptureFixture[str]) -> str:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    value: str = org.only_app().secrets[0].value
    return value


EXITED = "credentials exited with status"


def credentials_copy(org: Org) -> str:
    """The shell command tmux runs: `credentials --copy` (nothing of the secret in it), then its
    exit status, printed by the shell (tmux may be slow to notice a pane's process is gone)."""
    command = (
        f"env OKTA_WIZARD_CLIPBOARD_SECONDS={LONG} PYTHONPATH={REPO} "
        f"{' '.join(OKTA_WIZARD)} credentials --org-url {org.url} --copy"
    )
    # `trap : INT`: Ctrl-C reaches the command; the shell stays to print how it ended.
    return f"sh -c 'trap : INT; {command}; echo \"{EXITED} $?\"'"


@pytest.fixture
def ptys() -> Iterator[list[Any]]:
    """The runs a test starts (PtyProcess, PipedRun); whatever still runs at the end is killed."""
    started: list[Any] = []
    yield started
    for run in started:
        run.stop()


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    with tmux_server(tmp_path, plain_terminal_env()) as server:
        yield server


# ------------------------------------------------------------------ tmux


@needs_tmux
def test_tmux_set_clipboard_on_its_buffer_is_named_and_deleted(
    org: Org, capsys: pytest.CaptureFixture[str], tmux: Tmux
) -> None:
    secret = saved_secret(org, capsys)
    tmux.start(credentials_copy(org), gated=True, options={"set-clipboard": "on"})
    outer = tmux.attach()
    tmux.release()
    shown = tmux.wait_for("Ctrl-C clears it now", history=True)
    # What tmux does with OSC 52 here: it keeps the secret in a paste buffer.
    assert secret.encode() in tmux.buffers().values()
    assert "tmux keeps a copy in a paste buffer and ignores requests to clear it" in shown
    assert "tmux delete-buffer" in shown
    tmux.keys("C-c")
    done = tmux.wait_for(f"{EXITED} 0", history=True)
    assert secret.encode() not in tmux.buffers().values(), "the buffer holding it is deleted"
    assert "Deleted tmux paste buffer buffer0, which held the client secret." in done
    assert "Clipboard cleared" not in done
    # The terminal outside tmux got the copy but never a clear (tmux drops clear requests):
    # the output says so instead of claiming a clear.
    assert clipboard_after(outer.output) == secret
    assert "the terminal outside tmux may still hold it" in done
    assert find_leaks([secret], texts=[shown, done], paths=[org.state_dir]) == []


@needs_tmux
def test_tmux_passthrough_keeps_no_buffer_and_the_clear_reaches_the_terminal(
    org: Org, capsys: pytest.CaptureFixture[str], tmux: Tmux
) -> None:
    secret = saved_secret(org, capsys)
    tmux.start(
        credentials_copy(org),
        gated=True,
        options={"set-clipboard": "on", "allow-passthrough": "on"},
    )
    outer = tmux.attach()
    tmux.release()
    shown = tmux.wait_for("Ctrl-C clears it now", history=True)
    deadline = time.monotonic() + 10
    while clipboard_after(outer.output) != secret:
        assert time.monotonic() < deadline, "the terminal outside tmux never got the copy"
        time.sleep(0.05)
    assert tmux.buffers() == {}, "tmux keeps no copy of a passed-through request"
    assert "through tmux's allow-passthrough, so tmux keeps no copy" in shown
    tmux.keys("C-c")
    done = tmux.wait_for(f"{EXITED} 0", history=True)
    assert "Asked the terminal outside tmux to clear its clipboard" in done
    deadline = time.monotonic() + 10
    while clipboard_after(outer.output) != "":
        assert time.monotonic() < deadline, "the clear never reached the terminal outside tmux"
        time.sleep(0.05)
    assert tmux.buffers() == {}
    assert find_leaks([secret], texts=[shown, done], paths=[org.state_dir]) == []


@needs_tmux
def test_tmux_that_drops_copy_requests_is_told_not_asked(
    org: Org, capsys: pytest.CaptureFixture[str], tmux: Tmux
) -> None:
    saved_secret(org, capsys)
    # tmux's default: set-clipboard external, allow-passthrough off -> OSC 52 goes nowhere.
    tmux.start(credentials_copy(org), gated=True, options={"set-clipboard": "external"})
    tmux.release()
    done = tmux.wait_for(EXITED, history=True)
    assert "tmux drops copy requests from programs here" in done
    assert "tmux set -g allow-passthrough on" in done
    assert "Asked the terminal" not in done and "Clipboard cleared" not in done
    assert f"{EXITED} {int(ExitCode.USAGE)}" in done
    assert tmux.buffers() == {}


# ------------------------------------------------------------------ signals


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_credentials_copy_killed_by_a_signal_still_clears(
    org: Org, capsys: pytest.CaptureFixture[str], signum: signal.Signals, ptys: list[Any]
) -> None:
    secret = saved_secret(org, capsys)
    run = PtyProcess(
        ["credentials", "--org-url", org.url, "--copy"],
        plain_terminal_env(OKTA_WIZARD_CLIPBOARD_SECONDS=LONG),
    )
    ptys.append(run)
    run.reader.wait_for("Ctrl-C clears it now")
    assert clipboard_after(run.reader.output) == secret
    run.proc.send_signal(signum)
    code = run.finish()
    screen = run.reader.output
    assert clipboard_after(screen) == "", "the clear request was sent before the process ended"
    assert "Asked the terminal to clear its clipboard (OSC 52)." in screen
    # It dies of the signal as before, so a shell reports 128 + N (143 or 129).
    assert code == -signum
    assert secret not in screen


@needs_tmux
@pytest.mark.tmux
@pytest.mark.parametrize("how", ["SIGTERM", "closing the pane (SIGHUP)"])
def test_the_wizard_killed_with_a_copy_pending_deletes_tmux_buffer(
    tmp_path: Path, secret_service: None, how: str
) -> None:
    with demo_terminal(tmp_path, {"OKTA_WIZARD_CLIPBOARD_SECONDS": LONG}) as term:
        term.start(tmux_options={"set-clipboard": "on"})
        walk_to_credentials(term)
        # The demo honours the configured delay, as the wizard does.
        assert f"cleared after {LONG} s" in term.screen()
        term.keys("c")
        shown = term.wait_for("tmux keeps a copy")
        (secret,) = term.tmux.buffers().values()
        assert len(secret) >= 32 and secret.decode()[-4:] in shown  # the masked value's last 4
        pid = term.demo_pid()
        if how == "SIGTERM":
            os.kill(pid, signal.SIGTERM)
        else:
            term.tmux.close_pane()  # what closing the terminal window does: SIGHUP
        wait_gone(pid)
        assert secret not in term.tmux.buffers().values()


# ------------------------------------------------------------------ X11 through Xvfb


def free_display_number() -> int:
    """A display no X server holds, here or (abstract sockets are per machine) elsewhere."""
    taken = Path("/proc/net/unix").read_text()
    start = 100 + os.getpid() % 400
    for number in range(start, start + 200):
        if f"{X_SOCKETS}/X{number}" not in taken and not Path(f"{X_LOCKS}{number}-lock").exists():
            return number
    raise AssertionError("no free X display number")


@pytest.fixture
def x_display() -> Iterator[str]:
    if not (shutil.which("Xvfb") and shutil.which("xclip")):
        pytest.skip("Xvfb and xclip are not installed (scripts/install-debs.sh installs them)")
    display = f":{free_display_number()}"
    server = subprocess.Popen(
        ["Xvfb", display, "-nolisten", "tcp", "-screen", "0", "320x240x24"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not x_server_answers(display):
            assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.1)
        yield display
    finally:
        server.terminate()
        server.wait(timeout=10)


def x_server_answers(display: str) -> bool:
    return b"Can't open display" not in xclip_out(display).stderr


def xclip_out(display: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["xclip", "-selection", "clipboard", "-out"],
        env={**plain_terminal_env(), "DISPLAY": display},
        capture_output=True,
        timeout=10,
        check=False,
    )


def x_clipboard(display: str) -> str:
    done = xclip_out(display)
    return done.stdout.decode() if done.returncode == 0 else ""


def x_copy(display: str, text: str) -> None:
    subprocess.run(
        ["xclip", "-selection", "clipboard", "-in"],
        input=text.encode(),
        env={**plain_terminal_env(), "DISPLAY": display},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=10,
        check=True,
    )


class PipedRun:
    """`credentials --copy` with stdout on a pipe: the platform clipboard needs no terminal."""

    def __init__(self, org: Org, display: str, started: list[Any]) -> None:
        started.append(self)
        self.proc = subprocess.Popen(
            [*OKTA_WIZARD, "credentials", "--org-url", org.url, "--copy"],
            cwd=REPO,
            env=plain_terminal_env(
                DISPLAY=display, PYTHONPATH=str(REPO), OKTA_WIZARD_CLIPBOARD_SECONDS=LONG
            ),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.output = b""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=10)

    def wait_for(self, text: str, within: float = 30.0) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + within
        while text.encode() not in self.output:
            assert time.monotonic() < deadline, f"{text!r} never came: {self.output!r}"
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                assert chunk, f"the command ended before {text!r}: {self.output!r}"
                self.output += chunk
        return self.output.decode()

    def finish(self) -> tuple[int, str]:
        rest, _ = self.proc.communicate(timeout=30)
        self.output += rest
        return self.proc.returncode, self.output.decode()


def test_x11_clipboard_holds_the_secret_then_is_cleared(
    org: Org, capsys: pytest.CaptureFixture[str], x_display: str, ptys: list[Any]
) -> None:
    secret = saved_secret(org, capsys)
    run = PipedRun(org, x_display, ptys)
    said = run.wait_for("Ctrl-C clears it now")
    assert "Copied the client secret to the X11 clipboard (xclip)." in said
    assert "It is not marked sensitive (xclip cannot add the x-kde-passwordManagerHint" in said
    assert x_clipboard(x_display) == secret
    # xclip keeps serving the clipboard in the background; no process shows the secret.
    everyone = argv_of_every_process()
    assert any(argv.startswith("xclip ") for argv in everyone), "the helper is still there"
    assert find_leaks([secret], texts=everyone) == []
    run.proc.send_signal(signal.SIGTERM)
    code, said = run.finish()
    assert code == -signal.SIGTERM
    assert "Cleared the X11 clipboard (xclip)." in said
    assert x_clipboard(x_display) == ""
    assert find_leaks([secret], texts=[said], paths=[org.state_dir]) == []


def test_x11_clear_leaves_what_the_admin_copied_since(
    org: Org, capsys: pytest.CaptureFixture[str], x_display: str, ptys: list[Any]
) -> None:
    secret = saved_secret(org, capsys)
    run = PipedRun(org, x_display, ptys)
    run.wait_for("Ctrl-C clears it now")
    assert x_clipboard(x_display) == secret
    x_copy(x_display, "the admin's own text")
    run.proc.send_signal(signal.SIGINT)  # Ctrl-C: clear now
    code, said = run.finish()
    assert code == ExitCode.OK
    assert "The X11 clipboard (xclip) holds something else now: left it as it is." in said
    assert x_clipboard(x_display) == "the admin's own text"


# ------------------------------------------------------------------ GNU screen


@pytest.mark.skipif(shutil.which("screen") is None, reason="GNU screen is not installed")
def test_gnu_screen_passes_the_copy_and_the_clear_to_the_terminal(
    org: Org, capsys: pytest.CaptureFixture[str], tmp_path: Path, ptys: list[Any]
) -> None:
    secret = saved_secret(org, capsys)
    sockets = tmp_path / "screen"
    sockets.mkdir(mode=0o700)
    run = PtyProcess(
        ["credentials", "--org-url", org.url, "--copy"],
        plain_terminal_env(SCREENDIR=str(sockets), OKTA_WIZARD_CLIPBOARD_SECONDS=LONG),
        program=["screen", "-S", "okta-wizard-test", "-c", "/dev/null", *OKTA_WIZARD],
    )
    ptys.append(run)
    try:
        screen_copies_and_clears(run, secret)
    finally:  # screen's daemon runs in a session of its own: ask it to quit
        subprocess.run(
            ["screen", "-S", "okta-wizard-test", "-X", "quit"],
            env=plain_terminal_env(SCREENDIR=str(sockets)),
            capture_output=True,
            timeout=10,
            check=False,
        )


def screen_copies_and_clears(run: PtyProcess, secret: str) -> None:
    deadline = time.monotonic() + 30
    # screen drops a bare OSC 52; the passed-through one reaches the terminal outside it.
    while clipboard_after(run.reader.output) != secret:
        assert time.monotonic() < deadline, f"no copy reached the terminal: {run.reader.output!r}"
        time.sleep(0.05)
    os.write(run.reader.master, b"\x03")  # Ctrl-C, typed into screen
    run.finish()
    assert clipboard_after(run.reader.output) == "", "the clear reached the terminal"
    assert secret not in run.reader.output
