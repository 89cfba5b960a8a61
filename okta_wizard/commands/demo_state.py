"""What the demo keeps between runs, and what it must not keep.

The demo's folder is `<state dir>/demo/` (the state dir: OKTA_WIZARD_STATE_DIR or the
platform's), apart from real setups: `okta-wizard status` and the wizard look only at the state
dir itself. It holds the demo's saved progress and receipt (written by the engine, as for any
org) and the sandbox org they refer to (`sandbox-org.json`, see sandbox/persist.py), so that
quitting and running `okta-wizard demo` again resumes the same setup with the same app. None
holds a secret value.

The folder is a state folder like any other and its files are saved files like any other: the
folder is checked, created and locked, and every journal and receipt read, checked and written,
by the same code as a real setup's (`okta_wizard.savedfile`, `okta_wizard.lockfile`, the
journal's and the receipt's loaders). A file the demo did not write is refused with exit 2 and
the fix, never guessed at; a journal of anything but a demo sandbox org on 127.0.0.1 is one.

The keyring is another matter: every entry the demo writes is removed when it ends
(`DemoKeyring` remembers them), and entries an earlier demo could not remove (it was killed)
are removed when the next one starts, since a restored org's secrets have new values anyway.
Only the entries a checked journal of a demo org names are ever removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from okta_wizard.errors import UsageError
from okta_wizard.handoff import receipt as receipts
from okta_wizard.handoff.receipt import Receipt
from okta_wizard.lockfile import LockFile
from okta_wizard.savedfile import SavedFileDamaged, ensure_state_folder, remove
from okta_wizard.secret import Secret
from okta_wizard.setup import journal as journal_store
from okta_wizard.setup.journal import Journal
from okta_wizard.vault import (
    Vault,
    client_secret_entry,
    delete_token_entry,
    previous_client_secret_entry,
    service_app_key_entry,
)

ORG_FILE = "sandbox-org.json"
LOCK_FILE = ".demo.lock"
RECEIPT_SUFFIX = ".receipt.json"
SANDBOX_HOST = "127.0.0.1"  # the demo serves its sandbox org there, and nowhere else


def demo_folder() -> Path:
    return journal_store.state_dir() / "demo"


def prepare_folder(folder: Path) -> None:
    """The state dir and the demo's folder in it: created 0700 when new, refused (exit 2, with
    the fix) when someone else could change them, as for every state folder."""
    ensure_state_folder(folder.parent)
    ensure_state_folder(folder)


class DemoLock(LockFile):
    """One demo at a time per folder: a second one would serve the same saved org twice."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder / LOCK_FILE)

    def busy(self, holder: str) -> UsageError:
        return UsageError(
            f"Another okta-wizard demo is running with this saved demo ({holder}).",
            remedy="Quit it first, or set OKTA_WIZARD_STATE_DIR to another folder for a "
            "separate demo.",
        )


def sandbox_port(origin: str) -> int | None:
    """The port of a demo sandbox origin (`http://127.0.0.1:PORT`); None for any other."""
    parts = urlsplit(origin)
    if parts.scheme != "http" or parts.hostname != SANDBOX_HOST or parts.path not in ("", "/"):
        return None
    try:
        return parts.port
    except ValueError:
        return None


# ------------------------------------------------------------------ saved progress
@dataclass(frozen=True)
class SavedFile:
    """A journal or a receipt of the demo's folder, read and checked like any org's."""

    path: Path
    content: Journal | Receipt

    @property
    def origin(self) -> str:
        return self.content.org_url

    @property
    def journal(self) -> Journal | None:
        return self.content if isinstance(self.content, Journal) else None


@dataclass(frozen=True)
class SavedProgress:
    """What the demo's folder holds: the files it can use, and those it cannot."""

    files: list[SavedFile]
    damaged: list[SavedFileDamaged]

    @property
    def journals(self) -> list[Journal]:
        return [f.journal for f in self.files if f.journal is not None]

    def usable(self) -> list[SavedFile]:
        """The files; when one is damaged, that one as the error (exit 2, naming it)."""
        if self.damaged:
            raise self.damaged[0]
        return self.files

    def paths(self) -> list[Path]:
        return [f.path for f in self.files] + [d.path for d in self.damaged]


def damaged_remedy(path: Path) -> str:
    return (
        f"Move it aside (rename it, for example to {path.name}.bak), or start the demo over "
        "with `okta-wizard demo --fresh` (which deletes the demo's saved files)."
    )


