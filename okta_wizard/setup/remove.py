"""Removing the integration: the link, the app in Okta, and everything kept on this machine.

`removal_inventory` reads (Okta and this machine) and says exactly what would go: the app by
label and id, its group assignments, an unread one-time link, the keyring entries, the saved
progress and receipt. `remove_integration` does it, only after the admin typed the app's label:

  1. the removal is recorded in the journal (what it set out to remove);
  2. the one-time link is deleted, by the rules of `setup.steps.retire_recorded_link`: when the
     server does not confirm, its token is kept and nothing else happens (exit 7);
  3. the app is deactivated, then deleted (Okta deletes only an inactive app);
  4. the keyring entries go (the client secret, a rotation's old secret, a delete token);
  5. a final receipt says what was removed and when (`<org>.removed.receipt.json`, no secret);
  6. the journal and the setup receipt are deleted.

Resumable: a rerun after a crash reads the journal's removal and goes on from what Okta and the
keyring still hold. It never touches another app: the app is the journal's exact id, or, with
no saved progress, the one app with exactly this label (two apps with the label: refused).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okta_wizard.errors import UsageError
from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.savedfile import (
    APP_ID,
    Fields,
    InvalidField,
    SavedFileDamaged,
    ensure_state_folder,
    is_org_origin,
    is_timestamp,
    parse_json_object,
    read_bytes,
    write_atomic,
)
from okta_wizard.setup import journal as journal_store
from okta_wizard.setup.journal import Journal, Removal
from okta_wizard.setup.reconcile import pick_app
from okta_wizard.textsafe import visible
from okta_wizard.vault import (
    client_secret_entry,
    delete_token_entry,
    previous_client_secret_entry,
)

if TYPE_CHECKING:
    from okta_wizard.okta.models import OidcApp
    from okta_wizard.setup.engine import Setup
    from okta_wizard.setup.steps import RetiredLink
    from okta_wizard.vault import Vault

MAX_GROUP_NAMES = 50  # names read one by one; a larger assignment is counted, not named


class LabelMismatch(UsageError):
    """What the admin typed is not the app's label: nothing was removed (exit 2)."""


@dataclass(frozen=True)
class RemovalInventory:
    """What `remove` would remove, as found now (Okta and this machine). No secret in it."""

    org_url: str
    label: str  # what the admin types to confirm: the app's label in Okta (or the saved one)
    app_id: str | None  # None: no app in Okta to remove
    app_status: str | None
    groups: tuple[str, ...]  # the app's group assignments, by name (or id)
    link: dict[str, Any] | None  # the unread one-time link's metadata (never the link)
    keyring_entries: tuple[str, ...]  # entry names present now, never values
    files: tuple[str, ...]  # the saved progress and the receipt, present now
    resumed: bool = False  # a removal began earlier and did not complete
    rotation_pending: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.app_id or self.link or self.keyring_entries or self.files)

    def lines(self) -> list[str]:
        """What will go, one item a line (the list `remove` and `plan --remove` show)."""
        out = []
        if self.app_id:
            out.append(f"the app {self.label!r} (id {self.app_id}, {self.app_status}) in Okta")
        if self.groups:
            out.append("its group assignments: " + ", ".join(self.groups))
        if self.link:
            until = self.link.get("expires_at") or "never"
            out.append(
                f"the one-time link {self.link.get('paste_id')} on {self.link.get('server')}, "
                f"if still unread (expires {until})"
            )
        out += [f"keyring entry {e}" for e in self.keyring_entries]
        out += [f"file {f}" for f in self.files]
        return out


@dataclass(frozen=True)
class RemovalReceipt:
    """The final receipt: what was removed from Okta and this machine, when, by whom."""

    org_url: str
    label: str
    app_id: str | None
    removed_at: str
    started_at: str
    run_by: str
    removed: tuple[str, ...]  # the inventory's lines
    link_left_open: str = ""  # a link that could not be deleted (no delete token), if any


@dataclass(frozen=True)
class RemovalReport:
    receipt: RemovalReceipt
    receipt_path: Path
    link: RetiredLink | None = None
    app_deleted: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


# ------------------------------------------------------------------------ inventory
async def _app_to_remove(setup: Setup) -> OidcApp | None:
    """The journal's exact app id (a removal's first), else the one app with the label."""
    journal = setup.journal
    wanted = journal.removal.app_id if journal.removal else journal.app_id
    if wanted:
        try:
            return await setup.okta.get_app(wanted)
        except OktaError as exc:
            if exc.kind is ErrorKind.NOT_FOUND:
                return None  # already deleted (a resumed removal) or deleted by hand
            raise
    if journal.removal is not None:
        return None  # a removal of local state only: never look for another app
    label = setup.options.label
    return pick_app(await setup.okta.find_apps_by_label(label), label, None)


