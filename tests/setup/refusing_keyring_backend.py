"""The refusing (and the dying) Secret Service as keyring backend classes, for
PYTHON_KEYRING_BACKEND in a subprocess only.

Never import this in the test process: keyring registers every KeyringBackend subclass as a
candidate, which would change the vault's choice of backend there.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from keyring.backends import SecretService

from tests.setup.refusing_keyring import PROBE_ENTRY, refuse_unless_probe


class RefusingKeyringBackend(SecretService.Keyring):  # type: ignore[misc]
    """Judged secure (a Secret Service backend); takes the probe, refuses the secret."""

    def __init__(self) -> None:
        super().__init__()
        self.set_password = refuse_unless_probe(super().set_password)  # type: ignore[method-assign]


class DyingKeyringBackend(SecretService.Keyring):  # type: ignore[misc]
    """Takes the probe, then the process dies (SIGKILL) in the middle of writing the secret:
    the power cut or OOM kill that a journal written ahead of the keyring would lie about."""

    def __init__(self) -> None:
        super().__init__()
        self.set_password = die_unless_probe(super().set_password)  # type: ignore[method-assign]


def die_unless_probe(real_set: Any) -> Any:
    def set_password(service: str, username: str, password: str) -> None:
        if username == PROBE_ENTRY:
            real_set(service, username, password)
            return
        os.kill(os.getpid(), signal.SIGKILL)

    return set_password
