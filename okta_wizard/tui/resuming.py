"""Continuing a saved setup where it stopped.

Once step 1 has connected, each step the saved progress marks done is checked against Okta
again, in order, and the wizard lands on the first one that is not done, with the saved
choices restored: the label (already used by step 1), the assignment and its groups, the
email domains of the last link.

The checks only read Okta: the app is looked up (step 2) and reused when it matches the guide
(step 3: its secret is the keyring's, or read back from Okta as any reuse does); the saved
assignment is found again and compared with what the app holds (step 4); the credentials are
read and verified (step 5). What would change Okta (a repair of the app, an assignment put
back) waits on its step, shown, for the admin to press its button.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from okta_wizard.errors import UsageError
from okta_wizard.savedfile import SavedFileDamaged
from okta_wizard.tui.state import Restored, WizardState

if TYPE_CHECKING:
    from okta_wizard.handoff.receipt import Receipt
    from okta_wizard.setup.engine import AssignmentChoice, Setup
    from okta_wizard.setup.models import Group
    from okta_wizard.setup.saved import SavedSetup

AssignmentMode = Literal["everyone", "groups", "none"]
MODES: dict[str, AssignmentMode] = {"everyone": "everyone", "groups": "groups", "none": "none"}


@dataclass
class Landing:
    """Where the resumed wizard continues, and what the admin should know about it."""

    step: int = 2  # while the check runs: the step being checked (an error lands there)
    notes: list[str] = field(default_factory=list)


async def reconcile(setup: Setup, state: WizardState, saved: SavedSetup, at: Landing) -> None:
    """Check the saved steps against Okta after step 1, filling in `state` as the steps
    themselves would; `at.step` ends on the first step that is not done."""
    state.restored = restored = Restored()
    state.done.add(1)
    at.step = 2
    existing = await setup.find_existing()
    state.existing, state.existing_checked = existing, True
    if existing is None:
        at.notes.append(f"No app labelled “{state.label}” is in Okta now: step 3 creates it.")
        return
    if existing.drift:
        at.notes.append("The app differs from Upflow's guide: step 2 shows how.")
        return
    state.done.add(2)
    at.step = 3
    if saved.steps.get(3) != "done":
        return
    state.app = await setup.create_or_reuse(repair=False)  # it matches: nothing to repair
    state.done.add(3)
    at.step = 4
    restored.email_domains = await _last_email_domains(setup.origin, at.notes)
    if not await _assignment_holds(setup, saved, restored):
        return
    state.assigned = restored.groups
    state.done.add(4)
    at.step = 5
    if saved.steps.get(5) != "done":
        return
    state.credentials = await setup.read_credentials()
    state.checks = await setup.verify()
    if not all(c.ok for c in state.checks):
        return
    state.done.add(5)
    at.step = 6


async def _assignment_holds(setup: Setup, saved: SavedSetup, restored: Restored) -> bool:
    """Restore step 4's saved choice; True when Okta still holds all of it."""
    from okta_wizard.setup.engine import AssignmentChoice

    mode = MODES.get(saved.assignment_mode or "")
    if mode is None:  # never assigned
        return False
    choice = AssignmentChoice(mode, saved.group_names if mode == "groups" else ())
    restored.choice = choice
    if mode != "none":
        restored.groups, restored.unknown = await _groups_of(setup, choice)
        if restored.unknown:
            return False
        restored.missing = await setup.unassigned(choice)
    return not restored.missing and saved.steps.get(4) in ("done", "skipped")


async def _groups_of(setup: Setup, choice: AssignmentChoice) -> tuple[list[Group], str]:
    """The groups a saved choice names, as Okta has them now, and why some are not found."""
    from okta_wizard.setup.engine import AssignmentChoice

    try:
        return await setup.resolve_groups(choice), ""
    except UsageError as exc:  # a group was renamed or deleted since
        found: list[Group] = []
        for name in choice.group_names:
            try:
                found += await setup.resolve_groups(AssignmentChoice("groups", (name,)))
            except UsageError:
                continue
        return found, f"{exc.message} Choose the groups again, then press Assign."


async def _last_email_domains(origin: str, notes: list[str]) -> tuple[str, ...]:
    """The email domains the last link gave Upflow (its receipt), if one was made."""
    try:
        receipt = await asyncio.to_thread(_read_receipt, origin)
    except SavedFileDamaged as exc:
        notes.append(f"{exc.message} {exc.remedy}")
        return ()
    return receipt.email_domains if receipt is not None else ()


def _read_receipt(origin: str) -> Receipt | None:
    from okta_wizard.handoff.receipt import read_receipt
    from okta_wizard.setup.journal import receipt_path

    return read_receipt(receipt_path(origin))


def landing_text(origin: str, state: WizardState, landing: Landing) -> str:
    """What the admin is told once the check is done."""
    checked = sorted(s for s in state.done if s < landing.step)
    steps = f"steps {checked[0]}-{checked[-1]}" if len(checked) > 1 else "step 1"
    done = f"Resumed {origin}: {steps} checked against Okta; continuing at step {landing.step}."
    return " ".join([done, *landing.notes])
