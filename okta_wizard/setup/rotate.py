"""Rotating the client secret after the hand-off, as one resumable flow (UI-free).

Three stages, each check -> act -> record, resumable like apply: the journal's `rotation` says
where a rotation stands, Okta and the keyring are the truth.

start (`okta-wizard rotate`, the wizard's "Rotate secret"):
  1. step 1's preflight, and the app (by the journal's id or its exact label);
  2. the keyring's secret must be an active secret of the app: it is the old one. It is copied
     to the keyring entry `<origin>/<client_id>/previous`, and the rotation is recorded
     (`started`, with the ids of the secrets Okta holds now) before Okta is asked for anything;
  3. Okta creates a second secret (it allows two). When Okta refuses because an inactive one
     is in the way, nothing is left behind and the caller is told (`InactiveSecretInTheWay`):
     run again with `allow_delete_inactive` to delete that one first;
  4. the new secret goes into the keyring's main entry (`stored`), Okta is asked to accept it
     (introspect), and it is handed to Upflow through a one-time link whose message says it
     replaces the previous secret (`handed_off`).
finish (`rotate --finish`, once Upflow confirms): the new secret must be active and accepted
  by Okta; the old one is deactivated, then deleted; its keyring entry is removed; the receipt
  records the rotation (fingerprints and ids); the journal forgets the rotation.
abort (`rotate --abort`): the old secret goes back to the main entry; the new one is
  deactivated and deleted; the rotation's link, if unread, is deleted.

A crash between any two calls leaves a state the same command converges from: the new secret
is the one Okta holds that was not there when the rotation began (so a create whose answer was
lost is adopted, never repeated), and the old secret is touched only by `finish`, which refuses
until the new one is stored, accepted and handed off.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from okta_wizard.errors import UsageError, WizardError
from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.secret import Secret
from okta_wizard.setup import journal as journal_store
from okta_wizard.setup.journal import Journal, Rotation
from okta_wizard.vault import client_secret_entry, previous_client_secret_entry

if TYPE_CHECKING:
    from okta_wizard.handoff.options import SendOptions
    from okta_wizard.okta.models import ClientSecret, OidcApp
    from okta_wizard.setup.engine import Setup
    from okta_wizard.setup.steps import RetiredLink, SentLink

STARTED, STORED, HANDED_OFF, FINISHING, ABORTING = journal_store.ROTATION_STAGES
ACTIVE = "ACTIVE"


class RotationRefused(UsageError):
    """The rotation cannot go on from here; nothing was changed by this run (exit 2)."""


class InactiveSecretInTheWay(RotationRefused):
    """Okta refused a new secret: the app has two, and the one that is not the keyring's is
    inactive. Nothing is left behind; `start_rotation(..., allow_delete_inactive=True)`
    deletes that secret first (the CLI asks, or takes --yes)."""

    def __init__(self, secret: ClientSecret) -> None:
        created = f", created {secret.created}" if secret.created else ""
        super().__init__(
            f"Okta refused a new client secret: the app already has two (Okta's maximum), and "
            f"the one that is not the keyring's, {secret.id}{created}, is inactive. Nothing "
            "was changed.",
            remedy="Let okta-wizard delete that inactive secret first: run the same command "
            "with --yes (or answer yes when it asks).",
        )
        self.secret = secret


@dataclass(frozen=True)
class PendingRotation:
    """A rotation under way, as `status`, the wizard and `plan` show it (no secret in it)."""

    stage: str
    started_at: str
    old_secret_id: str
    old_fingerprint: str
    new_secret_id: str | None
    new_fingerprint: str | None
    handed_off_at: str | None
    pending_seconds: float  # since it started

    @property
    def waiting_for_upflow(self) -> bool:
        return self.stage == HANDED_OFF

    def describe(self) -> str:
        """One line: what stage, since when, and the next command."""
        age = describe_duration(self.pending_seconds)
        if self.stage == HANDED_OFF:
            return (
                f"rotation pending for {age} (since {self.started_at}): the new secret "
                f"{self.new_fingerprint} was handed off at {self.handed_off_at}; once Upflow "
                "confirms, run `okta-wizard rotate --finish` (or `--abort`)"
            )
        if self.stage in (FINISHING, ABORTING):
            verb = "--finish" if self.stage == FINISHING else "--abort"
            return (
                f"rotation pending for {age} (since {self.started_at}); `rotate {verb}` began "
                f"and did not complete: run `okta-wizard rotate {verb}` again"
            )
        return (
            f"rotation started {age} ago ({self.started_at}) and not handed off yet: run "
            "`okta-wizard rotate` again to resume (or `--abort`)"
        )


def describe_duration(seconds: float) -> str:
    """`3 days 4 hours`, `2 hours`, `40 seconds`: the largest unit and the next one."""
    left = max(0, int(seconds))
    counts = []
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, left = divmod(left, size)
        counts.append((count, name))
    first = next((i for i, (count, _) in enumerate(counts) if count), len(counts) - 1)
    shown = [c for c in counts[first : first + 2] if c[0] or c is counts[first]]
    return " ".join(f"{count} {name}{'' if count == 1 else 's'}" for count, name in shown)


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def pending_rotation(journal: Journal, now: datetime | None = None) -> PendingRotation | None:
    return pending_from(journal.rotation, now) if journal.rotation is not None else None


def pending_from(rotation: Rotation, now: datetime | None = None) -> PendingRotation:
    """The journal's record of a rotation, as the front ends show it."""
    started = _parse_time(rotation.started_at)
    moment = now or datetime.now(UTC)
    return PendingRotation(
        stage=rotation.stage,
        started_at=rotation.started_at,
        old_secret_id=rotation.old_secret_id,
        old_fingerprint=rotation.old_fingerprint,
        new_secret_id=rotation.new_secret_id,
        new_fingerprint=rotation.new_fingerprint,
        handed_off_at=rotation.handed_off_at,
        pending_seconds=(moment - started).total_seconds() if started else 0.0,
    )


