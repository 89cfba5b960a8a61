"""Step 2, find our app: an app labelled as asked (Okta has no label filter: a `q=` search,
the exact label matched here), or the one the journal names if it was renamed in the console.
A second app is never made while one of ours exists.
"""

from __future__ import annotations

from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.okta.models import OidcApp
from okta_wizard.setup.reconcile import pick_app
from okta_wizard.setup.run import Run
from okta_wizard.setup.values import ExistingApp, SecretMissing


async def find_existing(run: Run) -> ExistingApp | None:
    label = run.options.label
    run.say(f"Looking for an app labelled {label!r}")
    journal_id = run.journal.app_id
    found = pick_app(await run.okta.find_apps_by_label(label), label, journal_id)
    if found is None and journal_id:
        # Renamed in the console? The journal's id still names our app.
        found = await _get_app_or_none(run, journal_id)
    run.looked_up = True
    run.app = found
    if found is None:
        return None
    run.note_app(found)
    run.journal.record(2, "done", f"found {found.id}")
    run.save()
    return ExistingApp(app=found, drift=run.drift(found))


async def current_app(run: Run) -> OidcApp | None:
    """Our app as Okta holds it, looked up once per run (None: there is none)."""
    if not run.looked_up:
        await find_existing(run)
    return run.app


async def require_app(run: Run, doing: str) -> OidcApp:
    """Our app, or SecretMissing naming what could not be done without it."""
    app = await current_app(run)
    if app is None:
        raise SecretMissing(
            f"No app labelled {run.options.label!r} in {run.origin}: there is nothing to {doing}.",
            remedy="Run `okta-wizard apply` first.",
        )
    return app


async def _get_app_or_none(run: Run, app_id: str) -> OidcApp | None:
    try:
        return await run.okta.get_app(app_id)
    except OktaError as exc:
        if exc.kind is ErrorKind.NOT_FOUND:
            return None
        raise
