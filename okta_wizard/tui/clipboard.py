"""Best-effort copy: OSC 52 through Textual, cleared after a delay, with an honest fallback.

OSC 52 gets no acknowledgement, so whether a copy worked can only be guessed from the terminal:
VTE terminals (GNOME Terminal, Terminator) and macOS Terminal.app ignore it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

CLEAR_AFTER_SECONDS = 30.0


def osc52_supported(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    if env.get("OKTA_WIZARD_NO_CLIPBOARD") == "1":
        return False
    if env.get("TERM_PROGRAM") == "Apple_Terminal":
        return False
    # VTE sets VTE_VERSION; inside tmux the outer terminal decides, so trust tmux's forwarding.
    return not (env.get("VTE_VERSION") and not env.get("TMUX"))