@dataclass(frozen=True)
class RotationStarted:
    app_id: str
    old_secret_id: str
    old_fingerprint: str
    new_secret_id: str
    new_fingerprint: str
    sent: SentLink  # sent.link.url is the one-time link (a Secret)
    resumed: bool  # an earlier run's rotation was picked up
    deleted_inactive: str | None = None  # id of the inactive secret deleted to make room
    previous_entry: str = ""  # the keyring entry holding the old secret until --finish


@dataclass(frozen=True)
class RotationFinished:
    app_id: str
    old_secret_id: str
    old_fingerprint: str
    new_secret_id: str
    new_fingerprint: str
    receipt: Path | None  # None: no receipt to record it in
    finished_at: str
    old_deleted_now: bool = True  # False: Okta no longer had it (an earlier run, or by hand)

    def old_secret_words(self) -> str:
        """What happened to the old secret, as the CLI and the wizard say it."""
        old = f"the old client secret {self.old_fingerprint} (id {self.old_secret_id})"
        if self.old_deleted_now:
            return f"Deactivated and deleted {old} in Okta, and removed it from the keyring."
        return f"Okta no longer has {old}; removed it from the keyring."


@dataclass(frozen=True)
class RotationAborted:
    app_id: str
    kept_fingerprint: str  # the old secret, the current one again
    deleted_secret_id: str | None  # the new secret, deactivated and deleted in Okta
    link: RetiredLink | None  # the rotation's link, deleted (or already gone)
    link_error: WizardError | None = None  # it could not be deleted: its token is kept


@dataclass(frozen=True)
class LifecycleStep:
    """One line of `plan --rotate` / `plan --remove`: which command does what."""

    command: str  # "rotate", "rotate --finish", "remove"
    action: str
    detail: str = ""


# ------------------------------------------------------------------------ the questions
# What the CLI (on a terminal) and the wizard ask before a stage that deactivates a secret:
# exactly what will change, in the same words.
def finish_question(pending: PendingRotation) -> str:
    return (
        f"Has Upflow confirmed that it signs in with the new secret {pending.new_fingerprint}? "
        f"The old one, {pending.old_fingerprint}, is then deactivated and deleted in Okta and "
        "removed from the keyring; the receipt records the rotation."
    )


def abort_question(pending: PendingRotation) -> str:
    return (
        f"Keep the old secret {pending.old_fingerprint} and delete the new one "
        f"{pending.new_fingerprint or '(not stored yet)'} in Okta? If Upflow already "
        "switched to the new one, its sign-in stops working. The old secret goes back into the "
        "keyring, and the rotation's one-time link, if still unread, is deleted."
    )


def inactive_secret_question(secret: ClientSecret) -> str:
    return (
        f"Okta allows two client secrets and the app has two: delete the inactive one, "
        f"{secret.id}, to make room for the new one?"
    )


