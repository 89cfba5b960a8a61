"""Step 3, the app: create it with Upflow's settings (its secret goes to the keyring before
anything else happens), or reuse ours, repairing drift in the fields the wizard owns and
reactivating it when it is INACTIVE (Upflow cannot sign in through an inactive app).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from okta_wizard.okta.models import OidcApp
from okta_wizard.setup.lookup import current_app
from okta_wizard.setup.run import Run
from okta_wizard.setup.secret import secret_for
from okta_wizard.setup.values import AppReport, Drift


async def create_or_reuse(run: Run, *, repair: bool) -> AppReport:
    """Create the app, or reuse ours; the secret ends up in the keyring either way.

    With `repair`, drift in the wizard-owned fields is corrected; an INACTIVE app is
    always reactivated (Upflow cannot sign in through it).
    """
    await asyncio.to_thread(run.vault.ensure_usable)  # refuse before an app exists
    app = await current_app(run)
    if app is None:
        return await _create(run)
    app, repaired = await _repair(run, app, fields=repair)
    run.note_app(app)
    _secret, source = await secret_for(run, app)
    left = [d.field for d in run.drift(app) if not repair]
    run.journal.record(3, "done", ("drift left: " + ", ".join(left)) if left else "")
    run.save()
    return AppReport(app, False, repaired, source, run.vault.backend_name())


async def repair_drift(run: Run) -> tuple[Drift, ...]:
    """verify --fix: correct the wizard-owned fields and reactivate."""
    app = await current_app(run)
    if app is None:
        return ()
    app, repaired = await _repair(run, app, fields=True)
    run.note_app(app)
    run.save()
    return repaired


async def _repair(run: Run, app: OidcApp, *, fields: bool) -> tuple[OidcApp, tuple[Drift, ...]]:
    """Put back what Upflow needs: the drifted fields (when `fields`), then ACTIVE. Returns
    the app as Okta now holds it and what was repaired."""
    repaired: list[Drift] = []
    field_drift = [d for d in run.drift(app) if d.field != "status"]
    if field_drift and fields:
        run.say("Repairing " + ", ".join(d.field for d in field_drift))
        app = await run.okta.update_oidc_app(app, run.settings)
        repaired += field_drift
    if not app.active:
        run.say(f"Reactivating app {app.id}")
        await run.okta.activate_app(app.id)
        repaired.append(Drift("status", "ACTIVE", app.status))
        app = replace(app, status="ACTIVE")
    return app, tuple(repaired)


async def _create(run: Run) -> AppReport:
    label = run.options.label
    run.say(f"Creating app {label!r}")
    created = await run.okta.create_oidc_app(
        run.settings, label_absent=run.searched_absent_recently(label)
    )
    app = created.app
    await run.store_secret(app, created.client_secret)  # before anything else happens
    run.note_app(app)
    run.assigned[app.id] = set()  # a new app has no assignments
    run.journal.record(2, "done", "no existing app")
    run.journal.record(3, "done", f"created {app.id}")
    run.save()
    return AppReport(app, True, (), "created", run.vault.backend_name())
