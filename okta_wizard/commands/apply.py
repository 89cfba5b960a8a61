"""`okta-wizard apply`: steps 1-5 headless (6 with --send), idempotent and resumable."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

from okta_wizard.commands._common import (
    FAIL_MARK,
    OK_MARK,
    check_lines,
    confirm,
    interactive,
    options_from,
    print_json,
    progress,
    show_once,
    show_once_on_alternate_screen,
)
from okta_wizard.errors import ExitCode, UsageError, WizardError
from okta_wizard.setup.engine import STEP_TITLES

if TYPE_CHECKING:
    from okta_wizard.setup.engine import Drift, Setup, SetupOptions
    from okta_wizard.setup.steps import ApplyOutcome


def run(args: argparse.Namespace) -> int:
    options = options_from(args, assignment_required=True)
    if args.send:
        _check_send_options(args)
    return asyncio.run(_apply(args, options))


def _check_send_options(args: argparse.Namespace) -> None:
    from okta_wizard.handoff.privatebin import normalize_server_url, validate_expire

    if not interactive():
        # The link is a secret: it is shown only on a terminal's alternate screen until Enter
        # is pressed, and an unseen link is useless.
        raise UsageError(
            "--send shows the one-time link on the terminal, and this run has none "
            "(stdin and stdout must both be a terminal).",
            remedy="Run apply without --send here, then `okta-wizard send` in a terminal.",
        )
    validate_expire(args.expire)
    normalize_server_url(args.secrets_url)
    for domain in args.email_domain:
        if "." not in domain or "@" in domain or " " in domain:
            raise UsageError(
                f"{domain!r} is not an email domain.", remedy="Pass --email-domain acme.com"
            )


def _confirm_repair(args: argparse.Namespace) -> Any:
    def ask(drift: tuple[Drift, ...]) -> bool:
        if args.yes:
            return True
        for d in drift:
            print(f"  {d.field}: {d.actual} -> {d.expected}", file=sys.stderr)
        return confirm("The existing app differs from what Upflow needs. Repair it?")

    return ask


async def _apply(args: argparse.Namespace, options: SetupOptions) -> int:
    from okta_wizard.setup.engine import SecretNotStored, Setup
    from okta_wizard.setup.journal import SetupLocked
    from okta_wizard.setup.steps import run_apply, send_link

    assert options.assignment is not None
    async with Setup(options, on_progress=progress) as setup:
        try:
            outcome = await run_apply(
                setup, options.assignment, confirm_repair=_confirm_repair(args)
            )
            if args.send and outcome.ok:
                domains = tuple(args.email_domain) or _admin_domain(setup)
                await send_link(
                    setup,
                    outcome,
                    server_url=args.secrets_url,
                    email_domains=domains,
                    expire=args.expire,
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
    if args.json:
        # The link is not shown with --json (only its metadata is in the object).
        print_json(outcome_json(setup, outcome))
    else:
        if outcome.link_url is not None:
            _show_link_once(outcome.link_url)
        _print_human(setup, outcome)
    return int(ExitCode.OK if outcome.ok else ExitCode.UNEXPECTED)


def _admin_domain(setup: Setup) -> tuple[str, ...]:
    login = setup.journal.actor_login or ""
    return (login.rsplit("@", 1)[1],) if "@" in login else ()


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


def _show_link_once(link_url: Any) -> None:
    """The link opens the credentials: on the alternate screen only, never in the scrollback."""
    from okta_wizard.handoff.warnings import LINK_PREVIEW_WARNING

    show_once(
        "The one-time link for Upflow. Copy it now; it will not be shown again.",
        [("link:", link_url)],
        note=LINK_PREVIEW_WARNING,
    )


def outcome_json(setup: Setup, outcome: ApplyOutcome) -> dict[str, Any]:
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
    if outcome.link:
        data["link"] = outcome.link  # metadata only; the link itself is printed to a terminal
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
