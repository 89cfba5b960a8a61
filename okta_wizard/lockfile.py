"""An exclusive, non-blocking lock on an open file: flock on POSIX, msvcrt.locking on Windows.

The one interface `OrgLock` (setup/journal.py) needs: try to take the lock on a descriptor,
release it. Both are advisory for okta-wizard's purpose and are dropped by the kernel when
the process dies, so a killed run never leaves a stale lock.

On Windows a locked byte range is mandatory (others cannot read it), so the lock sits on one
byte far past the end of the file: the holder's pid, host and start time, written from offset
0, stay readable to the run that is told to wait. The modules are imported inside the
functions, so this module imports on every platform.
"""

from __future__ import annotations

import os
import sys

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
