"""The keyring: where the client secret lives from the moment Okta returns it.

Synchronous on purpose (the TUI calls it from thread workers, the engine through
`asyncio.to_thread`). `keyring` is imported lazily: it is slow and it talks to D-Bus.

Entries: service `okta-wizard`, username `<org origin>/<client_id>` for the client secret,
`<org origin>/<client_id>/previous` for the secret a rotation replaces (until it is retired),
`<org origin>/link/<paste id>` for a one-time link's delete token, and
`<org origin>/service-app-key/<client_id>` for a service app's private key the admin chose to
import (`apply --import-key`).

The vault decides on the backend that will really hold the secret, never on keyring's default
object: with keyrings.alt installed and no Secret Service, keyring's choice is a chainer of
priority 10 whose members are password and plaintext files. So the vault picks one backend
itself and talks to it directly:
- secure: the OS keyrings (Secret Service, KWallet, macOS Keychain, Windows Credential Locker),
  the viable one of highest priority (keyring's viability check reaches the service);
- insecure: keyrings.alt's plaintext file, or any other backend the user forced: used only with
  `--insecure-storage`, and then named by its file;
- unusable: keyring's fail and null backends (they store nothing) and keyrings.alt's encrypted
  file (it asks for its own password on the terminal, behind the wizard's back), whatever the
  flags.
A backend forced with PYTHON_KEYRING_BACKEND (or keyring's config file) is judged the same way;
a forced chainer is looked into. Every message and the journal name the backend in words a
person understands ("GNOME Keyring (Secret Service)", "plaintext file /…/keyring_pass.cfg").
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from okta_wizard.errors import KeyringUnavailable
from okta_wizard.secret import Secret
from okta_wizard.textsafe import visible

# The keyring service of every entry (user names: `<org origin>/<client id>` and the like).
KEYRING_SERVICE = "okta-wizard"
BACKEND_ENV = "PYTHON_KEYRING_BACKEND"
SECURE_KEYRINGS = "Secret Service, KWallet, macOS Keychain or Windows Credential Locker"

Verdict = Literal["secure", "insecure", "unusable"]

# Judged by class along the MRO, so keyring's own subclasses (KWallet 4's) count too.
_SECURE: dict[str, str] = {
    "keyring.backends.SecretService.Keyring": "Secret Service",
    "keyring.backends.libsecret.Keyring": "Secret Service",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Locker",
}
_STORES_NOTHING: dict[str, str] = {
    "keyring.backends.fail.Keyring": "no keyring (keyring's fail backend)",
    "keyring.backends.null.Keyring": "the null keyring (keyring's null backend)",
}
_PROMPTS = "keyrings.alt.file.EncryptedKeyring"  # getpass on the terminal (EOFError without one)
_PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"
_CHAINER = "keyring.backends.chainer.ChainerBackend"

# The process that owns org.freedesktop.secrets, by executable name: who the Secret Service is.
_SECRET_SERVICE_PROVIDERS = {
    "gnome-keyring-daemon": "GNOME Keyring",
    "gnome-keyring-d": "GNOME Keyring",  # /proc/PID/comm is cut to 15 characters
    "keepassxc": "KeePassXC",
    "kwalletd5": "KWallet",
    "kwalletd6": "KWallet",
    "ksecretd": "KWallet",
}


def client_secret_entry(org_origin: str, client_id: str) -> str:
    return f"{org_origin}/{client_id}"


def previous_client_secret_entry(org_origin: str, client_id: str) -> str:
    return f"{org_origin}/{client_id}/previous"


def delete_token_entry(org_origin: str, paste_id: str) -> str:
    return f"{org_origin}/link/{paste_id}"


def service_app_key_entry(org_origin: str, client_id: str) -> str:
    return f"{org_origin}/service-app-key/{client_id}"


@dataclass(frozen=True)
class Holder:
    """The backend that will really hold a secret, and what okta-wizard knows about it."""

    backend: Any
    name: str  # for people: "GNOME Keyring (Secret Service)", "plaintext file /x/keyring_pass.cfg"
    verdict: Verdict
    why: str = ""  # for an insecure or unusable backend: what is wrong with it
    forced_by: str = ""  # the user's choice: "PYTHON_KEYRING_BACKEND", keyring's config file
    undo: str = ""  # how to take that choice back

    @property
    def secure(self) -> bool:
        return self.verdict == "secure"


def _class_paths(backend: Any) -> list[str]:
    return [f"{c.__module__}.{c.__qualname__}" for c in type(backend).__mro__]


def _priority(backend: Any) -> float:
    try:
        return float(backend.priority)
    except Exception:  # a backend whose viability check raises is not usable
        return -1.0


def _file_of(backend: Any) -> str:
    path = getattr(backend, "file_path", None)
    return visible(str(path)) if isinstance(path, (str, Path)) else "a file"


def judge(backend: Any) -> Holder:
    """What storing a secret in `backend` means (no I/O beyond naming the Secret Service)."""
    for path in _class_paths(backend):
        if path in _SECURE:
            name = _SECURE[path]
            if name == "Secret Service":
                name = secret_service_name()
            return Holder(backend, name, "secure")
        if path in _STORES_NOTHING:
            return Holder(backend, _STORES_NOTHING[path], "unusable", "it stores nothing")
        if path == _PROMPTS:
            return Holder(
                backend,
                f"password-protected file {_file_of(backend)}",
                "unusable",
                "it asks for its own password on the terminal, behind okta-wizard's back",
            )
        if path == _PLAINTEXT:
            return Holder(
                backend,
                f"plaintext file {_file_of(backend)}",
                "insecure",
                "anyone who can read that file, or a backup of it, reads the secret",
            )
    name = type(backend).__name__
    if hasattr(backend, "file_path"):
        return Holder(backend, f"file {_file_of(backend)} ({name})", "insecure", "a file keyring")
    return Holder(backend, f"the keyring backend {name}", "insecure", "not an OS keyring")


def choose_backend(candidates: Iterable[Any]) -> Any:
    """The backend okta-wizard stores in, among keyring's viable ones (a chainer is opened).

    The secure one of highest priority; else keyrings.alt's plaintext file, which okta-wizard
    can name (used only with --insecure-storage); else keyring's fail backend. An unknown
    backend is never picked on its own: it might prompt, or store who knows where.
    """
    members: list[Any] = []
    for backend in candidates:
        members += list(backend.backends) if _is(backend, _CHAINER) else [backend]
    secure = [b for b in members if any(_is(b, path) for path in _SECURE)]
    plaintext = [b for b in members if _is(b, _PLAINTEXT)]
    if secure or plaintext:
        return max(secure or plaintext, key=_priority)
    from keyring.backends import fail

    return fail.Keyring()  # type: ignore[no-untyped-call]


def _is(backend: Any, class_path: str) -> bool:
    return class_path in _class_paths(backend)


def _opened(backend: Any) -> Any:
    """A chainer stands for the member it would write to: decide on that one."""
    return choose_backend([backend]) if _is(backend, _CHAINER) else backend


def secret_service_name() -> str:
    """The Secret Service for people: "GNOME Keyring (Secret Service)" when gnome-keyring
    answers on D-Bus, "KeePassXC (Secret Service)" when KeePassXC does, and so on.

    The Secret Service is an interface: KeePassXC and KWallet provide it too, so the name comes
    from the process that owns `org.freedesktop.secrets`. Never raises: "Secret Service" alone
    when the owner cannot be found out.
    """
    try:
        from jeepney import DBusAddress, MessageType, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        bus = DBusAddress(
            "/org/freedesktop/DBus",
            bus_name="org.freedesktop.DBus",
            interface="org.freedesktop.DBus",
        )
        call = new_method_call(bus, "GetConnectionUnixProcessID", "s", ("org.freedesktop.secrets",))
        with open_dbus_connection(bus="SESSION") as connection:
            reply = connection.send_and_get_reply(call, timeout=2)
        if reply.header.message_type is not MessageType.method_return:
            return "Secret Service"
        pid = int(reply.body[0])
        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        comm = Path(f"/proc/{pid}/comm").read_text(errors="replace").strip()
    except Exception:
        return "Secret Service"
    provider = _SECRET_SERVICE_PROVIDERS.get(Path(argv0).name) or _SECRET_SERVICE_PROVIDERS.get(
        comm
    )
    return f"{provider} (Secret Service)" if provider else "Secret Service"


def secure_fix() -> str:
    """How to get a secure keyring on this platform."""
    if sys.platform == "darwin":
        return "Unlock the login keychain (Keychain Access), and allow access when macOS asks"
    if sys.platform == "win32":
        return (
            "Sign in to Windows with your own account: Windows Credential Locker is per user "
            "(Control Panel > Credential Manager)"
        )
    return (
        "Unlock (or install) gnome-keyring or KWallet; on a headless machine run under "
        "`dbus-run-session` with gnome-keyring-daemon --unlock"
    )


def fix(insecure_choice: str = "a keyring that is not secure") -> str:
    """The fix, with the opt-in named: `insecure_choice` is what --insecure-storage accepts."""
    return (
        f"{secure_fix()}; or pass --insecure-storage to accept {insecure_choice} (not recommended)."
    )


FIX = fix()


class Vault:
    """The OS keyring, refusing insecure backends unless `allow_insecure`.

    `backend`: tests may pass a backend instance, judged like any other; None: the vault's
    own choice (see the module docstring).
    """

    def __init__(self, allow_insecure: bool = False, *, backend: Any = None) -> None:
        self.allow_insecure = allow_insecure
        self._given = backend
        self._chosen: Holder | None = None

    # -- backend selection
    def holder(self) -> Holder:
        """The backend that will hold the secrets, judged (chosen once, then kept)."""
        if self._chosen is None:
            if self._given is not None:
                self._chosen = judge(_opened(self._given))
            else:
                self._chosen = _choose_holder()
        return self._chosen

    def _keyring(self) -> Any:
        return self.holder().backend

    def backend_name(self) -> str:
        """Where the secret goes, for people: "GNOME Keyring (Secret Service)", "macOS
        Keychain", "plaintext file /home/me/.local/share/python_keyring/keyring_pass.cfg".
        The one name every message, the journal and --json show."""
        return self.holder().name

    def is_secure(self) -> bool:
        return self.holder().secure

    def ensure_usable(self) -> None:
        """Refuse an insecure backend before anything depends on it (before the app exists)."""
        holder = self.holder()
        if holder.verdict == "unusable":
            # --insecure-storage cannot help: nothing would be stored, or a prompt would appear.
            raise KeyringUnavailable(_unusable_message(holder), remedy=_remedy(holder))
        if not holder.secure and not self.allow_insecure:
            raise KeyringUnavailable(
                f"{_source(holder)} {holder.name}, which is not secure ({holder.why}); "
                "okta-wizard will not put the client secret there.",
                remedy=_remedy(holder, insecure_choice=True),
            )

    def probe(self) -> None:
        """Write and delete a dummy entry: a locked keyring only fails on write."""
        entry = "okta-wizard/preflight"
        self._set(entry, "preflight")
        self._delete(entry)

    # -- primitives, with the backend's errors mapped to one exception
    def _set(self, username: str, value: str) -> None:
        self.ensure_usable()
        try:
            self._keyring().set_password(KEYRING_SERVICE, username, value)
        except Exception as exc:
            raise self._unavailable("write to", exc) from None

    def _get(self, username: str) -> str | None:
        self.ensure_usable()
        try:
            value = self._keyring().get_password(KEYRING_SERVICE, username)
        except Exception as exc:
            raise self._unavailable("read from", exc) from None
        return value if isinstance(value, str) else None

    def _delete(self, username: str) -> bool:
        self.ensure_usable()
        from keyring.errors import PasswordDeleteError

        try:
            self._keyring().delete_password(KEYRING_SERVICE, username)
        except PasswordDeleteError:
            return False  # nothing stored under that name
        except Exception as exc:
            raise self._unavailable("delete from", exc) from None
        return True

    def _unavailable(self, action: str, exc: Exception) -> KeyringUnavailable:
        # Any failure of a foreign backend (keyring's errors, D-Bus, a file's OSError) is exit 6,
        # never a traceback. Its message names the collection, never the value.
        return KeyringUnavailable(
            f"Could not {action} the keyring ({self.backend_name()}): "
            f"{type(exc).__name__}: {visible(str(exc))}",
            remedy=FIX,
        )

    # -- the client secret
    def store_client_secret(self, org_origin: str, client_id: str, secret: Secret) -> None:
        self._set(client_secret_entry(org_origin, client_id), secret.reveal())

    def load_client_secret(self, org_origin: str, client_id: str) -> Secret | None:
        value = self._get(client_secret_entry(org_origin, client_id))
        return Secret(value) if value else None

    def delete_client_secret(self, org_origin: str, client_id: str) -> bool:
        return self._delete(client_secret_entry(org_origin, client_id))

    # -- the secret a rotation replaces: kept until `rotate --finish` retires it
    def store_previous_client_secret(self, org_origin: str, client_id: str, secret: Secret) -> None:
        self._set(previous_client_secret_entry(org_origin, client_id), secret.reveal())

    def load_previous_client_secret(self, org_origin: str, client_id: str) -> Secret | None:
        value = self._get(previous_client_secret_entry(org_origin, client_id))
        return Secret(value) if value else None

    def delete_previous_client_secret(self, org_origin: str, client_id: str) -> bool:
        return self._delete(previous_client_secret_entry(org_origin, client_id))

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
        """A private key goes only into a secure keyring: never a file backend, even with
        --insecure-storage (the key must not end up in a file). The same choice of backend as
        for the client secret."""
        holder = self.holder()
        if holder.verdict == "unusable":
            raise KeyringUnavailable(_unusable_message(holder), remedy=_remedy(holder))
        if not holder.secure:
            raise KeyringUnavailable(
                f"{_source(holder)} {holder.name}, which is not secure; okta-wizard keeps a "
                "service app's private key only in a secure keyring "
                f"({SECURE_KEYRINGS}), even with --insecure-storage.",
                remedy=f"{secure_fix()}; or leave out --import-key and pass --private-key FILE "
                "on every run.",
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


def _source(holder: Holder) -> str:
    if holder.forced_by:
        return f"{holder.forced_by} chooses"
    return f"No secure keyring ({SECURE_KEYRINGS}) is available: the secret would go to"


def _unusable_message(holder: Holder) -> str:
    if holder.forced_by:
        return f"{_source(holder)} {holder.name}, which okta-wizard cannot use: {holder.why}."
    if holder.name == _STORES_NOTHING["keyring.backends.fail.Keyring"]:
        return f"No keyring is available: no {SECURE_KEYRINGS} answered."
    return f"The only keyring found is {holder.name}, which okta-wizard cannot use: {holder.why}."


def _remedy(holder: Holder, *, insecure_choice: bool = False) -> str:
    """The undo of a forced choice, then the fix; --insecure-storage is offered only where it
    would work (it cannot make a store out of the fail backend, nor silence a prompt)."""
    first = f"{holder.undo} " if holder.undo else ""
    return first + (fix(holder.name) if insecure_choice else secure_fix() + ".")


def _choose_holder() -> Holder:
    forced, forced_by, undo = _forced_backend()
    if forced is None:
        import keyring.backend

        return judge(choose_backend(keyring.backend.get_all_keyring()))
    held = judge(_opened(forced))
    return Holder(held.backend, held.name, held.verdict, held.why, forced_by, undo)


def _forced_backend() -> tuple[Any, str, str]:
    """The backend the user named (PYTHON_KEYRING_BACKEND, else keyring's config file), who
    named it and how to undo that; (None, "", "") when nobody did."""
    import keyring.core
    from keyring.util import platform_

    value = os.environ.get(BACKEND_ENV)
    if value:
        return _load_forced(
            keyring.core.load_env,
            BACKEND_ENV,
            f"{BACKEND_ENV} names the keyring backend {visible(value)!r}",
            undo=f"Unset {BACKEND_ENV} to let okta-wizard choose the OS keyring.",
            fix=f"Unset {BACKEND_ENV} to let okta-wizard choose the OS keyring, or set it to an "
            "installed backend, e.g. keyring.backends.SecretService.Keyring.",
        )
    config = visible(str(platform_.config_root() / "keyringrc.cfg"))
    return _load_forced(
        keyring.core.load_config,
        f"keyring's config file {config}",
        f"keyring's config file {config} names a keyring backend",
        undo=f"Remove the default-keyring line from {config} to let okta-wizard choose.",
        fix=f"Fix or remove the default-keyring line in {config}.",
    )


def _load_forced(
    load: Callable[[], Any], who: str, names: str, *, undo: str, fix: str
) -> tuple[Any, str, str]:
    try:
        backend = load()
    except Exception as exc:
        # keyring imports the named class: a typo or an uninstalled package surfaces here as
        # ImportError/AttributeError/ValueError, a backend that is not viable as RuntimeError.
        raise KeyringUnavailable(
            f"{names}, which cannot be loaded ({type(exc).__name__}).", remedy=fix
        ) from None
    return (backend, who, undo) if backend is not None else (None, "", "")


class MemoryVault(Vault):
    """DEMO ONLY: an in-memory store for `okta-wizard demo` when no Secret Service exists.

    Secrets vanish when the process ends. The real commands never use it.
    """

    def __init__(self) -> None:
        super().__init__(allow_insecure=True)
        self._chosen = Holder(None, "memory (demo only; nothing is kept)", "insecure", "demo")
        self._items: dict[str, str] = {}

    def _set(self, username: str, value: str) -> None:
        self._items[username] = value

    def _get(self, username: str) -> str | None:
        return self._items.get(username)

    def _delete(self, username: str) -> bool:
        return self._items.pop(username, None) is not None