async def _group_names(setup: Setup, app_id: str) -> tuple[str, ...]:
    ids = await setup.okta.list_assigned_group_ids(app_id)
    journal = setup.journal
    known = dict(zip(journal.group_ids, journal.group_names, strict=False))
    names = []
    for i, gid in enumerate(ids):
        if gid in known:
            names.append(known[gid])
        elif i < MAX_GROUP_NAMES:
            group = await setup.okta.get_group(gid)
            names.append(group.name if group else gid)
        else:
            names.append(f"{len(ids) - i} more")
            break
    return tuple(names)


def _unread_link(journal: Journal) -> dict[str, Any] | None:
    link = journal.link or {}
    return dict(link) if link.get("paste_id") and not link.get("revoked_at") else None


def _entries(journal: Journal) -> list[tuple[str, Callable[[Vault], object]]]:
    """Every keyring entry the setup may have made: (name, how to read it)."""
    origin, client_id = journal.org_url, journal.client_id
    entries: list[tuple[str, Callable[[Vault], object]]] = []
    if client_id:
        entries += [
            (
                client_secret_entry(origin, client_id),
                lambda v: v.load_client_secret(origin, client_id),
            ),
            (
                previous_client_secret_entry(origin, client_id),
                lambda v: v.load_previous_client_secret(origin, client_id),
            ),
        ]
    paste_id = str((journal.link or {}).get("paste_id") or "")
    if paste_id:
        entries.append(
            (delete_token_entry(origin, paste_id), lambda v: v.load_delete_token(origin, paste_id))
        )
    return entries


def _present_entries(setup: Setup) -> list[str]:
    """The names of the entries that hold something now (their values are not kept)."""
    return [name for name, read in _entries(setup.journal) if read(setup.vault) is not None]


def _present_files(origin: str) -> list[str]:
    import os

    paths = (journal_store.journal_path(origin), journal_store.receipt_path(origin))
    return [str(p) for p in paths if os.path.lexists(p)]


async def removal_inventory(setup: Setup) -> RemovalInventory:
    """Step 1's preflight, then what would go. Reads only (plan --remove shows this)."""
    report = await setup.connect()
    report.raise_if_refused()
    app = await _app_to_remove(setup)
    journal = setup.journal
    if app is not None and journal.app_id is None:
        # Found by its exact label (no saved progress names it): its keyring entries are
        # looked up, and the removal recorded, under its id.
        journal.app_id, journal.client_id = app.id, app.client_id
    groups = await _group_names(setup, app.id) if app is not None else ()
    saved_label = journal.removal.label if journal.removal else journal.label
    return RemovalInventory(
        org_url=setup.origin,
        label=app.label if app is not None else saved_label,
        app_id=app.id if app is not None else None,
        app_status=app.status if app is not None else None,
        groups=groups,
        link=_unread_link(journal),
        keyring_entries=tuple(await asyncio.to_thread(_present_entries, setup)),
        files=tuple(_present_files(setup.origin)),
        resumed=journal.removal is not None,
        rotation_pending=journal.rotation is not None,
    )


# ------------------------------------------------------------------------ removal
def check_label(inventory: RemovalInventory, typed: str) -> None:
    """The admin's confirmation: the app's label exactly. Anything else removes nothing."""
    if typed != inventory.label:
        raise LabelMismatch(
            f"{visible(typed)!r} is not the app's label {inventory.label!r}. Nothing was removed.",
            remedy=f"Type the label exactly (case matters), or pass --confirm-label "
            f"{inventory.label!r} with --yes.",
        )


async def remove_integration(
    setup: Setup, inventory: RemovalInventory, *, confirmed_label: str
) -> RemovalReport:
    """Remove what `inventory` lists, after `confirmed_label` matched (module docstring)."""
    from okta_wizard.setup.steps import NO_TOKEN, retire_recorded_link

    check_label(inventory, confirmed_label)
    journal = setup.journal
    if journal.removal is None:
        journal.removal = Removal(
            started_at=journal_store.now_iso(),
            label=inventory.label,
            app_id=inventory.app_id,
            groups=list(inventory.groups),
            link_paste_id=(inventory.link or {}).get("paste_id"),
            keyring_entries=list(inventory.keyring_entries),
            files=list(inventory.files),
        )
    removal = journal.removal
    journal_store.save(journal)
    _say(setup, "Deleting the one-time link")
    link = await retire_recorded_link(setup.vault, journal, replacing=False)  # exit 7: stops
    app_deleted = await _delete_app(setup, removal.app_id)
    await asyncio.to_thread(_delete_entries, setup)
    receipt = RemovalReceipt(
        org_url=setup.origin,
        label=removal.label,
        app_id=removal.app_id,
        removed_at=journal_store.now_iso(),
        started_at=removal.started_at,
        run_by=journal.actor_login or "",
        removed=tuple(_removed_lines(removal, link.outcome if link is not None else None)),
        link_left_open=link.paste_id if link is not None and link.outcome == NO_TOKEN else "",
    )
    path = write_removal_receipt(receipt)
    journal_store.delete(setup.origin)  # the journal and the setup receipt
    notes = []
    if receipt.link_left_open:
        notes.append(
            f"The one-time link {receipt.link_left_open} could not be deleted (the keyring "
            "holds no delete token for it): it opens until it is read or expires, and what it "
            "holds no longer works (the app is deleted)."
        )
    return RemovalReport(receipt, path, link, app_deleted, tuple(notes))


