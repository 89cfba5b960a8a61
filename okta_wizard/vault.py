"""The keyring: where the client secret lives from the moment Okta returns it.

Synchronous on purpose (the TUI calls it from thread workers, the engine through
`asyncio.to_thread`). `keyring` is imported lazily: it is slow and it talks to D-Bus.

Entries: service `okta-wizard`, username `<org origin>/<client_id>` for the client secret,
`<org origin>/link/<paste id>` for a one-time link's delete token, and
`<org origin>/service-app-key/<client_id>` for a service app's private key the admin chose to
import (`apply --import-key`).

Insecure backends (priority below 1: the fail and null backends, keyrings.alt's plaintext
file) are refused unless the user opts in with `--insecure-storage`.
"""

from __future__ import annotations

import os
from typing import Any

from okta_wizard.errors import KeyringUnavailable
from okta_wizard.secret import Secret
from okta_wizard.setup.spec import KEYRING_SERVICE

SECURE_PRIORITY = 1.0  # keyring.core.recommended: priority >= 1

FIX = (
    "Unlock (or install) gnome-keyring or KWallet; on a headless machine run under "
    "`dbus-run-session` with gnome-keyring-daemon --unlock; or pass --insecure-storage "
    "to accept a keyring that is not secure (not recommended)."
)


def client_secret_entry(org_origin: str, client_id: str) -> str:
    return f"{org_origin}/{client_id}"


def delete_token_entry(org_origin: str, paste_id: str) -> str:
    return f"{org_origin}/link/{paste_id}"


def service_app_key_entry(org_origin: str, client_id: str) -> str:
    return f"{org_origin}/service-app-key/{client_id}"


class Vault:
    """The OS keyring, refusing insecure backends unless `allow_insecure`."""

    def __init__(self, allow_insecure: bool = False, *, backend: Any = None) -> None:
        self.allow_insecure = allow_insecure
        self._backend = backend  # tests may pass a backend instance; None: keyring's choice

    # -- backend selection
    def _keyring(self) -> Any:
        if self._backend is None:
            self._backend = _default_keyring()
        return self._backend

    def backend_name(self) -> str:
        backend = self._keyring()
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def backend_priority(self) -> float:
        try:
            return float(self._keyring().priority)
        except Exception:  # a backend whose priority check raises is not usable
            return -1.0

    def is_secure(self) -> bool:
        return self.backend_priority() >= SECURE_PRIORITY

    def ensure_usable(self) -> None:
        """Refuse an insecure backend before anything depends on it (before the app exists)."""
        if self.backend_name().startswith(("keyring.backends.fail.", "keyring.backends.null.")):
            # These store nothing at all: --insecure-storage cannot help.
            raise KeyringUnavailable(
                f"No keyring is available (backend {self.backend_name()}).", remedy=FIX
            )
        if not self.is_secure() and not self.allow_insecure:
            raise KeyringUnavailable(
                f"The keyring backend {self.backend_name()} is not secure "
                f"(priority {self.backend_priority():g}); okta-wizard will not put the "
                "client secret there.",
                remedy=FIX,
            )

    def probe(self) -> None:
        """Write and delete a dummy entry: a locked keyring only fails on write."""
        entry = "okta-wizard/preflight"
        self._set(entry, "preflight")
        self._delete(entry)

    # -- primitives, with keyring's errors mapped to one exception
    def _set(self, username: str, value: str) -> None:
        self.ensure_usable()
        from keyring.errors import KeyringError

        try:
            self._keyring().set_password(KEYRING_SERVICE, username, value)
        except KeyringError as exc:
            raise _unavailable("write to", exc) from None

    def _get(self, username: str) -> str | None:
        self.ensure_usable()
        from keyring.errors import KeyringError

        try:
            value = self._keyring().get_password(KEYRING_SERVICE, username)
        except KeyringError as exc:
            raise _unavailable("read from", exc) from None
        return value if isinstance(value, str) else None

    def _delete(self, username: str) -> bool:
        self.ensure_usable()
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            self._keyring().delete_password(KEYRING_SERVICE, username)
        except PasswordDeleteError:
            return False  # nothing stored under that name
        except KeyringError as exc:
            raise _unavailable("delete from", exc) from None
        return True

    # -- the client secret
    def store_client_secret(self, org_origin: str, client_id: str, secret: Secret) -> None:
        self._set(client_secret_entry(org_origin, client_id), secret.reveal())

    def load_client_secret(self, org_origin: str, client_id: str) -> Secret | None:
        value = self._get(client_secret_entry(org_origin, client_id))
        return Secret(value) if value else None

    def delete_client_secret(self, org_origin: str, client_id: str) -> bool:
        return self._delete(client_secret_entry(org_origin, client_id))

    # -- a one-time link's delete token (the hand-off stores it to revoke an unread link)
    def store_delete_token(self, org_origin: str, paste_id: str, token: Secret) -> None:
        self._set(delete_token_entry(org_origin, paste_id), token.reveal())

    def load_delete_token(self, org_origin: str, paste_id: str) -> Secret | None:
        value = self._get(delete_token_entry(org_origin, paste_id))
        return Secret(value) if value else None

    def delete_delete_token(self, org_origin: str, paste_id: str) -> bool:
        return self._delete(delete_token_entry(org_origin, paste_id))

    # -- a service app's private key, imported by choice (`apply --import-key`)
    def ensure_secure_for_key(self) -> None:
        """A private key goes only into a secure keyring: never a plaintext-file backend, even
        with --insecure-storage (the key must not end up in a file)."""
        if not self.is_secure():
            if self.backend_name().startswith(("keyring.backends.fail.", "keyring.backends.null.")):
                self.ensure_usable()  # no keyring at all: the general message
            raise KeyringUnavailable(
                f"The keyring backend {self.backend_name()} is not secure; okta-wizard keeps a "
                "service app's private key only in a secure keyring, even with "
                "--insecure-storage.",
                remedy="Unlock (or install) gnome-keyring or KWallet (on a headless machine run "
                "under `dbus-run-session`), or leave out --import-key and pass --private-key "
                "FILE on every run.",
            )

    def store_service_app_key(self, org_origin: str, client_id: str, key_text: Secret) -> None:
        self.ensure_secure_for_key()
        self._set(service_app_key_entry(org_origin, client_id), key_text.reveal())

    def load_service_app_key(self, org_origin: str, client_id: str) -> Secret | None:
        self.ensure_secure_for_key()
        value = self._get(service_app_key_entry(org_origin, client_id))
        return Secret(value) if value else None

    def delete_service_app_key(self, org_origin: str, client_id: str) -> bool:
        return self._delete(service_app_key_entry(org_origin, client_id))


