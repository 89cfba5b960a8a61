"""One clipboard for a process: copy a value, clear it later, and say only what is known.

`Clipboard.copy` puts the value on the platform's clipboard when there is one (read back to
confirm), else asks the terminal through OSC 52 (which never answers, so the message says
"asked"). `Clipboard.clear` clears only while our value is still there where that can be
checked: on the platform clipboard it is read back; in this process a later copy supersedes an
earlier one. A copy waiting to be cleared is also cleared on normal exit, SIGTERM and SIGHUP
(then the signal takes its usual course, so the exit status stays 143 or 129).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import Any

from okta_wizard.clipboard.platforms import (
    ClipboardFailed,
    PlatformClipboard,
    find_platform_clipboard,
)
from okta_wizard.clipboard.programs import Runner
from okta_wizard.clipboard.terminal import TerminalRoute, TmuxBuffers, terminal_route
from okta_wizard.secret import Secret

Send = Callable[[str], None]
ROUTE_ENV = "OKTA_WIZARD_CLIPBOARD"  # "terminal": skip the platform clipboard; "off": no copy
OFF_ENV = "OKTA_WIZARD_NO_CLIPBOARD"  # "1": no copy (kept for existing setups)
NO_TERMINAL = TerminalRoute(
    "",
    usable=False,
    why_not="No platform clipboard was found, and copying through the terminal (OSC 52) "
    "needs a terminal on stdout.",
    remedy="Run it in a terminal, or use --reveal and copy by hand.",
)
_tickets = itertools.count(1)


@dataclass(frozen=True)
class CopyOutcome:
    copied: bool
    message: str
    remedy: str = ""  # when not copied: what the admin can do
    ticket: int = 0  # names this copy for `Clipboard.clear`


@dataclass(frozen=True)
class _Pending:
    ticket: int
    value: Secret
    what: str
    platform: PlatformClipboard | None  # None: the copy went through the terminal
    route: TerminalRoute


class Clipboard:
    """`send` writes escape sequences to the terminal (None: no terminal); `send_urgent` does it
    synchronously from a signal handler or at exit; `report` shows what a clear on a signal or
    at exit did (None: nobody to tell)."""

    def __init__(
        self,
        *,
        send: Send | None,
        send_urgent: Send | None = None,
        report: Callable[[str], None] | None = None,
        env: Mapping[str, str] | None = None,
        platform: PlatformClipboard | bool | None = True,
        run: Runner = subprocess.run,
    ) -> None:
        self.send = send
        self.send_urgent = send_urgent or send
        self.report = report
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.run = run
        self._platform_choice = platform  # True: find it at the first copy
        self._pending: _Pending | None = None

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def _platform(self) -> PlatformClipboard | None:
        if self._platform_choice is True:
            found = None
            if self.env.get(ROUTE_ENV, "").lower() != "terminal":
                found = find_platform_clipboard(self.env, run=self.run)
            self._platform_choice = found
        return self._platform_choice or None

    def _turned_off(self) -> bool:
        return self.env.get(OFF_ENV) == "1" or self.env.get(ROUTE_ENV, "").lower() == "off"

    def cannot_copy(self) -> CopyOutcome | None:
        """Why no copy can work here (before any secret is read), or None when one may."""
        if self._turned_off():
            return CopyOutcome(
                False,
                f"Copying is turned off here ({OFF_ENV}=1 or {ROUTE_ENV}=off).",
                remedy="Use --reveal and copy by hand.",
            )
        if self._platform() is not None:
            return None
        route = terminal_route(self.env, self.run) if self.send is not None else NO_TERMINAL
        return None if route.usable else CopyOutcome(False, route.why_not, remedy=route.remedy)

    def copy(
        self, value: Secret, *, what: str, clear_after: float | None, sensitive: bool = True
    ) -> CopyOutcome:
        """Copy `value`; `clear_after` None: nothing to clear (a value that is not secret)."""
        if self._turned_off():
            refusal = self.cannot_copy()
            assert refusal is not None
            return refusal
        self._supersede()
        text = value.reveal()
        platform = self._platform()
        failed = ""
        if platform is not None:
            try:
                platform.write(text)
                if platform.read() != text:
                    raise ClipboardFailed("it did not keep the value")
            except ClipboardFailed as exc:
                failed = f"Could not use {platform.name} ({exc}). "
            else:
                message = _copied_to_platform(platform, what, sensitive=sensitive)
                return self._keep(value, what, platform, NO_TERMINAL, clear_after, message)
        route = terminal_route(self.env, self.run) if self.send is not None else NO_TERMINAL
        if not route.usable:
            return CopyOutcome(False, failed + route.why_not, remedy=route.remedy)
        assert self.send is not None
        self.send(route.copy_sequence(text))
        message = failed + _asked_terminal(route, what)
        return self._keep(value, what, None, route, clear_after, message)

    def _keep(
        self,
        value: Secret,
        what: str,
        platform: PlatformClipboard | None,
        route: TerminalRoute,
        clear_after: float | None,
        message: str,
    ) -> CopyOutcome:
        ticket = next(_tickets)
        if clear_after is None:
            return CopyOutcome(True, message, ticket=ticket)
        self._pending = _Pending(ticket, value, what, platform, route)
        _GUARD.watch(self)
        if platform is not None:
            when = f"It is cleared in {clear_after:g} s if {platform.name} still holds it."
        else:
            when = f"Asking the terminal to clear its clipboard in {clear_after:g} s."
        return CopyOutcome(True, f"{message} {when}", ticket=ticket)

    def _supersede(self) -> None:
        """A new copy replaces the old one everywhere but in tmux's paste buffers: delete those."""
        old, self._pending = self._pending, None
        _GUARD.release(self)
        if old is not None and old.route.tmux:
            buffers = TmuxBuffers(self.env, self.run)
            buffers.delete(buffers.holding(old.value.reveal()) or [])

    def clear(self, ticket: int | None = None, *, urgent: bool = False) -> str | None:
        """Clear the pending copy (only the one named by `ticket`, when given); None: nothing
        was pending. Returns what was done, in words for the admin."""
        pending = self._pending
        if pending is None or (ticket is not None and ticket != pending.ticket):
            return None
        self._pending = None
        _GUARD.release(self)
        if pending.platform is not None:
            return _clear_platform(pending.platform, pending.value.reveal())
        return self._clear_terminal(pending, urgent=urgent)

    def _clear_terminal(self, pending: _Pending, *, urgent: bool) -> str:
        route = pending.route
        send = self.send_urgent if urgent else self.send
        try:
            assert send is not None
            send(route.clear_sequence())
        except (OSError, ValueError) as exc:  # the terminal is gone (SIGHUP) or closed
            said = (
                f"Could not reach the terminal to clear its clipboard ({type(exc).__name__}): "
                "copy something else to replace it."
            )
        else:
            said = _asked_terminal_to_clear(route)
        if route.tmux:
            said += " " + self._clear_tmux_buffers(pending)
        return said

    def _clear_tmux_buffers(self, pending: _Pending) -> str:
        buffers = TmuxBuffers(self.env, self.run)
        holding = buffers.holding(pending.value.reveal())
        if holding is None:
            return (
                "Could not ask tmux which paste buffers hold it: run `tmux list-buffers`, "
                "then `tmux delete-buffer -b NAME` for each one that holds it."
            )
        refused = buffers.delete(holding)
        said = []
        if deleted := [name for name in holding if name not in refused]:
            said.append(
                f"Deleted tmux paste buffer {', '.join(deleted)}, which held {pending.what}."
            )
        if refused:
            said.append(f"tmux refused to delete {', '.join(refused)}: run `tmux delete-buffer -b "
                        f"{refused[0]}`.")  # fmt: skip
        if pending.route.tmux_keeps_copy:
            if not holding:
                said.append("No tmux paste buffer holds it.")
            said.append(
                "tmux does not pass clear requests on, so the terminal outside tmux may still "
                "hold it until something else is copied."
            )
        return " ".join(said)


