"""One run of the engine against one org: what every step shares.

The options, the gateway, the vault and the journal, what Okta already said in this run (the
app, the groups a choice names, the discovery document), and the few moves every step makes
the same way: report progress, save the journal, read and write the client secret.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from okta_wizard.errors import KeyringUnavailable
from okta_wizard.okta.models import Actor, Discovery, Group, OidcApp, OidcAppSettings
from okta_wizard.secret import Secret
from okta_wizard.setup import journal as journal_store
from okta_wizard.setup.journal import Journal
from okta_wizard.setup.reconcile import compute_drift
from okta_wizard.setup.spec import upflow_app_settings
from okta_wizard.setup.values import (
    AssignmentChoice,
    Drift,
    ProgressCallback,
    SecretMissing,
    SecretNotStored,
    SetupOptions,
)

if TYPE_CHECKING:
    from okta_wizard.okta.gateway import Gateway
    from okta_wizard.vault import Vault

# How long what a look for the app found is trusted (by step 2 after step 1, by the create
# after a search that found none): long enough for one headless run, short enough that a
# person who paused on a screen gets a fresh look.
LOOK_TRUSTED_S = 60.0


@dataclass(frozen=True)
class AppsSeen:
    """What a look for our app found (lookup.fetch_apps): the journal's app read by id, and
    the apps labelled exactly as asked when a label search ran (None: it did not need to)."""

    label: str
    by_id: OidcApp | None
    labelled: tuple[OidcApp, ...] | None
    at: float  # Run.clock() when Okta answered


class Run:
    """The shared state of one run. The step modules (connect, lookup, app, secret,
    assignment, verify, plan) read and update it; `Setup` (engine.py) is a Run with a
    lifecycle (the lock, the gateway) and the public step methods."""

    def __init__(
        self,
        options: SetupOptions,
        vault: Vault,
        *,
        on_progress: ProgressCallback | None,
        read_only: bool,
    ) -> None:
        self.options = options
        self.vault = vault
        self.on_progress = on_progress
        self.read_only = read_only
        self.journal = Journal(org_url=options.org_url.origin, label=options.label)
        self.gateway: Gateway | None = None
        # What Okta said in this run, so that no step asks again.
        self.app: OidcApp | None = None
        self.looked_up = False  # step 2 ran: `app` is Okta's answer (None: no app)
        self.actor: Actor | None = None
        self.groups: dict[AssignmentChoice, list[Group]] = {}
        self.discovery: dict[str, Discovery] = {}
        self.prefetched: AppsSeen | None = None  # step 1 looked for the app: step 2 uses it
        self.label_absent: tuple[str, float] | None = None  # (label, when): searched, none
        self.assigned: dict[str, set[str]] = {}  # app id -> the groups Okta holds on it
        self.clock: Callable[[], float] = time.monotonic

    @property
    def origin(self) -> str:
        return self.options.org_url.origin

    @property
    def okta(self) -> Gateway:
        if self.gateway is None:
            raise RuntimeError("use `async with Setup(options) as setup:`")
        return self.gateway

    @property
    def settings(self) -> OidcAppSettings:
        """What Upflow needs, under the label asked for now (the wizard may rename the app
        before it is created)."""
        return upflow_app_settings(self.options.label)

    def say(self, message: str) -> None:
        if self.on_progress is not None:
            self.on_progress(message)

    def save(self) -> None:
        # Nothing worth resuming exists before there is an app: a refused preflight or a
        # mistyped group leaves no file behind.
        if self.read_only or (self.journal.app_id is None and self.journal.link is None):
            return
        journal_store.save(self.journal)

    def drift(self, app: OidcApp) -> tuple[Drift, ...]:
        return tuple(Drift(f, e, a) for f, e, a in compute_drift(app, self.settings))

    def recent(self, at: float) -> bool:
        return self.clock() - at < LOOK_TRUSTED_S

    def searched_absent_recently(self, label: str) -> bool:
        """This run's own label search found no app with `label`, moments ago."""
        if self.label_absent is None:
            return False
        searched, at = self.label_absent
        return searched == label and self.recent(at)

    def note_app(self, app: OidcApp) -> None:
        self.app = app
        self.journal.app_id = app.id
        self.journal.client_id = app.client_id
        self.journal.label = self.options.label

    # -- the client secret in the keyring
    async def stored_secret(self, app: OidcApp) -> Secret | None:
        """The keyring's secret for the app, read in a thread (the keyring blocks)."""
        return await asyncio.to_thread(self.vault.load_client_secret, self.origin, app.client_id)

    async def require_stored_secret(self, app: OidcApp, *, remedy: str) -> Secret:
        """The keyring's secret for the app, or SecretMissing with `remedy`."""
        secret = await self.stored_secret(app)
        if not secret:
            raise SecretMissing(
                f"The keyring holds no client secret for app {app.id} on this machine.",
                remedy=remedy,
            )
        return secret

    async def store_secret(self, app: OidcApp, secret: Secret) -> None:
        """Keep the secret Okta gave; the journal says where (fingerprint only). A refusal
        leaves a journal that holds no secret and raises SecretNotStored (it carries the
        secret, for a front end to show once)."""
        try:
            await asyncio.to_thread(
                self.vault.store_client_secret, self.origin, app.client_id, secret
            )
        except KeyringUnavailable as exc:
            self.note_app(app)
            self.journal.secret_stored_in = None
            self.journal.secret_fingerprint = None
            self.journal.record(3, "failed", "secret not stored: keyring refused it")
            self.save()
            raise SecretNotStored(app, secret, exc) from None
        self.note_secret(secret)

    def note_secret(self, secret: Secret) -> None:
        """Where the secret is and which one it is (fingerprint only), for status and receipts.
        Only once the keyring holds it."""
        self.journal.secret_stored_in = self.vault.backend_name()
        self.journal.secret_fingerprint = secret.fingerprint()
