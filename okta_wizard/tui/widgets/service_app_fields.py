"""The OAuth 2.0 service app sign-in: client id, private key file, optional key id.

The key file is checked as the admin types (exists, readable, parses as an RSA or EC P-256
private key) by the same loader the gateway signs with, in a thread worker that reports through
a message. Only the verdict is shown (algorithm, key id, file warnings), never key material:
the key stays in its file and is read again, in memory only, when the gateway signs in.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from okta_wizard.errors import UsageError
from okta_wizard.setup.spec import looks_like_client_id
from okta_wizard.tui.text import plain

if TYPE_CHECKING:
    from okta_wizard.setup.models import ServiceAppKey

KEY_CHECK_DEBOUNCE = 0.15


def key_path_of(text: str) -> Path:
    return Path(text.strip()).expanduser()


def check_key_file(path: Path, key_id: str | None) -> str:
    """The verdict on a key file, in words; raises UsageError naming what is wrong."""
    from okta_wizard.setup.models import load_private_key

    key = load_private_key(path, key_id)
    kid = f"key id {key.kid}" if key.kid else "no key id (add one if the app has several keys)"
    return " · ".join([f"{key.alg} private key", kid, *key.warnings])


class ServiceAppFields(Vertical):
    """Client id, key file and key id; `credential()` builds the ServiceAppKey or refuses."""

    class KeyChecked(Message):
        """The key file's verdict: `ok` and the words to show (never key material)."""

        def __init__(self, path: str, ok: bool, text: str) -> None:
            super().__init__()
            self.path = path
            self.ok = ok
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.key_ok: bool | None = None  # None: not checked yet
        self.imported: ServiceAppKey | None = None  # prefilled with a key held in the keyring

    def compose(self) -> ComposeResult:
        yield Label("Client ID of the service app")
        yield Input(placeholder="0oa… (Applications > your service app > General)", id="client-id")
        yield Static("", id="client-id-hint", classes="hint")
        yield Label("Private key file (PEM or JWK; it stays in its file)")
        yield Input(placeholder="~/keys/okta-wizard.pem", id="private-key")
        yield Static("", id="private-key-hint", classes="hint")
        yield Label("Key ID (optional; needed when the app has several keys)")
        yield Input(placeholder="kid shown under Public Keys", id="key-id")

    def prefill(self, credential: ServiceAppKey) -> None:
        self.query_one("#client-id", Input).value = credential.client_id
        self.query_one("#key-id", Input).value = credential.key_id or ""
        if credential.private_key_path is None:  # imported earlier (apply --import-key)
            self.imported = credential
            self._show_key(True, "the key imported into the keyring (leave empty to use it)")
            return
        self.query_one("#private-key", Input).value = str(credential.private_key_path)

    def focus_first(self) -> None:
        for field in ("#client-id", "#private-key"):
            widget = self.query_one(field, Input)
            if not widget.value.strip():
                widget.focus()
                return
        self.query_one("#key-id", Input).focus()

    def _values(self) -> tuple[str, str, str]:
        return (
            self.query_one("#client-id", Input).value.strip(),
            self.query_one("#private-key", Input).value.strip(),
            self.query_one("#key-id", Input).value.strip(),
        )

    @on(Input.Changed, "#client-id")
    def _client_id_changed(self, event: Input.Changed) -> None:
        hint = self.query_one("#client-id-hint", Static)
        text = event.value.strip()
        ok = looks_like_client_id(text)
        hint.update("" if not text or ok else "✘ letters, digits, '-' and '_' only")
        hint.set_class(bool(text) and not ok, "error")

    @on(Input.Changed, "#private-key")
    @on(Input.Changed, "#key-id")
    def _key_changed(self) -> None:
        _, path, key_id = self._values()
        self.key_ok = None
        if not path:
            self._show_key(False, "")
            return
        self.check_key(path, key_id)

    @work(thread=True, exclusive=True, group="key-check", exit_on_error=False)
    def check_key(self, path: str, key_id: str) -> None:
        time.sleep(KEY_CHECK_DEBOUNCE)  # the admin may still be typing the path
        try:
            verdict = check_key_file(key_path_of(path), key_id or None)
            self.post_message(self.KeyChecked(path, True, verdict))
        except UsageError as exc:
            self.post_message(self.KeyChecked(path, False, exc.message))

    @on(KeyChecked)
    def _key_checked(self, event: KeyChecked) -> None:
        if event.path != self._values()[1]:
            return  # stale: the path changed while the file was read
        self.key_ok = event.ok
        self._show_key(event.ok, event.text)

    def _show_key(self, ok: bool, text: str) -> None:
        hint = self.query_one("#private-key-hint", Static)
        hint.update(plain(f"{'✔' if ok else '✘'} {text}") if text else "")
        hint.set_class(bool(text) and not ok, "error")

    async def credential(self) -> ServiceAppKey:
        """The credential for the engine; the key file is checked again, now, before use."""
        client_id, path, key_id = self._values()
        if not looks_like_client_id(client_id):
            raise UsageError(
                "The client id is empty or not a client id (letters, digits, '-' and '_' only).",
                remedy="Copy the Client ID from the service app's General tab in the Admin "
                "Console.",
            )
        if not path and self.imported is not None and self.imported.client_id == client_id:
            return self.imported
        if not path:
            raise UsageError(
                "No private key file given.",
                remedy="Type the path of the service app's private key (PEM or JWK), as saved "
                "when its public key was added under General > Public Keys.",
            )
        await asyncio.to_thread(check_key_file, key_path_of(path), key_id or None)
        from okta_wizard.setup.models import ServiceAppKey  # loaded by the check above

        return ServiceAppKey(
            client_id=client_id, private_key_path=key_path_of(path), key_id=key_id or None
        )
