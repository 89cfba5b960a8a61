"""Real terminals for tests: a process on a pseudo-terminal, and a private tmux server (the one
tmux driver of the tests), optionally with a client attached on its own pty (the terminal
outside tmux, whose received bytes are read). Every wait is bounded and waits for what the
screen shows; everything started here is stopped by the fixture that made it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OKTA_WIZARD = [sys.executable, "-m", "okta_wizard"]
WAIT = 60.0  # only catches a hang: under load the first connect imports the okta SDK
SIZE = (200, 40)  # columns, rows
KEY_GAP = 0.15  # seconds between two keys typed into tmux
needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _set_size(fd: int, rows: int, cols: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class PtyReader:
    """Collects everything written to a pty master in a background thread."""

    def __init__(self, master: int) -> None:
        self.master = master
        self._chunks: list[bytes] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.2)
                if ready:
                    data = os.read(self.master, 65536)
                    if not data:
                        return
                    with self._lock:
                        self._chunks.append(data)
            except OSError:  # EIO: every writer closed its end
                return

    @property
    def output(self) -> str:
        with self._lock:
            return b"".join(self._chunks).decode(errors="replace")

    def wait_for(self, text: str, within: float = 30.0) -> str:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if text in self.output:
                return self.output
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never arrived; received:\n{self.output!r}")

    def close(self, within: float = 10.0) -> None:
        self._thread.join(within)
        with contextlib.suppress(OSError):
            os.close(self.master)


class PtyProcess:
    """okta-wizard with stdin, stdout and stderr on one pty."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        *,
        program: list[str] = OKTA_WIZARD,  # what runs `argv` (e.g. GNU screen, then okta-wizard)
    ) -> None:
        master, slave = pty.openpty()
        _set_size(slave, 40, 200)
        self.proc = subprocess.Popen(
            [*program, *argv],
            cwd=REPO,
            env={**env, "PYTHONPATH": str(REPO), "TERM": "xterm"},
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,  # the test's own process group never gets its signals
        )
        os.close(slave)
        self.reader = PtyReader(master)

    def finish(self, within: float = 30.0) -> int:
        code = self.proc.wait(timeout=within)
        self.reader.close()
        return code

    def stop(self) -> None:
        """After a failed test: end whatever is still running in its session (process group)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.reader.close(within=1)


class Tmux:
    """A tmux server of the test's own, built with -f /dev/null: its socket is under the test's
    tmp dir (`-S`), so no other server is reached and nothing is left in tmux's shared socket
    folder. One session `t` with one pane of a fixed size, kept after its command ends
    (remain-on-exit). Waits read the pane's text until it shows what is expected, within
    generous bounds."""

    SESSION = "t"

    def __init__(
        self, tmp_path: Path, env: dict[str, str] | None = None, *, size: tuple[int, int] = SIZE
    ) -> None:
        self.socket = tmp_path / "tmux.sock"
        self.env = env  # the server's (and so the pane's) environment; None: this process's
        self.size = size
        self.captured: list[str] = []  # every capture of the pane, for leak scans
        self.client: subprocess.Popen[bytes] | None = None
        self.outer: PtyReader | None = None
        self._gate: Path | None = None
        self._last_key = 0.0

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            env=self.env,
            capture_output=True,
            timeout=10,
            check=False,
        )
        return done.stdout.decode(errors="replace")

    def start(
        self, command: str, *, options: dict[str, str] | None = None, gated: bool = False
    ) -> None:
        """Run the shell command `command` in the pane. `options`: global tmux options
        (`{"set-clipboard": "on"}`). `gated`: the pane waits for `release()` before running it, so
        that options are set and a client `attach()`ed in between sees everything it writes."""
        if gated:
            self._gate = self.socket.with_suffix(".go")
            command = f"while [ ! -e {self._gate} ]; do sleep 0.05; done; exec {command}"
        width, height = (str(n) for n in self.size)
        self("-f", "/dev/null", "new-session", "-d", "-s", self.SESSION, "-x", width,
             "-y", height, "-c", str(REPO), command)  # fmt: skip
        self("set-option", "-g", "remain-on-exit", "on")
        self("set-option", "-g", "window-size", "manual")  # the size stays, client or none
        self("resize-window", "-t", self.SESSION, "-x", width, "-y", height)
        for name, value in (options or {}).items():
            self("set-option", "-g", name, value)

    def respawn(self, command: str) -> None:
        """Run another command in the same pane, with an empty scrollback."""
        self("clear-history", "-t", self.SESSION)
        self("respawn-pane", "-k", "-t", self.SESSION, command)

    def attach(self) -> PtyReader:
        """A client on its own pty, as the admin's terminal emulator would be."""
        master, slave = pty.openpty()
        _set_size(slave, self.size[1], self.size[0])
        self.client = subprocess.Popen(
            ["tmux", "-S", str(self.socket), "attach-session", "-t", self.SESSION],
            env={**(os.environ if self.env is None else self.env), "TERM": "xterm-256color"},
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        self.outer = PtyReader(master)
        deadline = time.monotonic() + WAIT
        while not self("list-clients").strip():
            assert time.monotonic() < deadline, "the tmux client never attached"
            time.sleep(0.05)
        return self.outer

    def release(self) -> None:
        assert self._gate is not None, "start(..., gated=True) first"
        self._gate.touch()

    def screen(self, history: bool = False) -> str:
        """The pane's text (with its scrollback if `history`), wrapped lines joined."""
        extra = ["-S", "-"] if history else []
        shown = self("capture-pane", "-p", "-J", "-t", self.SESSION, *extra)
        self.captured.append(shown)
        return shown

    def wait_for(self, *texts: str, within: float = WAIT, history: bool = False) -> str:
        """The pane's text once it shows one of `texts`."""
        what = " or ".join(map(repr, texts))
        return self.wait_until(lambda shown: any(t in shown for t in texts), what, within, history)

    def wait_match(
        self, pattern: str, *, within: float = WAIT, history: bool = False
    ) -> re.Match[str]:
        """The first match of the regular expression `pattern`, once the pane shows one."""
        shown = self.wait_until(lambda text: re.search(pattern, text), pattern, within, history)
        found = re.search(pattern, shown)
        assert found is not None
        return found

    def wait_until(
        self,
        shows: Callable[[str], object],
        what: str,
        within: float = WAIT,
        history: bool = False,
    ) -> str:
        """The pane's text once `shows(text)` is true; `what` names it if it never is."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            shown = self.screen(history)
            if shows(shown):
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{what} never appeared; the pane:\n{self.screen(history=True)}")

    def keys(self, *keys: str) -> None:
        """Type `keys` (tmux key names). Keys come at least KEY_GAP apart: Textual reads an
        Escape followed at once by a key as Alt+key, and acts on one key before the next."""
        for key in keys:
            pause = self._last_key + KEY_GAP - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self("send-keys", "-t", self.SESSION, key)
            self._last_key = time.monotonic()

    def close_pane(self) -> None:
        """What closing the terminal window does: the pane's terminal goes (SIGHUP)."""
        self("kill-pane", "-t", self.SESSION)

    def buffers(self) -> dict[str, bytes]:
        names = self("list-buffers", "-F", "#{buffer_name}").split()
        held = {}
        for name in names:
            done = subprocess.run(
                ["tmux", "-S", str(self.socket), "show-buffer", "-b", name],
                env=self.env,
                capture_output=True,
                timeout=10,
                check=False,
            )
            held[name] = done.stdout
        return held

    def pane_pid(self) -> int:
        return int(self("display-message", "-p", "-t", self.SESSION, "#{pane_pid}").strip())

    def kill(self) -> None:
        self("kill-server")
        self.socket.unlink(missing_ok=True)  # kill-server may leave it behind
        if self.client is not None:
            try:
                self.client.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.client.kill()
        if self.outer is not None:
            self.outer.close()


@contextlib.contextmanager
def tmux_server(tmp_path: Path, env: dict[str, str] | None = None) -> Iterator[Tmux]:
    """A `Tmux` that is killed however the test ends."""
    server = Tmux(tmp_path, env)
    try:
        yield server
    finally:
        server.kill()


def wait_gone(pid: int, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while Path(f"/proc/{pid}").exists():
        stat = Path(f"/proc/{pid}/stat").read_text() if Path(f"/proc/{pid}/stat").exists() else ""
        if ") Z " in stat:  # a zombie: it has exited, its parent has not reaped it yet
            return
        assert time.monotonic() < deadline, f"process {pid} is still running"
        time.sleep(0.05)


def argv_of_every_process() -> list[str]:
    """Every process's argv as /proc shows it to any local user."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            found.append(cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue  # it exited meanwhile
    return found
