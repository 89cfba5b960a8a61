"""Results shown below a step's buttons (step 1's checks) that scroll themselves into view.

At 80x24 the results land below the fold. Scrolling right after `update()` is too early: the
new height is only known after the next layout, so the view would stop short. The widget
waits for its own Resize (sent after layout) and then scrolls, once per new result.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Static


class CheckResults(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._bring_into_view = False

    def show(self, markup: str) -> None:
        """Replace the results; once they are laid out, scroll them into view."""
        lines = markup.count("\n") + 1 if markup else 0
        self.update(markup)
        if not markup:
            self._bring_into_view = False
        elif lines == self.size.height:
            # Same height: no Resize will come, and the current layout is already right.
            self.call_after_refresh(self.scroll_visible, animate=False)
        else:
            self._bring_into_view = True

    def on_resize(self, event: events.Resize) -> None:
        if self._bring_into_view and event.size.height:
            self._bring_into_view = False
            self.scroll_visible(animate=False)