# ------------------------------------------------------------------------ shared
async def preflight(setup: Setup) -> None:
    """Step 1's checks: nothing changes in Okta unless every one passed."""
    report = await setup.connect()
    report.raise_if_refused()


async def our_app(setup: Setup) -> OidcApp:
    """The app this setup made (journal id, else the exact label), active, or a refusal."""
    found = await setup.find_existing()
    if found is None:
        raise RotationRefused(
            f"No app labelled {setup.options.label!r} in {setup.origin}: there is no secret "
            "to rotate.",
            remedy="Run `okta-wizard apply` first (or pass --label with the app's label).",
        )
    if not found.app.active:
        raise RotationRefused(
            f"App {found.app.id} is {found.app.status}: Okta accepts no secret of an inactive "
            "app, so a new one could not be checked. Nothing was changed.",
            remedy="Reactivate it with `okta-wizard verify --fix`, then rotate again.",
        )
    return found.app


def _say(setup: Setup, message: str) -> None:
    if setup.on_progress is not None:
        setup.on_progress(message)


def _save(journal: Journal) -> None:
    journal_store.save(journal)


def _set_stage(journal: Journal, rotation: Rotation, stage: str) -> None:
    rotation.stage = stage
    rotation.stage_at = journal_store.now_iso()
    _save(journal)


def _by_id(secrets: list[ClientSecret], secret_id: str | None) -> ClientSecret | None:
    return next((s for s in secrets if s.id == secret_id), None) if secret_id else None


def new_secret_of(rotation: Rotation, secrets: list[ClientSecret]) -> ClientSecret | None:
    """The rotation's new secret: the recorded id, else the one Okta holds that was not there
    when the rotation began (a create whose answer was lost)."""
    if rotation.new_secret_id:
        return _by_id(secrets, rotation.new_secret_id)
    made = [s for s in secrets if s.id not in rotation.secrets_before]
    return max(made, key=lambda s: s.created, default=None)


async def _keyring(setup: Setup, client_id: str) -> Secret | None:
    return await asyncio.to_thread(setup.vault.load_client_secret, setup.origin, client_id)


async def _accepted(setup: Setup, app: OidcApp, secret: Secret) -> bool:
    discovery = await setup.okta.discovery(app.client_id)
    setup.journal.issuer = discovery.issuer
    return await setup.okta.introspect_accepts(
        discovery, app.client_id, secret, app.token_endpoint_auth_method
    )


# ------------------------------------------------------------------------ start
async def start_rotation(
    setup: Setup, send: SendOptions, *, allow_delete_inactive: bool = False
) -> RotationStarted:
    """Create, store, check and hand off a new secret; the old one stays active (module doc)."""
    from okta_wizard.handoff.options import default_email_domains

    await preflight(setup)
    default_email_domains(send.email_domains, setup.journal.actor_login)  # exit 2: no change
    await asyncio.to_thread(setup.vault.probe)  # a locked keyring fails on write: find out now
    app = await our_app(setup)
    journal = setup.journal
    rotation = journal.rotation
    if rotation is not None and rotation.stage == HANDED_OFF:
        raise RotationRefused(
            f"The new secret ({rotation.new_fingerprint}) was already handed to Upflow at "
            f"{rotation.handed_off_at}; the rotation waits for Upflow. Nothing was changed.",
            remedy="Once Upflow confirms, run `okta-wizard rotate --finish`; to give up, "
            "`okta-wizard rotate --abort`; to send the link again, `okta-wizard send`.",
        )
    if rotation is not None and rotation.stage in (FINISHING, ABORTING):
        verb = "--finish" if rotation.stage == FINISHING else "--abort"
        raise RotationRefused(
            f"`rotate {verb}` began on this rotation and did not complete. Nothing was changed.",
            remedy=f"Run `okta-wizard rotate {verb}` again to complete it.",
        )
    resumed = rotation is not None
    secrets = await setup.okta.list_client_secrets(app.id)
    if rotation is None:
        rotation = await _begin(setup, app, secrets)
    new = new_secret_of(rotation, secrets)
    deleted_inactive = None
    if new is None and rotation.new_secret_id:
        raise RotationRefused(
            f"The new secret {rotation.new_secret_id} of this rotation is no longer in Okta "
            "(deleted in the Admin Console?). The old one is untouched.",
            remedy="Run `okta-wizard rotate --abort`, then `okta-wizard rotate` to start over.",
        )
    if new is None:
        new, deleted_inactive = await _create(setup, app, rotation, allow_delete_inactive)
    value = await _store(setup, app, rotation, new)
    if not await _accepted(setup, app, value):
        raise OktaError(
            ErrorKind.UNAVAILABLE,
            f"Okta does not accept the new client secret {new.id} yet; nothing was sent and "
            "the old secret is untouched.",
            remedy="Run the same command again in a minute to resume.",
        )
    sent = await _hand_off(setup, app, value, send)
    rotation.handed_off_at = journal_store.now_iso()
    _set_stage(journal, rotation, HANDED_OFF)
    return RotationStarted(
        app_id=app.id,
        old_secret_id=rotation.old_secret_id,
        old_fingerprint=rotation.old_fingerprint,
        new_secret_id=new.id,
        new_fingerprint=value.fingerprint(),
        sent=sent,
        resumed=resumed,
        deleted_inactive=deleted_inactive,
        previous_entry=previous_client_secret_entry(setup.origin, app.client_id),
    )


