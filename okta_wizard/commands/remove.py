"""`okta-wizard remove`: revoke the link, deactivate and delete the app, forget it locally.

Shows exactly what will go (the app by label and id, its group assignments, an unread
one-time link, the keyring entries, the saved progress and receipt), then asks the admin to
type the app's label. Without a terminal: `--yes --confirm-label "Upflow SSO"`; a label that
does not match exits 2 and nothing is removed. Then it deletes the link (a delete the server
does not confirm keeps the token and stops: exit 7), deactivates and deletes the app, deletes
the keyring entries and the journal, and writes a final receipt of what was removed and when.

Resumable: after a crash the same command goes on (setup/remove.py). It never touches another
app: the journal's exact app id, or the one app with exactly this label (two: refused, exit 2).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, TextIO

from okta_wizard.commands._common import options_from, print_json, progress
from okta_wizard.errors import ExitCode, UsageError
from okta_wizard.setup.spec import DEFAULT_LABEL

if TYPE_CHECKING:
    from okta_wizard.setup.engine import SetupOptions
    from okta_wizard.setup.remove import RemovalInventory


def run(args: argparse.Namespace) -> int:
    label = getattr(args, "label", None) or DEFAULT_LABEL
    if args.yes and args.confirm_label is None:
        raise UsageError(
            "--yes removes without asking, so it needs the app's label typed out.",
            remedy=f'Add --confirm-label "{label}" (the label of the app to remove).',
        )
    if not args.yes and not sys.stdin.isatty():
        raise UsageError(
            "remove asks you to type the app's label, and there is no terminal to ask. "
            "Nothing was removed.",
            remedy=f'Run it in a terminal, or pass --yes --confirm-label "{label}".',
        )
    options = options_from(args, assignment_required=False)
    return asyncio.run(_remove(args, options))


def _ask_label(inventory: RemovalInventory) -> str:
    """The confirmation, on stderr (stdout may be JSON): the label, typed."""
    prompt = f"Type the app's label ({inventory.label}) to remove all of this: "
    print(prompt, end="", file=sys.stderr)
    sys.stderr.flush()
    try:
        return input()
    except EOFError:
        return ""


async def _remove(args: argparse.Namespace, options: SetupOptions) -> int:
    from okta_wizard.setup.engine import Setup
    from okta_wizard.setup.remove import removal_inventory, remove_integration

    async with Setup(options, on_progress=progress) as setup:
        inventory = await removal_inventory(setup)
        if inventory.nothing:
            _print_nothing(args, setup.origin)
            return int(ExitCode.OK)
        _print_inventory(inventory, to=sys.stderr if args.json else sys.stdout)
        typed = args.confirm_label if args.yes else _ask_label(inventory)
        report = await remove_integration(setup, inventory, confirmed_label=typed)
        calls = setup.calls
    receipt = report.receipt
    if args.json:
        print_json(
            {
                "ok": True,
                "org_url": receipt.org_url,
                "label": receipt.label,
                "app_id": receipt.app_id,
                "removed": list(receipt.removed),
                "removed_at": receipt.removed_at,
                "link_left_open": receipt.link_left_open or None,
                "receipt": str(report.receipt_path),
                "okta_calls": calls,
            }
        )
    else:
        print(f"Removed the integration from {receipt.org_url} at {receipt.removed_at}:")
        for item in receipt.removed:
            print(f"  - {item}")
        print(f"Final receipt (no secret): {report.receipt_path}")
    for note in report.notes:
        print(f"okta-wizard: {note}", file=sys.stderr)
    return int(ExitCode.OK)


def _print_nothing(args: argparse.Namespace, origin: str) -> None:
    if args.json:
        print_json({"ok": True, "org_url": origin, "removed": [], "nothing_to_remove": True})
    else:
        label = getattr(args, "label", None) or DEFAULT_LABEL
        print(
            f"Nothing to remove for {origin}: no app labelled {label!r} in Okta and nothing "
            "saved on this machine."
        )


def _print_inventory(inventory: RemovalInventory, *, to: TextIO) -> None:
    if inventory.resumed:
        print("A removal began earlier and did not complete; it goes on with:", file=to)
    else:
        print(f"This removes from {inventory.org_url}:", file=to)
    for line in inventory.lines():
        print(f"  - {line}", file=to)
    if inventory.rotation_pending:
        print("  (a secret rotation is pending: both of its secrets go with the app)", file=to)
