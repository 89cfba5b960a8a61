"""The setup engine's public interface: `Setup`. The CLI and the TUI drive only this.

Each step is check -> act -> record: it reads live Okta first, does only what is missing, and
records the result in the journal (saved progress, never a secret). The journal is a hint;
Okta is the truth. The steps live in one module each (connect, lookup, app, secret,
assignment, verify, plan) and share one `Run`; `Setup` opens and closes it and is the one
entry point. The values they take and give back are in values.py and are named here too.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Literal

from okta_wizard.okta.models import ClientSecret, Group
from okta_wizard.secret import Secret
from okta_wizard.setup import app as app_step
from okta_wizard.setup import assignment as assignment_step
from okta_wizard.setup import connect as connect_step
from okta_wizard.setup import journal as journal_store
from okta_wizard.setup import lookup as lookup_step
from okta_wizard.setup import plan as plan_step
from okta_wizard.setup import secret as secret_step
from okta_wizard.setup import sign_in
from okta_wizard.setup import verify as verify_step
from okta_wizard.setup.connect import ROLE_REMEDY, ROLES_NEEDED, role_remedy
from okta_wizard.setup.journal import Journal, OrgLock
from okta_wizard.setup.run import Run
from okta_wizard.setup.saved import (
    SavedSetup,
    forget_locked,
    forget_saved_setup,
    list_saved_setups,
)
from okta_wizard.setup.spec import STEP_TITLES
from okta_wizard.setup.values import (
    AppReport,
    AssignmentChoice,
    Check,
    ConnectReport,
    Credentials,
    Drift,
    ExistingApp,
    PlannedAction,
    ProgressCallback,
    RateLimitWait,
    SecretMissing,
    SecretNotStored,
    SetupOptions,
    StepNumber,
)

if TYPE_CHECKING:
    from okta_wizard.vault import Vault

__all__ = [
    "ROLES_NEEDED",
    "ROLE_REMEDY",
    "STEP_TITLES",
    "AppReport",
    "AssignmentChoice",
    "Check",
    "ConnectReport",
    "Credentials",
    "Drift",
    "ExistingApp",
    "PlannedAction",
    "ProgressCallback",
    "RateLimitWait",
    "SavedSetup",
    "SecretMissing",
    "SecretNotStored",
    "Setup",
    "SetupOptions",
    "StepNumber",
    "forget_saved_setup",
    "list_saved_setups",
    "role_remedy",
]


class Setup(Run):
    """One run of the six steps against one org. Use as `async with Setup(options) as s:`.

    `read_only=True` (plan, credentials) takes no lock and never writes the journal.
    `vault` defaults to the OS keyring (`Vault(options.allow_insecure_storage)`). What the
    run knows (`options`, `journal`, `app`, `okta`, ...) is `Run`'s; each step is one call
    into its module.
    """

    def __init__(
        self,
        options: SetupOptions,
        *,
        on_progress: ProgressCallback | None = None,
        vault: Vault | None = None,
        read_only: bool = False,
    ):
        if vault is None:
            from okta_wizard.vault import Vault

            vault = Vault(allow_insecure=options.allow_insecure_storage)
        super().__init__(options, vault, on_progress=on_progress, read_only=read_only)
        self._lock: OrgLock | None = None
        self._steps_at_start: dict[int, object] = {}

    # -- lifecycle
    async def __aenter__(self) -> Setup:
        from okta_wizard.okta.gateway import Gateway

        if not self.read_only:
            self._lock = OrgLock(self.origin)
            self._lock.acquire()
        try:
            saved = journal_store.load(self.origin)  # a damaged file: exit 2, lock released
            if saved is not None and saved.label == self.options.label:
                self.journal = saved
            self._steps_at_start = dict(self.journal.steps)
            # A wait for Okta's rate limit is reported like progress (a RateLimitWait line).
            self.gateway = Gateway(self.options.org_url, self.options.credential, on_wait=self.say)
            await self.gateway.__aenter__()
        except BaseException:
            self._release()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self.gateway is not None:
                await self.gateway.close()
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @property
    def calls(self) -> dict[str, int]:
        """Okta requests per route so far (for the benches and --json)."""
        return dict(self.okta.calls)

    def steps_done_this_run(self) -> list[int]:
        """Steps this run finished (done or skipped); not those left by earlier runs."""
        # record() makes a new StepRecord, so an unchanged object is an earlier run's.
        return sorted(
            n
            for n, r in self.journal.steps.items()
            if r.state in ("done", "skipped") and self._steps_at_start.get(n) is not r
        )

    # -- step 1
    async def connect(self) -> ConnectReport:
        report = await connect_step.connect(self)
        # A killed test sign-in's URI goes first; if the app changed, step 2 looks again.
        cleaned = report.ok and not self.read_only
        if cleaned and await sign_in.remove_leftover_test_redirect(self) is not None:
            self.prefetched = None
        return report

    # -- step 2
    async def find_existing(self) -> ExistingApp | None:
        return await lookup_step.find_existing(self)

    # -- step 3
    async def create_or_reuse(self, *, repair: bool) -> AppReport:
        return await app_step.create_or_reuse(self, repair=repair)

    async def repair_drift(self) -> tuple[Drift, ...]:
        """verify --fix: correct the wizard-owned fields and reactivate."""
        if await lookup_step.current_app(self) is not None:
            await sign_in.remove_leftover_test_redirect(self)  # and clear the journal's record
        return await app_step.repair_drift(self)

    async def recover_secret(self, *, create_new: bool) -> tuple[Secret, Literal["okta", "new"]]:
        return await secret_step.recover_secret(self, create_new=create_new)

    async def old_secrets(self) -> list[ClientSecret]:
        return await secret_step.old_secrets(self)

    async def retire_old_secrets(self) -> list[str]:
        return await secret_step.retire_old_secrets(self)

    # -- step 4
    async def search_groups(
        self, text: str, limit: int = assignment_step.SEARCH_LIMIT
    ) -> list[Group]:
        return await self.okta.search_groups(text, limit)

    async def resolve_groups(self, choice: AssignmentChoice) -> list[Group]:
        return await assignment_step.resolve_groups(self, choice)

    async def assign(self, choice: AssignmentChoice) -> list[Group]:
        return await assignment_step.assign(self, choice)

    async def unassigned(self, choice: AssignmentChoice) -> list[Group]:
        """What `assign(choice)` would still assign (reads only: a resume checks step 4)."""
        return await assignment_step.unassigned(self, choice)

    # -- step 5
    async def read_credentials(self) -> Credentials:
        return await verify_step.read_credentials(self)

    async def verify(self) -> tuple[Check, ...]:
        return await verify_step.verify(self)

    # -- plan (reads only: no POST, PUT or DELETE)
    async def plan(self) -> list[PlannedAction]:
        return await plan_step.plan(self)

    # -- forget (this machine only; Okta is untouched)
    async def forget(self) -> list[str]:
        """Delete this org's journal, receipt and keyring entries; returns what was removed."""
        if self._lock is None:
            raise RuntimeError("forget needs the org's lock: open Setup without read_only")
        removed = await asyncio.to_thread(forget_locked, self.origin, self.vault)
        self.journal = Journal(org_url=self.origin, label=self.options.label)
        self.app, self.looked_up, self.prefetched = None, False, None
        return removed