def _copied_to_platform(platform: PlatformClipboard, what: str, *, sensitive: bool) -> str:
    if not sensitive:
        return f"Copied {what} to {platform.name}."
    if platform.marked:
        return (
            f"Copied {what} to {platform.name}, marked sensitive so that clipboard managers "
            "which honour the mark keep it out of their history."
        )
    return (
        f"Copied {what} to {platform.name}. It is not marked sensitive "
        f"({platform.unmarked_why}): a clipboard manager may keep it in its history."
    )


def _asked_terminal(route: TerminalRoute, what: str) -> str:
    unconfirmed = "Terminals do not confirm a copy: paste to check."
    if route.via == "tmux passthrough":
        return (
            f"Asked the terminal outside tmux to copy {what} (OSC 52 through tmux's "
            f"allow-passthrough, so tmux keeps no copy). {unconfirmed}"
        )
    if route.via == "GNU screen":
        return (
            f"Asked the terminal outside GNU screen to copy {what} (OSC 52 passed through "
            f"screen, which keeps no copy). {unconfirmed}"
        )
    if route.via == "tmux":
        return (
            f"Asked the terminal to copy {what} (OSC 52 through tmux). tmux keeps a copy in a "
            "paste buffer and ignores requests to clear it: okta-wizard deletes that buffer "
            "when it clears (by hand: `tmux list-buffers`, then `tmux delete-buffer -b NAME`). "
            "With `tmux set -g allow-passthrough on`, tmux keeps no copy."
        )
    if route.tmux:
        return (
            f"Asked the terminal to copy {what} (OSC 52 through tmux, which did not say how it "
            "is set up). With set-clipboard on, tmux keeps a copy in a paste buffer: "
            "`tmux list-buffers`, then `tmux delete-buffer -b NAME`. "
            f"{unconfirmed}"
        )
    return f"Asked the terminal to copy {what} (OSC 52). {unconfirmed}"


