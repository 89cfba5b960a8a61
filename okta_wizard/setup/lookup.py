"""Step 2, find our app: the one the journal names, read by id (`GET /api/v1/apps/{id}`, a
rate-limit family of its own) while it still carries our label; else the apps labelled as
asked (Okta has no label filter: a `q=` search, the exact label matched here), or the
journal's app if it was renamed in the console. A second app is never made while one of ours
exists. Step 1 looks first (it proves the credential may read apps); step 2 uses what it saw.
"""

from __future__ import annotations

from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.okta.models import OidcApp
from okta_wizard.setup.reconcile import pick_app
from okta_wizard.setup.run import AppsSeen, Run
from okta_wizard.setup.values import ExistingApp, SecretMissing


async def fetch_apps(run: Run) -> AppsSeen:
    """The Okta calls of the look: by id first when the journal knows one, the label search
    only when that is not our app (or there is no id)."""
    label, journal_id = run.options.label, run.journal.app_id
    by_id = await _get_app_or_none(run, journal_id) if journal_id else None
    if by_id is not None and pick_app([by_id], label, journal_id) is by_id:
        return AppsSeen(label, by_id, None, run.clock())
    labelled = tuple(await run.okta.find_apps_by_label(label))
    seen = AppsSeen(label, by_id, labelled, run.clock())
    if not labelled:
        run.label_absent = (label, seen.at)
    return seen


def _ours(seen: AppsSeen, journal_id: str | None) -> OidcApp | None:
    if seen.labelled is None:
        return seen.by_id
    # Renamed in the console? The journal's id still names our app.
    return pick_app(seen.labelled, seen.label, journal_id) or seen.by_id


async def find_existing(run: Run) -> ExistingApp | None:
    label = run.options.label
    run.say(f"Looking for an app labelled {label!r}")
    seen, run.prefetched = run.prefetched, None
    if seen is None or seen.label != label or not run.recent(seen.at):
        seen = await fetch_apps(run)
    found = _ours(seen, run.journal.app_id)
    run.looked_up, run.app = True, found
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
