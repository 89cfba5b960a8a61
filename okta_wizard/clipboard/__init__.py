"""Copying a secret to the clipboard, and clearing it again, for the CLI and the wizard alike.

This package is the one home of the clear delay: every message that names it takes the number
from `configured_clear_after()` (or the delay a caller was configured with), never from a
literal. Importing it is cheap (the wizard's first screen needs the delay): the copy machinery
lives in `board`, `platforms` and `terminal`, loaded when something is first copied.

Where a copy goes, in order:
1. The platform's clipboard when one is there: the macOS pasteboard, the Windows clipboard,
   `wl-copy` on Wayland, `xclip` on X11. It bypasses terminals and multiplexers, can be read
   back (so the clear never wipes what the admin copied since), and is marked sensitive where
   the platform allows it.
2. Otherwise the terminal, through OSC 52: wrapped for tmux's `allow-passthrough` or GNU
   screen so that the multiplexer keeps no copy; inside tmux without passthrough tmux keeps a
   paste buffer, which is deleted when the copy is cleared.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

CLEAR_AFTER_SECONDS = 30.0
SECONDS_ENV = "OKTA_WIZARD_CLIPBOARD_SECONDS"


def configured_clear_after(env: Mapping[str, str] | None = None) -> float:
    """The clear delay: `OKTA_WIZARD_CLIPBOARD_SECONDS` when it is a positive number, else 30 s."""
    raw = (os.environ if env is None else env).get(SECONDS_ENV, "").strip()
    try:
        seconds = float(raw) if raw else CLEAR_AFTER_SECONDS
    except ValueError:
        return CLEAR_AFTER_SECONDS
    return seconds if 0 < seconds < float("inf") else CLEAR_AFTER_SECONDS


def clear_note(seconds: float) -> str:
    """How every help text names the delay, e.g. "clipboard cleared after 30 s"."""
    return f"clipboard cleared after {seconds:g} s"