def _asked_terminal_to_clear(route: TerminalRoute) -> str:
    if route.via == "tmux passthrough":
        return (
            "Asked the terminal outside tmux to clear its clipboard (through tmux's passthrough)."
        )
    if route.via == "GNU screen":
        return (
            "Asked the terminal outside GNU screen to clear its clipboard. screen's own paste "
            "buffer holds only what you copy in its copy mode: `screen -X register . ''` "
            "empties it."
        )
    if route.tmux:
        return "Asked the terminal to clear its clipboard; tmux ignores such requests."
    return "Asked the terminal to clear its clipboard (OSC 52)."


def _clear_platform(platform: PlatformClipboard, text: str) -> str:
    try:
        if platform.read() != text:
            return f"{_capital(platform.name)} holds something else now: left it as it is."
        platform.clear()
        if platform.read() == text:
            raise ClipboardFailed("it still holds the value")
    except ClipboardFailed as exc:
        return f"Could not clear {platform.name} ({exc}): copy something else to replace it."
    return f"Cleared {platform.name}."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def guarded_signals() -> tuple[int, ...]:
    """The signals that clear a pending copy: SIGTERM, and SIGHUP where there is one (Windows
    has none)."""
    return tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class _ExitGuard:
    """Clears every pending copy at exit and on SIGTERM/SIGHUP, then lets the signal act."""

    def __init__(self) -> None:
        self.boards: list[Clipboard] = []
        self.previous: dict[int, Any] = {}
        self.at_exit = False

    def watch(self, board: Clipboard) -> None:
        if board not in self.boards:
            self.boards.append(board)
        if not self.at_exit:
            atexit.register(self.clear_all)
            self.at_exit = True
        if not self.previous and threading.current_thread() is threading.main_thread():
            for signum in guarded_signals():
                self.previous[signum] = signal.signal(signum, self.on_signal)

    def release(self, board: Clipboard) -> None:
        if board in self.boards:
            self.boards.remove(board)
        if not self.boards:
            self._restore()

    def _restore(self) -> None:
        if not self.previous or threading.current_thread() is not threading.main_thread():
            return
        for signum, previous in self.previous.items():
            if signal.getsignal(signum) == self.on_signal:
                signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        self.previous = {}

    def clear_all(self) -> None:
        for board in list(self.boards):
            said = board.clear(urgent=True)
            if said and board.report is not None:
                # After SIGHUP the terminal may be gone: the clear is done, the report is lost.
                with contextlib.suppress(OSError, ValueError):
                    board.report(said)

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        previous = self.previous.get(signum, signal.SIG_DFL)
        self.clear_all()
        self._restore()
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            if hasattr(os, "kill") and sys.platform != "win32":
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)  # die of the signal, as without us
            raise SystemExit(128 + signum)


_GUARD = _ExitGuard()
