"""The headless flow of `apply`: steps 1-5 in order (6 with a link), each check -> act -> record.

The TUI calls the same `Setup` methods one screen at a time; this module strings them together
for the CLI and the benches. Every input check that needs Okta (group names) runs before the
first change, so a typo never leaves a half-made setup behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from okta_wizard.errors import UsageError
from okta_wizard.okta.models import Group
from okta_wizard.setup.engine import (
    AppReport,
    AssignmentChoice,
    Check,
    ConnectReport,
    Credentials,
    Drift,
    Setup,
)

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


async def send_link(
    setup: Setup,
    outcome: ApplyOutcome,
    *,
    server_url: str,
    email_domains: tuple[str, ...],
    expire: str,
) -> None:
    """Step 6: the one-time link (hand-off library), its delete token in the keyring."""
    from okta_wizard.handoff.message import HandoffDetails, render_message
    from okta_wizard.handoff.privatebin import create_link
    from okta_wizard.setup import journal as journal_store

    creds = outcome.credentials
    message = render_message(
        HandoffDetails(
            client_id=creds.client_id,
            client_secret=creds.secret,
            issuer=creds.issuer,
            email_domains=email_domains,
            label=setup.options.label,
            org_url=setup.origin,
        )
    )
    link = await create_link(server_url, message, expire=expire)
    await asyncio.to_thread(
        setup.vault.store_delete_token, setup.origin, link.paste_id, link.delete_token
    )
    outcome.link = link.metadata()
    outcome.link_url = link.url
    setup.journal.link = link.metadata()
    setup.journal.record(6, "done", f"link {link.paste_id} on {link.server}")
    journal_store.save(setup.journal)
    _write_receipt(setup, outcome, email_domains)


def _write_receipt(setup: Setup, outcome: ApplyOutcome, email_domains: tuple[str, ...]) -> None:
    from okta_wizard.handoff.receipt import Receipt, write_receipt
    from okta_wizard.setup.journal import now_iso, receipt_path

    app, link = outcome.app.app, outcome.link or {}
    receipt = Receipt(
        org_url=setup.origin,
        app_id=app.id,
        client_id=app.client_id,
        issuer=outcome.credentials.issuer,
        label=app.label,
        redirect_uris=app.redirect_uris,
        post_logout_redirect_uris=app.post_logout_redirect_uris,
        groups=tuple(g.name for g in outcome.groups),
        run_by=setup.journal.actor_login or "",
        created_at=str(link.get("created_at") or now_iso()),
        secret_fingerprint=outcome.credentials.fingerprint,
        link_server=str(link.get("server", "")),
        link_expire=str(link.get("expire", "")),
        link_expires_at=link.get("expires_at"),
        email_domains=email_domains,
    )
    write_receipt(receipt, receipt_path(setup.origin))
