"""Two columns, name and value, each value wrapping under itself (a hanging indent): the keys
in the help and the receipt's rows, readable at 80 columns where a line of text would wrap
mid-field under the names."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from okta_wizard.tui.text import plain


class Rows(Vertical):
    DEFAULT_CSS = """
    Rows, Rows > .row { height: auto; }
    Rows .row-value { width: 1fr; }
    """

    def __init__(
        self,
        rows: Sequence[tuple[str, str | Content]],
        *,
        name_width: int | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.rows = list(rows)
        widest = max((len(name) for name, _ in self.rows), default=0)
        self.name_width = name_width if name_width is not None else widest + 2

    def compose(self) -> ComposeResult:
        for name, value in self.rows:
            label = Static(plain(name), classes="row-name")
            label.styles.width = self.name_width
            shown = plain(value) if isinstance(value, str) else value
            yield Horizontal(label, Static(shown, classes="row-value"), classes="row")


def rows_text(screen: Screen[object], selector: str) -> str:
    """The plain text of the rows under `selector`, one line per row (tests, and reading)."""
    lines = []
    for row in screen.query(f"{selector} .row"):
        lines.append("  ".join(str(s.render()) for s in row.query(Static)))
    return "\n".join(lines)
