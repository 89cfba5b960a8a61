"""The headless flow of `apply`: steps 1-5 in order (6 with a link), each check -> act -> record.

The TUI calls the same `Setup` methods one screen at a time; this module strings them together
for the CLI and the benches. Every input check that needs Okta (group names) runs before the
first change, so a typo never leaves a half-made setup behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okta_wizard.errors import HandoffError, KeyringUnavailable, UsageError
from okta_wizard.handoff.options import SendOptions, default_email_domains, send_options
from okta_wizard.okta.models import Group
from okta_wizard.secret import Secret
from okta_wizard.setup.engine import Setup
from okta_wizard.setup.values import (
    AppReport,
    AssignmentChoice,
    Check,
    ConnectReport,
    Credentials,
    Drift,
)

if TYPE_CHECKING:
    from okta_wizard.handoff.privatebin import Link
    from okta_wizard.setup.journal import Journal
    from okta_wizard.vault import Vault

ConfirmRepair = Callable[[tuple[Drift, ...]], bool]


@dataclass
class ApplyOutcome:
    connect: ConnectReport
    app: AppReport
    groups: list[Group]
    credentials: Credentials
    checks: tuple[Check, ...]
    link: dict[str, Any] | None = None  # Link.metadata(): never the URL
    link_url: Any = None  # the one-time link, a Secret
    calls: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def drift_refusal(drift: tuple[Drift, ...]) -> UsageError:
    lines = "; ".join(f"{d.field}: {d.actual} (expected {d.expected})" for d in drift)
    return UsageError(
        f"The existing app differs from what Upflow needs: {lines}. Nothing was changed.",
        remedy="Run again with --yes to repair it, or fix it in the Admin Console.",
    )


async def run_apply(
    setup: Setup, choice: AssignmentChoice, *, confirm_repair: ConfirmRepair
) -> ApplyOutcome:
    report = await setup.connect()  # step 1: nothing changes before this passes
    report.raise_if_refused()
    # A locked keyring fails only on write: find out before an app exists.
    await asyncio.to_thread(setup.vault.probe)
    existing = await setup.find_existing()  # step 2
    field_drift = tuple(d for d in existing.drift if d.field != "status") if existing else ()
    repair = bool(field_drift) and confirm_repair(field_drift)
    if field_drift and not repair:
        raise drift_refusal(field_drift)
    await setup.resolve_groups(choice)  # unknown group names stop here, before any change
    app_report = await setup.create_or_reuse(repair=repair)  # step 3
    groups = await setup.assign(choice)  # step 4
    credentials = await setup.read_credentials()  # step 5
    checks = await setup.verify()
    return ApplyOutcome(report, app_report, groups, credentials, checks, calls=setup.calls)


@dataclass(frozen=True)
class HandoffSource:
    """What the message and the receipt say: the setup's values and its secret."""

    org_url: str
    app_id: str
    client_id: str
    issuer: str
    label: str
    secret: Secret = field(repr=False)
    groups: tuple[str, ...]
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    replaces_previous: bool = False  # a rotation's hand-off (handoff/message.py)


@dataclass(frozen=True)
class SentLink:
    link: Link  # link.url is the one-time link (a Secret)
    email_domains: tuple[str, ...]
    delete_token_stored: bool  # False: the keyring refused it, so --revoke cannot work
    receipt: Path
    replaced: str | None = None  # paste id of the previous unread link, deleted first
    password_protected: bool = False
    # paste id of a previous link nothing could delete (no delete token in the keyring)
    previous_left_open: str | None = None


async def hand_off(
    vault: Vault, journal: Journal, source: HandoffSource, options: SendOptions
) -> SentLink:
    """Step 6, the one code path of `send`, `apply --send` and the wizard.

    Deletes the previous unread link (delete token from the keyring) so at most one live copy
    of the secret exists: if the server does not confirm that it is deleted or already gone,
    nothing new is made (`LinkNotDeleted`, exit 7, token kept). Then encrypts and posts
    the message, keeps the new delete token in the keyring, records link metadata (never the
    link) in the journal and writes the receipt. Nothing is printed: the caller decides how
    the link is shown.
    """
    from okta_wizard.handoff.message import HandoffDetails, render_message
    from okta_wizard.handoff.privatebin import create_link
    from okta_wizard.setup import journal as journal_store

    domains = default_email_domains(options.email_domains, journal.actor_login)
    retired = await retire_recorded_link(vault, journal, replacing=True)
    message = render_message(
        HandoffDetails(
            client_id=source.client_id,
            client_secret=source.secret,
            issuer=source.issuer,
            email_domains=domains,
            label=source.label,
            org_url=source.org_url,
            replaces_previous=source.replaces_previous,
        )
    )
    link = await create_link(
        options.server,
        message,
        expire=options.expire,
        password=options.password,
        burn_after_reading=options.burn_after_reading,
    )
    try:
        await asyncio.to_thread(
            vault.store_delete_token, source.org_url, link.paste_id, link.delete_token
        )
        stored = True
    except KeyringUnavailable:
        stored = False  # the link exists; only the ability to revoke it is lost
    journal.link = link.metadata()
    journal.record(6, "done", f"link {link.paste_id} on {link.server}")
    journal_store.save(journal)
    receipt = _write_receipt(source, link, domains, journal)
    return SentLink(
        link,
        domains,
        stored,
        receipt,
        replaced=retired.paste_id if retired and retired.outcome == DELETED else None,
        password_protected=options.password is not None,
        previous_left_open=retired.paste_id if retired and retired.outcome == NO_TOKEN else None,
    )