def _say(setup: Setup, message: str) -> None:
    if setup.on_progress is not None:
        setup.on_progress(message)


async def _delete_app(setup: Setup, app_id: str | None) -> bool:
    """Deactivate, then delete; an app already gone is done. Only this exact id."""
    if not app_id:
        return False
    try:
        app = await setup.okta.get_app(app_id)
    except OktaError as exc:
        if exc.kind is ErrorKind.NOT_FOUND:
            return True
        raise
    if app.active:
        _say(setup, f"Deactivating app {app_id}")
        await setup.okta.deactivate_app(app_id)
    _say(setup, f"Deleting app {app_id}")
    try:
        await setup.okta.delete_app(app_id)
    except OktaError as exc:
        if exc.kind is not ErrorKind.NOT_FOUND:
            raise
    return True


def _delete_entries(setup: Setup) -> None:
    journal, vault = setup.journal, setup.vault
    origin, client_id = journal.org_url, journal.client_id
    if client_id:
        vault.delete_client_secret(origin, client_id)
        vault.delete_previous_client_secret(origin, client_id)
    paste_id = (journal.link or {}).get("paste_id")
    if paste_id:
        vault.delete_delete_token(origin, str(paste_id))


_LINK_OUTCOMES = {
    "deleted": "deleted",
    "gone": "already read, expired or deleted",
    "no-token": "NOT deleted: the keyring held no delete token for it",
    None: "deleted or already gone (an earlier run)",
}


def _removed_lines(removal: Removal, link_outcome: str | None) -> list[str]:
    lines = []
    if removal.app_id:
        lines.append(f"the app {removal.label!r} (id {removal.app_id}) in Okta: deleted")
    if removal.groups:
        lines.append("its group assignments: " + ", ".join(removal.groups))
    if removal.link_paste_id:
        outcome = _LINK_OUTCOMES.get(link_outcome, _LINK_OUTCOMES[None])
        lines.append(f"the one-time link {removal.link_paste_id}: {outcome}")
    lines += [f"keyring entry {e}" for e in removal.keyring_entries]
    lines += [f"file {f}" for f in removal.files]
    return lines


# ------------------------------------------------------------------------ the final receipt
MAX_REMOVAL_RECEIPT_BYTES = 256 * 1024


def write_removal_receipt(receipt: RemovalReceipt) -> Path:
    """Atomic, 0600, in the state folder: it stays after the journal and receipt are gone."""
    path = journal_store.removal_receipt_path(receipt.org_url)
    ensure_state_folder(path.parent)
    data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(receipt).items()}
    write_atomic(path, json.dumps(data, indent=2, sort_keys=True).encode() + b"\n")
    return path


def read_removal_receipt(org_origin: str) -> RemovalReceipt | None:
    """The final receipt of a removed integration, checked field by field; None if none."""
    path = journal_store.removal_receipt_path(org_origin)
    remedy = f"Move it aside or delete it ({path.name} only records a removal)."
    raw = read_bytes(path, max_bytes=MAX_REMOVAL_RECEIPT_BYTES, remedy=remedy)
    if raw is None:
        return None
    f = Fields(parse_json_object(path, raw, remedy=remedy))
    try:
        f.required("org_url", "label", "removed_at", "started_at", "removed")
        org_url = f.checked("org_url", is_org_origin, "an org URL")
        removed_at = f.checked("removed_at", is_timestamp, "a timestamp")
        started_at = f.checked("started_at", is_timestamp, "a timestamp")
        label = f.optional_text("label", max_len=255)
        if org_url is None or removed_at is None or started_at is None or label is None:
            raise InvalidField("a required field is null")
        return RemovalReceipt(
            org_url=org_url,
            label=label,
            app_id=f.matching("app_id", APP_ID, "an Okta app id"),
            removed_at=removed_at,
            started_at=started_at,
            run_by=f.optional_text("run_by", max_len=255) or "",
            removed=tuple(f.text_list("removed", max_items=100, max_len=4096)),
            link_left_open=f.text("link_left_open", "", max_len=64),
        )
    except InvalidField as exc:
        raise SavedFileDamaged(path, str(exc), remedy=remedy) from None


def render_removal_receipt(r: RemovalReceipt) -> str:
    """Plain text for the IT ticket."""
    lines = [
        "okta-wizard removal receipt: Okta single sign-on for Upflow",
        "",
        f"Okta org:   {r.org_url}",
        f"App:        {r.label} (id {r.app_id or 'none in Okta'})",
        f"Removed at: {r.removed_at} (started {r.started_at})",
        f"Run by:     {r.run_by or 'unknown'}",
        "Removed:",
        *[f"  - {item}" for item in r.removed],
    ]
    if r.link_left_open:
        lines.append(f"Not deleted: the one-time link {r.link_left_open} (no delete token)")
    return "\n".join(lines) + "\n"
