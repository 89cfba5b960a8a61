"""Shown once, when Okta created the app but the keyring refused its secret (SecretNotStored).

The only copy of the secret on this machine is in memory: this view shows it masked, reveals it
on an explicit key press, offers the copy (cleared after the configured delay, or when the
view closes), says plainly that it was NOT stored and what to do, and keeps the app id in sight.
Closing it drops the secret; a later run reads it back from Okta (no second app is made).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from okta_wizard.clipboard import CLEAR_AFTER_SECONDS
from okta_wizard.tui.messages import Announce
from okta_wizard.tui.text import plain, prose, styled
from okta_wizard.tui.widgets.keybar import KeyBar
from okta_wizard.tui.widgets.secret_view import REVEAL_SECONDS, SecretView

if TYPE_CHECKING:
    from okta_wizard.setup.engine import SecretNotStored


class SecretNotStoredScreen(Screen[None]):
    """Dismissed by the button or escape; the secret goes with it."""

    BINDINGS = [Binding("escape", "close", "Close (the secret is dropped)")]

    def __init__(
        self,
        error: SecretNotStored,
        *,
        reveal_seconds: float = REVEAL_SECONDS,
        clear_after: float = CLEAR_AFTER_SECONDS,
    ) -> None:
        super().__init__(id="secret-not-stored")
        self.error = error
        self.reveal_seconds = reveal_seconds
        self.clear_after = clear_after

    @property
    def app_id(self) -> str:
        return self.error.app.id

    def compose(self) -> ComposeResult:
        app = self.error.app
        with VerticalScroll(id="unstored-box"):
            yield Static("✘ The client secret was NOT stored", classes="step-title")
            yield Static(
                styled(
                    "Okta created the app [b]$label[/b] · app id [b]$app_id[/b] · client_id "
                    "[b]$client_id[/b]. The app id is saved; the keyring refused the secret, so "
                    "this view holds the only copy on this machine.",
                    label=app.label,
                    app_id=app.id,
                    client_id=app.client_id,
                ),
                id="unstored-app",
            )
            yield SecretView(
                "Client secret",
                self.error.secret,
                reveal_seconds=self.reveal_seconds,
                clear_after=self.clear_after,
                id="unstored-secret",
            )
            yield Static(
                plain(
                    "What to do now\n"
                    "  1. Press r to reveal it or c to copy it into your password manager "
                    "(the clipboard is cleared after "
                    f"{self.clear_after:g} s, or when this view closes).\n"
                    "  2. Fix the keyring, then run okta-wizard again: "
                )
                + prose(self.error.remedy),
                id="unstored-todo",
            )
            yield Static(plain(f"Why: {self.error.message}"), classes="dim", id="unstored-why")
            with Horizontal(classes="buttons"):
                yield Button("Close (the secret is dropped)", id="unstored-close")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(SecretView).focus()
        self.post_message(
            Announce(
                f"The keyring refused the client secret of app {self.app_id}: it is not "
                "stored. Press r to reveal it, c to copy it.",
                severity="error",
            )
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        self.query_one(SecretView).action_hide()
        self.dismiss(None)
