"""Is SSO in use? Step 5's line from Okta's System Log (setup/activity.py): when a user last
signed in through the app, how many distinct users did in the last 30 days, and the last
failure with Okta's reason; or, plainly, that there is none, or why the log could not be read
(a service app without `okta.logs.read`, a role that may not view it).

Reading the log is one bounded call in its own rate-limit bucket; when it fails, the step's
checks stand as they are: the line says what happened and what to do, nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Static

from okta_wizard.errors import WizardError
from okta_wizard.tui.text import lines, plain, prose, styled

if TYPE_CHECKING:
    from okta_wizard.setup.activity import Activity
    from okta_wizard.setup.engine import Setup

HEADING = "SSO activity (Okta's System Log)"


def activity_text(activity: Activity) -> Content:
    """The report's lines under the heading, marked by what they say."""
    mark = "[b green]✔[/]" if activity.in_use else "[b]·[/]"
    first, *rest = activity.lines()
    return lines(
        [
            plain(HEADING).stylize("bold"),
            styled(f"{mark} $line", line=first),
            *(plain(f"  {line}") for line in rest),
        ]
    )


def unreadable_text(exc: WizardError) -> Content:
    """Why the log could not be read, and what to do: the checks above are not affected."""
    return lines(
        [
            plain(HEADING).stylize("bold"),
            styled("[b yellow]⚠[/] Not read: $what", what=exc.message),
            Content("  → ") + prose(exc.remedy or "Try again later."),
        ]
    )


class SsoActivity(Static):
    """Empty until `load()`; then the System Log's answer about the app, or why there is none."""

    DEFAULT_CSS = "SsoActivity { height: auto; margin-top: 1; }"

    def __init__(self, setup: Callable[[], Setup], *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._setup = setup
        self.activity: Activity | None = None

    def load(self) -> None:
        """Read the log in a worker of its own (the step goes on meanwhile)."""
        self._load()

    @work(exclusive=True, group="sso-activity", exit_on_error=False)
    async def _load(self) -> None:
        await self.read()

    async def read(self) -> None:
        """Read the log and show the answer (a caller that must wait for it awaits this)."""
        from okta_wizard.setup.activity import read_activity

        if self.activity is None:
            self.update(plain(f"{HEADING}: reading…"))
        setup = self._setup()
        app = setup.app
        if app is None:
            self.update(plain(f"{HEADING}: no app, so no sign-ins to look for."))
            return
        try:
            self.activity = await read_activity(setup, app)
        except WizardError as exc:  # refused, rate-limited, unavailable: said, nothing else
            self.activity = None
            self.update(unreadable_text(exc))
            return
        self.update(activity_text(self.activity))
