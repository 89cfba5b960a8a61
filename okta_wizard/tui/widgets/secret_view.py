"""A secret shown masked with its fingerprint: reveal on a key press, hidden again by a timer;
copy through OSC 52 and clear the clipboard after 30 s; the value selectable when copy cannot work.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Static

from okta_wizard.secret import Secret
from okta_wizard.tui.clipboard import CLEAR_AFTER_SECONDS, osc52_supported

REVEAL_SECONDS = 8.0


class SecretView(Vertical, can_focus=True):
    """Focusable: `r` reveals for a few seconds, `c` copies, `h` hides at once."""

    BINDINGS = [
        Binding("r", "reveal", "Reveal"),
        Binding("c", "copy", "Copy"),
        Binding("h", "hide", "Hide", show=False),
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

    def compose(self) -> ComposeResult:
        yield Static(self._masked_line(), classes="secret-value", markup=False)
        if self.show_fingerprint:
            yield Static(
                f"fingerprint {self._secret.fingerprint()}", classes="secret-fingerprint dim"
            )
        yield Static("r reveal · c copy (clipboard cleared after 30 s)", classes="secret-help dim")

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
        # markup=False: the plaintext is data, never markup.
        self._value().update(f"{self.label}: {self._secret.reveal()}")
        self._value().add_class("revealed")
        if self._hide_timer is not None:
            self._hide_timer.stop()
        self._hide_timer = self.set_timer(self.reveal_seconds, self.action_hide)
        self.app.announce(f"{self.label} revealed for {self.reveal_seconds:g} seconds")  # type: ignore[attr-defined]

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
            self.app.announce(f"{self.label} hidden")  # type: ignore[attr-defined]

    def action_copy(self) -> None:
        if not osc52_supported():
            self.action_reveal()
            self.app.announce(  # type: ignore[attr-defined]
                f"This terminal cannot receive a copy. {self.label} is shown for "
                f"{self.reveal_seconds:g} s: select it with the mouse (shift+drag).",
                severity="warning",
            )
            return
        self.app.copy_to_clipboard(self._secret.reveal())
        if self._clear_timer is not None:
            self._clear_timer.stop()
        self._clear_timer = self.set_timer(self.clear_after, self.clear_clipboard)
        self.app.announce(  # type: ignore[attr-defined]
            f"{self.label} copied; the clipboard is cleared in {self.clear_after:g} s"
        )

    def clear_clipboard(self) -> None:
        """Clear only if the clipboard still holds our value: never wipe what the admin copied."""
        self._clear_timer = None
        if self.app.clipboard == self._secret.reveal():
            self.app.copy_to_clipboard("")
            self.app.announce(f"Clipboard cleared ({self.label})")  # type: ignore[attr-defined]

    def on_unmount(self) -> None:
        if self._clear_timer is not None:
            self.clear_clipboard()
