"""The client secret: in the keyring from the moment Okta returns it; read back from Okta, or
a new one made, when this machine lost it; the old ones retired once Upflow has the new one.
Okta allows two secrets per app, and never a second app is made for a lost secret.
"""

from __future__ import annotations

from typing import Literal

from okta_wizard.okta.models import ClientSecret, OidcApp
from okta_wizard.secret import Secret
from okta_wizard.setup.lookup import require_app
from okta_wizard.setup.run import Run
from okta_wizard.setup.values import SecretMissing

MAX_SECRETS = 2  # Okta's cap per app


async def secret_for(run: Run, app: OidcApp) -> tuple[Secret, Literal["keyring", "okta", "new"]]:
    """The secret of a reused app: the keyring's, else recovered (see `recover_secret`)."""
    stored = await run.stored_secret(app)
    listed: list[ClientSecret] | None = None
    if stored and run.options.new_secret_if_lost:
        # --new-secret is the remedy when Okta rejects the keyring's secret: a stale one
        # (no longer an active secret of the app) counts as lost, not as found.
        listed = await run.okta.list_client_secrets(app.id)
        if not any(s.status == "ACTIVE" and s.value == stored for s in listed):
            run.say("The keyring's secret is no longer active in Okta")
            stored = None
    if stored:
        run.note_secret(stored)
        return stored, "keyring"
    return await _recover(run, app, create_new=run.options.new_secret_if_lost, listed=listed)


async def recover_secret(run: Run, *, create_new: bool) -> tuple[Secret, Literal["okta", "new"]]:
    """The secret is lost (keyring empty, e.g. another machine): read it or make a new one.

    `create_new=False` reads the active secret from `/credentials/secrets`;
    `create_new=True` creates a second one (Okta allows two); call `retire_old_secrets()`
    once Upflow has the new one. Never a second app.
    """
    app = await require_app(run, "recover a secret from")
    return await _recover(run, app, create_new=create_new, listed=None)


async def _recover(
    run: Run, app: OidcApp, *, create_new: bool, listed: list[ClientSecret] | None
) -> tuple[Secret, Literal["okta", "new"]]:
    """`recover_secret` for `app`; `listed`: its secrets as this run just read them."""
    secrets = listed if listed is not None else await run.okta.list_client_secrets(app.id)
    chosen: ClientSecret | None = None
    source: Literal["okta", "new"] = "okta"
    if create_new and len(secrets) < MAX_SECRETS:
        run.say("Creating a new client secret")
        chosen = await run.okta.create_client_secret(app.id, existing=secrets)
        source = "new"
    else:
        # Two secrets already (a rerun after a new one was made): the newest active one.
        readable = [s for s in secrets if s.status == "ACTIVE" and s.value]
        chosen = max(readable, key=lambda s: s.created, default=None)
        if chosen is None and len(secrets) < MAX_SECRETS:
            chosen = await run.okta.create_client_secret(app.id, existing=secrets)
            source = "new"
    if chosen is None or not chosen.value:
        raise SecretMissing(
            f"Okta holds no readable active secret for app {app.id}, and it already has two.",
            remedy="Delete an unused client secret in the Admin Console (app > General > "
            "Client secrets), then run apply again.",
        )
    run.say("Storing the client secret in the keyring")
    await run.store_secret(app, chosen.value)
    run.save()
    return chosen.value, source


async def old_secrets(run: Run) -> list[ClientSecret]:
    """The active secrets other than the keyring's: what `retire_old_secrets` would deactivate.

    Refuses (SecretMissing) unless the keyring's secret is itself an active secret of the
    app: otherwise retiring "the others" could deactivate the one Upflow uses.
    """
    app = await require_app(run, "retire secrets of")
    current = await run.require_stored_secret(
        app,
        remedy="Run `okta-wizard apply` first; old secrets are retired only when the keyring "
        "holds the one to keep.",
    )
    active = [s for s in await run.okta.list_client_secrets(app.id) if s.status == "ACTIVE"]
    if not any(s.value == current for s in active):
        raise SecretMissing(
            f"The keyring's secret ({current.fingerprint()}) is not an active secret of app "
            f"{app.id}; nothing was deactivated.",
            remedy="Run `okta-wizard apply --new-secret` to store an active one first.",
        )
    return [s for s in active if s.value != current]


async def retire_old_secrets(run: Run) -> list[str]:
    """After Upflow has the new secret: deactivate every other active one. Returns their ids.

    Never deactivates the secret the keyring holds (see `old_secrets`).
    """
    old = await old_secrets(run)
    app = await require_app(run, "retire secrets of")
    retired = []
    for s in old:
        run.say(f"Deactivating client secret {s.id}")
        await run.okta.deactivate_client_secret(app.id, s.id)
        retired.append(s.id)
    return retired
