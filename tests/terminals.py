"""Real terminals for tests: a process on a pseudo-terminal, and a private tmux server with a
client attached on its own pty (the terminal outside tmux, whose received bytes are read).
Every wait is bounded; everything started here is stopped by the fixture that made it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OKTA_WIZARD = [sys.executable, "-m", "okta_wizard"]


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
    """A tmux server on a private socket under the test's tmp dir, built with -f /dev/null."""

    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.socket = str(tmp_path / "tmux.sock")
        self.env = env
        self.client: subprocess.Popen[bytes] | None = None
        self.outer: PtyReader | None = None

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", self.socket, *args],
            env=self.env,
            capture_output=True,
            timeout=10,
            check=False,
        )
        return done.stdout.decode(errors="replace")

    def start(self, command: str, **options: str) -> None:
        """A detached session whose one pane waits for `release()` before running `command`,
        so that the attached client sees everything the command writes."""
        gate = Path(self.socket).with_suffix(".go")
        wrapped = f"while [ ! -e {gate} ]; do sleep 0.05; done; exec {command}"
        self("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "200", "-y", "40",
             "-c", str(REPO), wrapped)  # fmt: skip
        self("set-option", "-g", "remain-on-exit", "on")
        for name, value in options.items():
            self("set-option", "-g", name.replace("_", "-"), value)
        self._gate = gate

    def attach(self) -> PtyReader:
        """A client on its own pty, as the admin's terminal emulator would be."""
        master, slave = pty.openpty()
        _set_size(slave, 40, 200)
        self.client = subprocess.Popen(
            ["tmux", "-S", self.socket, "attach-session", "-t", "t"],
            env={**self.env, "TERM": "xterm-256color"},
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        self.outer = PtyReader(master)
        deadline = time.monotonic() + 10
        while not self("list-clients").strip():
            assert time.monotonic() < deadline, "the tmux client never attached"
            time.sleep(0.05)
        return self.outer

    def release(self) -> None:
        self._gate.touch()

    def screen(self) -> str:
        """The pane's text with its scrollback, wrapped lines joined."""
        return self("capture-pane", "-p", "-J", "-S", "-", "-t", "t")

    def wait_for(self, text: str, within: float = 30.0) -> str:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the pane shows:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self("send-keys", "-t", "t", key)
            time.sleep(0.15)

    def buffers(self) -> dict[str, bytes]:
        names = self("list-buffers", "-F", "#{buffer_name}").split()
        held = {}
        for name in names:
            done = subprocess.run(
                ["tmux", "-S", self.socket, "show-buffer", "-b", name],
                env=self.env,
                capture_output=True,
                timeout=10,
                check=False,
            )
            held[name] = done.stdout
        return held

    def pane_pid(self) -> int:
        return int(self("display-message", "-p", "-t", "t", "#{pane_pid}").strip())

    def kill(self) -> None:
        self("kill-server")
        if self.client is not None:
            try:
                self.client.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.client.kill()
        if self.outer is not None:
            self.outer.close()


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
