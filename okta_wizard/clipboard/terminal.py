"""The terminal's clipboard through OSC 52, and the multiplexers in between.

OSC 52 gets no answer, so a copy can only be *asked for*; every message says so. What sits
between this process and the terminal decides where the request goes:

- tmux with `allow-passthrough on`: the request is wrapped (`ESC P tmux; ... ESC \\`) and tmux
  hands it to the terminal outside untouched; tmux keeps no copy, and the clear request reaches
  the terminal the same way.
- tmux with `set-clipboard on` (no passthrough): tmux takes the request, keeps the text in a
  paste buffer and forwards it, but ignores clear requests (`ESC]52;c;!` and an empty payload):
  the paste buffer and the outer terminal keep the secret. `TmuxBuffers` finds the buffers that
  hold it and deletes them (`tmux delete-buffer`).
- tmux with `set-clipboard external` (its default) or `off`, no passthrough: tmux drops the
  request, so nothing is copied.
- GNU screen drops OSC 52 but passes a DCS string (`ESC P ... ESC \\`) to the terminal
  outside; it keeps no copy of it.
"""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from okta_wizard.clipboard.programs import Runner, ask

OSC52_CLEAR = "\x1b]52;c;!\x07"  # not base64: xterm and others clear the selection
OSC52_EMPTY = "\x1b]52;c;\x07"  # an empty payload: what kitty and Textual use to clear


def osc52_copy(text: str) -> str:
    return f"\x1b]52;c;{base64.b64encode(text.encode()).decode()}\x07"


@dataclass(frozen=True)
class TerminalRoute:
    """How an OSC 52 request reaches the terminal, and what the multiplexer keeps."""

    # "" (straight to the terminal), "tmux passthrough", "tmux", "tmux, settings unknown",
    # "GNU screen"
    via: str
    usable: bool = True
    why_not: str = ""  # when not usable: what stops it
    remedy: str = ""  # when not usable: what the admin can do

    @property
    def tmux(self) -> bool:
        return self.via.startswith("tmux")

    @property
    def tmux_keeps_copy(self) -> bool:
        return self.via == "tmux"

    def wrap(self, sequence: str) -> str:
        if self.via == "tmux passthrough":
            return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
        if self.via == "GNU screen":
            return "\x1bP" + sequence + "\x1b\\"
        return sequence

    def copy_sequence(self, text: str) -> str:
        return self.wrap(osc52_copy(text))

    def clear_sequence(self) -> str:
        return self.wrap(OSC52_CLEAR) + self.wrap(OSC52_EMPTY)


PASSTHROUGH_REMEDY = (
    "Run `tmux set -g allow-passthrough on` (okta-wizard then asks the terminal outside tmux "
    "directly, and tmux keeps no copy), or use --reveal and copy by hand."
)


def terminal_route(env: Mapping[str, str], run: Runner = subprocess.run) -> TerminalRoute:
    """Where an OSC 52 request from this process ends up, judged from the environment."""
    if env.get("TMUX"):
        return _tmux_route(env, run)
    if env.get("STY"):
        return TerminalRoute("GNU screen")
    if env.get("TERM_PROGRAM") == "Apple_Terminal" or env.get("VTE_VERSION"):
        # Terminal.app and VTE terminals (GNOME Terminal, Terminator) ignore OSC 52.
        return TerminalRoute(
            "",
            usable=False,
            why_not="This terminal ignores copy requests (OSC 52).",
            remedy="Use --reveal and select the value, or a terminal with OSC 52 "
            "(kitty, iTerm2, WezTerm, xterm, Windows Terminal).",
        )
    return TerminalRoute("")


def _tmux_route(env: Mapping[str, str], run: Runner) -> TerminalRoute:
    shown = _tmux(
        env, run, "display-message", "-p", *_pane(env), "#{allow-passthrough} #{set-clipboard}"
    )
    if shown is None:  # tmux did not answer: send it as is, and say what tmux may keep
        return TerminalRoute("tmux, settings unknown")
    passthrough, _, set_clipboard = shown.decode(errors="replace").strip().partition(" ")
    if passthrough in ("1", "on", "all"):
        return TerminalRoute("tmux passthrough")
    if set_clipboard == "on":
        return TerminalRoute("tmux")
    return TerminalRoute(
        "tmux",
        usable=False,
        why_not=f"tmux drops copy requests from programs here (set-clipboard is "
        f"{set_clipboard or 'off'}, allow-passthrough is off).",
        remedy=PASSTHROUGH_REMEDY,
    )


def _pane(env: Mapping[str, str]) -> Sequence[str]:
    pane = env.get("TMUX_PANE", "")
    return ("-t", pane) if pane else ()


def _tmux(env: Mapping[str, str], run: Runner, *args: str) -> bytes | None:
    """Ask the tmux server this process runs in (found through $TMUX); None when it fails.
    Buffers are read on stdout and named in argv, never given by content."""
    done = ask(run, ["tmux", *args], env=env)
    return done.stdout if done is not None and done.returncode == 0 else None


class TmuxBuffers:
    """tmux's paste buffers: which hold a value, and deleting those (by name, never by content)."""

    def __init__(self, env: Mapping[str, str], run: Runner = subprocess.run) -> None:
        self.env = env
        self.run = run

    def holding(self, text: str) -> list[str] | None:
        """Names of the buffers whose content is exactly `text`; None when tmux cannot tell."""
        names = _tmux(self.env, self.run, "list-buffers", "-F", "#{buffer_name}")
        if names is None:
            return None
        wanted = text.encode()
        found = []
        for name in names.decode(errors="replace").splitlines():
            if name and _tmux(self.env, self.run, "show-buffer", "-b", name) == wanted:
                found.append(name)
        return found

    def delete(self, names: Sequence[str]) -> list[str]:
        """Delete these buffers; returns the names tmux refused to delete."""
        return [n for n in names if _tmux(self.env, self.run, "delete-buffer", "-b", n) is None]