async def _begin(setup: Setup, app: OidcApp, secrets: list[ClientSecret]) -> Rotation:
    """Keep the old secret aside, then record the rotation: before any change in Okta."""
    current = await _keyring(setup, app.client_id)
    if not current:
        raise RotationRefused(
            f"The keyring holds no client secret for app {app.id} on this machine: a rotation "
            "starts from the secret Upflow uses. Nothing was changed.",
            remedy="Run `okta-wizard apply` first (it reads the active secret back from Okta), "
            "then rotate.",
        )
    old = next((s for s in secrets if s.status == ACTIVE and s.value == current), None)
    if old is None:
        raise RotationRefused(
            f"The keyring's secret ({current.fingerprint()}) is not an active secret of app "
            f"{app.id}, so it cannot be the one Upflow uses. Nothing was changed.",
            remedy="Run `okta-wizard verify` to see which secret works, and `okta-wizard apply "
            "--new-secret` to store an active one.",
        )
    _say(setup, "Keeping the current secret aside in the keyring")
    await asyncio.to_thread(
        setup.vault.store_previous_client_secret, setup.origin, app.client_id, current
    )
    now = journal_store.now_iso()
    rotation = Rotation(
        stage=STARTED,
        started_at=now,
        old_secret_id=old.id,
        old_fingerprint=current.fingerprint(),
        secrets_before=[s.id for s in secrets],
        stage_at=now,
    )
    setup.journal.rotation = rotation
    _save(setup.journal)
    return rotation


def _secret_cap(exc: OktaError) -> bool:
    return exc.kind is ErrorKind.CONFLICT and exc.error_code == "E0000001"


async def _create(
    setup: Setup, app: OidcApp, rotation: Rotation, allow_delete_inactive: bool
) -> tuple[ClientSecret, str | None]:
    """A second secret from Okta. Refused for the cap: an inactive other one may be deleted
    (if allowed); otherwise the rotation is undone here (nothing was made) and refused."""
    _say(setup, "Creating a new client secret in Okta")
    try:
        return await setup.okta.create_client_secret(app.id), None
    except OktaError as exc:
        if not _secret_cap(exc):
            raise
    secrets = await setup.okta.list_client_secrets(app.id)
    others = [s for s in secrets if s.id != rotation.old_secret_id]
    inactive = [s for s in others if s.status != ACTIVE]
    if inactive and allow_delete_inactive:
        _say(setup, f"Deleting the inactive client secret {inactive[0].id} to make room")
        await setup.okta.delete_client_secret(app.id, inactive[0].id)
        return await setup.okta.create_client_secret(app.id), inactive[0].id
    await _undo_begin(setup, app)
    if inactive:
        raise InactiveSecretInTheWay(inactive[0])
    ids = ", ".join(s.id for s in others) or "another secret"
    raise RotationRefused(
        f"Okta refused a new client secret: app {app.id} already has two active ones, the "
        f"keyring's ({rotation.old_secret_id}) and {ids}, which Upflow may be using. Nothing "
        "was changed.",
        remedy="If Upflow signs in with the keyring's secret, retire the other with "
        "`okta-wizard verify --retire-old-secrets`, then rotate; otherwise find out which one "
        "Upflow uses before changing anything.",
    )


