"""`okta-wizard rotate`: a new client secret for Upflow, then (`--finish`) the old one retired.

`rotate` runs step 1's preflight, creates a second secret in Okta, keeps the old one in the
keyring entry `<origin>/<client_id>/previous`, stores the new one, checks that Okta accepts it
and hands it to Upflow through a one-time link that says it replaces the previous secret (the
link is shown as for `apply --send`). The rotation is then pending: `status` shows it.
`rotate --finish`, once Upflow confirms, deactivates and deletes the old secret, removes it from
the keyring and records the rotation in the receipt. `rotate --abort` keeps the old secret.

Each stage is resumable: after a crash or an error, the same command goes on from where it
stopped (setup/rotate.py). `--finish` and `--abort` ask first (or --yes); so does deleting an
inactive secret that is in the way of the new one. Exit codes as everywhere; 2 also when a
question cannot be asked (no terminal, no --yes): nothing is changed then.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

from okta_wizard.commands._common import confirm, options_from, print_json, progress
from okta_wizard.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from okta_wizard.commands.apply import _SendPlan
    from okta_wizard.setup.engine import Setup, SetupOptions
    from okta_wizard.setup.rotate import RotationAborted, RotationFinished, RotationStarted


def run(args: argparse.Namespace) -> int:
    stage = "--finish" if args.finish else "--abort" if args.abort else None
    send = None if stage else _send_plan(args)
    if stage and args.reveal:
        raise UsageError(
            f"--reveal applies to the one-time link, and `rotate {stage}` makes none.",
            remedy="Drop --reveal.",
        )
    if stage and not args.yes and not sys.stdin.isatty():
        raise UsageError(
            f"`rotate {stage}` deactivates a client secret in Okta and asks first, but there is "
            "no terminal to ask. Nothing was changed.",
            remedy=f"Run it in a terminal, or add --yes: okta-wizard rotate {stage} --yes",
        )
    options = options_from(args, assignment_required=False)
    return asyncio.run(_rotate(args, options, send))


def _send_plan(args: argparse.Namespace) -> _SendPlan:
    """The hand-off's options and where the link goes: checked before any Okta call."""
    from okta_wizard.commands.apply import _check_send_options

    return _check_send_options(args)


async def _rotate(args: argparse.Namespace, options: SetupOptions, send: _SendPlan | None) -> int:
    from okta_wizard.setup.engine import Setup

    async with Setup(options, on_progress=progress) as setup:
        if args.finish:
            return _print_finished(args, setup, await _finish(args, setup))
        if args.abort:
            return _print_aborted(args, setup, await _abort(args, setup))
        assert send is not None
        started = await _start(args, setup, send)
    return _print_started(args, setup, started, send)


async def _start(args: argparse.Namespace, setup: Setup, send: _SendPlan) -> RotationStarted:
    from okta_wizard.setup.rotate import (
        InactiveSecretInTheWay,
        inactive_secret_question,
        start_rotation,
    )

    try:
        return await start_rotation(setup, send.options, allow_delete_inactive=args.yes)
    except InactiveSecretInTheWay as exc:
        # Asked only now: Okta said no, and nothing was left behind by this try.
        if args.yes or not confirm(inactive_secret_question(exc.secret)):
            raise
    return await start_rotation(setup, send.options, allow_delete_inactive=True)


async def _finish(args: argparse.Namespace, setup: Setup) -> RotationFinished:
    from okta_wizard.setup.rotate import finish_question, finish_rotation, pending_rotation

    pending = pending_rotation(setup.journal)
    asks = pending is not None and pending.stage in ("handed_off", "finishing") and not args.yes
    if asks and pending is not None and not confirm(finish_question(pending)):
        raise UsageError("Nothing was changed.", remedy="Run it again once Upflow confirms.")
    return await finish_rotation(setup)


