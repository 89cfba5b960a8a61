"""`okta-wizard apply`: steps 1-5 headless (6 with --send), idempotent and resumable."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from okta_wizard.commands._common import (
    FAIL_MARK,
    OK_MARK,
    check_lines,
    confirm,
    options_from,
    print_json,
    progress,
    show_once_on_alternate_screen,
)
from okta_wizard.commands.send import IN_JSON, link_json, print_link_notes, show_link
from okta_wizard.errors import ExitCode, UsageError, WizardError
from okta_wizard.setup.engine import STEP_TITLES

if TYPE_CHECKING:
    from okta_wizard.handoff.options import SendOptions
    from okta_wizard.setup.engine import Drift, Setup, SetupOptions
    from okta_wizard.setup.steps import ApplyOutcome, SentLink


def run(args: argparse.Namespace) -> int:
    send = _check_send_options(args) if args.send else None
    if args.reveal and not args.send:
        raise UsageError(
            "--reveal applies to the one-time link, and this run makes none.",
            remedy="Add --send, or drop --reveal.",
        )
    options = options_from(args, assignment_required=True)
    return asyncio.run(_apply(args, options, send))


@dataclass(frozen=True)
class _SendPlan:
    options: SendOptions
    delivery: str  # commands.send.link_delivery


def _check_send_options(args: argparse.Namespace) -> _SendPlan:
    """The same checks as `okta-wizard send`, before any Okta call (bad input: exit 2)."""
    from okta_wizard.commands.send import ALT_SCREEN, link_delivery, send_options_from

    options = send_options_from(args)
    delivery = link_delivery(args, plain=ALT_SCREEN)
    if not options.email_domains and getattr(args, "client_id", None):
        raise UsageError(
            "A service app has no admin email to take the users' email domain from.",
            remedy="Pass --email-domain acme.com (repeatable) with --send.",
        )
    return _SendPlan(options, delivery)


def _confirm_repair(args: argparse.Namespace) -> Any:
    def ask(drift: tuple[Drift, ...]) -> bool:
        if args.yes:
            return True
        for d in drift:
            print(f"  {d.field}: {d.actual} -> {d.expected}", file=sys.stderr)
        return confirm("The existing app differs from what Upflow needs. Repair it?")

    return ask


async def _apply(args: argparse.Namespace, options: SetupOptions, send: _SendPlan | None) -> int:
    from okta_wizard.setup.engine import SecretNotStored, Setup
    from okta_wizard.setup.journal import SetupLocked
    from okta_wizard.setup.steps import run_apply, send_link

    assert options.assignment is not None
    sent: SentLink | None = None
    async with Setup(options, on_progress=progress) as setup:
        try:
            outcome = await run_apply(
                setup, options.assignment, confirm_repair=_confirm_repair(args)
            )
            if send is not None and outcome.ok:
                sent = await send_link(
                    setup,
                    outcome,
                    server_url=send.options.server,
                    email_domains=send.options.email_domains,
                    expire=send.options.expire,
                    password=send.options.password,
                )
        except SecretNotStored as exc:
            shown = show_once_on_alternate_screen(exc.secret, exc.app.id)
            if not shown:
                print(
                    "okta-wizard: the secret was not shown: this run is not interactive.",
                    file=sys.stderr,
                )
            raise
        except WizardError as exc:
            _print_resume_hint(setup, resumable=_rerun_can_fix(exc, SetupLocked))
            raise
        except asyncio.CancelledError:  # Ctrl+C: main() says how to resume
            _print_resume_hint(setup, resumable=False)
            raise
    if sent is not None and send is not None:
        show_link(sent, send.delivery)
    if args.json:
        reveal = send is not None and send.delivery == IN_JSON
        print_json(outcome_json(setup, outcome, sent, reveal=reveal))
    else:
        _print_human(setup, outcome)
    if sent is not None:
        print_link_notes(sent)
    return int(ExitCode.OK if outcome.ok else ExitCode.UNEXPECTED)


def _rerun_can_fix(exc: WizardError, locked: type[WizardError]) -> bool:
    """Network, 5xx, rate limit, a held lock: the same command later succeeds. A wrong group,
    refused drift repair, a missing keyring or bad input need the remedy first."""
    return isinstance(exc, locked) or exc.exit_code == ExitCode.UNAVAILABLE


def _print_resume_hint(setup: Setup, *, resumable: bool) -> None:
    done = [f"{n} {STEP_TITLES[n]}" for n in setup.steps_done_this_run()]
    app = f" App {setup.journal.app_id} exists." if setup.journal.app_id else ""
    parts = [f"this run did: {', '.join(done)}.{app}"] if done else []
    if resumable:
        parts.append("Run the same command again to resume; it picks up where this stopped.")
    if parts:
        print("okta-wizard: " + " ".join(parts), file=sys.stderr)


def outcome_json(
    setup: Setup, outcome: ApplyOutcome, sent: SentLink | None = None, *, reveal: bool = False
) -> dict[str, Any]:
    app = outcome.app.app
    data: dict[str, Any] = {
        "ok": outcome.ok,
        "org_url": setup.origin,
        "label": app.label,
        "app_id": app.id,
        "client_id": app.client_id,
        "issuer": outcome.credentials.issuer,
        "created": outcome.app.created,
        "repaired": [d.field for d in outcome.app.repaired],
        "assignment": setup.options.assignment.mode if setup.options.assignment else None,
        "groups": [{"id": g.id, "name": g.name} for g in outcome.groups],
        "secret": {
            "stored_in": outcome.app.keyring_backend,
            "source": outcome.app.secret_source,
            "fingerprint": outcome.credentials.fingerprint,
        },
        "steps": {
            str(n): {"state": r.state, "at": r.at, "detail": r.detail}
            for n, r in sorted(setup.journal.steps.items())
        },
        "checks": [
            {"name": c.name, "ok": c.ok, "detail": c.detail, "remedy": c.remedy}
            for c in outcome.checks
        ],
        "okta_calls": outcome.calls,
    }
    if sent is not None:
        data["link"] = link_json(sent, reveal=reveal)  # the link itself only with --reveal
    return data


def _print_human(setup: Setup, outcome: ApplyOutcome) -> None:
    app = outcome.app
    who = setup.journal.actor_login or ""
    if app.created:
        made = f"created {app.app.id}"
    else:
        made = f"reused {app.app.id}"
        if app.repaired:
            made += "; repaired " + ", ".join(d.field for d in app.repaired)
    groups = ", ".join(g.name for g in outcome.groups) or "none (skipped)"
    creds = outcome.credentials
    rows = [
        (1, True, f"signed in as {who}"),
        (2, True, "found the existing app" if not app.created else "no existing app"),
        (3, True, f"{made}; secret in {app.keyring_backend} ({app.secret_source})"),
        (4, True, groups),
        (5, outcome.ok, f"client_id {creds.client_id}, issuer {creds.issuer}"),
    ]
    width = max(len(t) for t in STEP_TITLES.values())
    for n, ok, detail in rows:
        print(f"{OK_MARK if ok else FAIL_MARK} {n} {STEP_TITLES[n]:<{width}}  {detail}")
    print(f"  secret {creds.secret.masked()}  {creds.fingerprint}")
    if not outcome.ok:
        print("\n".join(check_lines(c for c in outcome.checks if not c.ok)))
    if outcome.link:
        link = outcome.link
        print(f"{OK_MARK} 6 {STEP_TITLES[6]:<{width}}  link on {link.get('server')}")
        burn = "yes" if link.get("burn_after_reading") else "no"
        expires = link.get("expires_at") or "never"
        print(
            f"  paste id {link.get('paste_id')}, expires {expires} ({link.get('expire')}), "
            f"burn after reading: {burn}"
        )
    if setup.options.assignment and setup.options.assignment.mode != "none":
        print("  Users still need an invitation in Upflow to sign in.")
    if app.secret_source == "new":
        print(
            "  A new client secret was made; the old one stays active so Upflow keeps working. "
            "Once Upflow has the new one, retire the old one with: okta-wizard verify "
            f"--org-url {setup.origin} --retire-old-secrets"
        )
