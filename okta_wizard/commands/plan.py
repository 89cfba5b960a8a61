"""`okta-wizard plan`: what apply would change. Reads only: no POST, PUT or DELETE."""

from __future__ import annotations

import argparse
import asyncio

from okta_wizard.commands._common import make_vault, options_from, print_json, progress
from okta_wizard.errors import ExitCode
from okta_wizard.setup.engine import STEP_TITLES, SetupOptions


def run(args: argparse.Namespace) -> int:
    options = options_from(args, assignment_required=False)
    return asyncio.run(_plan(args, options))


async def _plan(args: argparse.Namespace, options: SetupOptions) -> int:
    from okta_wizard.setup.engine import Setup

    async with Setup(
        options, on_progress=progress, vault=make_vault(args), read_only=True
    ) as setup:
        actions = await setup.plan()
        calls = setup.calls
    if args.json:
        print_json(
            {
                "org_url": options.org_url.origin,
                "label": options.label,
                "app_id": setup.app.id if setup.app else None,
                "actions": [
                    {"step": a.step, "action": a.action, "detail": a.detail} for a in actions
                ],
                "okta_calls": calls,
            }
        )
    else:
        for a in actions:
            title = STEP_TITLES.get(a.step, "")
            detail = f"  ({a.detail})" if a.detail else ""
            print(f"{a.step or '-'} {title:<22}  {a.action}{detail}")
    refused = any(a.action.startswith("stop") for a in actions)
    return int(ExitCode.PERMISSION if refused else ExitCode.OK)
