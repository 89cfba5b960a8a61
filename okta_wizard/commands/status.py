"""`okta-wizard status`: saved progress per org, without secrets. Needs no token."""

from __future__ import annotations

import argparse
import json
import sys

from okta_wizard.cli import org_url_arg
from okta_wizard.commands._common import print_json
from okta_wizard.errors import ExitCode
from okta_wizard.orgurl import parse_org_url
from okta_wizard.setup.engine import STEP_TITLES, list_saved_setups


def run(args: argparse.Namespace) -> int:
    given = org_url_arg(args)
    wanted = parse_org_url(given).origin if given else None
    setups = [s for s in list_saved_setups() if wanted is None or s.org_url == wanted]
    if args.receipt:
        return _print_receipts([s.org_url for s in setups], as_json=args.json)
    if args.json:
        print_json(
            {
                "setups": [
                    {
                        "org_url": s.org_url,
                        "label": s.label,
                        "app_id": s.app_id,
                        "client_id": s.client_id,
                        "step_reached": s.step_reached,
                        "updated_at": s.updated_at,
                        "steps": {str(n): state for n, state in s.steps.items()},
                        "secret_fingerprint": s.secret_fingerprint,
                    }
                    for s in setups
                ]
            }
        )
        return int(ExitCode.OK)
    if not setups:
        print("No saved setup." + (f" (for {wanted})" if wanted else ""))
        return int(ExitCode.OK)
    for s in setups:
        print(f"{s.org_url}  {s.label!r}  app {s.app_id or '-'}  updated {s.updated_at}")
        for n, title in STEP_TITLES.items():
            print(f"  {n} {title:<22}  {s.steps.get(n, 'pending')}")
        if s.secret_fingerprint:
            print(f"  secret fingerprint        {s.secret_fingerprint}")
    return int(ExitCode.OK)


def _print_receipts(origins: list[str], *, as_json: bool) -> int:
    from okta_wizard.handoff.receipt import read_receipt, render_receipt, to_json
    from okta_wizard.setup.journal import receipt_path

    receipts = [r for r in (read_receipt(receipt_path(o)) for o in origins) if r is not None]
    if not receipts:
        print("okta-wizard: no receipt saved yet; it is written by `send`.", file=sys.stderr)
        return int(ExitCode.USAGE)
    if as_json:
        print(json.dumps([to_json(r) for r in receipts], indent=2, sort_keys=True))
    else:
        print("\n".join(render_receipt(r) for r in receipts))
    return int(ExitCode.OK)
