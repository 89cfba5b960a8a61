"""Saved progress as the front ends list it: one `SavedSetup` per org, never a secret.

Apart from the engine on purpose: reading it needs only the journal files, so the wizard can
offer to resume before the engine, the gateway and the crypto are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from okta_wizard.setup import journal as journal_store
from okta_wizard.setup.journal import Journal


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
        )
        for j in (journal_store.list_journals() if journals is None else journals)
    ]
