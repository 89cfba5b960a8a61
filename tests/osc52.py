"""Reading the escape sequences a program sent to its terminal: what a terminal that honours
OSC 52 would hold on its clipboard. tmux passthrough and GNU screen wrappers are unwrapped
first, as the multiplexer does."""

from __future__ import annotations

import base64
import binascii
import os
import re
from typing import Any

OSC52 = re.compile(r"\x1b\]52;[a-z]*;([^\x07\x1b]*)(?:\x07|\x1b\\)")
TMUX_PASSTHROUGH = re.compile(r"\x1bPtmux;((?:[^\x1b]|\x1b\x1b)*)\x1b\\")
SCREEN_DCS = re.compile(r"\x1bP(\x1b\][^\x07]*\x07)\x1b\\")


def plain_terminal_env(**extra: str) -> dict[str, str]:
    """This environment as a plain terminal gives it: no desktop clipboard, no multiplexer,
    no clipboard settings; `extra` on top."""
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "TMUX", "TMUX_PANE", "STY", "VTE_VERSION")
    kept = {k: v for k, v in os.environ.items() if k not in hidden and "CLIPBOARD" not in k}
    return {**kept, **extra}


def unwrap(output: str) -> str:
    output = TMUX_PASSTHROUGH.sub(lambda m: m.group(1).replace("\x1b\x1b", "\x1b"), output)
    return SCREEN_DCS.sub(lambda m: m.group(1), output)


def clipboard_after(output: str) -> str | None:
    """The clipboard after these bytes: None when no OSC 52 was sent; "" once cleared."""
    held: str | None = None
    for payload in OSC52.findall(unwrap(output)):
        try:
            held = base64.b64decode(payload, validate=True).decode() if payload else ""
        except (binascii.Error, ValueError):
            held = ""  # "!" or any other non-base64 payload: xterm clears the selection
    return held


class TerminalRecorder:
    """Stands for the terminal in TUI tests (Textual's headless driver writes nowhere)."""

    def __init__(self) -> None:
        self.output = ""

    def __call__(self, sequence: str) -> None:
        self.output += sequence

    @property
    def clipboard(self) -> str | None:
        return clipboard_after(self.output)


def record_terminal(app: Any) -> TerminalRecorder:
    """Send the app's clipboard sequences to a recorder instead of the headless driver."""
    from okta_wizard.tui.clipboard import board_for

    recorder = TerminalRecorder()
    board = board_for(app)
    board.send = board.send_urgent = recorder
    return recorder
