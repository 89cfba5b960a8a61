"""What the demo keeps between runs, and what it must not keep.

The demo's folder is `<state dir>/demo/` (the state dir: OKTA_WIZARD_STATE_DIR or the
platform's), apart from real setups: `okta-wizard status` and the wizard look only at the state
dir itself. It holds the demo's saved progress and receipt (written by the engine, as for any
org) and the sandbox org they refer to (`sandbox-org.json`, see sandbox/persist.py), so that
quitting and running `okta-wizard demo` again resumes the same setup with the same app. The
folder is 0700, every file 0600, and none holds a secret value.

The keyring is another matter: every entry the demo writes is removed when it ends
(`DemoKeyring` remembers them), and entries an earlier demo could not remove (it was killed)
are removed when the next one starts, since a restored org's secrets have new values anyway.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okta_wizard.errors import UsageError
from okta_wizard.sandbox.persist import write_private
from okta_wizard.secret import Secret
from okta_wizard.vault import Vault, client_secret_entry, delete_token_entry, service_app_key_entry

ORG_FILE = "sandbox-org.json"
LOCK_FILE = ".demo.lock"
MAX_SAVED_BYTES = 4 * 1024 * 1024  # a journal or receipt is a few kB


def demo_folder() -> Path:
    from okta_wizard.setup.journal import state_dir

    return state_dir() / "demo"


def prepare_folder(folder: Path) -> None:
    """Create the folder (0700, and the state dir above it too if it is new); refuse one that
    is a symlink or another user's; an existing one of yours is made 0700."""
    folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise UsageError(
            f"The demo's folder {folder} is not a folder of yours (a symlink or another user's).",
            remedy="Move it aside, or set OKTA_WIZARD_STATE_DIR to a folder of your own.",
        )
    os.chmod(folder, 0o700)


class DemoLock:
    """One demo at a time per folder: a second one would serve the same saved org twice."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise UsageError(
                f"Another okta-wizard demo is running with this saved demo (pid {holder}).",
                remedy="Quit it first, or set OKTA_WIZARD_STATE_DIR to another folder for a "
                "separate demo.",
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # still held, so no other demo uses this inode
        os.close(self._fd)
        self._fd = None


# ------------------------------------------------------------------ saved progress
def _read_json(path: Path) -> Any:
    """A saved file as untrusted input: no symlink, bounded size, JSON or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as file:
            raw = file.read(MAX_SAVED_BYTES + 1)
    except OSError:  # e.g. a folder named like a journal
        return None
    if len(raw) > MAX_SAVED_BYTES:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


@dataclass(frozen=True)
class SavedFile:
    path: Path
    kind: str  # "journal" | "receipt"
    data: dict[str, Any]

    @property
    def origin(self) -> str:
        value = self.data.get("org_url")
        return value if isinstance(value, str) else ""


def saved_files(folder: Path) -> list[SavedFile]:
    """The journals and receipts in the demo's folder (unreadable ones are left out)."""
    found = []
    for path in sorted(folder.glob("*.json")):
        if path.name == ORG_FILE or ".unreadable-" in path.name:
            continue
        data = _read_json(path)
        if isinstance(data, dict):
            kind = "receipt" if path.name.endswith(".receipt.json") else "journal"
            found.append(SavedFile(path, kind, data))
    return found


def progress_origin(files: list[SavedFile]) -> str | None:
    """The org address of the most recently saved journal: the one the admin would resume."""
    journals = [f for f in files if f.kind == "journal" and f.origin]
    if not journals:
        return None
    return max(journals, key=lambda f: str(f.data.get("updated_at", ""))).origin


