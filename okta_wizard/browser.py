"""Opening a URL in the system's graphical browser, for the test sign-in (CLI and wizard).

Only a graphical browser: a console one (lynx, w3m) would take over the terminal the command
or the wizard is drawn in. Without a display (an SSH session, a container) nothing opens and
the caller shows the URL instead.
"""

from __future__ import annotations

import os
import sys


def open_in_browser(url: str) -> bool:
    """Open `url` in a new tab of the system's graphical browser; False when none could."""
    if sys.platform not in ("win32", "darwin") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    if type(browser) is webbrowser.GenericBrowser:
        return False
    try:
        return bool(browser.open(url, new=2))
    except (webbrowser.Error, OSError):
        return False


def url_lead(*, opened: bool) -> str:
    """The line above the authorization URL: what happened, and what to do with the URL."""
    if opened:
        return "Opened the sign-in in your browser. If it did not open, open this URL:"
    return "Open this URL in a browser on this machine and sign in:"


def ssh_note(port: int, *, opened: bool) -> str | None:
    """Over SSH the loopback listener is on the remote machine: how to reach it, or None."""
    if opened or not os.environ.get("SSH_CONNECTION"):
        return None
    return (
        f"(Over SSH: forward the port first, `ssh -L {port}:127.0.0.1:{port} HOST`, then open the "
        "URL on your computer.)"
    )
