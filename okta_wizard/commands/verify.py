"""`okta-wizard verify`: live checks of an existing setup; `--fix` repairs drift.

Exit 0 when every check passes, 1 when one fails (each failure prints its remedy).
"""

from __future__ import annotations

import argparse
import asyncio

from okta_wizard.commands._common import check_lines, confirm, options_from, print_json, progress
from okta_wizard.errors import ExitCode
from okta_wizard.setup.engine import SetupOptions

FIXABLE = {
    "app active",
    "sign-in redirect URIs exact",
    "sign-out redirect URIs exact",
    "grant types exact",
    "response types exact",
    "client authentication",
    "PKCE not required",
    "label",
}


def run(args: argparse.Namespace) -> int:
    options = options_from(args, assignment_required=False)
    return asyncio.run(_verify(args, options))


async def _verify(args: argparse.Namespace, options: SetupOptions) -> int:
    from okta_wizard.setup.engine import Setup

    repaired: list[str] = []
    async with Setup(options, on_progress=progress) as setup:
        checks = await setup.verify()
        fixable = [c for c in checks if not c.ok and c.name in FIXABLE]
        if args.fix and fixable and (args.yes or confirm("Repair the app in Okta?")):
            repaired = [d.field for d in await setup.repair_drift()]
            checks = await setup.verify()
        app_id = setup.app.id if setup.app else None
    ok = all(c.ok for c in checks)
    if args.json:
        print_json(
            {
                "ok": ok,
                "org_url": options.org_url.origin,
                "app_id": app_id,
                "repaired": repaired,
                "checks": [
                    {"name": c.name, "ok": c.ok, "detail": c.detail, "remedy": c.remedy}
                    for c in checks
                ],
            }
        )
    else:
        if repaired:
            print("Repaired: " + ", ".join(repaired))
        print("\n".join(check_lines(checks)))
    return int(ExitCode.OK if ok else ExitCode.UNEXPECTED)
