"""What every step pane shares: a title, an in-place error box, a progress line, checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from okta_wizard.errors import WizardError
from okta_wizard.setup.engine import STEP_TITLES, Check
from okta_wizard.tui.demo import DemoInfo, demo_remedy
from okta_wizard.tui.text import styled

if TYPE_CHECKING:
    from okta_wizard.tui.app import WizardApp
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
        "Try again; your progress is saved. If it persists, run `okta-wizard status`.",
    )


def check_line(check: Check) -> Content:
    mark = "[b green]✔ PASS[/]" if check.ok else "[b red]✘ FAIL[/]"
    line = styled(f"{mark} $name: $detail", name=check.name, detail=check.detail)
    if not check.ok and check.remedy:
        line += styled("\n      → $remedy", remedy=check.remedy)
    return line


class StepPane(VerticalScroll):
    """One step of the guide. Subclasses set STEP and compose their body."""

    STEP = 0
    INTRO = ""

    class Finished(Message):
        """The step is done; the main screen moves to the next one."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self) -> None:
        super().__init__(id=f"step-{self.STEP}", classes="step-pane")

    @property
    def wizard(self) -> WizardApp:
        from okta_wizard.tui.app import WizardApp

        return cast(WizardApp, self.app)

    @property
    def state(self) -> WizardState:
        return self.wizard.state

    def compose(self) -> ComposeResult:
        yield Static(f"Step {self.STEP} of 6 · {STEP_TITLES[self.STEP]}", classes="step-title")
        if self.INTRO:
            yield Static(self.INTRO, classes="step-intro")
        yield from self.compose_body()
        yield Static("", classes="progress-line")
        yield Static("", classes="error-box")

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_enter(self) -> None:
        """Called each time the pane is shown."""

    def focus_first(self) -> None:
        """Put the focus where the admin starts typing."""

    def show_progress(self, text: str) -> None:
        line = self.query_one(".progress-line", Static)
        line.update(styled("⏳ $text", text=text) if text else "")
        line.set_class(bool(text), "busy")

    def show_error(self, exc: BaseException) -> None:
        what, todo = describe_error(exc, self.wizard.config.demo)
        box = self.query_one(".error-box", Static)
        box.update(styled("[b]✘ $what[/b]\n→ $todo", what=what, todo=todo))
        box.add_class("shown")
        self.show_progress("")
        self.wizard.announce(f"Error: {what} {todo}", severity="error")
        self.show_newest()

    def show_newest(self) -> None:
        """Bring the end of the step (results, an error, the link) into view.

        Scrolling right after an update is too early: the new height is known only after the
        next layout, so a small terminal would stop short of it. Textual's anchor scrolls at
        layout time instead; the admin's own scrolling or a focus change releases it.
        """
        self.anchor()

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
