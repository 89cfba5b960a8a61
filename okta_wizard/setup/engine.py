"""The setup engine's public interface (issue 3). The CLI and the TUI drive only this.

Keep names and fields stable; add, don't rename. Each step is check -> act -> record: it
reads live Okta first, does only what is missing, and records the result in the journal
(saved progress, never a secret). The journal is a hint; Okta is the truth.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from okta_wizard.errors import ExitCode, KeyringUnavailable, UsageError, WizardError
from okta_wizard.okta.credentials import Credential
from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.okta.models import (
    ROLES_THAT_CREATE_OIDC_APPS,
    Actor,
    ClientSecret,
    Discovery,
    Group,
    OidcApp,
    OrgInfo,
    Permissions,
)
from okta_wizard.okta.service_app import ROLES_TAB
from okta_wizard.orgurl import OrgUrl
from okta_wizard.secret import Secret
from okta_wizard.setup import journal as journal_store
from okta_wizard.setup import sign_in
from okta_wizard.setup.journal import Journal, OrgLock
from okta_wizard.setup.reconcile import (
    close_group_names,
    compute_drift,
    pick_app,
    search_prefixes,
)
from okta_wizard.setup.saved import SavedSetup as SavedSetup  # re-exported: home is saved
from okta_wizard.setup.saved import list_saved_setups as list_saved_setups
from okta_wizard.setup.spec import STEP_TITLES as STEP_TITLES  # re-exported: its home is spec
from okta_wizard.setup.spec import upflow_app_settings

if TYPE_CHECKING:
    from okta_wizard.okta.gateway import Gateway
    from okta_wizard.vault import Vault

StepNumber = Literal[1, 2, 3, 4, 5, 6]


@dataclass(frozen=True)
class AssignmentChoice:
    mode: Literal["everyone", "groups", "none"]
    group_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetupOptions:
    org_url: OrgUrl
    credential: Credential
    label: str = "Upflow SSO"
    assignment: AssignmentChoice | None = None  # None: ask (TUI) or refuse (apply)
    allow_insecure_storage: bool = False
    new_secret_if_lost: bool = False  # else: read the active secret from Okta


@dataclass(frozen=True)
class Check:
    """One verification line: pass/fail, what was seen, and what to do when it failed."""

    name: str
    ok: bool
    detail: str
    remedy: str = ""


@dataclass(frozen=True)
class ConnectReport:
    org: OrgInfo
    actor: Actor
    permissions: Permissions
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def raise_if_refused(self) -> None:
        """Step 1's gate: nothing changes in Okta unless every preflight check passed."""
        failed = [c for c in self.checks if not c.ok]
        if failed:
            first = failed[0]
            raise OktaError(
                ErrorKind.PERMISSION,
                "Preflight refused: " + "; ".join(f"{c.name}: {c.detail}" for c in failed),
                remedy=first.remedy,
            )


@dataclass(frozen=True)
class Drift:
    field: str
    expected: str
    actual: str


@dataclass(frozen=True)
class ExistingApp:
    app: OidcApp
    drift: tuple[Drift, ...]


@dataclass(frozen=True)
class AppReport:
    app: OidcApp
    created: bool
    repaired: tuple[Drift, ...]
    secret_source: Literal["created", "keyring", "okta", "new"]
    keyring_backend: str


@dataclass(frozen=True)
class Credentials:
    org_url: str
    client_id: str
    issuer: str
    secret: Secret

    @property
    def fingerprint(self) -> str:
        return self.secret.fingerprint()


@dataclass(frozen=True)
class PlannedAction:
    step: int
    action: str  # "create app", "assign group Finance", "repair redirect_uris", "nothing"
    detail: str = ""


ProgressCallback = Callable[[str], None]

ROLES_NEEDED = "Super Admin, App Admin (for OpenID Connect apps) or API Access Management Admin"
ROLE_REMEDY = (
    f"Use an API token of an admin with one of these roles: {ROLES_NEEDED}; "
    "Org Admin cannot create apps."
)


