"""The sidebar that always shows the guide's six steps: done, current, or to do.

A finished step can be selected to review it; steps not reached yet cannot. When the sidebar
is narrow (under 100 columns) each line is its mark and number only; the pane's title names
the step.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from okta_wizard.setup.spec import STEP_TITLES

MARK_DONE = "✔"
MARK_CURRENT = "▶"
MARK_TODO = "·"


NARROW_BELOW = 20  # columns: less than a full title needs


def step_line(step: int, *, done: bool, current: bool, narrow: bool = False) -> str:
    mark = MARK_CURRENT if current else MARK_DONE if done else MARK_TODO
    return f"{mark} {step}" if narrow else f"{mark} {step} {STEP_TITLES[step]}"


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
        self._drawn_narrow = False
        self.border_title = "Steps"

    def on_mount(self) -> None:
        self.refresh_steps()

    def on_resize(self) -> None:
        if self.narrow != self._drawn_narrow:
            self.refresh_steps()

    @property
    def narrow(self) -> bool:
        return self.size.width < NARROW_BELOW

    def update_steps(self, *, current: int, done: set[int], reached: int) -> None:
        self.current, self.done, self.reached = current, set(done), max(reached, current)
        self.refresh_steps()

    def refresh_steps(self) -> None:
        self.clear_options()
        self._drawn_narrow = self.narrow
        self.border_title = "" if self.narrow else "Steps"
        for step in STEP_TITLES:
            reachable = step in self.done or step <= self.reached
            line = step_line(
                step, done=step in self.done, current=step == self.current, narrow=self.narrow
            )
            self.add_option(Option(line, id=f"step-{step}", disabled=not reachable))
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