async def _undo_begin(setup: Setup, app: OidcApp) -> None:
    """Okta made no new secret: forget the rotation (the main entry still holds the old)."""
    await asyncio.to_thread(setup.vault.delete_previous_client_secret, setup.origin, app.client_id)
    setup.journal.rotation = None
    _save(setup.journal)


async def _store(setup: Setup, app: OidcApp, rotation: Rotation, new: ClientSecret) -> Secret:
    """The new secret in the keyring's main entry (the old one is in `…/previous`)."""
    if new.value is None:
        raise OktaError(
            ErrorKind.UNAVAILABLE,
            f"Okta's answer for the new client secret {new.id} could not be read.",
            remedy="Run the same command again to resume; the new secret is read back.",
        )
    if new.status != ACTIVE:
        raise RotationRefused(
            f"The new secret {new.id} of this rotation is {new.status} in Okta. The old one is "
            "untouched.",
            remedy="Run `okta-wizard rotate --abort`, then `okta-wizard rotate` to start over.",
        )
    value = new.value
    if await _keyring(setup, app.client_id) != value:
        _say(setup, "Storing the new client secret in the keyring")
        await asyncio.to_thread(setup.vault.store_client_secret, setup.origin, app.client_id, value)
    journal = setup.journal
    journal.secret_stored_in = setup.vault.backend_name()
    journal.secret_fingerprint = value.fingerprint()
    rotation.new_secret_id = new.id
    rotation.new_fingerprint = value.fingerprint()
    if rotation.stage == STARTED:
        _set_stage(journal, rotation, STORED)
    else:
        _save(journal)
    return value


async def _hand_off(setup: Setup, app: OidcApp, secret: Secret, send: SendOptions) -> SentLink:
    from okta_wizard.setup.steps import HandoffSource, hand_off

    journal = setup.journal
    assert journal.issuer is not None  # _accepted read it from discovery
    source = HandoffSource(
        org_url=setup.origin,
        app_id=app.id,
        client_id=app.client_id,
        issuer=journal.issuer,
        label=app.label,
        secret=secret,
        groups=journal.assigned_groups,
        redirect_uris=tuple(app.redirect_uris),
        post_logout_redirect_uris=tuple(app.post_logout_redirect_uris),
        replaces_previous=True,
    )
    _say(setup, "Handing the new secret to Upflow (one-time link)")
    return await hand_off(setup.vault, journal, source, send)


# ------------------------------------------------------------------------ finish
def _require(journal: Journal, *, action: str) -> Rotation:
    rotation = journal.rotation
    if rotation is None:
        raise RotationRefused(
            f"No secret rotation is pending for {journal.org_url}: nothing to {action}.",
            remedy="`okta-wizard rotate` starts one; `okta-wizard status` shows saved progress.",
        )
    return rotation


async def finish_rotation(setup: Setup) -> RotationFinished:
    """Retire the old secret, once the new one is handed off and Okta accepts it."""
    await preflight(setup)
    journal = setup.journal
    rotation = _require(journal, action="finish")
    if rotation.stage in (STARTED, STORED):
        raise RotationRefused(
            "The new secret has not been handed to Upflow yet, so the old one stays active. "
            "Nothing was changed.",
            remedy="Run `okta-wizard rotate` to complete the hand-off first (or `--abort`).",
        )
    if rotation.stage == ABORTING:
        raise RotationRefused(
            "`rotate --abort` began on this rotation: it cannot be finished. Nothing was changed.",
            remedy="Run `okta-wizard rotate --abort` again to complete the abort.",
        )
    app = await our_app(setup)
    secrets = await setup.okta.list_client_secrets(app.id)
    new = _by_id(secrets, rotation.new_secret_id)
    stored = await _keyring(setup, app.client_id)
    if new is None or new.status != ACTIVE or not stored or new.value != stored:
        raise RotationRefused(
            f"The new secret {rotation.new_secret_id} is not an active secret of app {app.id} "
            "held by the keyring, so the old one is not retired (Upflow could be locked out). "
            "Nothing was changed.",
            remedy="Run `okta-wizard verify` to see what Okta holds; `okta-wizard rotate "
            "--abort` keeps the old secret.",
        )
    if not await _accepted(setup, app, stored):
        raise RotationRefused(
            "Okta does not accept the new secret, so the old one is not retired. Nothing was "
            "changed.",
            remedy="Run `okta-wizard verify`; `okta-wizard rotate --abort` keeps the old secret.",
        )
    if rotation.stage != FINISHING:
        _set_stage(journal, rotation, FINISHING)
    deleted_now = await _retire(setup, app, _by_id(secrets, rotation.old_secret_id))
    await asyncio.to_thread(setup.vault.delete_previous_client_secret, setup.origin, app.client_id)
    finished_at = journal_store.now_iso()
    receipt = _record_in_receipt(setup.origin, rotation, finished_at)
    journal.rotation = None
    _save(journal)
    assert rotation.new_secret_id is not None and rotation.new_fingerprint is not None
    return RotationFinished(
        app_id=app.id,
        old_secret_id=rotation.old_secret_id,
        old_fingerprint=rotation.old_fingerprint,
        new_secret_id=rotation.new_secret_id,
        new_fingerprint=rotation.new_fingerprint,
        receipt=receipt,
        finished_at=finished_at,
        old_deleted_now=deleted_now,
    )


