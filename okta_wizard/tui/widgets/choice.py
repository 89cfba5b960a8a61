"""Choices whose state is written, never only coloured.

Textual's radio button draws the same `▐●▌` chosen or not (colour alone tells them apart: grey
on grey under NO_COLOR) and its switch an empty box. These draw the state as text in every
mode: `(•)` chosen, `( )` not; `[x]` on, `[ ]` off, with "on"/"off" said in the label.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox, RadioButton

CHOSEN, NOT_CHOSEN = "(•)", "( )"
ON, OFF = "[x]", "[ ]"


def choice_mark(chosen: bool) -> str:
    """The same marks for choices drawn as text (step 2's console choices)."""
    return CHOSEN if chosen else NOT_CHOSEN


class Choice(RadioButton):
    """A radio button drawn `(•) label` or `( ) label`."""

    @property
    def _button(self) -> Content:
        mark = Content(choice_mark(self.value))
        return mark.stylize("bold") if self.value else mark


class Toggle(Checkbox):
    """A check box drawn `[x] label: on` or `[ ] label: off`."""

    def __init__(self, label: str, value: bool = False, *, id: str | None = None) -> None:
        self.text = label
        super().__init__(self._label_for(value), value, id=id)

    def _label_for(self, value: bool) -> str:
        return f"{self.text}: {'on' if value else 'off'}"

    @property
    def _button(self) -> Content:
        return Content(ON if self.value else OFF).stylize("bold")

    def watch_value(self) -> None:
        super().watch_value()
        self.label = self._label_for(self.value)
