"""The sidebar that always shows the guide's six steps: done, current, or to do.

A finished step can be selected to review it; steps not reached yet cannot.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from okta_wizard.setup.engine import STEP_TITLES

MARK_DONE = "✔"
MARK_CURRENT = "▶"
MARK_TODO = "·"


def step_line(step: int, *, done: bool, current: bool) -> str:
    mark = MARK_CURRENT if current else MARK_DONE if done else MARK_TODO
    return f"{mark} {step} {STEP_TITLES[step]}"


class Stepper(OptionList):
    """Six options; selecting a done (or the furthest reached) step asks to show it."""

    class Review(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.done: set[int] = set()
        self.current = 1
        self.reached = 1
        self.border_title = "Steps"

    def on_mount(self) -> None:
        self.refresh_steps()

    def update_steps(self, *, current: int, done: set[int], reached: int) -> None:
        self.current, self.done, self.reached = current, set(done), max(reached, current)
        self.refresh_steps()

    def refresh_steps(self) -> None:
        self.clear_options()
        for step in STEP_TITLES:
            reachable = step in self.done or step <= self.reached
            self.add_option(
                Option(
                    step_line(step, done=step in self.done, current=step == self.current),
                    id=f"step-{step}",
                    disabled=not reachable,
                )
            )
        self.highlighted = self.current - 1

    def describe(self) -> str:
        """Plain text of the stepper, for accessible announcements and tests."""
        return "; ".join(
            f"step {s} {STEP_TITLES[s]}: "
            + ("current" if s == self.current else "done" if s in self.done else "to do")
            for s in STEP_TITLES
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Review(int(event.option.id.removeprefix("step-"))))
