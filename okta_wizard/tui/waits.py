"""What Escape and Ctrl+C stop on a screen, when something there waits: a countdown for Okta's
rate limit (its work is cancelled) or the test sign-in waiting for the browser (the test ends
and removes its redirect URI). Elsewhere the keys do what they always do."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from okta_wizard.tui.widgets.rate_limit import countdown_waiting

if TYPE_CHECKING:
    from okta_wizard.tui.widgets.sign_in_panel import SignInPanel


def stoppable_wait(screen: Screen[object]) -> Callable[[], bool] | None:
    """How to stop what waits on `screen` now; None when nothing does."""
    countdown = countdown_waiting(screen)
    if countdown is not None:
        return countdown.cancel
    # By its type's name: step 5's panel module is imported with step 5, not at start.
    for panel in screen.query("SignInPanel"):
        if cast("SignInPanel", panel).waiting:
            return cast("SignInPanel", panel).stop_waiting
    return None
