"""Saved progress across orgs, for `status`, the resume screen and `forget`: one `SavedSetup`
per org, never a secret; Okta is untouched.

Apart from the engine on purpose: reading it needs only the journal files, so the wizard can
offer to resume before the engine, the gateway and the crypto are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from okta_wizard.setup import journal as journal_store
from okta_wizard.setup.journal import Journal, OrgLock, Rotation

if TYPE_CHECKING:
    from okta_wizard.savedfile import SavedFileDamaged
    from okta_wizard.vault import Vault


@dataclass(frozen=True)
class SavedSetup:
    """One entry of saved progress, for `status` and the resume screen. Never a secret."""

    org_url: str
    label: str
    app_id: str | None
    client_id: str | None
    step_reached: int
    updated_at: str
    steps: dict[int, str] = field(default_factory=dict)  # step -> "done" | "failed" | "pending"
    secret_fingerprint: str | None = None  # Secret.fingerprint() of the stored secret
    assignment_mode: str | None = None  # everyone | groups | none: step 4's saved choice
    group_names: tuple[str, ...] = ()  # the groups that choice named
    rotation: Rotation | None = None  # a secret rotation under way (ids and fingerprints)

    @property
    def complete(self) -> bool:
        """All six steps done: the credentials were handed to Upflow."""
        return self.steps.get(6) == "done"


def list_saved_setups(journals: list[Journal] | None = None) -> list[SavedSetup]:
    """The state folder's saved setups, or those of `journals` (the demo reads its own).
    A damaged saved file raises `SavedFileDamaged` (exit 2), naming the file and its fix."""
    return [
        SavedSetup(
            org_url=j.org_url,
            label=j.label,
            app_id=j.app_id,
            client_id=j.client_id,
            step_reached=j.step_reached,
            updated_at=j.updated_at,
            steps={n: r.state for n, r in sorted(j.steps.items())},
            secret_fingerprint=j.secret_fingerprint,
            assignment_mode=j.assignment_mode,
            group_names=tuple(j.group_names),
            rotation=replace(j.rotation) if j.rotation is not None else None,
        )
        for j in (journal_store.list_journals() if journals is None else journals)
    ]


def scan_saved_setups() -> tuple[list[SavedSetup], list[SavedFileDamaged]]:
    """The state folder's readable saved setups, and each saved file that cannot be used
    (named, with its fix): one damaged file does not hide the others."""
    journals, damaged = journal_store.scan_journals()
    return list_saved_setups(journals), damaged


def forget_saved_setup(org_origin: str, vault: Vault) -> list[str]:
    """Delete the journal, the receipt and the keyring entries of one org. Okta is untouched."""
    with OrgLock(org_origin):
        return forget_locked(org_origin, vault)


def forget_locked(org_origin: str, vault: Vault) -> list[str]:
    """`forget_saved_setup` for a caller that holds the org's lock already."""
    from okta_wizard.vault import client_secret_entry, previous_client_secret_entry

    removed: list[str] = []
    saved = journal_store.salvage(org_origin).journal  # a damaged file too: what is readable
    if saved and saved.client_id and vault.delete_client_secret(org_origin, saved.client_id):
        removed.append(f"keyring entry {client_secret_entry(org_origin, saved.client_id)}")
    client_id = saved.client_id if saved else None  # a rotation's old secret, kept aside:
    if client_id and vault.delete_previous_client_secret(org_origin, client_id):
        entry = previous_client_secret_entry(org_origin, client_id)
        removed.append(f"keyring entry {entry} (a rotation's)")
    paste_id = (saved.link or {}).get("paste_id") if saved else None
    if paste_id and vault.delete_delete_token(org_origin, paste_id):
        removed.append("the one-time link's delete token")
    removed += [str(p) for p in journal_store.delete(org_origin)]
    return removed
