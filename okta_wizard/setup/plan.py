"""What `apply` would change, found by reading only: no POST, PUT or DELETE reaches Okta."""

from __future__ import annotations

from okta_wizard.okta.models import OidcApp
from okta_wizard.setup.assignment import assigned_group_ids, resolve_groups
from okta_wizard.setup.connect import connect
from okta_wizard.setup.lookup import current_app
from okta_wizard.setup.run import Run
from okta_wizard.setup.values import PlannedAction

NOTHING = PlannedAction(0, "nothing", "the setup is complete")


async def plan(run: Run) -> list[PlannedAction]:
    report = await connect(run)
    if not report.ok:
        failed = "; ".join(f"{c.name}: {c.detail}" for c in report.checks if not c.ok)
        return [PlannedAction(1, "stop: preflight refused", failed)]
    app = await current_app(run)
    actions = await _app_actions(run, app) + await _assignment_actions(run, app)
    return actions or [NOTHING]


async def _app_actions(run: Run, app: OidcApp | None) -> list[PlannedAction]:
    if app is None:
        return [
            PlannedAction(3, "create app", run.options.label),
            PlannedAction(3, "store client secret in keyring", run.vault.backend_name()),
        ]
    actions = []
    for d in run.drift(app):
        action = "activate app" if d.field == "status" else f"repair {d.field}"
        actions.append(PlannedAction(3, action, f"{d.actual} -> {d.expected}"))
    if not await run.stored_secret(app):
        how = (
            "create a new client secret"
            if run.options.new_secret_if_lost
            else "read the active client secret from Okta"
        )
        actions.append(PlannedAction(3, how, "and store it in the keyring"))
    return actions


async def _assignment_actions(run: Run, app: OidcApp | None) -> list[PlannedAction]:
    choice = run.options.assignment
    if choice is None:
        return [PlannedAction(4, "choose an assignment", "--everyone, --group or --no-assignment")]
    if choice.mode == "none":
        return []
    groups = await resolve_groups(run, choice)
    assigned = await assigned_group_ids(run, app.id) if app else set()
    return [
        PlannedAction(4, f"assign group {g.name}", g.id) for g in groups if g.id not in assigned
    ]
