"""The sidebar that always shows the guide's six steps: done, current, or to do.

A finished step (or the furthest reached) can be chosen to review it, with the arrows and
Enter or a click; steps not reached yet cannot. When the sidebar is narrow (under 100 columns)
each line is its mark and number only; the pane's title names the step.

Six lines of text in one widget: Textual's OptionList did the same job at several times the
cost of drawing the rest of step 1, and the first screen is measured (bench/tui_start.py).
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from okta_wizard.setup.spec import STEP_TITLES

MARK_DONE = "✔"
MARK_CURRENT = "▶"
MARK_TODO = "·"
NARROW_BELOW = 20  # columns: less than a full title needs


def step_line(step: int, *, done: bool, current: bool, narrow: bool = False) -> str:
    mark = MARK_CURRENT if current else MARK_DONE if done else MARK_TODO
    return f"{mark} {step}" if narrow else f"{mark} {step} {STEP_TITLES[step]}"


class Stepper(Widget, can_focus=True):
    """Six lines; choosing a done (or the furthest reached) step asks to show it."""

    BINDINGS = [
        Binding("up", "move(-1)", "Previous step", show=False, tooltip="The step above"),
        Binding("down", "move(1)", "Next step", show=False, tooltip="The step below"),
        Binding("enter", "choose", "Show step", show=False, tooltip="Show the step chosen"),
    ]
    DEFAULT_CSS = """
    Stepper { height: auto; }
    Stepper > .stepper--cursor { background: $block-cursor-blurred-background; }
    Stepper:focus > .stepper--cursor { background: $block-cursor-background; }
    """
    COMPONENT_CLASSES = {"stepper--cursor"}

    class Review(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.done: set[int] = set()
        self.current = 1
        self.reached = 1
        self.cursor = 1  # the step the arrows point at
        self.border_title = "Steps"

    @property
    def narrow(self) -> bool:
        return self.size.width < NARROW_BELOW

    def reachable(self, step: int) -> bool:
        return step in self.done or step <= self.reached

    def update_steps(self, *, current: int, done: set[int], reached: int) -> None:
        self.current, self.done, self.reached = current, set(done), max(reached, current)
        self.cursor = current
        self.refresh_steps()

    def refresh_steps(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.border_title = "" if self.narrow else "Steps"

    def render(self) -> Content:
        narrow = self.narrow
        cursor = self.get_visual_style("stepper--cursor")
        rows = []
        for step in STEP_TITLES:
            line = step_line(
                step, done=step in self.done, current=step == self.current, narrow=narrow
            )
            row = Content(line.ljust(self.size.width))
            if not self.reachable(step):
                row = row.stylize("$text-disabled")
            if step == self.cursor:
                row = row.stylize(cursor)
            rows.append(row)
        return Content("\n").join(rows)

    def action_move(self, by: int) -> None:
        steps = [s for s in STEP_TITLES if self.reachable(s)]
        index = steps.index(self.cursor) if self.cursor in steps else 0
        self.cursor = steps[max(0, min(len(steps) - 1, index + by))]
        self.refresh()

    def action_choose(self) -> None:
        self.post_message(self.Review(self.cursor))

    def on_click(self, event: events.Click) -> None:
        step = event.y + 1 - self.gutter.top
        if step in STEP_TITLES and self.reachable(step):
            self.cursor = step
            self.post_message(self.Review(step))

    def describe(self) -> str:
        """Plain text of the stepper, for accessible announcements and tests."""
        return "; ".join(
            f"step {s} {STEP_TITLES[s]}: "
            + ("current" if s == self.current else "done" if s in self.done else "to do")
            for s in STEP_TITLES
        )