def role_remedy(actor: Actor) -> str:
    """What to change when the signed-in principal lacks a role (admin or service app)."""
    if actor.kind == "service_app":
        where = ROLES_TAB.format(client_id=actor.id)
        return (
            f"Assign the service app one of these admin roles: {ROLES_NEEDED} ({where}); "
            "Org Admin cannot create apps."
        )
    return ROLE_REMEDY


class SecretNotStored(KeyringUnavailable):
    """Okta created the app but the keyring refused its secret.

    Carries the secret (redacted in every rendering) so an interactive front end can show it
    once, on the alternate screen. The app id is already in the journal.
    """

    def __init__(self, app: OidcApp, secret: Secret, cause: WizardError) -> None:
        super().__init__(
            f"Okta returned the client secret of app {app.id}, but the keyring refused it "
            f"({cause.message}).",
            remedy=cause.remedy
            + " The app id is saved: once the keyring works, run the same command again and "
            "the secret is read back from Okta (no second app is made).",
        )
        self.app = app
        self.secret = secret


class SecretMissing(WizardError):
    exit_code = ExitCode.UNEXPECTED


def forget_saved_setup(org_origin: str, vault: Vault) -> list[str]:
    """Delete the journal, the receipt and the keyring entries of one org. Okta is untouched."""
    with OrgLock(org_origin):
        return _forget_locked(org_origin, vault)


def _forget_locked(org_origin: str, vault: Vault) -> list[str]:
    removed: list[str] = []
    saved = journal_store.salvage(org_origin).journal  # a damaged file too: what is readable
    if saved and saved.client_id and vault.delete_client_secret(org_origin, saved.client_id):
        removed.append(f"keyring entry {org_origin}/{saved.client_id}")
    paste_id = (saved.link or {}).get("paste_id") if saved else None
    if paste_id and vault.delete_delete_token(org_origin, paste_id):
        removed.append("the one-time link's delete token")
    removed += [str(p) for p in journal_store.delete(org_origin)]
    return removed


