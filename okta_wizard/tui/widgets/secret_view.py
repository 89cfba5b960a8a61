"""A secret shown masked with its fingerprint: reveal on a key press, hidden again by a timer;
copy (platform clipboard or OSC 52, see `okta_wizard.clipboard`) and clear it after the
configured delay, or when the view goes; the value selectable when no copy can work.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Static

from okta_wizard.clipboard import CLEAR_AFTER_SECONDS, clear_note
from okta_wizard.secret import Secret
from okta_wizard.textsafe import visible
from okta_wizard.tui.clipboard import board_for
from okta_wizard.tui.messages import Announce

REVEAL_SECONDS = 8.0


class SecretView(Vertical, can_focus=True):
    """Focusable: `r` reveals for a few seconds, `c` copies, `h` hides at once."""

    BINDINGS = [
        Binding("r", "reveal", "Reveal", tooltip="Reveal it for a few seconds"),
        Binding("c", "copy", "Copy", tooltip="Copy it (the clipboard is cleared after a delay)"),
        Binding("h", "hide", "Hide", show=False, tooltip="Hide it now"),
    ]

    def __init__(
        self,
        label: str,
        secret: Secret,
        *,
        show_fingerprint: bool = True,
        reveal_seconds: float = REVEAL_SECONDS,
        clear_after: float = CLEAR_AFTER_SECONDS,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="secret-view")
        self.label = label
        self._secret = secret
        self.show_fingerprint = show_fingerprint
        self.reveal_seconds = reveal_seconds
        self.clear_after = clear_after
        self.revealed = False
        self._hide_timer: Timer | None = None
        self._clear_timer: Timer | None = None
        self._copy_ticket = 0  # names our copy, so a clear never wipes a later one

    def compose(self) -> ComposeResult:
        yield Static(self._masked_line(), classes="secret-value", markup=False)
        if self.show_fingerprint:
            yield Static(
                f"fingerprint {self._secret.fingerprint()}", classes="secret-fingerprint dim"
            )
        yield Static(
            f"r reveal · c copy ({clear_note(self.clear_after)})", classes="secret-help dim"
        )

    def describe_key(self, binding: Binding) -> str | None:
        """The help screen's words, with this view's own delays."""
        what = self.label.lower()
        if binding.action == "reveal":
            return f"reveal the {what} for {self.reveal_seconds:g} seconds"
        if binding.action == "copy":
            return f"copy the {what} ({clear_note(self.clear_after)})"
        if binding.action == "hide":
            return f"hide the {what} now"
        return None

    def _masked_line(self) -> str:
        # Without a fingerprint (the one-time link) not even the last characters are shown:
        # they are part of the decryption key.
        masked = self._secret.masked() if self.show_fingerprint else "•" * 20
        return f"{self.label}: {masked}"

    def _value(self) -> Static:
        return self.query_one(".secret-value", Static)

    def set_secret(self, secret: Secret) -> None:
        self._secret = secret
        if self.show_fingerprint and self.is_mounted:
            self.query_one(".secret-fingerprint", Static).update(
                f"fingerprint {secret.fingerprint()}"
            )
        self.action_hide()

    def action_reveal(self) -> None:
        self.revealed = True
        # markup=False: the plaintext is data, never markup; and it came from a server, so its
        # control characters are shown, never sent to the terminal.
        self._value().update(f"{self.label}: {visible(self._secret.reveal())}")
        self._value().add_class("revealed")
        if self._hide_timer is not None:
            self._hide_timer.stop()
        self._hide_timer = self.set_timer(self.reveal_seconds, self.action_hide)
        # Where the admin is looking: the value itself, not the end of a scrolled step.
        self.call_after_refresh(self.scroll_visible, animate=False)
        self.post_message(Announce(f"{self.label} revealed for {self.reveal_seconds:g} seconds"))

    def action_hide(self) -> None:
        if self._hide_timer is not None:
            self._hide_timer.stop()
            self._hide_timer = None
        was_revealed = self.revealed
        self.revealed = False
        if self.is_mounted:
            self._value().update(self._masked_line())
            self._value().remove_class("revealed")
        if was_revealed:
            self.post_message(Announce(f"{self.label} hidden"))

    def action_copy(self) -> None:
        board = board_for(self.app)
        refusal = board.cannot_copy()
        outcome = refusal or board.copy(
            self._secret, what=f"the {self.label.lower()}", clear_after=self.clear_after
        )
        if not outcome.copied:
            self.action_reveal()
            self.post_message(
                Announce(
                    f"{outcome.message} {self.label} is shown for {self.reveal_seconds:g} s: "
                    "select it with the mouse (shift+drag).",
                    severity="warning",
                )
            )
            return
        self._copy_ticket = outcome.ticket
        if self._clear_timer is not None:
            self._clear_timer.stop()
        self._clear_timer = self.set_timer(self.clear_after, self.clear_clipboard)
        self.post_message(Announce(outcome.message))

    def clear_clipboard(self) -> None:
        """Clear our copy, unless a later copy replaced it (then nothing is wiped)."""
        self._clear_timer = None
        said = board_for(self.app).clear(self._copy_ticket)
        if said:
            # Straight to the app: when the view is going away its own queue is closing.
            self.app.post_message(Announce(said))

    def on_unmount(self) -> None:
        if self._clear_timer is not None:
            self.clear_clipboard()