BACKEND_ENV = "PYTHON_KEYRING_BACKEND"


def _default_keyring() -> Any:
    """keyring's choice, or the backend PYTHON_KEYRING_BACKEND names (a clear error if bad)."""
    try:
        import keyring

        return keyring.get_keyring()
    except Exception as exc:
        forced = os.environ.get(BACKEND_ENV)
        if not forced:
            raise
        # keyring imports the named class on first use: a typo or an uninstalled package
        # surfaces here as ImportError/AttributeError/ValueError.
        raise KeyringUnavailable(
            f"{BACKEND_ENV} names the keyring backend {forced!r}, which cannot be loaded "
            f"({type(exc).__name__}).",
            remedy=f"Unset {BACKEND_ENV} to let keyring choose the OS keyring, or set it to an "
            "installed backend, e.g. keyring.backends.SecretService.Keyring.",
        ) from None


def _unavailable(action: str, exc: Exception) -> KeyringUnavailable:
    # The keyring's own message names the collection, never the value.
    return KeyringUnavailable(
        f"Could not {action} the keyring: {type(exc).__name__}: {exc}", remedy=FIX
    )


class MemoryVault(Vault):
    """DEMO ONLY: an in-memory store for `okta-wizard demo` when no Secret Service exists.

    Secrets vanish when the process ends. The real commands never use it.
    """

    def __init__(self) -> None:
        super().__init__(allow_insecure=True, backend=object())
        self._items: dict[str, str] = {}

    def backend_name(self) -> str:
        return "memory (demo only; nothing is kept)"

    def backend_priority(self) -> float:
        return 0.0

    def ensure_usable(self) -> None:
        return None

    def _set(self, username: str, value: str) -> None:
        self._items[username] = value

    def _get(self, username: str) -> str | None:
        return self._items.get(username)

    def _delete(self, username: str) -> bool:
        return self._items.pop(username, None) is not None