class Setup:
    """One run of the six steps against one org. Use as `async with Setup(options) as s:`.

    `read_only=True` (plan, credentials) takes no lock and never writes the journal.
    `vault` defaults to the OS keyring (`Vault(options.allow_insecure_storage)`).
    """

    def __init__(
        self,
        options: SetupOptions,
        *,
        on_progress: ProgressCallback | None = None,
        vault: Vault | None = None,
        read_only: bool = False,
    ):
        self.options = options
        self.on_progress = on_progress
        self.read_only = read_only
        if vault is None:
            from okta_wizard.vault import Vault

            vault = Vault(allow_insecure=options.allow_insecure_storage)
        self.vault: Vault = vault
        self.settings = upflow_app_settings(options.label)
        self.journal = Journal(org_url=options.org_url.origin, label=options.label)
        self._lock: OrgLock | None = None
        self._gateway: Gateway | None = None
        self._app: OidcApp | None = None
        self._looked_up = False
        self._groups: dict[AssignmentChoice, list[Group]] = {}
        self._actor: Actor | None = None
        self._discovery: dict[str, Discovery] = {}
        self.created_this_run = False
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
            self._gateway = Gateway(self.options.org_url, self.options.credential)
            await self._gateway.__aenter__()
        except BaseException:
            self._release()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self._gateway is not None:
                await self._gateway.close()
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @property
    def origin(self) -> str:
        return self.options.org_url.origin

    @property
    def okta(self) -> Gateway:
        if self._gateway is None:
            raise RuntimeError("use `async with Setup(options) as setup:`")
        return self._gateway

    @property
    def calls(self) -> dict[str, int]:
        """Okta requests per route so far (for the benches and --json)."""
        return dict(self.okta.calls)

    @property
    def app(self) -> OidcApp | None:
        return self._app

    def steps_done_this_run(self) -> list[int]:
        """Steps this run finished (done or skipped); not those left by earlier runs."""
        # record() makes a new StepRecord, so an unchanged object is an earlier run's.
        return sorted(
            n
            for n, r in self.journal.steps.items()
            if r.state in ("done", "skipped") and self._steps_at_start.get(n) is not r
        )

    def _note_secret(self, secret: Secret) -> None:
        """Where the secret is and which one it is (fingerprint only), for status and receipts.
        Only after the keyring write succeeded."""
        self.journal.secret_stored_in = self.vault.backend_name()
        self.journal.secret_fingerprint = secret.fingerprint()

    def _note_secret_not_stored(self) -> None:
        """The keyring refused the secret: the journal must not say it holds one."""
        self.journal.secret_stored_in = None
        self.journal.secret_fingerprint = None
        self.journal.record(3, "failed", "secret not stored: keyring refused it")
        self._save()

    def _say(self, message: str) -> None:
        if self.on_progress is not None:
            self.on_progress(message)

    def _save(self) -> None:
        # Nothing worth resuming exists before there is an app: a refused preflight or a
        # mistyped group leaves no file behind.
        if self.read_only or (self.journal.app_id is None and self.journal.link is None):
            return
        journal_store.save(self.journal)

    def _note_app(self, app: OidcApp) -> None:
        self._app = app
        self.journal.app_id = app.id
        self.journal.client_id = app.client_id
        self.journal.label = self.options.label

    # -- step 1
    async def connect(self) -> ConnectReport:
        self._say("Checking the org and the token")
        org = await self.okta.org_metadata()
        actor = await self.okta.whoami()
        self._actor = actor
        permissions = await self.okta.probe_permissions(actor)
        who = actor.login or actor.email or actor.display_name or actor.id
        checks = [
            Check("org", True, org.url or self.origin),
            Check("signed in as", True, f"{who} ({actor.kind})"),
            Check(
                "can read apps",
                permissions.can_read_apps,
                "yes" if permissions.can_read_apps else "no (403)",
                "" if permissions.can_read_apps else role_remedy(actor),
            ),
            Check(
                "can read groups",
                permissions.can_read_groups,
                "yes" if permissions.can_read_groups else "no (403)",
                "" if permissions.can_read_groups else role_remedy(actor),
            ),
            self._role_check(permissions, actor),
        ]
        report = ConnectReport(org=org, actor=actor, permissions=permissions, checks=tuple(checks))
        self.journal.actor_login = who
        self.journal.record(1, "done" if report.ok else "failed")
        self._save()
        if report.ok and not self.read_only:  # a killed test sign-in's URI goes first
            await sign_in.remove_leftover_test_redirect(self)
        return report

    @staticmethod
    def _role_check(permissions: Permissions, actor: Actor) -> Check:
        """Refuse only what the role list proves: standard roles, none of which may create
        OIDC apps. Anything else goes to Okta at create time, where a 403 still stops before
        anything is half done: roles that cannot be read (real Okta shows them to Super
        Admins only), custom roles (their permissions sit in resource sets), role types this
        product does not know, inactive assignments."""
        name = "may create OIDC apps"
        may_create = permissions.can_create_oidc_apps
        roles = permissions.describe_roles()
        if may_create is None:
            why = "" if permissions.roles is None else " (a role it cannot judge may allow it)"
            return Check(name, True, f"{roles}; Okta decides on create{why}")
        if may_create:
            return Check(name, True, roles)
        needed = " or ".join(ROLES_THAT_CREATE_OIDC_APPS)
        return Check(name, False, f"{roles}; needs {needed}", role_remedy(actor))

    # -- step 2
    async def find_existing(self) -> ExistingApp | None:
        self._say(f"Looking for an app labelled {self.options.label!r}")
        journal_id = self.journal.app_id
        found = pick_app(
            await self.okta.find_apps_by_label(self.options.label), self.options.label, journal_id
        )
        if found is None and journal_id:
            # Renamed in the console? The journal's id still names our app.
            found = await self._get_app_or_none(journal_id)
        self._looked_up = True
        self._app = found
        if found is None:
            return None
        self._note_app(found)
        self.journal.record(2, "done", f"found {found.id}")
        self._save()
        return ExistingApp(app=found, drift=self._drift(found))

    async def _get_app_or_none(self, app_id: str) -> OidcApp | None:
        try:
            return await self.okta.get_app(app_id)
        except OktaError as exc:
            if exc.kind is ErrorKind.NOT_FOUND:
                return None
            raise

    def _drift(self, app: OidcApp) -> tuple[Drift, ...]:
        return tuple(Drift(f, e, a) for f, e, a in compute_drift(app, self.settings))

    async def _current_app(self) -> OidcApp | None:
        if not self._looked_up:
            await self.find_existing()
        return self._app

    # -- step 3
    async def create_or_reuse(self, *, repair: bool) -> AppReport:
        """Create the app, or reuse ours; the secret ends up in the keyring either way.

        With `repair`, drift in the wizard-owned fields is corrected; an INACTIVE app is
        always reactivated (Upflow cannot sign in through it).
        """
        await asyncio.to_thread(self.vault.ensure_usable)  # refuse before an app exists
        app = await self._current_app()
        if app is None:
            return await self._create()
        repaired: list[Drift] = []
        field_drift = [d for d in self._drift(app) if d.field != "status"]
        if field_drift and repair:
            self._say("Repairing " + ", ".join(d.field for d in field_drift))
            app = await self.okta.update_oidc_app(app, self.settings)
            repaired += field_drift
        if not app.active:
            self._say(f"Reactivating app {app.id}")
            await self.okta.activate_app(app.id)
            repaired.append(Drift("status", "ACTIVE", app.status))
            app = replace(app, status="ACTIVE")
        self._note_app(app)
        _secret, source = await self._secret_for(app)
        left = [d.field for d in field_drift if not repair]
        self.journal.record(3, "done", ("drift left: " + ", ".join(left)) if left else "")
        self._save()
        return AppReport(app, False, tuple(repaired), source, self.vault.backend_name())

    async def _create(self) -> AppReport:
        self._say(f"Creating app {self.options.label!r}")
        created = await self.okta.create_oidc_app(self.settings)
        app = created.app
        try:  # the secret goes to the keyring before anything else happens
            await asyncio.to_thread(
                self.vault.store_client_secret, self.origin, app.client_id, created.client_secret
            )
        except KeyringUnavailable as exc:
            self._note_app(app)
            self._note_secret_not_stored()
            raise SecretNotStored(app, created.client_secret, exc) from None
        self._note_app(app)
        self.created_this_run = True
        self._note_secret(created.client_secret)
        self.journal.record(2, "done", "no existing app")
        self.journal.record(3, "done", f"created {app.id}")
        self._save()
        return AppReport(app, True, (), "created", self.vault.backend_name())

    async def _secret_for(self, app: OidcApp) -> tuple[Secret, Literal["keyring", "okta", "new"]]:
        stored = await asyncio.to_thread(self.vault.load_client_secret, self.origin, app.client_id)
        if stored and self.options.new_secret_if_lost:
            # --new-secret is the remedy when Okta rejects the keyring's secret: a stale one
            # (no longer an active secret of the app) counts as lost, not as found.
            active = await self.okta.list_client_secrets(app.id)
            if not any(s.status == "ACTIVE" and s.value == stored for s in active):
                self._say("The keyring's secret is no longer active in Okta")
                stored = None
        if stored:
            self._note_secret(stored)
            return stored, "keyring"
        return await self.recover_secret(create_new=self.options.new_secret_if_lost)

    async def recover_secret(self, *, create_new: bool) -> tuple[Secret, Literal["okta", "new"]]:
        """The secret is lost (keyring empty, e.g. another machine): read it or make a new one.

        `create_new=False` reads the active secret from `/credentials/secrets`;
        `create_new=True` creates a second one (Okta allows two); call `retire_old_secrets()`
        once Upflow has the new one. Never a second app.
        """
        app = await self._current_app()
        if app is None:
            raise SecretMissing("There is no app to recover a secret from.", remedy="Run apply.")
        secrets = await self.okta.list_client_secrets(app.id)
        chosen: ClientSecret | None = None
        source: Literal["okta", "new"] = "okta"
        if create_new and len(secrets) < 2:
            self._say("Creating a new client secret")
            chosen, source = await self.okta.create_client_secret(app.id), "new"
        else:
            # Two secrets already (a rerun after a new one was made): the newest active one.
            readable = [s for s in secrets if s.status == "ACTIVE" and s.value]
            chosen = max(readable, key=lambda s: s.created, default=None)
            if chosen is None and len(secrets) < 2:
                chosen, source = await self.okta.create_client_secret(app.id), "new"
        if chosen is None or not chosen.value:
            raise SecretMissing(
                f"Okta holds no readable active secret for app {app.id}, and it already has two.",
                remedy="Delete an unused client secret in the Admin Console (app > General > "
                "Client secrets), then run apply again.",
            )
        self._say("Storing the client secret in the keyring")
        try:
            await asyncio.to_thread(
                self.vault.store_client_secret, self.origin, app.client_id, chosen.value
            )
        except KeyringUnavailable as exc:
            self._note_secret_not_stored()
            raise SecretNotStored(app, chosen.value, exc) from None
        self._note_secret(chosen.value)
        self._save()
        return chosen.value, source

    async def old_secrets(self) -> list[ClientSecret]:
        """The active secrets other than the keyring's: what `retire_old_secrets` would deactivate.

        Refuses (SecretMissing) unless the keyring's secret is itself an active secret of the
        app: otherwise retiring "the others" could deactivate the one Upflow uses.
        """
        app = await self._current_app()
        if app is None:
            raise SecretMissing(
                f"No app labelled {self.options.label!r} in {self.origin}.",
                remedy="Run `okta-wizard apply` first.",
            )
        current = await asyncio.to_thread(self.vault.load_client_secret, self.origin, app.client_id)
        if not current:
            raise SecretMissing(
                f"The keyring holds no client secret for app {app.id}: nothing to keep.",
                remedy="Run `okta-wizard apply` first; old secrets are retired only when the "
                "keyring holds the one to keep.",
            )
        active = [s for s in await self.okta.list_client_secrets(app.id) if s.status == "ACTIVE"]
        if not any(s.value == current for s in active):
            raise SecretMissing(
                f"The keyring's secret ({current.fingerprint()}) is not an active secret of app "
                f"{app.id}; nothing was deactivated.",
                remedy="Run `okta-wizard apply --new-secret` to store an active one first.",
            )
        return [s for s in active if s.value != current]

    async def retire_old_secrets(self) -> list[str]:
        """After Upflow has the new secret: deactivate every other active one. Returns their ids.

        Never deactivates the secret the keyring holds (see `old_secrets`).
        """
        app = await self._current_app()
        assert app is not None  # old_secrets refused otherwise
        retired = []
        for s in await self.old_secrets():
            self._say(f"Deactivating client secret {s.id}")
            await self.okta.deactivate_client_secret(app.id, s.id)
            retired.append(s.id)
        return retired

    async def repair_drift(self) -> tuple[Drift, ...]:
        """verify --fix: correct the wizard-owned fields and reactivate."""
        app = await self._current_app()
        if app is None:
            return ()
        await sign_in.remove_leftover_test_redirect(self)  # and clear the journal's record
        drift = self._drift(app)
        if any(d.field != "status" for d in drift):
            app = await self.okta.update_oidc_app(app, self.settings)
        if not app.active:
            await self.okta.activate_app(app.id)
            app = replace(app, status="ACTIVE")
        self._note_app(app)
        self._save()
        return drift

    # -- step 4
    async def search_groups(self, text: str, limit: int = 20) -> list[Group]:
        return await self.okta.search_groups(text, limit)

    async def resolve_groups(self, choice: AssignmentChoice) -> list[Group]:
        """The groups a choice names, by exact name; an unknown name is an input error."""
        if choice in self._groups:
            return self._groups[choice]
        groups: list[Group] = []
        if choice.mode == "everyone":
            groups = [await self.okta.everyone_group()]
        elif choice.mode == "groups":
            unknown = []
            for name in choice.group_names:
                group = await self.okta.find_group_by_name(name)
                if group is None:
                    unknown.append(name)
                elif group.id not in {g.id for g in groups}:
                    groups.append(group)
            if unknown:
                raise await self._unknown_groups(unknown)
        self._groups[choice] = groups
        return groups

    async def _unknown_groups(self, names: list[str]) -> UsageError:
        lines = []
        for name in names:
            found: list[Group] = []
            for prefix in search_prefixes(name):
                found += await self.okta.search_groups(prefix, 20)
                if found:
                    break
            close = close_group_names(name, found)
            hint = f" Close matches: {', '.join(close)}." if close else " No close match."
            lines.append(f"No group is named exactly {name!r}.{hint}")
        return UsageError(
            " ".join(lines), remedy="Pass --group with the exact group name (case matters)."
        )

    async def assign(self, choice: AssignmentChoice) -> list[Group]:
        app = await self._current_app()
        if app is None:
            raise SecretMissing("There is no app to assign yet.", remedy="Run step 3 first.")
        groups = await self.resolve_groups(choice)
        if groups:
            # A fresh app has no assignments: no need to ask.
            fresh = self.created_this_run
            assigned = set() if fresh else set(await self.okta.list_assigned_group_ids(app.id))
            for group in groups:
                if group.id not in assigned:
                    self._say(f"Assigning group {group.name!r}")
                    await self.okta.assign_group(app.id, group.id)
        self.journal.assignment_mode = choice.mode
        self.journal.group_names = [g.name for g in groups]
        self.journal.group_ids = [g.id for g in groups]
        self.journal.record(4, "done" if groups else "skipped", ", ".join(g.name for g in groups))
        self._save()
        return groups

    # -- step 5
    async def _discover(self, client_id: str) -> Discovery:
        if client_id not in self._discovery:
            self._discovery[client_id] = await self.okta.discovery(client_id)
        return self._discovery[client_id]

    async def read_credentials(self) -> Credentials:
        app = await self._current_app()
        if app is None:
            raise SecretMissing(
                f"No app labelled {self.options.label!r} in {self.origin}.",
                remedy="Run `okta-wizard apply` first.",
            )
        secret = await asyncio.to_thread(self.vault.load_client_secret, self.origin, app.client_id)
        if not secret:
            raise SecretMissing(
                f"The keyring holds no client secret for app {app.id} on this machine.",
                remedy="Run `okta-wizard apply` to read it back from Okta "
                "(or `apply --new-secret` to make a new one).",
            )
        discovery = await self._discover(app.client_id)
        self.journal.issuer = discovery.issuer
        self._save()
        return Credentials(self.origin, app.client_id, discovery.issuer, secret)

    async def verify(self) -> tuple[Check, ...]:
        self._say("Verifying the app in Okta")
        app = await self._current_app()
        if app is None:
            checks: tuple[Check, ...] = (
                Check(
                    "app exists",
                    False,
                    f"no app labelled {self.options.label!r}",
                    "Run `okta-wizard apply`.",
                ),
            )
            return checks
        drift = {d.field: d for d in self._drift(app)}
        fix = "Run `okta-wizard verify --fix` (or apply --yes) to repair it."
        result = [Check("app exists", True, app.id)]
        for name, title in (
            ("status", "app active"),
            ("redirect_uris", "sign-in redirect URIs exact"),
            ("post_logout_redirect_uris", "sign-out redirect URIs exact"),
            ("grant_types", "grant types exact"),
            ("response_types", "response types exact"),
            ("token_endpoint_auth_method", "client authentication"),
            ("pkce_required", "PKCE not required"),
            ("label", "label"),
        ):
            d = drift.get(name)
            detail = f"{d.actual} (expected {d.expected})" if d else "ok"
            result.append(Check(title, d is None, detail, fix if d else ""))
        discovery = None
        try:
            discovery = await self._discover(app.client_id)
            self.journal.issuer = discovery.issuer
            result.append(Check("issuer (discovery)", True, discovery.issuer))
        except OktaError as exc:
            result.append(Check("issuer (discovery)", False, exc.message, exc.remedy))
        secret = await asyncio.to_thread(self.vault.load_client_secret, self.origin, app.client_id)
        if not secret:
            result.append(
                Check(
                    "secret in keyring",
                    False,
                    "not on this machine",
                    "Run `okta-wizard apply` to read it back from Okta.",
                )
            )
        else:
            result.append(Check("secret in keyring", True, secret.fingerprint()))
            if not app.active:
                # Okta rejects every secret of an INACTIVE app: a failed introspect would say
                # nothing about the secret, and a new one would only add a second secret.
                result.append(
                    Check(
                        "secret accepted by Okta",
                        False,
                        f"cannot be checked until the app is active ({app.status})",
                        "Reactivate the app: run `okta-wizard verify --fix` (or "
                        "`okta-wizard apply`), then verify again. No new secret is needed.",
                    )
                )
            elif discovery is not None:
                accepted = await self.okta.introspect_accepts(
                    discovery, app.client_id, secret, app.token_endpoint_auth_method
                )
                result.append(
                    Check(
                        "secret accepted by Okta",
                        accepted,
                        "introspect authenticated the client" if accepted else "invalid_client",
                        ""
                        if accepted
                        else "The keyring secret is not an active secret of this app: run "
                        "`okta-wizard apply --new-secret` to make and store a new one.",
                    )
                )
        ok = all(c.ok for c in result)
        self.journal.record(5, "done" if ok else "failed")
        self._save()
        return tuple(result)

    # -- forget (this machine only; Okta is untouched)
    async def forget(self) -> list[str]:
        """Delete this org's journal, receipt and keyring entries; returns what was removed."""
        if self._lock is None:
            raise RuntimeError("forget needs the org's lock: open Setup without read_only")
        removed = await asyncio.to_thread(_forget_locked, self.origin, self.vault)
        self.journal = Journal(org_url=self.origin, label=self.options.label)
        self._app, self._looked_up = None, False
        return removed

    # -- plan (reads only: no POST, PUT or DELETE)
    async def plan(self) -> list[PlannedAction]:
        actions: list[PlannedAction] = []
        report = await self.connect()
        if not report.ok:
            failed = "; ".join(f"{c.name}: {c.detail}" for c in report.checks if not c.ok)
            return [PlannedAction(1, "stop: preflight refused", failed)]
        app = await self._current_app()
        if app is None:
            actions.append(PlannedAction(3, "create app", self.options.label))
            actions.append(
                PlannedAction(3, "store client secret in keyring", self.vault.backend_name())
            )
        else:
            for d in self._drift(app):
                action = "activate app" if d.field == "status" else f"repair {d.field}"
                actions.append(PlannedAction(3, action, f"{d.actual} -> {d.expected}"))
            stored = await asyncio.to_thread(
                self.vault.load_client_secret, self.origin, app.client_id
            )
            if not stored:
                how = (
                    "create a new client secret"
                    if self.options.new_secret_if_lost
                    else ("read the active client secret from Okta")
                )
                actions.append(PlannedAction(3, how, "and store it in the keyring"))
        choice = self.options.assignment
        if choice is None:
            actions.append(
                PlannedAction(4, "choose an assignment", "--everyone, --group or --no-assignment")
            )
        elif choice.mode == "none":
            pass
        else:
            groups = await self.resolve_groups(choice)
            assigned = set(await self.okta.list_assigned_group_ids(app.id)) if app else set()
            actions += [
                PlannedAction(4, f"assign group {g.name}", g.id)
                for g in groups
                if g.id not in assigned
            ]
        return actions or [PlannedAction(0, "nothing", "the setup is complete")]