async def _retire(setup: Setup, app: OidcApp, secret: ClientSecret | None) -> bool:
    """Deactivate, then delete (Okta deletes only an inactive secret); gone already is done.
    True when this call deleted it, False when Okta no longer had it."""
    if secret is None:
        return False
    if secret.status == ACTIVE:
        _say(setup, f"Deactivating the client secret {secret.id}")
        await setup.okta.deactivate_client_secret(app.id, secret.id)
    _say(setup, f"Deleting the client secret {secret.id}")
    try:
        await setup.okta.delete_client_secret(app.id, secret.id)
    except OktaError as exc:
        if exc.kind is not ErrorKind.NOT_FOUND:
            raise
        return False
    return True


def _record_in_receipt(origin: str, rotation: Rotation, finished_at: str) -> Path | None:
    from okta_wizard.handoff.receipt import RotationRecord, record_rotation

    assert rotation.new_secret_id is not None and rotation.new_fingerprint is not None
    path = journal_store.receipt_path(origin)
    record = RotationRecord(
        started_at=rotation.started_at,
        finished_at=finished_at,
        old_secret_id=rotation.old_secret_id,
        old_fingerprint=rotation.old_fingerprint,
        new_secret_id=rotation.new_secret_id,
        new_fingerprint=rotation.new_fingerprint,
    )
    return path if record_rotation(path, record) else None


# ------------------------------------------------------------------------ abort
async def abort_rotation(setup: Setup) -> RotationAborted:
    """Keep the old secret: it goes back to the main entry, the new one is retired in Okta."""
    from okta_wizard.setup.steps import LinkNotDeleted

    await preflight(setup)
    journal = setup.journal
    rotation = _require(journal, action="abort")
    if rotation.stage == FINISHING:
        raise RotationRefused(
            "`rotate --finish` began on this rotation: the old secret may already be "
            "deactivated, so it cannot be aborted. Nothing was changed.",
            remedy="Run `okta-wizard rotate --finish` again to complete it.",
        )
    app = await our_app(setup)
    secrets = await setup.okta.list_client_secrets(app.id)
    old = _by_id(secrets, rotation.old_secret_id)
    if old is None or old.status != ACTIVE or old.value is None:
        raise RotationRefused(
            f"The old secret {rotation.old_secret_id} is no longer an active, readable secret "
            f"of app {app.id}: aborting would leave no secret Upflow can use. Nothing was "
            "changed.",
            remedy="Finish the rotation instead, once Upflow uses the new secret: "
            "`okta-wizard rotate --finish`.",
        )
    if rotation.stage != ABORTING:
        _set_stage(journal, rotation, ABORTING)
    if await _keyring(setup, app.client_id) != old.value:
        await asyncio.to_thread(
            setup.vault.store_client_secret, setup.origin, app.client_id, old.value
        )
    journal.secret_fingerprint = old.value.fingerprint()
    journal.secret_stored_in = setup.vault.backend_name()
    _save(journal)
    new = new_secret_of(rotation, secrets)
    if new is not None and new.id != old.id:
        await _retire(setup, app, new)
    await asyncio.to_thread(setup.vault.delete_previous_client_secret, setup.origin, app.client_id)
    link, link_error = None, None
    if _rotation_link(journal, rotation):
        try:
            link = await _retire_link(setup)
        except LinkNotDeleted as exc:
            link_error = exc
    journal.rotation = None
    _save(journal)
    return RotationAborted(
        app_id=app.id,
        kept_fingerprint=old.value.fingerprint(),
        deleted_secret_id=new.id if new is not None and new.id != old.id else None,
        link=link,
        link_error=link_error,
    )


