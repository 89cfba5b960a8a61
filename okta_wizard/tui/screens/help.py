"""The keys, in one modal. Opened with F1 (or ? outside text fields)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from okta_wizard.clipboard import CLEAR_AFTER_SECONDS, clear_note

KEYS = (
    ("F1 / ?", "this help"),
    ("ctrl+p", "command palette: go to a step, reveal, copy, help, quit"),
    ("tab / shift+tab", "next / previous field or button"),
    ("enter", "press the focused button, or submit the field"),
    ("ctrl+b / ctrl+n", "back to the previous step / forward to a step already reached"),
    ("r", "on a secret: reveal it for a few seconds"),
    ("c", "on a secret: copy it ({clear_note})"),
    ("h", "on a secret: hide it now"),
    ("ctrl+q", "quit (progress is saved; run okta-wizard again to resume)"),
    ("escape", "close this help or a dialog"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close"), ("f1", "dismiss", "Close"), ("q", "dismiss")]

    def compose(self) -> ComposeResult:
        # The wizard's configured clear delay; another app showing this help gets the default.
        delay = getattr(getattr(self.app, "config", None), "clear_after", CLEAR_AFTER_SECONDS)
        width = max(len(k) for k, _ in KEYS) + 2
        lines = [f"{k:<{width}}{what.format(clear_note=clear_note(delay))}" for k, what in KEYS]
        with VerticalScroll(id="help-box"):
            yield Static("Keys", classes="step-title")
            yield Static("\n".join(lines), markup=False, id="help-keys")
            yield Static(
                "The secret is shown only masked unless you press r; nothing you see here is "
                "written to a file. Escape closes this help.",
                classes="dim",
            )
