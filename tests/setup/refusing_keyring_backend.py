"""RefusingKeyring as a real keyring backend, for PYTHON_KEYRING_BACKEND in a subprocess only.

Never import this in the test process: keyring registers every KeyringBackend subclass as a
candidate, which would change the default keyring there.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend

from tests.setup.refusing_keyring import RefusingKeyring


class RefusingKeyringBackend(RefusingKeyring, KeyringBackend):  # type: ignore[misc]
    def __init__(self) -> None:
        RefusingKeyring.__init__(self)
        KeyringBackend.__init__(self)
