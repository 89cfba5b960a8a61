"""`okta-wizard plan`: what apply would change. Reads only: no POST, PUT or DELETE.

`--rotate`: what `rotate` and then `rotate --finish` would do from here (setup/rotate.py);
`--remove`: the list `remove` would remove (setup/remove.py). Neither changes anything.
"""

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

    if getattr(args, "rotate", False) or getattr(args, "remove", False):
        return await _plan_lifecycle(args, options)
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


async def _plan_lifecycle(args: argparse.Namespace, options: SetupOptions) -> int:
    """plan --rotate / --remove: the same reads as the command, no change."""
    from okta_wizard.setup.engine import Setup
    from okta_wizard.setup.remove import removal_inventory
    from okta_wizard.setup.rotate import LifecycleStep, plan_rotation

    async with Setup(
        options, on_progress=progress, vault=make_vault(args), read_only=True
    ) as setup:
        if args.rotate:
            steps = await plan_rotation(setup)
        else:
            inventory = await removal_inventory(setup)
            lines = inventory.lines() or ["nothing: no app in Okta and nothing saved here"]
            steps = [LifecycleStep("remove", "remove", line) for line in lines]
        calls = setup.calls
    if args.json:
        print_json(
            {
                "org_url": options.org_url.origin,
                "label": options.label,
                "plan": "rotate" if args.rotate else "remove",
                "actions": [
                    {"command": s.command, "action": s.action, "detail": s.detail} for s in steps
                ],
                "okta_calls": calls,
            }
        )
    else:
        width = max(len(s.command) for s in steps)
        for s in steps:
            detail = f"  ({s.detail})" if s.detail and s.command != "remove" else ""
            what = s.detail if s.command == "remove" else s.action
            print(f"{s.command:<{width}}  {what}{detail}")
    if any(s.action.startswith("stop: preflight") for s in steps):
        return int(ExitCode.PERMISSION)
    return int(ExitCode.USAGE if any(s.action.startswith("stop") for s in steps) else ExitCode.OK)
