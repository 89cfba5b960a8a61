"""What every step pane shares: a title, a scrolling body ending with an in-place error box, a
progress line, and a fixed action bar.

The action bar holds the step's buttons and never scrolls: on the smallest usual terminal
(80x24) the primary action is on screen whatever the body holds, a button that writes to Okta
is never pressed out of sight, and moving the focus onto it scrolls nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from okta_wizard.errors import WizardError
from okta_wizard.setup.spec import STEP_TITLES
from okta_wizard.tui.demo import DemoInfo, demo_remedy
from okta_wizard.tui.messages import Announce, Severity
from okta_wizard.tui.text import plain, prose, styled, unquoted
from okta_wizard.tui.widgets.rate_limit import RateLimitCountdown, show_wait
from okta_wizard.tui.wizard_app import WizardApp

if TYPE_CHECKING:
    from okta_wizard.setup.engine import Check
    from okta_wizard.tui.state import WizardState


def describe_error(exc: BaseException, demo: DemoInfo | None = None) -> tuple[str, str]:
    """(what happened, what to do). Unexpected errors show their type only: their text could
    carry anything, and a traceback is never what an administrator needs. In the demo the
    remedy speaks of the demo's sandbox, not of an Admin Console it does not have."""
    remedy = demo_remedy(exc, demo) if demo is not None else None
    if remedy is not None:
        what = (
            exc.message
            if isinstance(exc, WizardError)
            else f"Unexpected error ({type(exc).__name__})."
        )
        return what, remedy
    if isinstance(exc, WizardError):
        return exc.message, exc.remedy or "Fix the problem above, then try again."
    return (
        f"Unexpected error ({type(exc).__name__}).",
        "Try again. If it persists, run `okta-wizard status` to see what is saved.",
    )


def check_line(check: Check) -> Content:
    mark = "[b green]✔ PASS[/]" if check.ok else "[b red]✘ FAIL[/]"
    line = styled(f"{mark} $name: $detail", name=check.name, detail=check.detail)
    if not check.ok and check.remedy:
        line += Content("\n      → ") + prose(check.remedy)
    return line


class StepPane(Vertical):
    """One step of the guide. Subclasses set STEP, compose their body and their actions."""

    STEP = 0
    INTRO = ""

    class Finished(Message):
        """The step is done; the main screen moves to the next one."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    wizard = getters.app(WizardApp)

    def __init__(self) -> None:
        super().__init__(id=f"step-{self.STEP}", classes="step-pane")

    @property
    def state(self) -> WizardState:
        return self.wizard.state

    body = getters.query_one(".step-body", VerticalScroll)

    def compose(self) -> ComposeResult:
        yield Static(f"Step {self.STEP} of 6 · {STEP_TITLES[self.STEP]}", classes="step-title")
        with VerticalScroll(classes="step-body"):
            if self.INTRO:
                yield Static(self.INTRO, classes="step-intro")
            yield from self.compose_body()
            yield Static("", classes="error-box")
        yield RateLimitCountdown(classes="rate-limit-line")
        yield Static("", classes="progress-line")
        with Horizontal(classes="action-bar"):
            yield from self.compose_actions()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def compose_actions(self) -> ComposeResult:
        """The step's buttons, primary first."""
        yield from ()

    def on_enter(self) -> None:
        """Called each time the pane is shown."""

    def focus_first(self) -> None:
        """Put the focus where the admin starts typing."""

    def focus_control(self, widget: Widget) -> None:
        """Focus `widget` scrolling the body only as far as needed to show it (Textual's own
        focus scroll centres it, which at 80x24 pushes the step's intro out of sight)."""
        widget.focus(scroll_visible=False)
        self.call_after_refresh(widget.scroll_visible, animate=False)

    def show_progress(self, text: str) -> None:
        if show_wait(self, text, on_stop=lambda: self.show_progress("")):
            return  # a wait for Okta's rate limit: counted down on its own line
        line = self.query_one(".progress-line", Static)
        line.update(styled("⏳ $text", text=text) if text else "")
        line.set_class(bool(text), "busy")

    def show_notice(self, text: str, severity: Severity = "information") -> None:
        """A sentence that stays at the top of the step (how a resumed setup got here).
        Mounted when first needed: the first screen draws nothing it does not show."""
        shown = plain(("⚠ " if severity == "warning" else "↻ ") + text)
        for notice in self.query(".step-notice").results(Static):
            notice.update(shown)
            notice.set_class(severity == "warning", "warning")
            return
        notice = Static(shown, classes="step-notice")
        notice.set_class(severity == "warning", "warning")
        if self.INTRO:
            self.body.mount(notice, after=self.body.query_one(".step-intro"))
        else:
            self.body.mount(notice, before=0)

    def show_error(self, exc: BaseException) -> None:
        what, todo = describe_error(exc, self.wizard.config.demo)
        box = self.query_one(".error-box", Static)
        # The remedy is the wizard's own advice (its `names` in bold); `what` may quote Okta.
        box.update(styled("[b]✘ $what[/b]\n→ ", what=what) + prose(todo))
        box.add_class("shown")
        self.show_progress("")
        self.announce(f"Error: {what} {unquoted(todo)}", severity="error")
        self.show_newest()

    def show_failure(self, exc: BaseException) -> None:
        """A failure of this step met elsewhere (a resumed setup's check): as if its own."""
        self.show_error(exc)

    def announce(self, text: str, *, severity: Severity = "information") -> None:
        self.post_message(Announce(text, severity=severity))

    def show_newest(self) -> None:
        """Bring the end of the step (results, an error, the link) into view.

        Once the content just updated has been laid out: after the next refresh, and then
        after the one that lays out (scroll_end waits for a refresh of its own). Sooner, the
        new height is not known and a small terminal stops a line or more short. Not
        Textual's anchor: an anchored body shorter than its view is drawn at the bottom
        (step 1 moved down under its own title after the check).
        """
        self.call_after_refresh(self.body.scroll_end, animate=False)

    def clear_error(self) -> None:
        box = self.query_one(".error-box", Static)
        box.update("")
        box.remove_class("shown")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a step's failure lands: in place, with what to do; never a traceback."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.show_error(event.worker.error)

    def finish(self) -> None:
        self.post_message(self.Finished(self.STEP))