def _moved(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str) and (value == old or value.startswith(old + "/")):
        return new + value[len(old) :]
    if isinstance(value, dict):
        return {k: _moved(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(v, old, new) for v in value]
    return value


def move_origin(folder: Path, old: str, new: str, path_for: Callable[[str, str], Path]) -> int:
    """The saved org now answers at `new`: rewrite every journal and receipt of `old` (org URL,
    issuer, link server) and give it the file name of `new`. Returns how many files moved."""
    moved = 0
    for saved in saved_files(folder):
        if saved.origin != old:
            continue
        target = path_for(new, saved.kind)
        moved_data = _moved(saved.data, old, new)
        write_private(target, json.dumps(moved_data, indent=2, sort_keys=True).encode() + b"\n")
        if target != saved.path:
            saved.path.unlink()
        moved += 1
    return moved


def discard(files: list[SavedFile]) -> None:
    for saved in files:
        with contextlib.suppress(FileNotFoundError):
            saved.path.unlink()


# ------------------------------------------------------------------ the keyring
@dataclass(frozen=True, order=True)
class KeyringEntry:
    kind: str  # "client secret" | "delete token" | "service app key"
    org_origin: str
    key: str  # client id or paste id

    @property
    def username(self) -> str:
        naming = {
            "client secret": client_secret_entry,
            "delete token": delete_token_entry,
            "service app key": service_app_key_entry,
        }
        return naming[self.kind](self.org_origin, self.key)


def entries_of(journal: dict[str, Any]) -> list[KeyringEntry]:
    """The keyring entries a journal points to (its client secret, its link's delete token)."""
    origin, client_id = journal.get("org_url"), journal.get("client_id")
    link = journal.get("link")
    paste_id = link.get("paste_id") if isinstance(link, dict) else None
    if not isinstance(origin, str):
        return []
    found = []
    if isinstance(client_id, str) and client_id:
        found.append(KeyringEntry("client secret", origin, client_id))
    if isinstance(paste_id, str) and paste_id:
        found.append(KeyringEntry("delete token", origin, paste_id))
    return found


class DemoKeyring(Vault):
    """The OS keyring, remembering every entry the demo writes so that all are removed at exit."""

    def __init__(self) -> None:
        super().__init__()
        self.written: set[KeyringEntry] = set()

    def store_client_secret(self, org_origin: str, client_id: str, secret: Secret) -> None:
        self.written.add(KeyringEntry("client secret", org_origin, client_id))
        super().store_client_secret(org_origin, client_id, secret)

    def store_delete_token(self, org_origin: str, paste_id: str, token: Secret) -> None:
        self.written.add(KeyringEntry("delete token", org_origin, paste_id))
        super().store_delete_token(org_origin, paste_id, token)

    def store_service_app_key(self, org_origin: str, client_id: str, key_text: Secret) -> None:
        self.written.add(KeyringEntry("service app key", org_origin, client_id))
        super().store_service_app_key(org_origin, client_id, key_text)


@dataclass
class KeyringCleanup:
    removed: list[KeyringEntry]
    failed: list[KeyringEntry]


def remove_entries(vault: Vault, entries: set[KeyringEntry]) -> KeyringCleanup:
    """Delete each entry; an entry that was not there (already gone) is neither."""
    delete: dict[str, Callable[[str, str], bool]] = {
        "client secret": vault.delete_client_secret,
        "delete token": vault.delete_delete_token,
        "service app key": vault.delete_service_app_key,
    }
    result = KeyringCleanup([], [])
    for entry in sorted(entries):
        try:
            if delete[entry.kind](entry.org_origin, entry.key):
                result.removed.append(entry)
        except Exception:  # a keyring that fails now is reported, never a traceback
            result.failed.append(entry)
    return result


# ------------------------------------------------------------------ what the demo says at exit
def kept_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name != LOCK_FILE)


def _kept_name(path: Path) -> str:
    if ".unreadable-" in path.name:
        return f"an unreadable saved file, set aside ({path.name})"
    if path.name == ORG_FILE:
        return f"the demo org ({path.name}, no secret values)"
    if path.name.endswith(".receipt.json"):
        return f"the receipt ({path.name})"
    if path.suffix == ".json" and not path.name.startswith("."):
        return f"saved progress ({path.name})"
    return path.name


def closing_lines(folder: Path, keyring: KeyringCleanup | None) -> Iterator[str]:
    """Exactly what is left, read from the disk after the cleanup, and what left the keyring."""
    kept = kept_files(folder)
    if kept:
        names = [_kept_name(p) for p in kept]
        listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        yield f"okta-wizard demo: sandbox stopped. Kept in {folder}: {listed}."
        yield "  Run okta-wizard demo to resume, or okta-wizard demo --fresh to start over."
    else:
        yield "okta-wizard demo: sandbox stopped. Nothing was kept on disk."
    if keyring is None:
        yield "  Keyring: not used (the secret was held in this process's memory only)."
        return
    if keyring.removed:
        gone = ", ".join(f"{e.username} ({e.kind})" for e in keyring.removed)
        yield f"  Keyring: removed the {_entries(len(keyring.removed))} this demo held: {gone}."
    elif not keyring.failed:
        yield "  Keyring: the demo left no entry in it."
    for entry in keyring.failed:
        yield (
            f"  Keyring: could NOT remove {entry.username} ({entry.kind}; service okta-wizard): "
            "remove it with your keyring manager (e.g. Seahorse, or secret-tool clear service "
            f"okta-wizard username {entry.username})."
        )


def _entries(count: int) -> str:
    return "entry" if count == 1 else f"{count} entries"