def _rotation_link(journal: Journal, rotation: Rotation) -> bool:
    """Is the journal's unread link the rotation's (made after it began)? Only that one holds
    the secret being deleted; an older link holds the old secret, which stays in use."""
    link = journal.link or {}
    made, began = _parse_time(str(link.get("created_at") or "")), _parse_time(rotation.started_at)
    return bool(link.get("paste_id")) and made is not None and began is not None and made >= began


async def _retire_link(setup: Setup) -> RetiredLink | None:
    from okta_wizard.setup.steps import retire_recorded_link

    return await retire_recorded_link(setup.vault, setup.journal, replacing=False)


# ------------------------------------------------------------------------ plan
async def plan_rotation(setup: Setup) -> list[LifecycleStep]:
    """What `rotate` and then `rotate --finish` would do from here. Reads only."""
    report = await setup.connect()
    if not report.ok:
        failed = "; ".join(f"{c.name}: {c.detail}" for c in report.checks if not c.ok)
        return [LifecycleStep("rotate", "stop: preflight refused", failed)]
    found = await setup.find_existing()
    if found is None:
        return [LifecycleStep("rotate", "stop: no app", f"labelled {setup.options.label!r}")]
    app = found.app
    secrets = await setup.okta.list_client_secrets(app.id)
    rotation = setup.journal.rotation
    previous = previous_client_secret_entry(setup.origin, app.client_id)
    main = client_secret_entry(setup.origin, app.client_id)
    steps: list[LifecycleStep] = []
    if rotation is None:
        current = await _keyring(setup, app.client_id)
        old = next((s for s in secrets if s.status == ACTIVE and s.value == current), None)
        if old is None or current is None:
            why = "the keyring holds no secret" if current is None else "not active in Okta"
            return [LifecycleStep("rotate", "stop: the keyring's secret is not usable", why)]
        old_id, fingerprint = old.id, current.fingerprint()
        steps.append(LifecycleStep("rotate", "keep the current secret aside", previous))
        steps += _make_room(secrets, old_id)
        steps.append(LifecycleStep("rotate", "create a second client secret in Okta"))
    else:
        old_id, fingerprint = rotation.old_secret_id, rotation.old_fingerprint
        pending = pending_rotation(setup.journal)
        assert pending is not None
        steps.append(LifecycleStep("rotate", "resume", pending.describe()))
        if rotation.stage == ABORTING:
            return [*steps, *_abort_steps(rotation, main)]
        if rotation.stage == STARTED and new_secret_of(rotation, secrets) is None:
            steps += _make_room(secrets, old_id)
            steps.append(LifecycleStep("rotate", "create a second client secret in Okta"))
    if rotation is None or rotation.stage in (STARTED, STORED):
        steps += [
            LifecycleStep("rotate", "store the new secret in the keyring", main),
            LifecycleStep("rotate", "check that Okta accepts it", "introspect"),
            LifecycleStep(
                "rotate", "hand it to Upflow through a one-time link", "replaces the previous"
            ),
        ]
    return [
        *steps,
        LifecycleStep("rotate --finish", "deactivate, then delete, the old secret", old_id),
        LifecycleStep("rotate --finish", "remove the old secret from the keyring", previous),
        LifecycleStep(
            "rotate --finish", "record the rotation in the receipt", f"{fingerprint} -> new"
        ),
    ]


def _make_room(secrets: list[ClientSecret], old_id: str) -> list[LifecycleStep]:
    others = [s for s in secrets if s.id != old_id]
    if len(secrets) < 2 or not others:
        return []
    inactive = [s for s in others if s.status != ACTIVE]
    if inactive:
        return [
            LifecycleStep(
                "rotate",
                "delete the inactive client secret first (asks, or --yes)",
                f"{inactive[0].id}; Okta allows two",
            )
        ]
    return [
        LifecycleStep(
            "rotate",
            "stop: two active secrets already",
            ", ".join(s.id for s in secrets) + "; see `verify --retire-old-secrets`",
        )
    ]


def _abort_steps(rotation: Rotation, main: str) -> list[LifecycleStep]:
    return [
        LifecycleStep("rotate --abort", "put the old secret back in the keyring", main),
        LifecycleStep(
            "rotate --abort",
            "deactivate, then delete, the new secret",
            rotation.new_secret_id or "(the one made after the rotation began)",
        ),
    ]
