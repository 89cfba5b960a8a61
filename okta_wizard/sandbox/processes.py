"""Who is calling, and whose process is that: the checks behind the control API's `kill_pid`.

A fault may SIGKILL a process once its call is applied (the crash-consistency tool). The
sandbox kills only a process that belongs to the user on the other end of the connection:

- the caller's uid comes from the kernel's socket table (`/proc/net/tcp` and `/proc/net/tcp6`,
  Linux): the row whose local end is the client's address and port is the client's socket,
  and its owner is the caller. On a system without that table (macOS, Windows) the owner
  cannot be established, and `kill_pid` is refused.
- the target's owner comes from `/proc/<pid>/status` (real, effective and saved uid must all
  be the caller's: a set-uid program is not the caller's to kill), and its start time from
  `/proc/<pid>/stat`. The kill re-checks both when it fires, so a pid reused by another
  process in the meantime is never signalled.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import struct
from dataclasses import dataclass
from pathlib import Path

SOCKET_TABLES = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Endpoint = tuple[IPAddress, int]


@dataclass(frozen=True)
class ProcessIdentity:
    """One process, as far as a later kill must be sure it is still the same one."""

    pid: int
    uid: int  # real = effective = saved uid
    start_time: int  # clock ticks after boot (/proc/<pid>/stat field 22)


def _unmapped(ip: IPAddress) -> IPAddress:
    """`::ffff:127.0.0.1` is 127.0.0.1 (an IPv4 client of a dual-stack socket)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _address(text: str) -> IPAddress:
    return _unmapped(ipaddress.ip_address(text.split("%", 1)[0]))  # drop an IPv6 zone


def _decode(field: str) -> Endpoint:
    """`0100007F:1F90` -> (127.0.0.1, 8080). The kernel prints each 32-bit word of the address
    in host byte order, so packing the words natively gives back the network-order bytes."""
    hex_address, _, hex_port = field.partition(":")
    words = (int(hex_address[i : i + 8], 16) for i in range(0, len(hex_address), 8))
    raw = b"".join(struct.pack("=I", w) for w in words)
    return _unmapped(ipaddress.ip_address(raw)), int(hex_port, 16)


def socket_owner(local: tuple[str, int], remote: tuple[str, int]) -> int | None:
    """The uid owning the TCP socket whose own end is `local` and whose peer is `remote`, or
    None when no socket table says (not Linux, another network namespace, already closed)."""
    want = ((_address(local[0]), int(local[1])), (_address(remote[0]), int(remote[1])))
    for table in SOCKET_TABLES:
        try:
            rows = table.read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 8:
                continue
            try:
                if (_decode(fields[1]), _decode(fields[2])) == want:
                    return int(fields[7])
            except ValueError:
                continue
    return None


def caller_uid(peer: object, own: object) -> int | None:
    """The uid of the client of a loopback connection: `peer` and `own` are the server side's
    `peername` and `sockname` (the client's socket has them the other way round)."""
    if not (isinstance(peer, tuple) and isinstance(own, tuple)):
        return None
    if len(peer) < 2 or len(own) < 2:
        return None
    try:
        return socket_owner((str(peer[0]), int(peer[1])), (str(own[0]), int(own[1])))
    except ValueError:
        return None


def identify(pid: int) -> ProcessIdentity | None:
    """Owner and start time of a running process, or None if it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    uids: list[int] = []
    for line in status.splitlines():
        if line.startswith("Uid:"):
            uids = [int(v) for v in line.split()[1:4]]
    # The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    after_name = stat.rpartition(")")[2].split()
    if len(uids) != 3 or len(set(uids)) != 1 or len(after_name) < 20:
        return None
    return ProcessIdentity(pid, uids[0], int(after_name[19]))


def kill_if_unchanged(pid: int, uid: int | None, start_time: int | None) -> None:
    """SIGKILL `pid`; with an identity recorded when the kill was granted, only if the process
    at that pid is still that one (same owner, same start time)."""
    if uid is not None or start_time is not None:
        now = identify(pid)
        if now is None or (now.uid, now.start_time) != (uid, start_time):
            return
    with contextlib.suppress(ProcessLookupError):
        # Windows has no SIGKILL; there os.kill with SIGTERM is TerminateProcess.
        os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
