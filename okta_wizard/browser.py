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