# What became of the journal's last link (`retire_recorded_link`).
DELETED, GONE, NO_TOKEN = "deleted", "gone", "no-token"


@dataclass(frozen=True)
class RetiredLink:
    paste_id: str
    server: str
    outcome: str  # DELETED now; GONE already (read, expired, deleted); NO_TOKEN: left open
    server_message: str = ""  # GONE: what the server said


class LinkNotDeleted(HandoffError):
    """The server did not confirm the delete: the link may still open, its token is kept."""


async def retire_recorded_link(
    vault: Vault, journal: Journal, *, replacing: bool
) -> RetiredLink | None:
    """Delete the journal's last link if it may still be open; None if there is none.

    A delete token is dropped only when the server says the paste is deleted or no longer
    exists; the journal records that first, so a crash in between leaves a useless token,
    never an open link without one. Any other answer (network error, timeout, 5xx, wrong
    token, an answer not understood) raises `LinkNotDeleted` with the token still in the
    keyring and the journal unchanged: every paste that may still be read keeps its token.
    `replacing`: a new link was to follow (`hand_off`), which the message says was not made.
    """
    from okta_wizard.handoff.privatebin import PasteGone, delete_link
    from okta_wizard.setup import journal as journal_store

    previous = journal.link or {}
    paste_id, server = previous.get("paste_id"), previous.get("server")
    if not paste_id or not server or previous.get("revoked_at"):
        return None
    token = await asyncio.to_thread(vault.load_delete_token, journal.org_url, paste_id)
    if token is None:
        return RetiredLink(paste_id, server, NO_TOKEN)
    outcome, said = DELETED, ""
    try:
        await delete_link(server, paste_id, token)
    except PasteGone as exc:
        outcome, said = GONE, exc.message
    except HandoffError as exc:
        raise _not_deleted(paste_id, previous, exc, replacing=replacing) from None
    journal.link = {**previous, "revoked_at": journal_store.now_iso()}
    what = "deleted" if outcome == DELETED else "already read, expired or deleted"
    journal.record(6, "pending", f"link {paste_id} {what}")
    journal_store.save(journal)
    await asyncio.to_thread(vault.delete_delete_token, journal.org_url, paste_id)
    return RetiredLink(paste_id, server, outcome, said)


def _not_deleted(
    paste_id: str, link: dict[str, Any], cause: HandoffError, *, replacing: bool
) -> LinkNotDeleted:
    until = link.get("expires_at") or "never"
    opens = f"it may still open until it is read or expires ({until})"
    if replacing:
        return LinkNotDeleted(
            f"The previous one-time link {paste_id} could not be deleted "
            f"({cause.message.rstrip('.')}), and {opens}. Nothing new was sent, so there is "
            "no second copy of the secret.",
            remedy="Its delete token stays in the keyring: try again once the secrets server "
            "answers (the old link is deleted first), or run `okta-wizard send --revoke` to "
            "delete the old link alone.",
        )
    return LinkNotDeleted(
        f"The one-time link {paste_id} was not deleted ({cause.message.rstrip('.')}): {opens}.",
        remedy="Its delete token stays in the keyring: run `okta-wizard send --revoke` again "
        "once the secrets server answers.",
    )


def _write_receipt(
    source: HandoffSource, link: Link, domains: tuple[str, ...], journal: Journal
) -> Path:
    from okta_wizard.handoff.receipt import Receipt, rotations_in, write_receipt
    from okta_wizard.setup.journal import receipt_path

    path = receipt_path(source.org_url)
    receipt = Receipt(
        org_url=source.org_url,
        app_id=source.app_id,
        client_id=source.client_id,
        issuer=source.issuer,
        label=source.label,
        redirect_uris=source.redirect_uris,
        post_logout_redirect_uris=source.post_logout_redirect_uris,
        groups=source.groups,
        run_by=journal.actor_login or "",
        created_at=link.created_at,
        secret_fingerprint=source.secret.fingerprint(),
        link_server=link.server,
        link_expire=link.expire,
        link_expires_at=link.expires_at,
        email_domains=domains,
        sign_in_passed_at=journal.sign_in_passed_at,
        sign_in_email_domain=journal.sign_in_email_domain or "",
        rotations=rotations_in(path),  # the secret's history outlives each new link
    )
    write_receipt(receipt, path)
    return path


async def send_link(
    setup: Setup,
    outcome: ApplyOutcome,
    *,
    server_url: str,
    email_domains: tuple[str, ...],
    expire: str,
    password: Secret | None = None,
    burn_after_reading: bool = True,
) -> SentLink:
    """Step 6 after steps 1-5 of this run (`apply --send`, the wizard): `hand_off` with the
    app Okta just verified. Sets `outcome.link` (metadata) and `outcome.link_url` (Secret)."""
    checked = send_options(
        secrets_url=server_url, expire=expire, email_domains=email_domains, password_env=None
    )
    options = replace(checked, password=password, burn_after_reading=burn_after_reading)
    app, creds = outcome.app.app, outcome.credentials
    source = HandoffSource(
        org_url=setup.origin,
        app_id=app.id,
        client_id=creds.client_id,
        issuer=creds.issuer,
        label=app.label,
        secret=creds.secret,
        groups=tuple(g.name for g in outcome.groups),
        redirect_uris=tuple(app.redirect_uris),
        post_logout_redirect_uris=tuple(app.post_logout_redirect_uris),
    )
    sent = await hand_off(setup.vault, setup.journal, source, options)
    outcome.link = sent.link.metadata()
    outcome.link_url = sent.link.url
    return sent