def _saved_paths(folder: Path) -> list[Path]:
    """The journals and receipts: every `.json` but the org and what was set aside."""
    return [
        path
        for path in sorted(folder.glob("*.json"))
        if path.name != ORG_FILE and ".unreadable-" not in path.name
    ]


def _read(path: Path) -> Journal | Receipt | None:
    if path.name.endswith(RECEIPT_SUFFIX):
        return receipts.read_receipt(path)
    return journal_store.read_journal(path)


def read_progress(folder: Path) -> SavedProgress:
    """Every journal and receipt in the demo's folder, each checked by its own loader. A file
    that fails (or holds the progress of an org other than a demo sandbox's) is `damaged`."""
    files: list[SavedFile] = []
    damaged: list[SavedFileDamaged] = []
    for path in _saved_paths(folder):
        remedy = damaged_remedy(path)
        try:
            content = _read(path)
        except SavedFileDamaged as exc:
            damaged.append(SavedFileDamaged(path, exc.problem, remedy=remedy))
            continue
        if content is None:  # removed meanwhile
            continue
        if sandbox_port(content.org_url) is None:
            problem = f"it is about {content.org_url}, not a demo sandbox org on {SANDBOX_HOST}"
            damaged.append(SavedFileDamaged(path, problem, remedy=remedy))
            continue
        files.append(SavedFile(path, content))
    return SavedProgress(files, damaged)


def progress_origin(files: list[SavedFile]) -> str | None:
    """The org address of the most recently saved journal: the one the admin would resume."""
    saved_journals = [f.journal for f in files if f.journal is not None]
    if not saved_journals:
        return None
    return max(saved_journals, key=lambda j: j.updated_at).org_url


def _moved(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str) and (value == old or value.startswith(old + "/")):
        return new + value[len(old) :]
    if isinstance(value, dict):
        return {k: _moved(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(v, old, new) for v in value]
    return value


def move_origin(folder: Path, files: list[SavedFile], old: str, new: str) -> int:
    """The saved org now answers at `new`: rewrite every journal and receipt of `old` (org URL,
    issuer, link server) under the file name of `new`, checked again on the way and written
    as the engine writes them. Returns how many files moved."""
    moved = 0
    for saved in files:
        if saved.origin != old:
            continue
        if isinstance(saved.content, Journal):
            journal = Journal.from_json(_moved(saved.content.to_json(), old, new))
            target = journal_store.save(journal, folder)
        else:
            receipt = receipts.from_json(_moved(receipts.to_json(saved.content), old, new))
            target = folder / journal_store.receipt_path(new).name
            receipts.write_receipt(receipt, target)
        if target != saved.path:
            remove(saved.path, damaged_remedy(saved.path))
        moved += 1
    return moved


def discard(paths: list[Path]) -> None:
    for path in paths:
        remove(path, damaged_remedy(path))


# ------------------------------------------------------------------ the keyring
@dataclass(frozen=True, order=True)
class KeyringEntry:
    kind: str  # "client secret" | "previous client secret" | "delete token" | "service app key"
    org_origin: str
    key: str  # client id or paste id

    @property
    def username(self) -> str:
        naming = {
            "client secret": client_secret_entry,
            "previous client secret": previous_client_secret_entry,
            "delete token": delete_token_entry,
            "service app key": service_app_key_entry,
        }
        return naming[self.kind](self.org_origin, self.key)


def entries_of(journal: Journal) -> list[KeyringEntry]:
    """The keyring entries a checked journal of a demo org points to (its client secret, a
    rotation's previous one, its link's delete token); none for any other org, whatever its
    file says. An entry that is not there is simply not removed."""
    origin = journal.org_url
    if sandbox_port(origin) is None:
        return []
    found = []
    if journal.client_id:
        found.append(KeyringEntry("client secret", origin, journal.client_id))
        found.append(KeyringEntry("previous client secret", origin, journal.client_id))
    paste_id = journal.link.get("paste_id") if journal.link else None
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

    def store_previous_client_secret(self, org_origin: str, client_id: str, secret: Secret) -> None:
        self.written.add(KeyringEntry("previous client secret", org_origin, client_id))
        super().store_previous_client_secret(org_origin, client_id, secret)

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
        "previous client secret": vault.delete_previous_client_secret,
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
    if path.name.endswith(RECEIPT_SUFFIX):
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
