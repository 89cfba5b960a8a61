"""`okta-wizard status`: saved progress per org, without secrets. Needs no token.

Reads the state folder only. A file there that is not a journal this program wrote is named
on stderr with the fix, after the readable setups, and the run exits 2. A pending secret
rotation is shown with how long it has been pending; an integration `remove` removed is shown
by its final receipt (`--receipt` prints it).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from okta_wizard.cli import org_url_arg
from okta_wizard.commands._common import print_json
from okta_wizard.errors import ExitCode
from okta_wizard.orgurl import parse_org_url
from okta_wizard.setup.engine import STEP_TITLES

if TYPE_CHECKING:
    from okta_wizard.savedfile import SavedFileDamaged
    from okta_wizard.setup.journal import Journal
    from okta_wizard.setup.remove import RemovalReceipt


def run(args: argparse.Namespace) -> int:
    from okta_wizard.setup.journal import journal_path, scan_journals

    given = org_url_arg(args)
    wanted = parse_org_url(given).origin if given else None
    journals, damaged = scan_journals()
    setups = [j for j in journals if wanted is None or j.org_url == wanted]
    if wanted is not None:
        damaged = [d for d in damaged if d.path.name == journal_path(wanted).name]
    removed = _removal_receipt(wanted) if wanted and not setups else None
    if args.receipt:
        if damaged and not setups:  # whose receipt it is cannot be read: no "none saved"
            return _report_damaged(damaged)
        if removed is not None:
            return _print_removal_receipt(removed, as_json=args.json)
        code = _print_receipts([s.org_url for s in setups], as_json=args.json)
        return _report_damaged(damaged) or code
    if args.json:
        data = {"setups": [_setup_json(s) for s in setups], "damaged": _damaged_json(damaged)}
        if removed is not None:
            data["removed"] = {"removed_at": removed.removed_at, "app_id": removed.app_id}
        print_json(data)
    elif setups or not damaged:
        _print_setups(setups, wanted)
        if removed is not None:
            print(
                f"The integration {removed.label!r} (app {removed.app_id or '-'}) was removed "
                f"at {removed.removed_at}; `okta-wizard status --receipt --org-url "
                f"{removed.org_url}` prints what was removed."
            )
    return _report_damaged(damaged) or int(ExitCode.OK)


def _removal_receipt(origin: str) -> RemovalReceipt | None:
    from okta_wizard.setup.remove import read_removal_receipt

    return read_removal_receipt(origin)


def _print_removal_receipt(receipt: RemovalReceipt, *, as_json: bool) -> int:
    from dataclasses import asdict

    from okta_wizard.setup.remove import render_removal_receipt

    if as_json:
        print(json.dumps([asdict(receipt)], indent=2, sort_keys=True))
    else:
        print(render_removal_receipt(receipt), end="")
    return int(ExitCode.OK)


def _rotation_json(s: Journal) -> dict[str, object] | None:
    from okta_wizard.setup.rotate import pending_rotation

    pending = pending_rotation(s)
    if pending is None:
        return None
    return {
        "stage": pending.stage,
        "started_at": pending.started_at,
        "pending_seconds": int(pending.pending_seconds),
        "old_secret": {"id": pending.old_secret_id, "fingerprint": pending.old_fingerprint},
        "new_secret": {"id": pending.new_secret_id, "fingerprint": pending.new_fingerprint},
        "handed_off_at": pending.handed_off_at,
        "next": pending.describe(),
    }


def _setup_json(s: Journal) -> dict[str, object]:
    return {
        "org_url": s.org_url,
        "label": s.label,
        "app_id": s.app_id,
        "client_id": s.client_id,
        "step_reached": s.step_reached,
        "updated_at": s.updated_at,
        "steps": {str(n): r.state for n, r in sorted(s.steps.items())},
        "secret_fingerprint": s.secret_fingerprint,
        "rotation": _rotation_json(s),
        "removal_started_at": s.removal.started_at if s.removal else None,
    }


def _damaged_json(damaged: list[SavedFileDamaged]) -> list[dict[str, str]]:
    return [{"path": str(d.path), "problem": d.problem, "fix": d.remedy} for d in damaged]


def _print_setups(setups: list[Journal], wanted: str | None) -> None:
    if not setups:
        print("No saved setup." + (f" (for {wanted})" if wanted else ""))
    for s in setups:
        print(f"{s.org_url}  '{s.label}'  app {s.app_id or '-'}  updated {s.updated_at}")
        for n, title in STEP_TITLES.items():
            print(f"  {n} {title:<22}  {s.step_state(n)}")
        if s.secret_fingerprint:
            print(f"  secret fingerprint        {s.secret_fingerprint}")
        _print_lifecycle(s)


def _print_lifecycle(s: Journal) -> None:
    from okta_wizard.setup.rotate import pending_rotation

    pending = pending_rotation(s)
    if pending is not None:
        print(f"  secret rotation           {pending.describe()}")
    if s.removal is not None:
        print(
            f"  removal                   began {s.removal.started_at} and did not complete: "
            f"run `okta-wizard remove --org-url {s.org_url}` again"
        )


def _report_damaged(damaged: list[SavedFileDamaged]) -> int:
    """Each unusable file on stderr with its fix; exit 2 if there is one."""
    for d in damaged:
        print(f"okta-wizard: {d}", file=sys.stderr)
    return int(ExitCode.USAGE) if damaged else 0


def _print_receipts(origins: list[str], *, as_json: bool) -> int:
    from okta_wizard.handoff.receipt import read_receipt, render_receipt, to_json
    from okta_wizard.savedfile import SavedFileDamaged
    from okta_wizard.setup.journal import receipt_path

    receipts = []
    for origin in origins:
        try:
            receipt = read_receipt(receipt_path(origin))
        except SavedFileDamaged as exc:
            print(f"okta-wizard: {exc}", file=sys.stderr)
            return int(ExitCode.USAGE)
        if receipt is not None:
            receipts.append(receipt)
    if not receipts:
        print("okta-wizard: no receipt saved yet; it is written by `send`.", file=sys.stderr)
        return int(ExitCode.USAGE)
    if as_json:
        print(json.dumps([to_json(r) for r in receipts], indent=2, sort_keys=True))
    else:
        print("\n".join(render_receipt(r) for r in receipts))
    return int(ExitCode.OK)