async def _abort(args: argparse.Namespace, setup: Setup) -> RotationAborted:
    from okta_wizard.setup.rotate import abort_question, abort_rotation, pending_rotation

    pending = pending_rotation(setup.journal)
    if pending is not None and not args.yes and not confirm(abort_question(pending)):
        raise UsageError("Nothing was changed.", remedy="Run it again to abort.")
    return await abort_rotation(setup)


def _print_started(
    args: argparse.Namespace, setup: Setup, started: RotationStarted, send: _SendPlan
) -> int:
    from okta_wizard.commands.send import IN_JSON, link_json, print_link_notes, show_link

    sent = started.sent
    show_link(sent, send.delivery)
    if args.json:
        data: dict[str, Any] = {
            "ok": True,
            "org_url": setup.origin,
            "app_id": started.app_id,
            "stage": "handed_off",
            "resumed": started.resumed,
            "old_secret": {"id": started.old_secret_id, "fingerprint": started.old_fingerprint},
            "new_secret": {"id": started.new_secret_id, "fingerprint": started.new_fingerprint},
            "deleted_inactive_secret": started.deleted_inactive,
            "previous_keyring_entry": started.previous_entry,
            "link": link_json(sent, reveal=send.delivery == IN_JSON),
            "okta_calls": setup.calls,
        }
        print_json(data)
    else:
        if started.deleted_inactive:
            print(f"Deleted the inactive client secret {started.deleted_inactive}.")
        print(
            f"New client secret {started.new_fingerprint} (id {started.new_secret_id}) is in "
            f"the keyring and handed to Upflow; Okta accepts it."
        )
        print(
            f"The old one, {started.old_fingerprint} (id {started.old_secret_id}), stays "
            f"active, and in the keyring entry {started.previous_entry}, until you retire it."
        )
        print(
            "Once Upflow confirms it signs in with the new secret, run: okta-wizard rotate "
            f"--org-url {setup.origin} --finish"
        )
        print(f"Receipt (no secret): {sent.receipt}")
    print_link_notes(sent)
    return int(ExitCode.OK)


def _print_finished(args: argparse.Namespace, setup: Setup, done: RotationFinished) -> int:
    if args.json:
        print_json(
            {
                "ok": True,
                "org_url": setup.origin,
                "app_id": done.app_id,
                "retired_secret": {"id": done.old_secret_id, "fingerprint": done.old_fingerprint},
                "current_secret": {"id": done.new_secret_id, "fingerprint": done.new_fingerprint},
                "finished_at": done.finished_at,
                "receipt": str(done.receipt) if done.receipt else None,
                "okta_calls": setup.calls,
            }
        )
        return int(ExitCode.OK)
    print(done.old_secret_words())
    print(f"Upflow's secret is now {done.new_fingerprint} (id {done.new_secret_id}).")
    if done.receipt:
        print(f"Recorded in the receipt: {done.receipt}")
    else:
        print("No receipt was saved on this machine, so the rotation is recorded nowhere else.")
    return int(ExitCode.OK)


def _print_aborted(args: argparse.Namespace, setup: Setup, done: RotationAborted) -> int:
    link = done.link
    if args.json:
        print_json(
            {
                "ok": done.link_error is None,
                "org_url": setup.origin,
                "app_id": done.app_id,
                "kept_secret_fingerprint": done.kept_fingerprint,
                "deleted_secret": done.deleted_secret_id,
                "link_deleted": link.paste_id if link is not None else None,
                "link_error": done.link_error.message if done.link_error else None,
                "okta_calls": setup.calls,
            }
        )
    else:
        if done.deleted_secret_id:
            print(f"Deactivated and deleted the new client secret {done.deleted_secret_id}.")
        print(f"Kept the old secret {done.kept_fingerprint}: it is the keyring's again.")
        if link is not None:
            print(f"The rotation's one-time link {link.paste_id} is deleted (or was already).")
    if done.link_error is not None:
        print(
            f"okta-wizard: {done.link_error}\n  The secret in that link is deleted in Okta, "
            "so it no longer works.",
            file=sys.stderr,
        )
        return int(ExitCode.HANDOFF)
    return int(ExitCode.OK)
