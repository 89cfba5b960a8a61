"""A keyring that works for the preflight probe, then refuses to store the secret.

It stands for a keyring that fails at the worst moment (locked between the probe and the
write, or full). Not a KeyringBackend subclass (keyring registers every subclass as a
candidate backend); `refusing_keyring_backend.py` wraps it for PYTHON_KEYRING_BACKEND.
"""

from __future__ import annotations

from keyring.errors import KeyringLocked, PasswordDeleteError


class RefusingKeyring:
    priority = 5  # looks as secure as the Secret Service

    def __init__(self) -> None:
        self._probe: dict[str, str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        if username == "okta-wizard/preflight":
            self._probe[username] = password
            return
        raise KeyringLocked("Failed to unlock the collection!")

    def get_password(self, service: str, username: str) -> str | None:
        return self._probe.get(username)

    def delete_password(self, service: str, username: str) -> None:
        if self._probe.pop(username, None) is None:
            raise PasswordDeleteError("not found")
