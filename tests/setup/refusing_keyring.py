"""A real Secret Service backend that takes the preflight probe, then refuses to store a secret.

It stands for a keyring that fails at the worst moment (locked between the probe and the
write, or full). The vault judges it like any Secret Service (secure, named after the daemon
that answers on D-Bus), so every refusal it causes happens after the app exists, as in life.

An instance of keyring's own class with one method replaced, not a subclass: keyring registers
every KeyringBackend subclass as a candidate, which would change the vault's choice in the
test process. `refusing_keyring_backend.py` is the subclass, for PYTHON_KEYRING_BACKEND in a
subprocess only.
"""

from __future__ import annotations

from typing import Any

from keyring.backends import SecretService
from keyring.errors import KeyringLocked

PROBE_ENTRY = "okta-wizard/preflight"


def refuse_unless_probe(real_set: Any) -> Any:
    """`set_password` that passes the probe entry to `real_set` and refuses everything else."""

    def set_password(service: str, username: str, password: str) -> None:
        if username == PROBE_ENTRY:
            real_set(service, username, password)
            return
        raise KeyringLocked("Failed to unlock the collection!")

    return set_password


def RefusingKeyring() -> SecretService.Keyring:  # named like the class it stands for
    backend = SecretService.Keyring()
    backend.set_password = refuse_unless_probe(backend.set_password)  # type: ignore[method-assign]
    return backend
