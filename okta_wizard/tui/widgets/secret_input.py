"""A masked input that never puts its plaintext on the clipboard.

Textual's `Input.action_copy` and `action_cut` ignore `password=True`: selecting a masked
token and pressing ctrl+c would copy it in clear. This subclass refuses both.
"""

from __future__ import annotations

from textual.widgets import Input

from okta_wizard.secret import Secret


class SecretInput(Input):
    """`Input(password=True)` whose copy and cut are refused; `secret` wraps the value."""

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, password=True, id=id)

    @property
    def secret(self) -> Secret:
        return Secret(self.value.strip())

    def action_copy(self) -> None:
        self.notify("The masked field cannot be copied.", severity="warning", timeout=3)

    def action_cut(self) -> None:
        self.notify("The masked field cannot be cut.", severity="warning", timeout=3)
