"""The keys, in one modal. Opened with F1 (or ? outside text fields). In the demo it also shows
the sandbox org's address and the API token made for the run (nowhere else on screen)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from okta_wizard.clipboard import CLEAR_AFTER_SECONDS, clear_note
from okta_wizard.tui.demo import quit_key_help, sandbox_help

KEYS = (
    ("F1 / ?", "this help"),
    ("ctrl+p", "command palette: go to a step, reveal, copy, help, quit"),
    ("tab / shift+tab", "next / previous field or button"),
    ("enter", "press the focused button, or submit the field"),
    ("ctrl+b / ctrl+n", "back to the previous step / forward to a step already reached"),
    ("r", "on a secret: reveal it for a few seconds"),
    ("c", "on a secret: copy it ({clear_note})"),
    ("h", "on a secret: hide it now"),
    ("ctrl+q", ""),  # what quitting keeps: quit_key_help()
    ("escape", "close this help or a dialog"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close"), ("f1", "dismiss", "Close"), ("q", "dismiss")]

    def compose(self) -> ComposeResult:
        from okta_wizard.tui.app import WizardApp

        wizard = self.app if isinstance(self.app, WizardApp) else None
        demo = wizard.config.demo if wizard else None
        # The wizard's configured clear delay; another app showing this help gets the default.
        note = clear_note(wizard.config.clear_after if wizard else CLEAR_AFTER_SECONDS)
        width = max(len(k) for k, _ in KEYS) + 2
        keys = [(k, what.format(clear_note=note) or quit_key_help(demo)) for k, what in KEYS]
        lines = [f"{k:<{width}}{what}" for k, what in keys]
        with VerticalScroll(id="help-box"):
            if demo is not None:
                yield Static("Sandbox (this demo run)", classes="step-title")
                yield Static(sandbox_help(demo), markup=False, id="help-sandbox")
            yield Static("Keys", classes="step-title")
            yield Static("\n".join(lines), markup=False, id="help-keys")
            yield Static(
                "The secret is shown only masked unless you press r; nothing you see here is "
                "written to a file. Escape closes this help.",
                classes="dim",
            )
