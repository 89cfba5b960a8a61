"""Exclusive lock files, held for a whole run: flock on POSIX, msvcrt.locking on Windows.

`LockFile` is the one lock okta-wizard takes: one org's saved progress (`OrgLock`,
setup/journal.py), one demo per folder (`DemoLock`, commands/demo_state.py). The file is opened
without following a link (`savedfile.open_no_follow`), is written only once the lock is ours
(the holder's pid, host and start time, shown to the run that is refused), and is removed when
the lock is released. Both locks are advisory for okta-wizard's purpose and are dropped by the
kernel when the process dies, so a killed run never leaves a stale lock.

On Windows a locked byte range is mandatory (others cannot read it), so the lock sits on one
byte far past the end of the file: the holder's pid, host and start time, written from offset
0, stay readable to the run that is told to wait. The modules are imported inside the
functions, so this module imports on every platform.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from pathlib import Path
from typing import Self

from okta_wizard.errors import WizardError
from okta_wizard.savedfile import Fields, is_open_at, is_timestamp, now_iso, open_no_follow

# Windows can lock a range beyond the end of the file; nothing is ever written there.
_WINDOWS_LOCK_OFFSET = 1 << 30

# POSIX: the holder removes the file while still holding the lock (no one else can be using
# that inode). Windows cannot remove an open file: it unlocks and closes first.
REMOVE_WHILE_HELD = sys.platform != "win32"


def try_lock(fd: int) -> bool:
    """Take the exclusive lock on `fd` without waiting; False if another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


_REMEDY = (
    "The lock file is okta-wizard's own: check who made this one, delete it, then run the "
    "command again."
)


class LockFile:
    """An exclusive, non-blocking lock on the file at `path`, held until `release`.

    `busy` makes the error for a lock another process holds, from a description of the
    holder ("pid 123 on laptop, started 2026-11-28T05:17:11Z", or "holder unknown"). The
    folder must exist and have been checked (`savedfile.ensure_state_folder`).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def busy(self, holder: str) -> WizardError:
        return WizardError(f"{self.path} is locked by another run ({holder}).")

    def acquire(self) -> None:
        while True:
            # Never O_TRUNC, never through a link: nothing is written before the lock is ours
            # and the file is known to be the regular file at the lock's path.
            fd = open_no_follow(self.path, os.O_RDWR | os.O_CREAT, _REMEDY, same_as_path=False)
            if not try_lock(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise self.busy(holder) from None
            # The previous holder may have removed the file between our open and the lock:
            # only a lock on the file that is still at the path counts.
            try:
                same = is_open_at(fd, self.path)
            except BaseException:
                unlock(fd)
                os.close(fd)
                raise
            if same:
                break
            unlock(fd)
            os.close(fd)
        me = {"pid": os.getpid(), "host": socket.gethostname(), "started": now_iso()}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(me).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if REMOVE_WHILE_HELD:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()  # still holding the lock, so no one else is using this inode
        unlock(fd)
        os.close(fd)
        if not REMOVE_WHILE_HELD:
            # Windows: another run may have opened it meanwhile; then it stays, and is theirs.
            with contextlib.suppress(OSError):
                self.path.unlink()

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    """Who holds the lock, from the lock file (bounded, checked, made safe to show)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        info = json.loads(os.read(fd, 4096) or b"{}")
    except (ValueError, RecursionError, OSError):
        return "holder unknown"
    if not isinstance(info, dict):
        return "holder unknown"
    f = Fields(info, lenient=True)
    pid = f.integer("pid", None)
    host = f.optional_text("host", max_len=255)
    started = f.checked("started", is_timestamp, "a timestamp")
    if pid is None or host is None or started is None:
        return "holder unknown"
    return f"pid {pid} on {host}, started {started}"
